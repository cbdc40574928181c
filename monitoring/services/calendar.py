"""The reporting calendar's writes: province staff set or move a reported year's due dates."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core import transitions
from core.exceptions import NotAllowed, ServiceError
from core.services import audit
from monitoring import permissions
from monitoring.deadlines import (  # noqa: F401 - re-exported: the calendar's reads
    Deadlines,
    current_report_year,
    day_end,
    deadlines_for,
    deadlines_map,
    default_deadlines,
    from_row,
    is_late,
)
from monitoring.models import ReportingCalendar


def calendar_set(*, actor, report_year: int, cluster_due, city_due, basis: str = "") -> ReportingCalendar:
    """Set (or move) a reported year's due dates. Both fall in the year after the reported year, the city's
    not before the clusters'; reminders already sent for an old date are re-armed for the new one."""
    if not permissions.can_manage_calendar(actor):
        raise NotAllowed("只有省工业和信息化厅可以设置年度报送时间。")
    errors = {}
    try:
        report_year = int(report_year)
    except (TypeError, ValueError):
        raise ServiceError("请填写有效的报告年度。", errors={"report_year": ["请填写有效的报告年度。"]}) from None
    if cluster_due is None:
        errors["cluster_due"] = ["请填写集群年度发展报告截止日期。"]
    elif cluster_due.year != report_year + 1:
        errors["cluster_due"] = [f"{report_year}年度报告的截止日期应在{report_year + 1}年内。"]
    if city_due is None:
        errors["city_due"] = ["请填写设区市报送截止日期。"]
    elif city_due.year != report_year + 1:
        errors["city_due"] = [f"{report_year}年度信息表的报送截止日期应在{report_year + 1}年内。"]
    if not errors and city_due < cluster_due:
        errors["city_due"] = ["设区市报送截止日期不能早于集群报告截止日期。"]
    if errors:
        raise ServiceError("；".join(m for msgs in errors.values() for m in msgs), errors=errors)
    with transaction.atomic():
        row = ReportingCalendar.objects.select_for_update().filter(report_year=report_year).first()
        before = from_row(row) if row else default_deadlines(report_year)
        row = row or ReportingCalendar(report_year=report_year)
        row.cluster_due, row.city_due, row.basis, row.updated_by = cluster_due, city_due, (basis or "").strip(), actor
        try:
            row.full_clean(exclude=["updated_by"])
        except ValidationError as exc:
            raise ServiceError(transitions.validation_message(exc), errors=exc.message_dict) from exc
        row.save()
        transitions.record_event(
            row,
            "calendar_set",
            actor=actor,
            from_state=f"{before.cluster_due:%Y-%m-%d}/{before.city_due:%Y-%m-%d}",
            to_state=f"{cluster_due:%Y-%m-%d}/{city_due:%Y-%m-%d}",
            comment=row.basis,
        )
        audit("monitoring_calendar_set", user=actor, obj=row, detail=f"{cluster_due} / {city_due}")
    return row
