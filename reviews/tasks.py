"""Celery tasks of reviews: each takes ids, loads, calls a service; idempotent. Business logic lives in the
services."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=3)
def render_recommendation_pdf(recommendation_id):
    """Render a recommendation document's PDF; safe to run twice (the stored PDF is kept)."""
    from .models import Recommendation
    from .services import recommendation_pdf

    rec = Recommendation.objects.select_related("call", "city").get(pk=recommendation_id)
    return recommendation_pdf(rec).name


@shared_task
def close_notices():
    """Beat job: close notices whose objection period ended (idempotent)."""
    from .services import notices_close_due

    return notices_close_due()
