"""The public notice (公示, Art. 10) of the joint review's proposed list: its 5-working-day period, creation and
publication; objections (异议) filed by anyone with their evidence, the filer's personal data shown to staff
(logged), and their handling; and the sweep that closes notices whose period has ended."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.selectors import authority_users_for_division
from clusters import services as cluster_services
from clusters.constants import ApplicationState
from clusters.models import Application
from core import transitions
from core.exceptions import Conflict, ServiceError
from core.filetypes import check_upload
from core.services import email_enqueue, notify
from core.storage import original_name, remove_quietly
from core.validators import validate_phone
from core.workdays import UnknownScheduleYear, nth_working_day

from ..constants import NoticeStatus, ObjectionStatus
from ..models import Notice, Objection, ObjectionFile, PersonalDataView
from ..permissions import can_manage_decision, can_manage_or_system, require_province
from ..selectors import proposed_list

S = ApplicationState
NOTICE_WORKING_DAYS = 5
# The same objection (notice, cluster, contact and text) filed again within this window is a resubmitted form.
DUPLICATE_WINDOW_MINUTES = 10
OBJECTION_FILE_TYPES = {"pdf", "jpg", "png", "docx"}
OBJECTION_FILE_MAX_MB = 10
OBJECTION_MAX_FILES = 5


def notice_period(start_date):
    """(start, end) of a 5-working-day notice; refuses, naming the year, when the holiday schedule is unknown."""
    try:
        return start_date, nth_working_day(start_date, NOTICE_WORKING_DAYS)
    except UnknownScheduleYear as exc:
        raise ServiceError(str(exc)) from exc


def notice_create(
    *,
    call,
    actor,
    start_date,
    contact_department,
    contact_phone,
    contact_email="",
    contact_address="",
    title="",
    body="",
) -> Notice:
    """A draft notice of the joint review's proposed list; its end date comes from the working-day calendar."""
    require_province(actor, "发布公示")
    if start_date is None:
        raise ServiceError("请填写公示开始日期。")
    if start_date < timezone.localdate():
        raise ServiceError("公示开始日期不能早于今天。")
    if not (contact_department or "").strip() or not (contact_phone or "").strip():
        raise ServiceError("请填写异议受理部门和联系电话。")
    _start, end = notice_period(start_date)
    with transaction.atomic():
        busy = Notice.objects.filter(
            call=call, status__in=[NoticeStatus.DRAFT, NoticeStatus.PUBLISHED, NoticeStatus.CLOSED]
        )
        taken = set(busy.values_list("applications", flat=True))
        apps = [a for a in proposed_list(call) if a.pk not in taken]
        if not apps:
            raise ServiceError("没有待公示的拟认定名单：请先完成会审，或该名单已在另一份公示中。")
        notice = Notice.objects.create(
            call=call,
            title=(title or "").strip() or f"{call.year}年度江苏省中小企业特色产业集群拟认定名单公示",
            body=body,
            start_date=start_date,
            end_date=end,
            contact_department=contact_department.strip(),
            contact_phone=contact_phone.strip(),
            contact_email=(contact_email or "").strip(),
            contact_address=(contact_address or "").strip(),
            created_by=actor,
        )
        notice.applications.set(apps)
        transitions.record_event(
            notice, "create", actor=actor, to_state=NoticeStatus.DRAFT, comment=f"{start_date}至{end}"
        )
    return notice


def notice_publish(*, notice, actor) -> Notice:
    """Publish the notice: its applications move to public notice."""
    require_province(actor, "发布公示")

    def move_applications(locked):
        # Recheck the calendar: staff may have edited it since the draft was made.
        _start, end = notice_period(locked.start_date)
        locked.end_date = end
        for app in locked.applications.order_by("pk"):
            cluster_services.application_transition(
                application=app,
                actor=actor,
                verb="manage_province",
                method="approve",
                comment=f"进入公示：{locked.title}",
                expected_state=S.JOINT_REVIEW,
            )

    try:
        return transitions.transition(
            notice,
            "publish",
            actor=actor,
            permission=can_manage_decision,
            expected_state=NoticeStatus.DRAFT,
            before=move_applications,
            freeze=True,
        )
    except Conflict as exc:
        raise Conflict("该公示已发布。") from exc


def _receipt_number() -> str:
    return f"YY{timezone.localdate():%Y%m%d}{secrets.randbelow(10**6):06d}"


def objection_file(*, notice, application_id, name, phone="", email="", content="", files=(), now=None) -> Objection:
    """Anyone may object to one listed cluster until 23:59:59 (Asia/Shanghai) of the notice's 5th working day."""
    now = now or timezone.now()
    errors = {}
    name, phone, email, content = (
        (name or "").strip(),
        (phone or "").strip(),
        (email or "").strip(),
        (content or "").strip(),
    )
    if not notice.accepting_objections(now):
        raise ServiceError(
            f"该公示的异议受理时间为 {notice.start_date:%Y年%m月%d日} 至 {notice.end_date:%Y年%m月%d日} 23:59:59，当前不在受理期内。"
        )
    try:
        application = notice.applications.get(pk=int(application_id))
    except (Application.DoesNotExist, TypeError, ValueError):
        raise ServiceError(
            "请选择本次公示名单中的集群。", errors={"application": ["请选择本次公示名单中的集群。"]}
        ) from None
    if not name:
        errors["name"] = ["请填写姓名或单位名称。"]
    if not phone and not email:
        errors["phone"] = ["请至少填写联系电话或电子邮箱之一，以便反馈处理结果。"]
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            errors["phone"] = list(exc.messages)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = ["电子邮箱格式不正确。"]
    if len(content) < 10:
        errors["content"] = ["请具体说明异议内容（不少于10个字）。"]
    files = [f for f in files if f]
    if len(files) > OBJECTION_MAX_FILES:
        errors["files"] = [f"证明材料最多 {OBJECTION_MAX_FILES} 个文件。"]
    checked = []
    for f in files:
        try:
            checked.append((f, check_upload(f, OBJECTION_FILE_MAX_MB * 1024 * 1024, allowed=OBJECTION_FILE_TYPES)))
        except ValidationError as exc:
            errors.setdefault("files", []).append(f"{original_name(f)}：{'；'.join(exc.messages)}")
    if errors:
        raise ServiceError("异议未提交：" + "；".join(m for msgs in errors.values() for m in msgs), errors=errors)
    written = []
    try:
        with transaction.atomic():
            # Serialises filings on one notice, so two identical posts at once cannot both pass the check below.
            Notice.objects.select_for_update().filter(pk=notice.pk).first()
            _refuse_duplicate(notice, application, phone, email, content, now)
            for _attempt in range(5):
                try:
                    with transaction.atomic():
                        objection = Objection.objects.create(
                            notice=notice,
                            application=application,
                            receipt_number=_receipt_number(),
                            name=name,
                            phone=phone,
                            email=email,
                            content=content,
                        )
                    break
                except IntegrityError:
                    continue
            else:
                raise ServiceError("系统繁忙，请稍后再试。")
            for f, file_type in checked:
                evidence = ObjectionFile(
                    objection=objection, original_name=original_name(f), file_type=file_type, size=f.size
                )
                evidence.file.save(evidence.original_name, f, save=False)  # a random name under objections/
                written.append(evidence)
                evidence.save()
            if email:
                # Written with the objection: a broker outage delays the receipt and never loses it.
                email_enqueue(
                    to=email,
                    subject=f"异议受理回执：{objection.receipt_number}",
                    body=(
                        f"您对“{application.cluster.name}”提出的异议已受理，受理编号 {objection.receipt_number}。\n"
                        f"公示：{notice.title}\n处理结果将通过您留下的联系方式反馈。"
                    ),
                )
            transitions.record_event(
                objection,
                "file",
                actor=None,
                to_state=ObjectionStatus.RECEIVED,
                comment=f"异议对象：{application.cluster.name}",
                freeze=True,
            )
            notify(
                recipients=list(authority_users_for_division(application.cluster.division, Role.PROVINCE)),
                title=f"新的异议：{application.cluster.name}",
                body=f"公示“{notice.title}”收到对{application.cluster.name}的异议，受理编号 {objection.receipt_number}，"
                "请调查核实并处理。",
                url=f"{reverse('public:notice_admin', args=[notice.pk])}#objection-{objection.pk}",
            )
    except Exception:
        for evidence in written:
            remove_quietly(evidence.file)
        raise
    return objection


def _refuse_duplicate(notice, application, phone, email, content, now) -> None:
    since = now - timedelta(minutes=DUPLICATE_WINDOW_MINUTES)
    # The phone is stored encrypted (random nonce): compared after decryption, among the few candidates.
    candidates = Objection.objects.filter(
        notice=notice, application=application, email=email, content=content, submitted_at__gte=since
    ).order_by("-submitted_at")
    earlier = next((o for o in candidates[:20] if o.phone == phone), None)
    if earlier is not None:
        at = timezone.localtime(earlier.submitted_at)
        raise ServiceError(
            f"已受理过内容相同的异议（{at:%H:%M} 提交，受理回执已显示或发送），请勿重复提交。"
            "如需补充情况或材料，请修改异议内容后提交，或联系异议受理部门。"
        )


def objection_personal_data(*, objection, actor) -> dict:
    """The filer's name and contact in full, for the staff handling it; every view is logged."""
    require_province(actor, "查看异议人信息")
    PersonalDataView.objects.create(objection=objection, viewer=actor)
    return {"name": objection.name, "phone": objection.phone, "email": objection.email}


def objection_handle(*, objection, actor, decision: str, result: str) -> Objection:
    """Uphold (the application is rejected) or dismiss, with a written result."""
    require_province(actor, "处理异议")
    result = (result or "").strip()
    if decision not in ("uphold", "dismiss"):
        raise ServiceError("请选择处理结论。")
    if not result:
        raise ServiceError("请填写调查核实情况和处理结果。", errors={"result": ["请填写处理结果。"]})

    def record(locked):
        locked.result = result
        locked.handled_by = actor
        locked.handled_at = timezone.now()

    with transaction.atomic():
        try:
            locked = transitions.transition(
                objection,
                decision,
                actor=actor,
                permission=can_manage_decision,
                expected_state=ObjectionStatus.RECEIVED,
                comment=result,
                queryset=Objection.objects.select_related("application__cluster", "notice"),
                before=record,
                freeze=True,
            )
        except Conflict as exc:
            raise Conflict("该异议已处理。") from exc
        _tell_result(locked, actor)
        if decision == "uphold":
            app = Application.objects.get(pk=locked.application_id)
            if app.state == S.PUBLIC_NOTICE:
                cluster_services.application_transition(
                    application=app,
                    actor=actor,
                    verb="reject",
                    method="reject",
                    comment=f"异议成立（{locked.receipt_number}）：{result}",
                    expected_state=S.PUBLIC_NOTICE,
                )
    return locked


def _tell_result(objection, actor) -> None:
    """E-mail the result to an objector who gave an address; otherwise the staff must phone (and record it)."""
    if not objection.email:
        objection.result_channel = "phone"
        objection.save(update_fields=["result_channel"])
        return
    email_enqueue(
        to=objection.email,
        subject=f"异议处理结果：{objection.receipt_number}",
        body=(
            f"您对“{objection.application.cluster.name}”提出的异议（受理编号 {objection.receipt_number}）已处理。\n"
            f"处理结论：{objection.get_status_display()}\n处理结果：{objection.result}\n"
            f"公示：{objection.notice.title}"
        ),
    )
    objection.result_channel = "email"
    objection.result_told_at = timezone.now()
    objection.result_told_by = actor
    objection.save(update_fields=["result_channel", "result_told_at", "result_told_by"])


def objection_result_phoned(*, objection, actor, note: str = "") -> Objection:
    """Record that the staff told a phone-only objector the result (once)."""
    require_province(actor, "记录异议处理结果告知")
    with transaction.atomic():
        locked = Objection.objects.select_for_update().get(pk=objection.pk)
        if locked.status == ObjectionStatus.RECEIVED:
            raise ServiceError("该异议尚未处理，没有可告知的结果。")
        if locked.result_channel != "phone":
            raise ServiceError("该异议人留有电子邮箱，处理结果已通过邮件发送。")
        if locked.result_told_at is not None:
            raise Conflict("已记录电话告知，无需重复记录。")
        locked.result_told_at = timezone.now()
        locked.result_told_by = actor
        locked.save(update_fields=["result_told_at", "result_told_by"])
        transitions.record_event(
            locked,
            "tell_result",
            actor=actor,
            from_state=locked.status,
            to_state=locked.status,
            comment=(note or "").strip()[:300] or "已电话告知异议人处理结果",
        )
    return locked


def notice_close(notice: Notice, *, actor) -> Notice:
    """Close a published notice whose period has ended (the hourly job, or publication right after it)."""
    return transitions.transition(
        notice,
        "close",
        actor=actor,
        permission=can_manage_or_system,
        expected_state=NoticeStatus.PUBLISHED,
        comment="公示期满",
    )


def notices_close_due(now=None) -> int:
    """Close every published notice whose objection period has ended; running it twice changes nothing more."""
    now = now or timezone.now()
    closed = 0
    for notice in Notice.objects.filter(status=NoticeStatus.PUBLISHED, end_date__lte=timezone.localdate(now)):
        if now <= notice.deadline:
            continue
        try:
            notice_close(notice, actor=None)
        except Conflict:  # closed meanwhile by another run or by publication
            continue
        closed += 1
    return closed
