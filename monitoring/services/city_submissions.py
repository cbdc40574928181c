"""The city's compiled information table (年度培育情况信息表): remarks, submission to the province, the
province's return. The table is built from the reports and frozen with each submission."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User
from core import transitions
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.services import notify
from monitoring import permissions, selectors
from monitoring.constants import CitySubmissionState
from monitoring.deadlines import deadlines_for
from monitoring.models import CitySubmission, CitySubmissionVersion

C = CitySubmissionState
STALE_MESSAGE = "此信息表已在其他窗口或由他人更新，请刷新页面后再编辑，您的输入未被覆盖。"


def _url(submission) -> str:
    return reverse("monitoring:city_submission", args=[submission.city_id, submission.report_year])


def _city_of(actor):
    if not permissions.is_city(actor):
        raise NotAllowed("只有设区市中小企业主管部门可以报送培育情况信息表。")
    return actor.division


def _check_year(report_year) -> int:
    try:
        report_year = int(report_year)
    except (TypeError, ValueError):
        raise ServiceError("报告年度无效。") from None
    if report_year >= timezone.localdate().year:
        raise ServiceError(f"{report_year}年度尚未结束，信息表于{report_year + 1}年报送。")
    return report_year


def city_submission_get_or_create(*, city, report_year: int, actor) -> CitySubmission:
    """The city's submission record of the year, created as a draft the first time the city saves or submits."""
    existing = CitySubmission.objects.filter(city=city, report_year=report_year).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            sub = CitySubmission.objects.create(city=city, report_year=report_year)
            transitions.record_event(sub, "create", actor=actor, to_state=C.DRAFT, comment="创建信息表报送记录")
    except IntegrityError:
        return CitySubmission.objects.get(city=city, report_year=report_year)
    return sub


def _lock(sub, actor, version):
    locked = CitySubmission.objects.select_for_update().get(pk=sub.pk)
    if not permissions.can_edit_city_submission(actor, locked):
        if permissions.can_view_city_submission(actor, locked):
            raise Conflict("信息表已报送省厅，不能修改；如需更正，请联系省工业和信息化厅退回。")
        raise NotAllowed("您无权修改该信息表。")
    if version is not None:
        try:
            stale = int(version) != locked.edit_version
        except (TypeError, ValueError):
            stale = True
        if stale:
            raise Conflict(STALE_MESSAGE)
    return locked


def city_submission_save(*, actor, report_year, remarks: str, version=None) -> CitySubmission:
    """Save the city's remarks on the table before submitting it."""
    city = _city_of(actor)
    report_year = _check_year(report_year)
    sub = city_submission_get_or_create(city=city, report_year=report_year, actor=actor)
    with transaction.atomic():
        locked = _lock(sub, actor, version)
        locked.remarks = (remarks or "").strip()
        locked.edit_version += 1
        locked.save(update_fields=["remarks", "edit_version", "updated_at"])
    return locked


def city_submission_submit(*, actor, report_year, remarks: str, version=None, comment: str = "") -> CitySubmission:
    """Build the table from the city's reports, freeze it with the remarks, and send it to the province. Clusters
    without a submitted report are listed as missing; a submission after the due date is accepted and marked late."""
    city = _city_of(actor)
    report_year = _check_year(report_year)
    deadlines = deadlines_for(report_year)
    if not selectors.city_certifications(city.code, report_year).exists():
        raise ServiceError(f"本市没有需要报送{report_year}年度发展报告的认定集群。")
    sub = city_submission_get_or_create(city=city, report_year=report_year, actor=actor)
    remarks = (remarks or "").strip()
    with transaction.atomic():
        _lock(sub, actor, version)
        rows = selectors.city_table(city.code, report_year, deadlines)
        missing = [r["cluster"] for r in rows if r["missing"]]
        late = (sub.first_submitted_at or timezone.now()) >= deadlines.city_due_end
        notes = [comment.strip()] if comment and comment.strip() else []
        if missing:
            notes.append(f"未报送报告的集群 {len(missing)} 个：{'、'.join(missing)}")
        if late:
            notes.append(f"逾期报送（截止日期 {deadlines.city_due:%Y-%m-%d}）")

        def before(locked):
            locked.remarks = remarks
            locked.return_reason = ""
            CitySubmissionVersion.objects.create(
                submission=locked,
                number=locked.versions.count() + 1,
                created_by=actor,
                remarks=remarks,
                rows=rows,
                late=late,
            )

        def tell(locked, _row):
            recipients = list(User.objects.filter(role=Role.PROVINCE, is_active=True))
            extra = f"，其中 {len(missing)} 个集群未报送报告" if missing else ""
            notify(
                recipients=recipients,
                title=f"{city.name}已报送{report_year}年度集群培育情况信息表",
                body=f"共 {len(rows)} 个集群{extra}。{'（逾期报送）' if late else ''}",
                url=_url(locked),
            )

        return transitions.transition(
            sub,
            "submit",
            actor=actor,
            permission=permissions.can_submit_city_submission,
            expected_state=[C.DRAFT, C.RETURNED],
            comment="；".join(notes),
            args={"by": actor},
            before=before,
            freeze=lambda locked: locked.versions.order_by("-number").first(),
            notify=tell,
        )


def city_submission_return(*, actor, submission, reason: str) -> CitySubmission:
    """The province returns a submitted table to the city (a change after submission never overwrites it)."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写退回原因。", errors={"reason": ["请填写退回原因。"]})

    def tell(locked, _row):
        recipients = list(User.objects.filter(role=Role.CITY, is_active=True, organisation__division=locked.city))
        notify(
            recipients=recipients,
            title=f"省厅退回：{locked}",
            body=f"{locked.report_year}年度集群培育情况信息表已被省工业和信息化厅退回。退回原因：{reason}。请修改后重新报送。",
            url=_url(locked),
        )

    return transitions.transition(
        submission,
        "return_to_city",
        actor=actor,
        permission=permissions.can_return_city_submission,
        expected_state=C.SUBMITTED,
        comment=reason,
        args={"reason": reason},
        queryset=CitySubmission.objects.select_related("city"),
        notify=tell,
    )
