from django.urls import path

from . import views

app_name = "monitoring"
urlpatterns = [
    path("monitoring/", views.home, name="home"),
    # annual reports
    path("monitoring/reports/start/", views.report_start, name="report_start"),
    path("monitoring/reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("monitoring/reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("monitoring/reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("monitoring/reports/<int:pk>/verify/", views.report_verify, name="report_verify"),
    path("monitoring/reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("monitoring/reports/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path(
        "monitoring/reports/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "monitoring/reports/<int:pk>/attachments/<int:attachment_pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    # the city's information table
    path("monitoring/cities/<str:code>/<int:year>/", views.city_submission, name="city_submission"),
    path("monitoring/cities/<str:code>/<int:year>/submit/", views.city_submit, name="city_submit"),
    path("monitoring/cities/<str:code>/<int:year>/return/", views.city_return, name="city_return"),
    path("monitoring/cities/<str:code>/<int:year>/table.xlsx", views.city_xlsx, name="city_xlsx"),
    path("monitoring/cities/<str:code>/<int:year>/table.pdf", views.city_pdf, name="city_pdf"),
    # certified clusters
    path("monitoring/clusters/<int:pk>/", views.cluster_detail, name="cluster_detail"),
    # the province
    path("monitoring/province/<int:year>/", views.province_overview, name="province_overview"),
    path("monitoring/warnings/", views.warning_list, name="warning_list"),
    path("monitoring/revocations/", views.revocation_list, name="revocation_list"),
    path("monitoring/calendar/", views.calendar, name="calendar"),
    path("monitoring/import/", views.import_page, name="import"),
    path("monitoring/import/template.xlsx", views.import_template, name="import_template"),
    path("monitoring/policy/", views.policy, name="policy"),
    # the programme dashboard (Arts. 5, 12, 13, 14)
    path("monitoring/dashboard/", views.dashboard, name="dashboard"),
    path("monitoring/dashboard/export/<slug:table>.xlsx", views.dashboard_export, name="dashboard_export"),
    path("monitoring/dashboard/target/", views.dashboard_target, name="dashboard_target"),
    path("monitoring/dashboard/lists/<slug:kind>/", views.dashboard_list, name="dashboard_list"),
    path("monitoring/dashboard/lists/<slug:kind>.xlsx", views.dashboard_list_xlsx, name="dashboard_list_xlsx"),
    # key support and the national recommendation (Art. 13)
    path("monitoring/key-support/", views.key_support_list, name="key_support_list"),
    path("monitoring/key-support.xlsx", views.key_support_xlsx, name="key_support_xlsx"),
    path("monitoring/key-support/<int:pk>/unmark/", views.key_support_unmark, name="key_support_unmark"),
    path("monitoring/recommendations/", views.recommendation_list, name="recommendation_list"),
    path("monitoring/recommendations/<int:pk>/", views.recommendation_detail, name="recommendation_detail"),
    path(
        "monitoring/recommendations/<int:pk>/items/<int:item_pk>/remove/",
        views.recommendation_remove,
        name="recommendation_remove",
    ),
    path(
        "monitoring/recommendations/<int:pk>/assemble/", views.recommendation_assemble, name="recommendation_assemble"
    ),
    path(
        "monitoring/recommendations/<int:pk>/summary.xlsx",
        views.recommendation_summary_xlsx,
        name="recommendation_summary_xlsx",
    ),
    path(
        "monitoring/recommendations/<int:pk>/package.zip", views.recommendation_package, name="recommendation_package"
    ),
    # re-review (Art. 11)
    path("monitoring/rereviews/", views.rereview_list, name="rereview_list"),
    path("monitoring/certifications/<int:pk>/rereview/", views.rereview_start, name="rereview_start"),
    path("monitoring/rereviews/<int:pk>/", views.rereview_detail, name="rereview_detail"),
    path("monitoring/rereviews/<int:pk>/edit/", views.rereview_edit, name="rereview_edit"),
    path("monitoring/rereviews/<int:pk>/submit/", views.rereview_submit, name="rereview_submit"),
    path("monitoring/rereviews/<int:pk>/forward/", views.rereview_forward, name="rereview_forward"),
    path("monitoring/rereviews/<int:pk>/return/", views.rereview_return, name="rereview_return"),
    path("monitoring/rereviews/<int:pk>/decide/", views.rereview_decide, name="rereview_decide"),
    path("monitoring/rereviews/<int:pk>/targets/", views.rereview_target_add, name="rereview_target_add"),
    path(
        "monitoring/rereviews/<int:pk>/targets/<int:target_pk>/remove/",
        views.rereview_target_remove,
        name="rereview_target_remove",
    ),
    path("monitoring/rereviews/<int:pk>/files/", views.rereview_file_upload, name="rereview_file_upload"),
    path("monitoring/rereviews/<int:pk>/files/<int:file_pk>/", views.rereview_file, name="rereview_file"),
    path(
        "monitoring/rereviews/<int:pk>/files/<int:file_pk>/remove/",
        views.rereview_file_remove,
        name="rereview_file_remove",
    ),
    path("monitoring/rereviews/<int:pk>/certificate.pdf", views.rereview_certificate, name="rereview_certificate"),
    # revocation (Art. 14)
    path("monitoring/revocations/new/", views.revocation_open, name="revocation_open"),
    path("monitoring/revocations/<int:pk>/", views.revocation_detail, name="revocation_detail"),
    path("monitoring/revocations/<int:pk>/decide/", views.revocation_decide, name="revocation_decide"),
    path("monitoring/revocations/<int:pk>/publish/", views.revocation_publish, name="revocation_publish"),
    path(
        "monitoring/revocations/<int:pk>/evidence/", views.revocation_evidence_upload, name="revocation_evidence_upload"
    ),
    path(
        "monitoring/revocations/<int:pk>/evidence/<int:file_pk>/", views.revocation_evidence, name="revocation_evidence"
    ),
    path("monitoring/revocations/<int:pk>/decision.pdf", views.revocation_decision_pdf, name="revocation_decision_pdf"),
    # change reports (Art. 14(4))
    path("monitoring/changes/", views.change_list, name="change_list"),
    path("monitoring/clusters/<int:pk>/changes/new/", views.change_start, name="change_start"),
    path("monitoring/changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("monitoring/changes/<int:pk>/edit/", views.change_edit, name="change_edit"),
    path("monitoring/changes/<int:pk>/submit/", views.change_submit, name="change_submit"),
    path("monitoring/changes/<int:pk>/forward/", views.change_forward, name="change_forward"),
    path("monitoring/changes/<int:pk>/return/", views.change_return, name="change_return"),
    path("monitoring/changes/<int:pk>/decide/", views.change_decide, name="change_decide"),
    path("monitoring/changes/<int:pk>/escalate/", views.change_escalate, name="change_escalate"),
    path("monitoring/changes/<int:pk>/files/", views.change_file_upload, name="change_file_upload"),
    path("monitoring/changes/<int:pk>/files/<int:file_pk>/", views.change_file, name="change_file"),
    path(
        "monitoring/changes/<int:pk>/files/<int:file_pk>/remove/", views.change_file_remove, name="change_file_remove"
    ),
    # the public: published revocation decisions (no login)
    path("revocations/", views.public_revocation_list, name="public_revocations"),
    path("revocations/<int:pk>/", views.public_revocation_detail, name="public_revocation"),
    path("revocations/<int:pk>/decision.pdf", views.public_revocation_pdf, name="public_revocation_pdf"),
]
