from django.urls import path

from . import views_public as views

app_name = "public"
urlpatterns = [
    # The public: no login.
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/pdf/", views.notice_pdf, name="notice_pdf"),
    path("notices/<int:pk>/objection/", views.objection_form, name="objection_form"),
    path("publications/<int:pk>/", views.publication_detail, name="publication_detail"),
    path("publications/<int:pk>/pdf/", views.publication_pdf, name="publication_pdf"),
    path("registry/", views.registry, name="registry"),
    path("registry/<str:key>/", views.registry_cluster, name="registry_cluster"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/<str:number>/", views.verify, name="verify"),
    # The certified cluster's applicant and province staff.
    path("certificates/<str:number>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    # Province staff.
    path("manage/notices/", views.notice_manage, name="notice_manage"),
    path("manage/notices/period/", views.notice_period_preview, name="notice_period_preview"),
    path("manage/notices/new/<int:call_pk>/", views.notice_create, name="notice_create"),
    path("manage/notices/<int:pk>/", views.notice_admin, name="notice_admin"),
    path("manage/notices/<int:pk>/publish/", views.notice_publish, name="notice_publish"),
    path("manage/notices/<int:pk>/publication/", views.publication_create, name="publication_create"),
    path("manage/objections/<int:pk>/personal/", views.objection_personal, name="objection_personal"),
    path("manage/objections/<int:pk>/handle/", views.objection_handle, name="objection_handle"),
    path("manage/objection-files/<int:pk>/", views.objection_evidence, name="objection_evidence"),
]
