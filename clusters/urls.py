from django.urls import path

from . import views

app_name = "clusters"
urlpatterns = [
    path("calls/", views.public_call_list, name="public_call_list"),
    path("calls/<int:year>/", views.public_call_detail, name="public_call_detail"),
    path("progress/", views.progress_lookup, name="progress_lookup"),
    path("manage/calls/", views.call_manage_list, name="call_manage_list"),
    path("manage/calls/new/", views.call_create, name="call_create"),
    path("manage/calls/<int:pk>/", views.call_edit, name="call_edit"),
    path("manage/calls/<int:pk>/publish/", views.call_publish, name="call_publish"),
    path("clusters/", views.cluster_list, name="cluster_list"),
    path("clusters/new/", views.cluster_create, name="cluster_create"),
    path("clusters/<int:pk>/edit/", views.cluster_edit, name="cluster_edit"),
    path("clusters/<int:cluster_pk>/apply/", views.application_start, name="application_start"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/<slug:section>/", views.application_edit, name="application_edit"),
    path("applications/<int:pk>/eligibility/", views.eligibility_panel, name="eligibility_panel"),
    path("applications/<int:pk>/enterprises/add/", views.enterprise_add, name="enterprise_add"),
    path("applications/<int:pk>/enterprises/<int:item_pk>/remove/", views.enterprise_remove, name="enterprise_remove"),
    path("applications/<int:pk>/roster/template.xlsx", views.roster_template, name="roster_template"),
    path("applications/<int:pk>/roster/import/", views.roster_import, name="roster_import"),
    path("applications/<int:pk>/items/add/", views.list_item_add, name="list_item_add"),
    path("applications/<int:pk>/items/<int:item_pk>/remove/", views.list_item_remove, name="list_item_remove"),
    path("applications/<int:pk>/targets/add/", views.plan_target_add, name="plan_target_add"),
    path("applications/<int:pk>/targets/<int:item_pk>/remove/", views.plan_target_remove, name="plan_target_remove"),
    path("applications/<int:pk>/attachments/upload/", views.attachment_upload, name="attachment_upload"),
    path("applications/<int:pk>/attachments/<int:item_pk>/", views.attachment_download, name="attachment_download"),
    path("applications/<int:pk>/attachments/<int:item_pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/versions/<int:number>/pdf/", views.version_pdf, name="version_pdf"),
    path("applications/<int:pk>/versions/<int:number>/diff/", views.version_diff, name="version_diff"),
]
