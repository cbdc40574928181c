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
]
