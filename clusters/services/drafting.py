"""An application while it is a draft: create it, save its sections and year data, and keep its
roster (also imported from Excel), lists and plan targets. Every edit takes the application's row lock and bumps
`edit_version`, so a stale browser tab is refused instead of overwriting newer data."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clusters import permissions, roster_io
from clusters.constants import ApplicationState, CallStatus
from clusters.models import Application, Enterprise, ListItem, PlanTarget, YearData
from clusters.selectors import APPLICATION_FIELDS, YEAR_FIELDS, valid_certifications
from core import transitions
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.transitions import validation_message

from .clusters import certified_refusal

S = ApplicationState


def application_create(*, actor, cluster, call) -> Application:
    """Start a draft for a cluster in a published call (drafts may be prepared before the window opens)."""
    if not permissions.can_edit_cluster(actor, cluster):
        raise NotAllowed("您无权为该集群申报。")
    if call.status != CallStatus.PUBLISHED:
        raise ServiceError("该申报批次尚未发布。")
    if timezone.now() > call.closes_at:
        raise ServiceError(f"{call}已于 {timezone.localtime(call.closes_at):%Y-%m-%d %H:%M} 截止。")
    if cluster.applications.filter(call=call).exclude(state=S.WITHDRAWN).exists():
        raise ServiceError("该集群在本批次已有申报，不能重复申报。")
    refusal = certified_refusal(
        valid_certifications(cluster=cluster, division=cluster.division, management_body=cluster.management_body)
    )
    if refusal:
        raise ServiceError(refusal)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                call=call,
                cluster=cluster,
                applicant=cluster.owner,
                created_by=actor,
                management_body=cluster.management_body,
                contact_name=actor.full_name,
                contact_phone=actor.phone,
                contact_email=actor.email,
            )
            YearData.objects.bulk_create(YearData(application=application, year=y) for y in call.data_years)
            transitions.record_event(application, "create", actor=actor, to_state=S.DRAFT, comment="创建申报草稿")
    except IntegrityError as exc:
        raise ServiceError("该集群在本批次已有申报，不能重复申报。") from exc
    return application


# Relations are fixed at creation; "state" because clean_fields() would assign the protected FSM field.
APPLICATION_CLEAN_EXCLUDE = ["call", "cluster", "applicant", "created_by", "state"]
STALE_MESSAGE = "此申报已在其他窗口或由他人更新，请刷新页面后再编辑，您的输入未被覆盖。"


def lock_for_edit(application, actor, version=None, *, check_version=False) -> Application:
    """The draft under its row lock, once `actor` may edit it (and, with check_version, `version` is current)."""
    locked = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    if not permissions.can_edit_application(actor, locked):
        if permissions.owns(actor, locked) and locked.state != S.DRAFT:
            raise Conflict("申报已提交或状态已变化，当前不能修改。请刷新页面。")
        raise NotAllowed("您无权修改该申报。")
    if check_version:
        # A form save without the version it was loaded at cannot prove it is not stale.
        try:
            stale = version is None or int(version) != locked.edit_version
        except (TypeError, ValueError):
            stale = True
        if stale:
            raise Conflict(STALE_MESSAGE)
    return locked


def bump(locked):
    """Count an edit of a locked draft (a child row added or removed): open forms of it become stale."""
    Application.objects.filter(pk=locked.pk).update(edit_version=locked.edit_version + 1, updated_at=timezone.now())
    locked.edit_version += 1


def application_update(*, application, actor, version, data: dict) -> Application:
    """Save one section's plain fields; refuses a stale version instead of overwriting newer data."""
    unknown = set(data) - set(APPLICATION_FIELDS)
    if unknown:
        # State, counters, explanations and relations are written by their own services only.
        raise ServiceError(f"不能通过此操作修改字段：{'、'.join(sorted(unknown))}。")
    with transaction.atomic():
        locked = lock_for_edit(application, actor, version, check_version=True)
        for key, value in data.items():
            setattr(locked, key, value)
        try:
            locked.full_clean(exclude=APPLICATION_CLEAN_EXCLUDE, validate_constraints=False)
        except ValidationError as exc:
            raise ServiceError(validation_message(exc), errors=exc.message_dict) from exc
        locked.edit_version += 1
        locked.save(update_fields=[*data.keys(), "edit_version", "updated_at"])
    return locked


def year_data_update(*, application, actor, version, rows: dict[int, dict]) -> Application:
    """Save the Y-4..Y-1 data table in one go."""
    with transaction.atomic():
        locked = lock_for_edit(application, actor, version, check_version=True)
        existing = {y.year: y for y in locked.year_data.all()}
        errors = {}
        for year, values in rows.items():
            try:
                year = int(year)
            except (TypeError, ValueError):
                raise ServiceError(f"{year} 不是有效的年份。") from None
            if year not in locked.call.data_years:
                raise ServiceError(f"{year}年不在本批次的填报年份内。")
            unknown = set(values) - set(YEAR_FIELDS)
            if unknown:
                raise ServiceError(f"不能通过此操作修改字段：{'、'.join(sorted(unknown))}。")
            row = existing.get(year) or YearData(application=locked, year=year)
            for key, value in values.items():
                setattr(row, key, value)
            try:
                row.full_clean(exclude=["application"])
            except ValidationError as exc:
                errors.update({f"y{year}_{k}": v for k, v in exc.message_dict.items()})
                # Invalid values stay raw (e.g. a string): comparing them below would raise TypeError.
                continue
            for part in ("sme_output", "lead_output"):
                if (
                    row.total_output is not None
                    and getattr(row, part) is not None
                    and getattr(row, part) > row.total_output
                ):
                    label = YearData._meta.get_field(part).verbose_name
                    errors[f"y{year}_{part}"] = [f"{year}年{label}不能大于集群总产值。"]
            existing[year] = row
        if errors:
            raise ServiceError(f"有 {len(errors)} 处数据需要修改。", errors=errors)
        for row in existing.values():
            row.save()
        bump(locked)
    return locked


def _add_child(application, actor, obj, label, check=None):
    with transaction.atomic():
        locked = lock_for_edit(application, actor)
        if check:
            check(locked)
        obj.application = locked
        try:
            obj.full_clean()
        except ValidationError as exc:
            raise ServiceError(validation_message(exc), errors=exc.message_dict) from exc
        obj.save()
        bump(locked)
    return obj


def _remove_child(application, actor, model, pk):
    with transaction.atomic():
        locked = lock_for_edit(application, actor)
        deleted, _ = model.objects.filter(application=locked, pk=pk).delete()
        if not deleted:
            raise ServiceError("该条目不存在或已删除。")
        bump(locked)


def enterprise_add(*, application, actor, **fields) -> Enterprise:
    code = fields["credit_code"] = (fields.get("credit_code") or "").strip().upper()

    def not_listed(locked):
        # Checked after the permission check and under the lock: outsiders learn nothing, and two tabs
        # adding the same enterprise cannot both pass.
        if locked.enterprises.filter(credit_code=code).exists():
            raise ServiceError(f"统一社会信用代码 {code} 已在名册中。", errors={"credit_code": ["该企业已在名册中。"]})

    return _add_child(application, actor, Enterprise(**fields), "企业", check=not_listed)


def enterprise_remove(*, application, actor, enterprise_id):
    _remove_child(application, actor, Enterprise, enterprise_id)


def roster_import(*, application, actor, fileobj) -> tuple[int, list]:
    """Import an Excel roster: all rows or none; errors are reported by row and column.

    The file is checked and parsed before the application's row lock is taken: a slow or hostile upload never
    holds the lock (or a worker) while other tabs wait. Only the comparison with the roster happens locked."""
    if not permissions.can_edit_application(actor, application):
        lock_for_edit(application, actor)  # raises the precise refusal (not allowed, or no longer a draft)
    rows, errors = roster_io.parse_roster(fileobj)
    if errors:
        return 0, errors
    if not rows:
        return 0, [roster_io.RowError(row=0, column="", message="文件中没有企业数据（请在第2行起填写）。")]
    with transaction.atomic():
        locked = lock_for_edit(application, actor)
        existing = set(locked.enterprises.values_list("credit_code", flat=True))
        errors = roster_io.already_listed(rows, existing)
        if errors:
            return 0, errors
        Enterprise.objects.bulk_create(
            Enterprise(
                application=locked,
                name=r.name,
                credit_code=r.credit_code,
                in_lead_industry=r.in_lead_industry,
                champion_cert=r.champion_cert or "",
                giant_cert=r.giant_cert or "",
                specialised_cert=r.specialised_cert or "",
                hightech_cert=r.hightech_cert or "",
                employees=r.employees,
            )
            for r in rows
        )
        bump(locked)
    return len(rows), []


def list_item_add(*, application, actor, **fields) -> ListItem:
    return _add_child(application, actor, ListItem(**fields), "条目")


def list_item_remove(*, application, actor, item_id):
    _remove_child(application, actor, ListItem, item_id)


def plan_target_add(*, application, actor, **fields) -> PlanTarget:
    return _add_child(application, actor, PlanTarget(**fields), "目标")


def plan_target_remove(*, application, actor, target_id):
    _remove_child(application, actor, PlanTarget, target_id)
