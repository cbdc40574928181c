"""The lifecycle policy's writes: province staff set a year's expiring lead, grace period and re-review route."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core import transitions
from core.exceptions import NotAllowed, ServiceError
from core.services import audit
from monitoring import permissions
from monitoring.models import LifecyclePolicy
from monitoring.policy import policy_for

POLICY_FIELDS = [
    "expiring_lead_months",
    "rereview_grace_days",
    "county_opinion",
    "city_opinion",
    "expert_review",
    "basis",
]


def policy_set(*, actor, year: int, **values) -> LifecyclePolicy:
    """Set a year's lifecycle policy. Re-reviews already submitted keep the route they were submitted with."""
    if not permissions.can_manage_lifecycle_policy(actor):
        raise NotAllowed("只有省工业和信息化厅可以设置复核工作安排。")
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise ServiceError(f"不能设置：{'、'.join(sorted(unknown))}。")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ServiceError("请填写有效的年度。", errors={"year": ["请填写有效的年度。"]}) from None
    with transaction.atomic():
        before = policy_for(year)
        row = LifecyclePolicy.objects.select_for_update().filter(year=year).first() or LifecyclePolicy(year=year)
        for key, value in values.items():
            setattr(row, key, value.strip() if isinstance(value, str) else value)
        row.updated_by = actor
        try:
            row.full_clean(exclude=["updated_by"])
        except ValidationError as exc:
            raise ServiceError(transitions.validation_message(exc), errors=exc.message_dict) from exc
        row.save()
        after = policy_for(year)
        transitions.record_event(
            row,
            "policy_set",
            actor=actor,
            from_state=f"{before.expiring_lead_months}m/{before.rereview_grace_days}d/{'-'.join(before.route())}",
            to_state=f"{after.expiring_lead_months}m/{after.rereview_grace_days}d/{'-'.join(after.route())}",
            comment=row.basis,
        )
        audit("monitoring_policy_set", user=actor, obj=row, detail=str(values)[:400])
    return row
