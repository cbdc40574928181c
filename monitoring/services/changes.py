"""Change reports (重大变动报备, Art. 14(4)): the certified cluster reports a change of its lead industry, spatial
scope or management body with the effective date, reasons and evidence; the city gives its opinion; the province
accepts — the cluster record changes through clusters.services.certifications, the old values kept — or refuses.
A change reported late (or refused) can be turned into a revocation case on ground (4)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.constants import DivisionLevel, Role
from accounts.models import Division
from accounts.selectors import authority_users_for_division
from clusters.models import Certification, CertificationStatus
from clusters.models.certifications import add_years
from clusters.services.certifications import (
    change_values,
    check_change_division,
    cluster_apply_change,
    describe_change,
)
from core import transitions
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.services import notify
from monitoring import permissions
from monitoring.constants import (
    CHANGE_FIELDS,
    EDITABLE_CHANGE_STATES,
    OPEN_CHANGE_STATES,
    ChangeKind,
    ChangeReportState,
    RevocationGround,
)
from monitoring.models import ChangeReport

from .files import file_hide, file_store
from .revocations import revocation_open

S = ChangeReportState
STALE_MESSAGE = "此变动报备已在其他窗口或由他人更新，请刷新页面后再编辑，您的输入未被覆盖。"
EDIT_FIELDS = [
    "new_lead_industry",
    "new_segment",
    "new_division",
    "new_area_km2",
    "new_management_body",
    "scope_description",
    "effective_date",
    "reasons",
]
_QS = ChangeReport.objects.select_related("cluster__division__parent", "cluster__owner", "certification")


def _url(report) -> str:
    return reverse("monitoring:change_detail", args=[report.pk])


def _owners(report):
    return list(report.cluster.owner.users.filter(is_active=True, role=Role.APPLICANT))


def current_certification(cluster):
    """The cluster's certification in force (valid, expiring, or expired awaiting re-review); None when it has
    none (never certified, or revoked)."""
    return (
        Certification.objects.filter(cluster=cluster, status__in=permissions.CHANGE_CERTIFICATION_STATES)
        .order_by("-valid_to")
        .first()
    )


def change_report_start(*, actor, cluster, kind: str) -> ChangeReport:
    """Open a change report of `kind` for a certified cluster; one open report per cluster at a time."""
    if not permissions.can_start_change_report(actor, cluster):
        raise NotAllowed("您无权为该集群报备重大变动。")
    if kind not in ChangeKind.values:
        raise ServiceError(
            "请选择变动类型（主导产业、空间范围或运营管理机构）。", errors={"kind": ["请选择变动类型。"]}
        )
    cert = current_certification(cluster)
    if cert is None:
        raise ServiceError("该集群没有有效的认定，无需报备重大变动。")
    open_report = ChangeReport.objects.filter(cluster=cluster, state__in=OPEN_CHANGE_STATES).first()
    if open_report is not None:
        raise ServiceError(
            f"该集群已有未办结的变动报备（{open_report.get_kind_display()}，{open_report.get_state_display()}），"
            "请办结后再报备新的变动。"
        )
    try:
        with transaction.atomic():
            report = ChangeReport.objects.create(cluster=cluster, certification=cert, kind=kind, created_by=actor)
            transitions.record_event(report, "create", actor=actor, to_state=S.DRAFT, comment=ChangeKind(kind).label)
    except IntegrityError:
        raise ServiceError("该集群已有未办结的变动报备，请办结后再报备新的变动。") from None
    return report


def _lock_for_edit(report, actor, version=None, *, check_version=False) -> ChangeReport:
    locked = ChangeReport.objects.select_for_update(of=("self",)).select_related("cluster__division").get(pk=report.pk)
    if not permissions.can_edit_change_report(actor, locked):
        if permissions.owns_change_report(actor, locked):
            raise Conflict("变动报备已提交或已办结，当前不能修改。请刷新页面。")
        raise NotAllowed("您无权修改该变动报备。")
    if check_version:
        try:
            stale = version is None or int(version) != locked.edit_version
        except (TypeError, ValueError):
            stale = True
        if stale:
            raise Conflict(STALE_MESSAGE)
    return locked


def _check_effective_date(day, today) -> dict:
    if day is None:
        return {"effective_date": ["请填写变动生效日期。"]}
    if day > add_years(today, 1):
        return {"effective_date": [f"变动生效日期不能晚于一年后（{add_years(today, 1):%Y年%m月%d日}）。"]}
    if day < datetime.date(2023, 1, 1):
        return {"effective_date": ["变动生效日期有误，请核对。"]}
    return {}


def change_report_save(*, report, actor, version, **fields) -> ChangeReport:
    """Save the draft. The new division must be a Jiangsu county that may host a cluster; the effective date at
    most one year ahead."""
    unknown = set(fields) - set(EDIT_FIELDS)
    if unknown:
        raise ServiceError(f"不能通过此操作修改字段：{'、'.join(sorted(unknown))}。")
    with transaction.atomic():
        locked = _lock_for_edit(report, actor, version, check_version=True)
        errors = {}
        for key, value in fields.items():
            setattr(locked, key, value.strip() if isinstance(value, str) else value)
        if fields.get("new_division") is not None:
            try:
                check_change_division(fields["new_division"])
            except ServiceError as exc:
                errors["new_division"] = exc.errors.get("division") or [exc.message]
        if "effective_date" in fields and fields["effective_date"] is not None:
            errors.update(_check_effective_date(fields["effective_date"], timezone.localdate()))
        try:
            locked.full_clean(
                exclude=["state", "cluster", "certification", "created_by", "new_division"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if errors:
            details = "；".join(m for msgs in errors.values() for m in msgs)
            raise ServiceError(f"有 {len(errors)} 处内容需要修改：{details}", errors=errors)
        locked.edit_version += 1
        locked.save()
    return locked


def new_values(report) -> dict:
    """The cluster fields the report changes, with their new values (JSON-safe; the division by its code)."""
    out = {}
    for name in CHANGE_FIELDS[ChangeKind(report.kind)]:
        value = getattr(report, f"new_{name}")
        if name == "division":
            out[name] = report.new_division_id
        elif value not in (None, ""):
            out[name] = str(value) if not isinstance(value, str) else value
    return out


def submission_blockers(report, today=None) -> list[str]:
    today = today or timezone.localdate()
    blockers = []
    kind = ChangeKind(report.kind)
    if kind == ChangeKind.LEAD_INDUSTRY and not report.new_lead_industry.strip():
        blockers.append("请填写变更后的主导产业。")
    if kind == ChangeKind.SPATIAL_SCOPE:
        if report.new_division_id is None and report.new_area_km2 is None:
            blockers.append("请填写变更后的所在县（市、区）或占地面积。")
        if report.new_division_id is not None:
            try:
                check_change_division(report.new_division)
            except ServiceError as exc:
                blockers.append(exc.message)
    if kind == ChangeKind.MANAGEMENT_BODY and not report.new_management_body.strip():
        blockers.append("请填写变更后的运营管理机构。")
    blockers += [m for msgs in _check_effective_date(report.effective_date, today).values() for m in msgs]
    if not report.reasons.strip():
        blockers.append("请填写变动原因。")
    old = change_values(report.cluster, new_values(report))
    if new_values(report) and all(str(old.get(k)) == str(v) for k, v in new_values(report).items()):
        blockers.append("变更后的内容与集群现有信息相同，无需报备。")
    return blockers


def change_report_submit(*, report, actor) -> ChangeReport:
    """Submit to the city (the old and new values are frozen with the report)."""
    with transaction.atomic():
        locked = _QS.select_for_update(of=("self",)).get(pk=report.pk)
        if not permissions.can_submit_change_report(actor, locked):
            if permissions.owns_change_report(actor, locked):
                raise Conflict("变动报备当前不能提交（已提交或已办结）。请刷新页面。")
            raise NotAllowed("您无权提交该变动报备。")
        blockers = submission_blockers(locked)
        if blockers:
            raise ServiceError("暂不能提交：" + "；".join(blockers), errors={"__all__": blockers})
        new = new_values(locked)
        old = change_values(locked.cluster, new)

        def tell(saved, _row):
            notify(
                recipients=list(authority_users_for_division(saved.cluster.division, Role.CITY)),
                title=f"待审核：{saved}",
                body=f"{saved.cluster.name}报备了{saved.get_kind_display()}（{saved.effective_date:%Y年%m月%d日}生效），请提出意见。",
                url=_url(saved),
            )

        return transitions.transition(
            locked,
            "submit",
            actor=actor,
            permission=permissions.can_submit_change_report,
            expected_state=EDITABLE_CHANGE_STATES,
            comment=describe_change(old, new, division_names=_division_names(old, new)),
            args={"by": actor, "old_values": old, "new_values": new},
            queryset=_QS,
            notify=tell,
            freeze=True,
        )


def _division_names(*dicts) -> dict:
    codes = {d.get("division") for d in dicts if d.get("division")}
    if not codes:
        return {}
    divisions = Division.objects.filter(code__in=codes, level=DivisionLevel.COUNTY).select_related("parent")
    return {d.code: d.full_name for d in divisions}


def change_report_forward(*, report, actor, agree, opinion: str) -> ChangeReport:
    """The city's opinion (agree or not, with the text), then on to the province."""
    opinion = (opinion or "").strip()
    errors = {}
    if agree is None:
        errors["agree"] = ["请选择是否同意变更。"]
    if not opinion:
        errors["opinion"] = ["请填写设区市意见。"]
    if errors:
        raise ServiceError("；".join(m for msgs in errors.values() for m in msgs), errors=errors)

    def tell(saved, _row):
        notify(
            recipients=list(authority_users_for_division(saved.cluster.division, Role.PROVINCE)),
            title=f"待审定：{saved}",
            body=f"设区市已提出意见（{'同意' if agree else '不同意'}）：{opinion}",
            url=_url(saved),
        )

    return transitions.transition(
        report,
        "forward",
        actor=actor,
        permission=permissions.can_opine_change_report,
        expected_state=S.CITY_REVIEW,
        comment=f"{'同意' if agree else '不同意'}：{opinion}",
        args={"by": actor, "agree": agree, "opinion": opinion},
        queryset=_QS,
        notify=tell,
        freeze=True,
        denied_message="您无权办理该变动报备。",
    )


def change_report_return(*, report, actor, reason: str) -> ChangeReport:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写退回原因。", errors={"reason": ["请填写退回原因。"]})

    def tell(saved, _row):
        notify(
            recipients=_owners(saved),
            title=f"变动报备退回修改：{saved.cluster.name}",
            body=f"您的{saved.get_kind_display()}报备已被退回修改。退回原因：{reason}。",
            url=_url(saved),
        )

    return transitions.transition(
        report,
        "return_to_cluster",
        actor=actor,
        permission=permissions.can_return_change_report,
        expected_state=[S.CITY_REVIEW, S.PROVINCE_REVIEW],
        comment=reason,
        args={"reason": reason},
        queryset=_QS,
        notify=tell,
        denied_message="您无权退回该变动报备。",
    )


def change_report_decide(*, report, actor, accept: bool, reason: str = "") -> ChangeReport:
    """The province accepts (the cluster record changes, the old values kept here and in the log) or refuses."""
    reason = (reason or "").strip()
    if accept is None:
        raise ServiceError("请选择是否确认变更。", errors={"accept": ["请选择是否确认变更。"]})
    if not accept and not reason:
        raise ServiceError("请填写不予确认的理由。", errors={"reason": ["请填写不予确认的理由。"]})

    def after(locked, _row):
        if not accept:
            return
        changes = {}
        for name, value in locked.new_values.items():
            if name == "division":
                changes[name] = Division.objects.select_related("parent").get(code=value)
            else:
                changes[name] = value
        cluster_apply_change(
            cluster=locked.cluster,
            actor=actor,
            changes=changes,
            comment=f"依{locked.get_kind_display()}报备（#{locked.pk}）确认，{locked.effective_date:%Y-%m-%d}起生效",
            permission=lambda user, _c: permissions.is_province(user),
        )

    def tell(saved, _row):
        outcome = "已确认" if accept else "不予确认"
        notify(
            recipients=[*_owners(saved), *authority_users_for_division(saved.cluster.division, Role.CITY)],
            title=f"变动报备{outcome}：{saved.cluster.name}",
            body=f"{saved.cluster.name}的{saved.get_kind_display()}报备{outcome}。{reason}",
            url=_url(saved),
        )

    return transitions.transition(
        report,
        "accept" if accept else "refuse",
        actor=actor,
        permission=permissions.can_decide_change_report,
        expected_state=S.PROVINCE_REVIEW,
        comment=reason or ("确认变更" if accept else "不予确认"),
        args={"by": actor, "reason": reason},
        queryset=_QS,
        after=after,
        notify=tell,
        freeze=True,
        denied_message="只有省工业和信息化厅可以确认集群重大变动。",
    )


def change_report_escalate(*, report, actor, evidence: str, files=()):
    """Turn a change not reported in time (or refused) into a revocation case on ground (4) of Art. 14."""
    if not permissions.can_escalate_change_report(actor, report):
        raise NotAllowed("只有省工业和信息化厅可以提出撤销认定。")
    cert = report.certification
    if cert.status == CertificationStatus.REVOKED:
        raise ServiceError("该集群的认定已撤销。")
    return revocation_open(
        actor=actor,
        certification=cert,
        ground=RevocationGround.CHANGE_UNREPORTED,
        evidence=evidence,
        files=files,
        change_report=report,
    )


def change_file_upload(*, report, actor, uploaded_file, description: str = ""):
    with transaction.atomic():
        locked = _lock_for_edit(report, actor)
        return file_store(
            parent_field="change_report",
            parent=locked,
            actor=actor,
            uploaded_file=uploaded_file,
            description=description,
        )


def change_file_remove(*, report, actor, file_id) -> None:
    with transaction.atomic():
        locked = _lock_for_edit(report, actor)
        file_hide(parent_field="change_report", parent=locked, file_id=file_id)
