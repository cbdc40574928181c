from django.urls import path

from .views import assignments, experts, joint_review, province, recommendations, scoring, spot_checks, tiers

app_name = "reviews"
urlpatterns = [
    path("review/", tiers.queue, name="queue"),
    path("review/applications/<int:pk>/", tiers.review, name="review"),
    path("review/recommendations/", recommendations.recommendation_list, name="recommendation_list"),
    path(
        "review/recommendations/new/<int:call_pk>/",
        recommendations.recommendation_create,
        name="recommendation_create",
    ),
    path("review/recommendations/<int:pk>/", recommendations.recommendation_detail, name="recommendation_detail"),
    path("review/recommendations/<int:pk>/pdf/", recommendations.recommendation_pdf, name="recommendation_pdf"),
    path("review/recommendations/<int:pk>/xlsx/", recommendations.recommendation_xlsx, name="recommendation_xlsx"),
    # the province's decision (Art. 10)
    path("review/province/", province.province_decision, name="province_decision"),
    path("review/experts/", experts.expert_pool, name="expert_pool"),
    path("review/experts/new/", experts.expert_create, name="expert_create"),
    path("review/experts/import/", experts.expert_import, name="expert_import"),
    path("review/experts/import/template/", experts.expert_import_template, name="expert_import_template"),
    path("review/experts/<int:pk>/", experts.expert_edit, name="expert_edit"),
    path("review/experts/<int:pk>/conflicts/add/", experts.expert_conflict_add, name="expert_conflict_add"),
    path(
        "review/experts/<int:pk>/conflicts/<int:conflict_pk>/remove/",
        experts.expert_conflict_remove,
        name="expert_conflict_remove",
    ),
    path("review/tasks/", scoring.expert_tasks, name="expert_tasks"),
    path("review/scoring/<int:pk>/", scoring.scoring, name="scoring"),
    path("review/sheets/<int:pk>/pdf/", scoring.scoresheet_pdf, name="scoresheet_pdf"),
    path("review/calls/<int:call_pk>/assignments/", assignments.assignments, name="assignments"),
    path(
        "review/calls/<int:call_pk>/assignments/candidates/",
        assignments.assignment_candidates,
        name="assignment_candidates",
    ),
    path("review/calls/<int:call_pk>/scores/", scoring.score_table, name="score_table"),
    path("review/calls/<int:call_pk>/scores.xlsx", scoring.score_table_xlsx, name="score_table_xlsx"),
    path("review/calls/<int:call_pk>/spot-check/", spot_checks.spot_check, name="spot_check"),
    path("review/applications/<int:pk>/site-check/", spot_checks.site_check, name="site_check"),
    path("review/files/<int:pk>/", spot_checks.stored_file, name="stored_file"),
    path("review/calls/<int:call_pk>/meetings/", joint_review.meetings, name="meetings"),
    path("review/meetings/<int:pk>/", joint_review.meeting_detail, name="meeting_detail"),
]
