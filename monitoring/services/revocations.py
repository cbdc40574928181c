"""Revocation proposals (撤销认定建议) on the grounds of Art. 14. This issue records them; deciding them is the
lifecycle issue's."""

from django.db import transaction

from core import transitions
from monitoring.constants import RevocationGround, RevocationSource, RevocationStatus
from monitoring.models import RevocationCase


def sweep_propose(*, ground: str, year: int, evidence_by_certification: dict[int, str]) -> list[RevocationCase]:
    """Record a system proposal on `ground` for each certification (id -> evidence text), once per certification,
    ground and year whatever the number of runs: those already recorded are skipped, and the partial unique
    constraint refuses a duplicate from a concurrent run (its transaction rolls back). Returns the new cases."""
    RevocationGround(ground)  # a ValueError for an unknown ground
    if not evidence_by_certification:
        return []
    with transaction.atomic():
        done = set(
            RevocationCase.objects.filter(
                source=RevocationSource.SWEEP,
                ground=ground,
                year=year,
                certification_id__in=list(evidence_by_certification),
            ).values_list("certification_id", flat=True)
        )
        new = [
            RevocationCase(
                certification_id=cert_id,
                ground=ground,
                evidence=text,
                proposed_by=None,
                source=RevocationSource.SWEEP,
                year=year,
            )
            for cert_id, text in sorted(evidence_by_certification.items())
            if cert_id not in done
        ]
        created = RevocationCase.objects.bulk_create(new)
        if created and created[0].pk is None:  # backends that do not return ids from bulk inserts
            created = list(
                RevocationCase.objects.filter(
                    source=RevocationSource.SWEEP,
                    ground=ground,
                    year=year,
                    certification_id__in=[c.certification_id for c in new],
                )
            )
        # One log row per case: the lifecycle's decision continues each case's own history.
        for case in created:
            transitions.record_event(
                case, "propose", actor=None, to_state=RevocationStatus.PROPOSED, comment=case.evidence[:500]
            )
    return created
