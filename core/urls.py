from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("regulation/", views.regulation, name="regulation"),
    path("guide/", views.guide, name="guide"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("large-text/", views.toggle_large_text, name="toggle_large_text"),
    path("calendar/", views.calendar_manage, name="calendar"),
    path("calendar/template.xlsx", views.calendar_template, name="calendar_template"),
    path("ratings/", views.rating_summary, name="rating_summary"),
    path("ratings/answers/", views.rating_answers, name="rating_answers"),
    path("ratings/rate/<int:log_id>/", views.rating_rate, name="rating_rate"),
]
