from django.urls import path

from . import views, views_province

app_name = "reviews"
urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("review/applications/<int:pk>/", views.review, name="review"),
    path("review/recommendations/", views.recommendation_list, name="recommendation_list"),
    path("review/recommendations/new/<int:call_pk>/", views.recommendation_create, name="recommendation_create"),
    path("review/recommendations/<int:pk>/", views.recommendation_detail, name="recommendation_detail"),
    path("review/recommendations/<int:pk>/pdf/", views.recommendation_pdf, name="recommendation_pdf"),
    path("review/recommendations/<int:pk>/xlsx/", views.recommendation_xlsx, name="recommendation_xlsx"),
    # the province's decision (Art. 10)
    path("review/province/", views_province.province_decision, name="province_decision"),
    path("review/experts/", views_province.expert_pool, name="expert_pool"),
    path("review/experts/new/", views_province.expert_create, name="expert_create"),
    path("review/experts/<int:pk>/", views_province.expert_edit, name="expert_edit"),
    path("review/experts/<int:pk>/conflicts/add/", views_province.expert_conflict_add, name="expert_conflict_add"),
    path(
        "review/experts/<int:pk>/conflicts/<int:conflict_pk>/remove/",
        views_province.expert_conflict_remove,
        name="expert_conflict_remove",
    ),
    path("review/tasks/", views_province.expert_tasks, name="expert_tasks"),
    path("review/scoring/<int:pk>/", views_province.scoring, name="scoring"),
    path("review/sheets/<int:pk>/pdf/", views_province.scoresheet_pdf, name="scoresheet_pdf"),
    path("review/calls/<int:call_pk>/assignments/", views_province.assignments, name="assignments"),
    path("review/calls/<int:call_pk>/scores/", views_province.score_table, name="score_table"),
    path("review/calls/<int:call_pk>/scores.xlsx", views_province.score_table_xlsx, name="score_table_xlsx"),
    path("review/calls/<int:call_pk>/spot-check/", views_province.spot_check, name="spot_check"),
    path("review/applications/<int:pk>/site-check/", views_province.site_check, name="site_check"),
    path("review/files/<int:pk>/", views_province.stored_file, name="stored_file"),
    path("review/calls/<int:call_pk>/meetings/", views_province.meetings, name="meetings"),
    path("review/meetings/<int:pk>/", views_province.meeting_detail, name="meeting_detail"),
]
