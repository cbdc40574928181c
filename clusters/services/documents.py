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
    snap = version.snapshot
    content = render_pdf(
        "clusters/pdf/application.html",
        {
            "version": version,
            "application": application,
            "snap": snap,
            "rules": version.eligibility,
            "roster": roster_lines(snap.get("enterprises") or []),
        },
        lean=True,
    )
    save_generated(version.pdf, content)
    # An update, not save(): the version is a frozen record, and only the PDF (not a frozen field) is added.
    ApplicationVersion.objects.filter(pk=version.pk).update(pdf=version.pdf.name, pdf_generated_at=timezone.now())
    return version


# The roster's columns in half-ems at 9pt: 106 of them (with the gaps) fill the A4 text width. A longer name or
# certificate wraps within its column.
ROSTER_COLUMNS = (
    ("序号", 4, "left"),
    ("企业名称", 28, "left"),
    ("统一社会信用代码", 18, "left"),
    ("主导产业", 8, "left"),
    ("资质（证书编号）", 30, "left"),
    ("从业人员", 8, "right"),
)


def roster_lines(enterprises) -> dict:
    """The roster as fixed-pitch text for the PDF: {"header": its heading line, "rows": one text per enterprise}.

    A 300-row roster as a six-column HTML table costs WeasyPrint over a second (issue #17); as one line box per
    printed line it costs a quarter of that (core.pdf.pitch_table)."""
    from clusters.templatetags.clusters_tags import number, titles_of, yes_no
    from core.pdf import pitch_table

    columns = [(width, align) for _label, width, align in ROSTER_COLUMNS]
    rows = [
        (
            str(i),
            e.get("name") or "",
            e.get("credit_code") or "",
            yes_no(e.get("in_lead_industry")),
            [f"{t['label']}（{t['cert']}）" for t in titles_of(e)] or ["—"],
            number(e.get("employees")),
        )
        for i, e in enumerate(enterprises, 1)
    ]
    (header,) = pitch_table([[label for label, _w, _a in ROSTER_COLUMNS]], columns)
    return {"header": header, "rows": pitch_table(rows, columns)}


def version_request_pdf(*, version) -> None:
    """Queue the rendering of a version's PDF (after commit; a broker outage only delays it — the next
    download asks again)."""
    from django.db import transaction

    from core.services import enqueue

    with transaction.atomic():
        enqueue("clusters.tasks.render_application_pdf", version.pk)
