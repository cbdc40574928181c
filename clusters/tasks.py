"""Celery tasks of clusters: each takes ids, loads, calls a service; idempotent."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=3, soft_time_limit=120, time_limit=150)
def render_application_pdf(version_id):
    """Render one submitted version's PDF; safe to run twice (an existing PDF is kept)."""
    from .models import ApplicationVersion
    from .services import version_render_pdf

    version = ApplicationVersion.objects.select_related(
        "application__cluster__division__parent", "application__call"
    ).get(pk=version_id)
    version_render_pdf(version=version)
    return version.pdf.name
