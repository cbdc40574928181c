"""A certification's life after publication (Art. 11, Art. 14) and the accepted change of a certified cluster's
basic data (Art. 14(4)): the writes monitoring needs on clusters' models.

Every state change goes through `core.transitions.transition()`: the daily sweep marks certifications expiring
and expired (`system_only`: no user may), a passed re-review renews (three more years on the same
certification, its number kept so printed QR codes keep working; the renewed certificate prints "-F<n>"), a
province decision revokes. Renewal and revocation freeze the certification: their log row carries its digest.
A cluster's basic data changes only through an accepted change report, logged with the old and new values.
Import these as `from clusters.services.certifications import ...`.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.constants import DivisionLevel
from clusters.models import Certification, CertificationStatus, Cluster
from core import transitions
from core.exceptions import NotAllowed, ServiceError

C = CertificationStatus
_QS = Certification.objects.select_related("cluster__division__parent", "cluster__owner", "call")

# The fields a change report may change, with their labels (the history shows them).
CHANGEABLE_FIELDS = {
    "lead_industry": "主导产业",
    "segment": "细分领域",
    "division": "所在县（市、区）",
    "area_km2": "占地面积（平方公里）",
    "management_body": "运营管理机构",
}
# GB/T 2260: Jiangsu's codes start with 32.
JIANGSU_PREFIX = "32"


def province_only(actor, _obj) -> bool:
    return bool(actor and actor.is_authenticated and actor.is_active and actor.is_province)


def certification_mark_expiring(*, certification, comment: str = "") -> Certification:
    """The daily sweep: the configured lead time before the end of validity is reached (即将到期)."""
    return transitions.transition(
        certification,
        "mark_expiring",
        actor=None,
        permission=transitions.system_only,
        expected_state=C.VALID,
        comment=comment,
        queryset=_QS,
    )


def certifications_mark_expiring(*, queryset, comment_for=None) -> list[Certification]:
    """The daily sweep, for every valid certification of `queryset` at once (one lock, one update, one bulk of
    log rows: constant queries however many certifications reach their lead time the same day)."""
    return transitions.transition_many(queryset, "mark_expiring", expected_state=C.VALID, comment_for=comment_for)


def certification_expire(*, certification, comment: str = "") -> Certification:
    """The daily sweep, the day after valid_to, when no re-review is under way (or one has failed)."""
    return transitions.transition(
        certification,
        "expire",
        actor=None,
        permission=transitions.system_only,
        expected_state=[C.VALID, C.EXPIRING],
        comment=comment,
        queryset=_QS,
    )


def certification_renew(
    *, certification, actor, comment: str = "", permission=province_only, notify=None, after=None
) -> Certification:
    """A passed re-review (复核通过): three more years from the day after the current end, on the same
    certification (its renewals counter gives the certificate's "-F<n>"). Frozen: the log row carries the
    digest of the renewed certification."""
    return transitions.transition(
        certification,
        "renew",
        actor=actor,
        permission=permission,
        expected_state=[C.VALID, C.EXPIRING, C.EXPIRED],
        comment=comment,
        queryset=_QS,
        notify=notify,
        after=after,
        freeze=True,
        denied_message="只有省工业和信息化厅可以作出复核决定。",
    )


def certification_revoke(
    *, certification, actor, reason: str, comment: str = "", permission=province_only, notify=None, after=None
) -> Certification:
    """The province's decision to revoke (撤销认定, Art. 14). Frozen like a renewal."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写撤销理由。", errors={"reasons": ["请填写撤销理由。"]})
    return transitions.transition(
        certification,
        "revoke",
        actor=actor,
        permission=permission,
        expected_state=[C.VALID, C.EXPIRING, C.EXPIRED],
        comment=comment or reason,
        args={"reason": reason},
        queryset=_QS,
        notify=notify,
        after=after,
        freeze=True,
        denied_message="只有省工业和信息化厅可以作出撤销认定决定。",
    )


# ---------------------------------------------------------------- change reports (Art. 14(4))


def check_change_division(division) -> None:
    """A cluster lies in one county-level division of Jiangsu that may host a cluster (Art. 2)."""
    if division is None or division.level != DivisionLevel.COUNTY:
        raise ServiceError("请选择江苏省内的县（市、区）。", errors={"division": ["请选择江苏省内的县（市、区）。"]})
    if not str(division.code).startswith(JIANGSU_PREFIX):
        raise ServiceError(
            "集群空间范围须在江苏省内（《管理办法》第二条）。", errors={"division": ["所选区划不在江苏省内。"]}
        )
    if not division.may_host_cluster:
        raise ServiceError(
            f"{division.full_name}不能作为集群所在地，请联系省厅。", errors={"division": ["该区划不能作为集群所在地。"]}
        )


def _display(field: str, value) -> str:
    if value is None or value == "":
        return "（空）"
    if field == "division":
        return value.full_name
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def change_values(cluster, fields) -> dict:
    """The cluster's current values of `fields`, as the change report keeps them (JSON-safe)."""
    out = {}
    for name in fields:
        value = getattr(cluster, name)
        out[name] = value.code if name == "division" else (str(value) if isinstance(value, Decimal) else value)
    return out


def describe_change(old: dict, new: dict, *, division_names: dict | None = None) -> str:
    """ "主导产业：A → B；占地面积（平方公里）：30 → 45" from two JSON-safe value dicts."""
    names = division_names or {}
    parts = []
    for field, label in CHANGEABLE_FIELDS.items():
        if field not in new:
            continue
        before, after = old.get(field), new.get(field)
        if field == "division":
            before, after = names.get(before, before), names.get(after, after)
        parts.append(f"{label}：{before or '（空）'} → {after or '（空）'}")
    return "；".join(parts)


def cluster_apply_change(*, cluster, actor, changes: dict, comment: str = "", permission=province_only) -> dict:
    """Apply an accepted change report to the cluster's basic data; returns the old values (JSON-safe). Logged
    through record_event with both values, so the history keeps what the cluster was."""
    unknown = set(changes) - set(CHANGEABLE_FIELDS)
    if unknown:
        raise ServiceError(f"不能通过变动报备修改字段：{'、'.join(sorted(unknown))}。")
    if not changes:
        raise ServiceError("变动报备没有变更内容。")
    if "division" in changes:
        check_change_division(changes["division"])
    with transaction.atomic():
        locked = Cluster.objects.select_for_update(of=("self",)).select_related("division__parent").get(pk=cluster.pk)
        if not permission(actor, locked):
            raise NotAllowed("只有省工业和信息化厅可以确认集群重大变动。")
        old = change_values(locked, changes)
        labels = [
            f"{CHANGEABLE_FIELDS[f]}：{_display(f, getattr(locked, f))} → {_display(f, v)}" for f, v in changes.items()
        ]
        for field, value in changes.items():
            setattr(locked, field, value)
        try:
            locked.full_clean()
        except ValidationError as exc:
            raise ServiceError(transitions.validation_message(exc), errors=exc.message_dict) from exc
        locked.save()
        transitions.record_event(
            locked,
            "change",
            actor=actor,
            to_state="changed",
            comment="；".join(p for p in ("；".join(labels), (comment or "").strip()) if p),
        )
    return old
