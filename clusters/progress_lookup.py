"""办件进度查询 (public): anyone holding an application's number and its applicant's unified social credit code
sees where the application stands — the stage in plain words (`progress.application_progress`), since when,
the next step and the steps so far. Nothing else: no opinion, no return reason, no reviewer, no figure. A wrong
number and a wrong code get the same answer, so the lookup tells nothing about which applications exist."""

from dataclasses import dataclass

from django.utils import timezone

from core.transitions import history_for

from .constants import ApplicationState
from .models import Application
from .progress import Progress, application_progress

S = ApplicationState


@dataclass
class PublicProgress:
    number: int
    cluster: str
    year: int
    state_label: str
    progress: Progress
    steps: list  # [(when, label)]


def _normalise(code: str) -> str:
    return "".join((code or "").split()).upper()


def lookup(number, credit_code) -> PublicProgress | None:
    """The public progress of application `number` if `credit_code` is its applicant's or its management
    body's; None otherwise (however it failed)."""
    try:
        pk = int(str(number).strip())
    except (TypeError, ValueError):
        return None
    code = _normalise(credit_code)
    if not (1 <= pk <= 2_147_483_647) or len(code) != 18:
        return None
    app = Application.objects.select_related("cluster", "call", "applicant").filter(pk=pk).first()
    if app is None or code not in {
        _normalise(app.applicant.credit_code if app.applicant_id else ""),
        _normalise(app.management_body_credit_code),
    }:
        return None
    steps = []
    for row in history_for(app):
        if row.to_state != row.from_state and row.to_state in S.values:
            steps.append((timezone.localtime(row.created_at), f"进入“{S(row.to_state).label}”"))
    return PublicProgress(
        number=app.pk,
        cluster=app.cluster.name,
        year=app.call.year,
        state_label=app.get_state_display(),
        progress=application_progress(app),
        steps=steps,
    )
