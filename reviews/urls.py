from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("review/applications/<int:pk>/", views.review, name="review"),
    path("review/recommendations/", views.recommendation_list, name="recommendation_list"),
    path("review/recommendations/new/<int:call_pk>/", views.recommendation_create, name="recommendation_create"),
    path("review/recommendations/<int:pk>/", views.recommendation_detail, name="recommendation_detail"),
    path("review/recommendations/<int:pk>/pdf/", views.recommendation_pdf, name="recommendation_pdf"),
    path("review/recommendations/<int:pk>/xlsx/", views.recommendation_xlsx, name="recommendation_xlsx"),
]
