"""Every write to clusters, calls and applications."""

import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.constants import DivisionLevel, Role
from accounts.selectors import authority_users_for_division
from clusters import eligibility, permissions, roster_io
from clusters.constants import DECLARATIONS, ApplicationState, CallStatus
from core import transitions
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.filetypes import check_upload
from core.services import enqueue, notify
from core.storage import private_dir, save_upload

from .models import (
    Application,
    ApplicationVersion,
    Attachment,
    Call,
    Cluster,
    Enterprise,
    ListItem,
    PlanTarget,
    RubricCriterion,
    YearData,
)
from .selectors import APPLICATION_FIELDS, YEAR_FIELDS, application_with_sections, evaluate_application, snapshot

log = logging.getLogger(__name__)
S = ApplicationState


_validation_message = transitions.validation_message


# ---------------------------------------------------------------- calls

DEFAULT_RUBRIC = [
    ("产业规模与结构", "集群规模、中小企业占比、主导产业增速与占比（第六条第二项）", 20),
    ("优质企业梯度培育", "单项冠军、专精特新“小巨人”、专精特新中小企业、高新技术企业（第六条第三项）", 15),
    ("产业链协作与资源共享", "产业链布局、配套能力、制造资源共享（第六条第四项）", 10),
    ("协同创新能力", "创新平台、研发投入、发明专利、标准制定（第六条第五项）", 20),
    ("数字化转型", "上云上标识、工业互联网平台、试点示范（第六条第六项）", 10),
    ("绿色低碳发展", "碳排放强度、能效水效、绿色服务机制（第六条第七项）", 10),
    ("开放合作", "国际合作与交流（第六条第八项）", 5),
    ("治理与服务体系", "运营管理机构、公共服务体系、三年发展规划（第六条第九项）", 10),
]

DEFAULT_REQUIREMENTS = [
    ("申报书（盖章扫描件）", "申报主体盖章的申报书", True),
    ("县级主管部门推荐意见", "县（市、区）中小企业主管部门出具的推荐意见", True),
    ("统计数据证明材料", "统计部门出具或认可的近四年产值等数据", True),
    ("企业资质证明", "单项冠军、专精特新、高新技术企业等证书复印件", False),
]


def call_create(
    *,
    actor,
    year,
    title,
    opens_at,
    closes_at,
    city_deadline,
    notice_text="",
    thresholds=None,
    experts_per_application=None,
) -> Call:
    """Create a draft call with the default rubric and attachment list (editable before publishing)."""
    if not permissions.can_manage_calls(actor):
        raise NotAllowed("只有省工业和信息化厅可以创建申报批次。")
    with transaction.atomic():
        call = Call(
            year=year,
            title=title,
            opens_at=opens_at,
            closes_at=closes_at,
            city_deadline=city_deadline,
            notice_text=notice_text,
            thresholds=(thresholds or eligibility.Thresholds()).to_dict(),
        )
        if experts_per_application is not None:
            # The call form offers this field; without the keyword the form's data raised TypeError.
            call.experts_per_application = experts_per_application
        try:
            call.full_clean(exclude=["status"])
        except ValidationError as exc:
            raise ServiceError(_validation_message(exc), errors=exc.message_dict) from exc
        _check_call_dates(call)
        call.save()
        RubricCriterion.objects.bulk_create(
            RubricCriterion(call=call, name=n, description=d, weight=w, order=i)
            for i, (n, d, w) in enumerate(DEFAULT_RUBRIC)
        )
        call.requirements.model.objects.bulk_create(
            call.requirements.model(call=call, name=n, description=d, required=r, order=i)
            for i, (n, d, r) in enumerate(DEFAULT_REQUIREMENTS)
        )
    return call


def _check_call_dates(call):
    if call.closes_at <= call.opens_at:
        raise ServiceError("申报截止时间必须晚于开始时间。")
    if call.city_deadline < call.closes_at:
        raise ServiceError("设区市推荐截止时间不能早于申报截止时间。")


def call_check_rubric(call) -> None:
    criteria = list(call.rubric.all())
    if not criteria:
        raise ServiceError("评分细则不能为空。")
    total = sum((c.weight for c in criteria), start=0)
    if total != 100:
        raise ServiceError(f"评分细则的权重合计为 {total}%，应为 100%。")


def call_publish(*, call, actor, comment="") -> Call:
    """Publish a draft call: its dates, thresholds and rubric become binding."""

    def check(locked):
        _check_call_dates(locked)
        if locked.closes_at <= timezone.now():
            raise ServiceError("申报截止时间已过，不能发布；请先修改申报时间。")
        call_check_rubric(locked)
        try:
            eligibility.Thresholds.from_dict(locked.thresholds)
        except ValueError as exc:
            raise ServiceError(f"认定条件门槛有误：{exc}。") from exc

    if not permissions.can_manage_calls(actor):
        raise NotAllowed("只有省工业和信息化厅可以发布申报批次。")
    try:
        return transitions.transition(
            call,
            "publish",
            actor=actor,
            permission=lambda user, _call: permissions.can_manage_calls(user),
            expected_state=CallStatus.DRAFT,
            comment=comment,
            before=check,
        )
    except Conflict as exc:
        raise Conflict("该申报批次已发布。") from exc


# ---------------------------------------------------------------- clusters


def _check_cluster_division(actor, division):
    if division is None or division.level != DivisionLevel.COUNTY:
        raise ServiceError("请选择集群所在的县（市、区）。")
    if not division.may_host_cluster:
        raise ServiceError(f"{division.full_name}不能作为集群所在地，请联系省厅。")
    # An applicant body belongs to one county and files only for clusters located there.
    if division.pk != actor.organisation.division_id:
        raise ServiceError(f"集群应位于本单位所在的{actor.organisation.division.full_name}。")


def cluster_register(*, actor, tags=(), **fields) -> Cluster:
    """An applicant body registers a cluster in its own county."""
    if not (actor.is_authenticated and actor.is_active and actor.role == Role.APPLICANT and actor.organisation_id):
        raise NotAllowed("只有申报主体账号可以登记集群。")
    fields.pop("owner", None)
    _check_cluster_division(actor, fields.get("division"))
    cluster = Cluster(owner=actor.organisation, **fields)
    try:
        cluster.full_clean()
    except ValidationError as exc:
        raise ServiceError(_validation_message(exc), errors=exc.message_dict) from exc
    with transaction.atomic():
        cluster.save()
        cluster.tags.set(tags)
    return cluster


def cluster_update(*, cluster, actor, tags=None, **fields) -> Cluster:
    """Change a cluster's basic data while none of its applications is under review or certified."""
    if not permissions.can_edit_cluster(actor, cluster):
        raise NotAllowed("您无权修改该集群。")
    fields.pop("owner", None)
    if "division" in fields:
        _check_cluster_division(actor, fields["division"])
    with transaction.atomic():
        # Work on a locked copy: a refused change must not leave the caller's instance half-modified.
        locked = Cluster.objects.select_for_update().get(pk=cluster.pk)
        if locked.applications.exclude(state__in=[S.DRAFT, S.WITHDRAWN, S.REJECTED]).exists():
            raise ServiceError("集群有正在评审或已认定的申报，基本信息不能直接修改；重大变动请通过变动报备办理。")
        for key, value in fields.items():
            setattr(locked, key, value)
        try:
            locked.full_clean()
        except ValidationError as exc:
            raise ServiceError(_validation_message(exc), errors=exc.message_dict) from exc
        locked.save()
        if tags is not None:
            locked.tags.set(tags)
    return locked


# ---------------------------------------------------------------- applications: drafting


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


def _lock_for_edit(application, actor, version=None, *, check_version=False) -> Application:
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


def _bump(locked):
    Application.objects.filter(pk=locked.pk).update(edit_version=locked.edit_version + 1, updated_at=timezone.now())
    locked.edit_version += 1


def application_update(*, application, actor, version, data: dict) -> Application:
    """Save one section's plain fields; refuses a stale version instead of overwriting newer data."""
    unknown = set(data) - set(APPLICATION_FIELDS)
    if unknown:
        # State, counters, explanations and relations are written by their own services only.
        raise ServiceError(f"不能通过此操作修改字段：{'、'.join(sorted(unknown))}。")
    with transaction.atomic():
        locked = _lock_for_edit(application, actor, version, check_version=True)
        for key, value in data.items():
            setattr(locked, key, value)
        try:
            locked.full_clean(exclude=APPLICATION_CLEAN_EXCLUDE, validate_constraints=False)
        except ValidationError as exc:
            raise ServiceError(_validation_message(exc), errors=exc.message_dict) from exc
        locked.edit_version += 1
        locked.save(update_fields=[*data.keys(), "edit_version", "updated_at"])
    return locked


def year_data_update(*, application, actor, version, rows: dict[int, dict]) -> Application:
    """Save the Y-4..Y-1 data table in one go."""
    with transaction.atomic():
        locked = _lock_for_edit(application, actor, version, check_version=True)
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
        _bump(locked)
    return locked


def _add_child(application, actor, obj, label, check=None):
    with transaction.atomic():
        locked = _lock_for_edit(application, actor)
        if check:
            check(locked)
        obj.application = locked
        try:
            obj.full_clean()
        except ValidationError as exc:
            raise ServiceError(_validation_message(exc), errors=exc.message_dict) from exc
        obj.save()
        _bump(locked)
    return obj


def _remove_child(application, actor, model, pk):
    with transaction.atomic():
        locked = _lock_for_edit(application, actor)
        deleted, _ = model.objects.filter(application=locked, pk=pk).delete()
        if not deleted:
            raise ServiceError("该条目不存在或已删除。")
        _bump(locked)


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
    """Import an Excel roster: all rows or none; errors are reported by row and column."""
    with transaction.atomic():
        locked = _lock_for_edit(application, actor)
        existing = set(locked.enterprises.values_list("credit_code", flat=True))
        rows, errors = roster_io.parse_roster(fileobj, existing_codes=existing)
        if errors:
            return 0, errors
        if not rows:
            return 0, [roster_io.RowError(row=0, column="", message="文件中没有企业数据（请在第2行起填写）。")]
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
        _bump(locked)
    return len(rows), []


def list_item_add(*, application, actor, **fields) -> ListItem:
    return _add_child(application, actor, ListItem(**fields), "条目")


def list_item_remove(*, application, actor, item_id):
    _remove_child(application, actor, ListItem, item_id)


def plan_target_add(*, application, actor, **fields) -> PlanTarget:
    return _add_child(application, actor, PlanTarget(**fields), "目标")


def plan_target_remove(*, application, actor, target_id):
    _remove_child(application, actor, PlanTarget, target_id)


# ---------------------------------------------------------------- attachments


def attachment_dir() -> Path:
    return private_dir("attachments")


def attachment_upload(
    *, application, actor, uploaded_file, requirement=None, purpose=Attachment.PURPOSE_REQUIRED
) -> Attachment:
    """Store an upload under a random name after checking its real type by content."""
    if purpose not in dict(Attachment.PURPOSES):
        raise ServiceError("附件用途无效。")
    if purpose == Attachment.PURPOSE_REQUIRED and requirement is None:
        raise ServiceError("请选择这份文件对应的申报材料。")
    max_bytes = settings.ATTACHMENT_MAX_MB * 1024 * 1024
    try:
        file_type = check_upload(uploaded_file, max_bytes)
    except ValidationError as exc:
        raise ServiceError(_validation_message(exc), errors={"file": exc.messages}) from exc
    if requirement is not None and requirement.call_id != application.call_id:
        raise ServiceError("材料要求不属于本申报批次。")
    with transaction.atomic():
        locked = _lock_for_edit(application, actor)
        saved = save_upload(uploaded_file, "attachments", file_type)
        try:
            attachment = Attachment.objects.create(
                application=locked,
                requirement=requirement,
                purpose=purpose,
                original_name=saved.original_name,
                stored_name=saved.stored_name,
                file_type=file_type,
                size=saved.size,
                sha256=saved.sha256,
                uploaded_by=actor,
            )
            _bump(locked)
        except Exception:
            saved.path.unlink(missing_ok=True)
            raise
    return attachment


def attachment_remove(*, application, actor, attachment_id):
    """Hide an attachment from the draft; the file stays, since a submitted version may list it."""
    with transaction.atomic():
        locked = _lock_for_edit(application, actor)
        updated = Attachment.objects.filter(application=locked, pk=attachment_id, removed_at__isnull=True).update(
            removed_at=timezone.now()
        )
        if not updated:
            raise ServiceError("该附件不存在或已移除。")
        _bump(locked)


def attachment_path(attachment) -> Path:
    return attachment_dir() / attachment.stored_name


# ---------------------------------------------------------------- transitions


def notify_transition_once(*, application, log):
    """Tell the people concerned that the application moved into the logged row's state.

    Runs inside the transition's transaction (the outbox delivers the e-mails after commit), so a broker outage
    never loses a notification. The state comes from the log row."""
    state = log.to_state
    label = S(state).label
    url = reverse("clusters:application_detail", args=[application.pk])
    name = str(application)

    if state in (S.COUNTY_REVIEW, S.CITY_REVIEW):
        role = Role.COUNTY if state == S.COUNTY_REVIEW else Role.CITY
        recipients = list(authority_users_for_division(application.cluster.division, role))
        notify(recipients=recipients, title=f"待审核：{name}", body=f"{name} 已进入{label}环节，请及时审核。", url=url)
    elif state == S.FORMAL_REVIEW:
        recipients = list(authority_users_for_division(application.cluster.division, Role.PROVINCE))
        notify(
            recipients=recipients, title=f"待形式审查：{name}", body=f"{name} 已由设区市推荐，请进行形式审查。", url=url
        )
    owner_users = [
        u for u in application.applicant.users.filter(is_active=True, role=Role.APPLICANT) if u.pk != log.actor_id
    ]
    if owner_users:
        body = f"您的申报当前环节：{label}。"
        if state == S.DRAFT and application.return_reason:
            body = f"您的申报已被退回修改。退回原因：{application.return_reason}。请修改后重新提交。"
        notify(recipients=owner_users, title=f"申报进度：{name} {label}", body=body, url=url)


def application_transition(
    *,
    application,
    actor,
    verb: str,
    method: str,
    comment: str = "",
    expected_state: str | None = None,
    before=None,
    after=None,
    freeze=False,
    **kwargs,
) -> Application:
    """An application's transition through the core transition service, with its predicate
    (`permissions.can_<verb>_application`) and the notifications of the people concerned. `freeze(locked)`
    names the record the transition freezes (the submitted version, a review opinion)."""
    predicate = getattr(permissions, f"can_{verb}_application")
    if method == "return_to_applicant" and not (kwargs.get("reason") or "").strip():
        # The applicant must learn what to change; an empty return would leave them guessing.
        raise ServiceError("请填写退回原因。", errors={"reason": ["请填写退回原因。"]})
    return transitions.transition(
        application,
        method,
        actor=actor,
        permission=predicate,
        expected_state=expected_state,
        comment=comment,
        args=kwargs,
        queryset=Application.objects.select_related("call", "cluster__division"),
        before=before,
        after=(lambda locked, _row: after(locked)) if after else None,
        freeze=freeze,
        notify=lambda locked, row: notify_transition_once(application=locked, log=row),
    )


def submission_blockers(application) -> list[str]:
    """What prevents submission outright (as opposed to failed rules, which need explanations)."""
    blockers = []
    call = application.call
    now = timezone.now()
    if application.submission_count == 0:
        if not call.is_open(now):
            if now < call.opens_at:
                blockers.append(
                    f"申报尚未开始（{timezone.localtime(call.opens_at):%Y-%m-%d %H:%M} 开始），可先保存草稿。"
                )
            else:
                blockers.append(f"申报已于 {timezone.localtime(call.closes_at):%Y-%m-%d %H:%M} 截止。")
    elif now > call.city_deadline:
        blockers.append(
            f"已超过设区市推荐截止时间（{timezone.localtime(call.city_deadline):%Y-%m-%d %H:%M}），不能再次提交。"
        )
    if not application.cluster.division.may_host_cluster:
        blockers.append(f"{application.cluster.division.full_name}不能作为集群所在地。")
    if not (application.contact_name and application.contact_phone):
        blockers.append("请在“基本信息”中填写联系人和联系电话。")
    for field, _key, label in DECLARATIONS:
        if getattr(application, field) is None:
            blockers.append(f"请在“承诺声明”中声明：{label}。")
    attachments = getattr(application, "active_attachments", None)
    if attachments is None:
        attachments = list(application.attachments.filter(removed_at__isnull=True))
    have = {a.requirement_id for a in attachments}
    for req in application.call.requirements.all():
        if req.required and req.pk not in have:
            blockers.append(f"缺少申报材料：{req.name}。")
    return blockers


def application_submit(*, application, actor, comment: str = "", explanations: dict | None = None) -> Application:
    """Freeze a version of everything and send the application to county review."""
    explanations = {k: (v or "").strip() for k, v in (explanations or {}).items()}
    with transaction.atomic():
        # Lock first, then read: every edit takes the same row lock, so what is checked, evaluated and frozen
        # below is exactly what is submitted, even if the applicant saves in another tab meanwhile.
        list(Application.objects.select_for_update().filter(pk=application.pk).values_list("pk", flat=True))
        full = application_with_sections(application.pk)
        if not permissions.can_submit_application(actor, full):
            if permissions.owns(actor, full):
                raise Conflict("申报当前不是草稿，不能提交。请刷新页面。")
            raise NotAllowed("您无权提交该申报。")
        blockers = submission_blockers(full)
        if blockers:
            raise ServiceError("暂不能提交：" + "；".join(blockers), errors={"__all__": blockers})
        results = evaluate_application(full)
        failed = eligibility.failed_hard(results)
        missing = [r for r in failed if not explanations.get(r.code)]
        if missing:
            raise ServiceError(
                "以下条件未达标，提交前请逐条说明理由：" + "、".join(f"{r.code} {r.title}" for r in missing),
                errors={f"explain_{r.code}": ["请说明未达标的原因。"] for r in missing},
            )
        kept = {r.code: explanations[r.code] for r in failed}
        data = snapshot(full)

        def freeze(locked):
            locked.failed_rule_explanations = kept
            number = locked.versions.count() + 1
            version = ApplicationVersion.objects.create(
                application=locked,
                number=number,
                created_by=actor,
                snapshot=data,
                eligibility=[r.to_dict() for r in results],
                explanations=kept,
            )
            enqueue("clusters.tasks.render_application_pdf", version.pk)

        return application_transition(
            application=application,
            actor=actor,
            verb="submit",
            method="submit",
            comment=comment,
            expected_state=S.DRAFT,
            before=freeze,
            freeze=lambda locked: locked.versions.order_by("-number").first(),
        )


def application_withdraw(*, application, actor, comment: str = "") -> Application:
    return application_transition(
        application=application, actor=actor, verb="withdraw", method="withdraw", comment=comment
    )


def pdf_dir() -> Path:
    path = Path(settings.PRIVATE_STORAGE_ROOT) / "pdf"
    path.mkdir(parents=True, exist_ok=True)
    return path


def version_render_pdf(*, version) -> ApplicationVersion:
    """Render the submitted version as a PDF (idempotent: an existing PDF is kept)."""
    from core.pdf import render_pdf

    if version.pdf_name and (pdf_dir() / version.pdf_name).exists():
        return version
    application = version.application
    content = render_pdf(
        "clusters/pdf/application.html",
        {"version": version, "application": application, "snap": version.snapshot, "rules": version.eligibility},
    )
    name = f"{uuid.uuid4().hex}.pdf"
    (pdf_dir() / name).write_bytes(content)
    ApplicationVersion.objects.filter(pk=version.pk).update(pdf_name=name, pdf_generated_at=timezone.now())
    version.pdf_name = name
    return version
