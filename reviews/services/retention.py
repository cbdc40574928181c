"""Personal information kept no longer than needed (个人信息保护法 Art. 19): an objector's name and contact
details serve to tell them the result; once the objection is handled and the result told (or the period has
run out), they are anonymised after PERSONAL_DATA_RETENTION_DAYS. The objection's content, its receipt number,
its evidence and its result stay: they are part of the decision's record (and frozen)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from core.services import audit

from ..constants import ObjectionStatus
from ..models import Objection

ANONYMISED = "（已匿名化）"


def objection_contacts_anonymise(now=None) -> int:
    """Daily sweep (idempotent): anonymise the contacts of objections handled more than the retention period
    ago. Returns how many objections were anonymised."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)
    due = (
        Objection.objects.exclude(status=ObjectionStatus.RECEIVED)
        .filter(handled_at__lt=cutoff)
        .filter(Q(result_told_at__isnull=False) | Q(handled_at__lt=cutoff - timedelta(days=30)))
        .exclude(name=ANONYMISED)
    )
    pks = list(due.values_list("pk", flat=True)[:5000])
    if not pks:
        return 0
    # A plain update: the contact fields are outside the frozen content (the log's digest does not cover them).
    count = Objection.objects.filter(pk__in=pks).update(name=ANONYMISED, phone="", email="")
    audit(
        "anonymise", detail=f"异议人联系信息匿名化：{count} 条（保存期限 {settings.PERSONAL_DATA_RETENTION_DAYS} 天）"
    )
    return count
