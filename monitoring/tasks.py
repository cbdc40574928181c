"""Celery tasks of monitoring. Each takes ids, loads, calls a service and is idempotent."""

from celery import shared_task

from .constants import PACKAGE_SOFT_TIME_LIMIT, PACKAGE_TIME_LIMIT


@shared_task(acks_late=True)
def render_revocation_decision(case_id):
    """Render and store a revocation decision's PDF (kept once rendered)."""
    from .services import revocation_render_decision

    return revocation_render_decision(case_id)


@shared_task(acks_late=True)
def render_renewal_certificate(rereview_id):
    """Render and store the renewed certificate of a passed re-review (kept once rendered)."""
    from .services import rereview_store_certificate

    return rereview_store_certificate(rereview_id)


@shared_task(acks_late=True, soft_time_limit=PACKAGE_SOFT_TIME_LIMIT, time_limit=PACKAGE_TIME_LIMIT)
def build_recommendation_package(recommendation_id, generation):
    """Assemble the national recommendation's package asked for as `generation` (kept once built)."""
    from .services import recommendation_build_package

    return recommendation_build_package(recommendation_id, generation)
