from django.urls import path

from .views import notices, objections, publication

app_name = "public"
urlpatterns = [
    # The public: no login.
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/pdf/", notices.notice_pdf, name="notice_pdf"),
    path("notices/<int:pk>/objection/", objections.objection_form, name="objection_form"),
    path("notices/<int:pk>/objection/receipt/<str:number>/", objections.objection_receipt, name="objection_receipt"),
    path("publications/<int:pk>/", publication.publication_detail, name="publication_detail"),
    path("publications/<int:pk>/pdf/", publication.publication_pdf, name="publication_pdf"),
    path("registry/", publication.registry, name="registry"),
    path("registry/<str:key>/", publication.registry_cluster, name="registry_cluster"),
    path("verify/", publication.verify_form, name="verify_form"),
    path("verify/<str:number>/", publication.verify, name="verify"),
    # The certified cluster's applicant and province staff.
    path("certificates/<str:number>/pdf/", publication.certificate_pdf, name="certificate_pdf"),
    # Province staff.
    path("manage/notices/", notices.notice_manage, name="notice_manage"),
    path("manage/notices/period/", notices.notice_period_preview, name="notice_period_preview"),
    path("manage/notices/new/<int:call_pk>/", notices.notice_create, name="notice_create"),
    path("manage/notices/<int:pk>/", notices.notice_admin, name="notice_admin"),
    path("manage/notices/<int:pk>/publish/", notices.notice_publish, name="notice_publish"),
    path("manage/notices/<int:pk>/publication/", publication.publication_create, name="publication_create"),
    path("manage/objections/<int:pk>/personal/", notices.objection_personal, name="objection_personal"),
    path("manage/objections/<int:pk>/handle/", notices.objection_handle, name="objection_handle"),
    path("manage/objections/<int:pk>/phoned/", objections.objection_phoned, name="objection_phoned"),
    path("manage/objection-files/<int:pk>/", notices.objection_evidence, name="objection_evidence"),
]
