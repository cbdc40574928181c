from celery import shared_task

from .models import Recommendation


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=3)
def render_recommendation_pdf(recommendation_id):
    """Render a recommendation document's PDF; safe to run twice."""
    from .services import recommendation_pdf_path

    rec = Recommendation.objects.select_related("call", "city").get(pk=recommendation_id)
    return str(recommendation_pdf_path(rec).name)
