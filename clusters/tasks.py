from celery import shared_task

from core.models import TransitionLog

from .models import Application, ApplicationVersion


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=3)
def render_application_pdf(version_id):
    """Render one submitted version's PDF; safe to run twice."""
    from .services import version_render_pdf

    version = ApplicationVersion.objects.select_related(
        "application__cluster__division__parent", "application__call"
    ).get(pk=version_id)
    version_render_pdf(version=version)
    return version.pdf_name


@shared_task
def notify_transition(application_id, log_id):
    """Notify the applicant and the next tier of one logged transition; safe to run twice."""
    from .services import notify_transition_once

    log = TransitionLog.objects.select_related("actor").get(pk=log_id)
    application = Application.objects.select_related("cluster__division__parent", "applicant", "call").get(
        pk=application_id
    )
    notify_transition_once(application=application, log=log)
