"""The province's programme (Arts. 5 and 13): the target of certified clusters for a plan period, and key support
(重点支持) marked per year with a reason — unmarking keeps the mark and says who and why."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clusters.models import Certification
from core import transitions
from core.exceptions import NotAllowed, ServiceError
from core.services import audit
from monitoring import permissions
from monitoring.constants import KeySupportState
from monitoring.models import KeySupport, ProgrammeTarget

K = KeySupportState


def programme_target_set(
    *, actor, name: str, start_year: int, end_year: int, target: int, basis: str = ""
) -> ProgrammeTarget:
    """Set the target of a plan period (one row per period; saving the same period again changes it)."""
    if not permissions.can_manage_programme(actor):
        raise NotAllowed("只有省工业和信息化厅可以设置认定目标。")
    with transaction.atomic():
        row = ProgrammeTarget.objects.select_for_update().filter(
            start_year=start_year, end_year=end_year
        ).first() or ProgrammeTarget(start_year=start_year, end_year=end_year)
        before = f"{row.target}" if row.pk else ""
        row.name, row.target, row.basis, row.updated_by = (name or "").strip(), target, (basis or "").strip(), actor
        try:
            row.full_clean(exclude=["updated_by"])
        except ValidationError as exc:
            raise ServiceError(transitions.validation_message(exc), errors=exc.message_dict) from exc
        row.save()
        transitions.record_event(
            row, "target_set", actor=actor, from_state=before, to_state=str(row.target), comment=str(row)
        )
        audit("programme_target_set", user=actor, obj=row, detail=str(row))
    return row


def key_support_mark(*, actor, certification, year: int, reason: str) -> KeySupport:
    """Mark a certified cluster (its certification in force) for key support in `year`, with the reason."""
    if not permissions.can_manage_programme(actor):
        raise NotAllowed("只有省工业和信息化厅可以确定重点支持集群。")
    reason = (reason or "").strip()
    errors = {}
    if len(reason) < 5:
        errors["reason"] = ["请填写重点支持的理由（至少5个字）。"]
    if certification is None:
        errors["certification"] = ["请选择认定集群。"]
    if errors:
        raise ServiceError("；".join(m for msgs in errors.values() for m in msgs), errors=errors)
    try:
        with transaction.atomic():
            cert = Certification.objects.select_related("cluster").get(pk=certification.pk)
            if cert.status not in permissions.ACTIVE_CERTIFICATION_STATES:
                raise ServiceError(
                    f"该集群的认定状态为“{cert.get_status_display()}”，只能对有效期内的认定集群予以重点支持。",
                    errors={"certification": ["认定不在有效期内。"]},
                )
            mark = KeySupport(cluster=cert.cluster, certification=cert, year=year, reason=reason, marked_by=actor)
            try:
                mark.full_clean(exclude=["cluster", "certification", "marked_by", "state"], validate_constraints=False)
            except ValidationError as exc:
                raise ServiceError(transitions.validation_message(exc), errors=exc.message_dict) from exc
            mark.save()
            transitions.record_event(mark, "mark", actor=actor, to_state=K.MARKED, comment=reason[:500], freeze=True)
    except IntegrityError:
        raise ServiceError(
            f"{certification.cluster.name}已列为{year}年度重点支持集群。",
            errors={"certification": ["已列为重点支持。"]},
        ) from None
    return mark


def key_support_unmark(*, actor, mark, reason: str) -> KeySupport:
    """Take a cluster off the year's key support, with the reason; the mark and its history stay."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写取消重点支持的理由。", errors={"unmark_reason": ["请填写取消理由。"]})
    return transitions.transition(
        mark,
        "unmark",
        actor=actor,
        permission=permissions.can_unmark_key_support,
        expected_state=K.MARKED,
        comment=reason,
        args={"by": actor, "reason": reason},
        queryset=KeySupport.objects.select_related("cluster"),
        denied_message="只有省工业和信息化厅可以取消重点支持。",
    )
