"""Documents generated from an application: the submitted version as a PDF."""

from django.utils import timezone

from clusters.models import ApplicationVersion
from core.storage import save_generated


def version_render_pdf(*, version) -> ApplicationVersion:
    """Render the submitted version as a PDF (idempotent: an existing, present PDF is kept)."""
    from core.pdf import render_pdf

    if version.pdf and version.pdf.storage.exists(version.pdf.name):
        return version
    application = version.application
    content = render_pdf(
        "clusters/pdf/application.html",
        {"version": version, "application": application, "snap": version.snapshot, "rules": version.eligibility},
    )
    save_generated(version.pdf, content)
    # An update, not save(): the version is a frozen record, and only the PDF (not a frozen field) is added.
    ApplicationVersion.objects.filter(pk=version.pk).update(pdf=version.pdf.name, pdf_generated_at=timezone.now())
    return version


def version_request_pdf(*, version) -> None:
    """Queue the rendering of a version's PDF (after commit; a broker outage only delays it — the next
    download asks again)."""
    from django.db import transaction

    from core.services import enqueue

    with transaction.atomic():
        enqueue("clusters.tasks.render_application_pdf", version.pk)
