"""Celery tasks of reviews: each takes ids, loads, calls a service; idempotent. Business logic lives in the
services."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=3)
def render_recommendation_pdf(recommendation_id):
    """Render a recommendation document's PDF; safe to run twice."""
    from .models import Recommendation
    from .services import recommendation_pdf_path

    rec = Recommendation.objects.select_related("call", "city").get(pk=recommendation_id)
    return str(recommendation_pdf_path(rec).name)


@shared_task
def close_notices():
    """Beat job: close notices whose objection period ended (idempotent)."""
    from .notices import notices_close_due

    return notices_close_due()
