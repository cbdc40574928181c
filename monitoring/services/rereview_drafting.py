"""A re-review while the cluster drafts it: start (prefilled from the annual reports and the certified
application), save, the plan targets of an imported certification, and its files."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clusters import eligibility
from clusters.models import Certification, Enterprise, ListItem, PlanTarget, YearData
from core import transitions
from core.exceptions import Conflict, NotAllowed, ServiceError
from monitoring import permissions
from monitoring.constants import REPORTED_STATES, ReReviewState
from monitoring.models import FIGURE_FIELDS, AnnualReport, ReportTargetProgress, ReReview, ReReviewTarget, ReReviewYear
from monitoring.models.rereviews import COUNT_FIELDS, DECLARATION_FIELDS, GREEN_FIELDS, PCT_FIELDS, TEXT_FIELDS
from monitoring.selectors import rereviews as rr_selectors

from .files import file_hide, file_store

S = ReReviewState
STALE_MESSAGE = "此复核申请已在其他窗口或由他人更新，请刷新页面后再编辑，您的输入未被覆盖。"
EDIT_FIELDS = [*COUNT_FIELDS, *PCT_FIELDS, *GREEN_FIELDS, *DECLARATION_FIELDS, *TEXT_FIELDS]
CLEAN_EXCLUDE = ["state", "cluster", "certification", "created_by", "submitted_by", "decided_by", "route"]


# ---------------------------------------------------------------- start and prefill


def _prefill_years(rereview, certification) -> None:
    years = rereview.data_years
    reports = {
        r.report_year: r
        for r in AnnualReport.objects.filter(
            cluster_id=certification.cluster_id, report_year__in=years, state__in=REPORTED_STATES
        )
    }
    application_rows = {}
    if certification.application_id:
        application_rows = {y.year: y for y in YearData.objects.filter(application_id=certification.application_id)}
    rows = []
    for year in years:
        source, values = "", {}
        if year in reports:
            source, values = "年度报告", reports[year].figures()
        elif year in application_rows:
            source = "认定申报"
            values = {n: getattr(application_rows[year], n) for n in FIGURE_FIELDS}
        rows.append(ReReviewYear(rereview=rereview, year=year, source=source, **values))
    ReReviewYear.objects.bulk_create(rows)


def _prefill_counts(rereview, certification) -> None:
    """The Art. 6 counts and texts as the certified application gave them (the cluster corrects them)."""
    application = certification.application
    rereview.management_body = certification.cluster.management_body
    if application is None:
        return
    enterprises = [
        eligibility.EnterpriseFacts(credit_code=e.credit_code, in_lead_industry=e.in_lead_industry, titles=e.titles)
        for e in Enterprise.objects.filter(application=application)
    ]
    rereview.champion_giant, rereview.specialised_hightech = eligibility.count_title_groups(enterprises)
    counts = {"sharing": 0, "platform": 0, "standard": 0, "pilot": 0, "international": 0}
    for item in ListItem.objects.filter(application=application):
        if item.kind == "platform" and item.level not in ("national", "provincial"):
            continue
        counts[item.kind] = counts.get(item.kind, 0) + 1
    rereview.sharing_initiatives = counts["sharing"]
    rereview.provincial_platforms = counts["platform"]
    rereview.standards = counts["standard"]
    rereview.pilot_projects = counts["pilot"]
    rereview.international_activities = counts["international"]
    for name in (*PCT_FIELDS, *GREEN_FIELDS, "service_system"):
        setattr(rereview, name, getattr(application, name))
    rereview.management_body = application.management_body or rereview.management_body


def _prefill_targets(rereview, certification) -> None:
    """The certified plan's targets, each with the values its annual reports gave; the latest is the starting
    current value."""
    if not certification.application_id:
        return
    targets = list(PlanTarget.objects.filter(application_id=certification.application_id).order_by("id"))
    reported: dict[int, dict] = {t.pk: {} for t in targets}
    for p in ReportTargetProgress.objects.filter(
        target_id__in=list(reported), report__cluster_id=certification.cluster_id, report__state__in=REPORTED_STATES
    ).select_related("report"):
        if p.actual is not None:
            reported[p.target_id][str(p.report.report_year)] = str(p.actual)
    ReReviewTarget.objects.bulk_create(
        ReReviewTarget(
            rereview=rereview,
            plan_target=t,
            indicator=t.indicator,
            unit=t.unit,
            baseline=t.baseline,
            target_1=t.target_1,
            target_2=t.target_2,
            target_3=t.target_3,
            reported=reported[t.pk],
            actual=Decimal(reported[t.pk][max(reported[t.pk])]) if reported[t.pk] else None,
        )
        for t in targets
    )


def rereview_start(*, actor, certification) -> ReReview:
    """Open the cluster's re-review of its current validity, inside the window, prefilled from its last annual
    reports (and the certified application); refused with a reason outside the window or while one is open."""
    certification = Certification.objects.select_related("cluster", "application").get(pk=certification.pk)
    if not permissions.can_start_rereview(actor, certification):
        if permissions.cluster_permissions.owns(actor, certification.cluster):
            raise ServiceError(rr_selectors.rereview_refusal(certification) or "当前不能申请复核。")
        raise NotAllowed("您无权为该集群申请复核。")
    existing = rr_selectors.open_rereview(certification)
    if existing is not None:
        raise ServiceError(
            f"该集群已有进行中的复核申请（{existing.get_state_display()}），请继续办理该申请，不能重复申请。"
        )
    refusal = rr_selectors.rereview_refusal(certification)
    if refusal:
        raise ServiceError(refusal)
    try:
        with transaction.atomic():
            rereview = ReReview(
                certification=certification,
                cluster=certification.cluster,
                valid_to=certification.valid_to,
                year=timezone.localdate().year,
                created_by=actor,
            )
            _prefill_counts(rereview, certification)
            rereview.save()
            _prefill_years(rereview, certification)
            _prefill_targets(rereview, certification)
            transitions.record_event(
                rereview,
                "create",
                actor=actor,
                to_state=S.DRAFT,
                comment=f"创建复核申请（本期有效期至{certification.valid_to:%Y-%m-%d}）",
            )
    except IntegrityError:
        raise ServiceError("该集群已有本期认定的复核申请，不能重复申请。") from None
    return rereview


# ---------------------------------------------------------------- saving


def _lock_for_edit(rereview, actor, version=None, *, check_version=False) -> ReReview:
    locked = (
        ReReview.objects.select_for_update(of=("self",)).select_related("cluster", "certification").get(pk=rereview.pk)
    )
    if not permissions.can_edit_rereview(actor, locked):
        if permissions.owns_rereview(actor, locked):
            raise Conflict("复核申请已提交或已办结，当前不能修改。请刷新页面。")
        raise NotAllowed("您无权修改该复核申请。")
    if check_version:
        try:
            stale = version is None or int(version) != locked.edit_version
        except (TypeError, ValueError):
            stale = True
        if stale:
            raise Conflict(STALE_MESSAGE)
    return locked


def rereview_save(*, rereview, actor, version, fields=None, years=None, targets=None) -> ReReview:
    """Save the draft in one go: `fields` (counts, shares, texts, declarations), `years` ({year: {figure: value}})
    and `targets` ({target id: {"actual": Decimal | None, "note": str}}). A stale version is refused."""
    fields, years, targets = fields or {}, years or {}, targets or {}
    unknown = set(fields) - set(EDIT_FIELDS)
    if unknown:
        raise ServiceError(f"不能通过此操作修改字段：{'、'.join(sorted(unknown))}。")
    with transaction.atomic():
        locked = _lock_for_edit(rereview, actor, version, check_version=True)
        errors = {}
        for key, value in fields.items():
            setattr(locked, key, value.strip() if isinstance(value, str) else value)
        try:
            locked.full_clean(exclude=CLEAN_EXCLUDE, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        year_rows = {y.year: y for y in locked.years.all()}
        changed_years = []
        for year, values in years.items():
            row = year_rows.get(int(year))
            if row is None:
                raise ServiceError("年份不属于本复核申请。")
            for name, value in values.items():
                if name not in FIGURE_FIELDS:
                    raise ServiceError(f"不能通过此操作修改字段：{name}。")
                setattr(row, name, value)
            try:
                row.full_clean(exclude=["rereview"], validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                for name, msgs in exc.message_dict.items():
                    errors[f"y{row.year}_{name}"] = msgs
                continue
            for part in ("sme_output", "lead_output"):
                if None not in (row.total_output, getattr(row, part)) and getattr(row, part) > row.total_output:
                    errors[f"y{row.year}_{part}"] = [
                        f"{row.year}年{YearData._meta.get_field(part).verbose_name}不能大于集群总产值。"
                    ]
            changed_years.append(row)
        target_rows = {t.pk: t for t in locked.targets.all()}
        changed_targets = []
        for target_id, values in targets.items():
            row = target_rows.get(int(target_id))
            if row is None:
                raise ServiceError("规划目标不属于本复核申请。")
            row.actual = values.get("actual")
            row.note = (values.get("note") or "").strip()[:200]
            changed_targets.append(row)
        if errors:
            details = "；".join(m for msgs in errors.values() for m in msgs)
            raise ServiceError(f"有 {len(errors)} 处内容需要修改：{details}", errors=errors)
        locked.edit_version += 1
        locked.save()
        if changed_years:
            ReReviewYear.objects.bulk_update(changed_years, FIGURE_FIELDS)
        if changed_targets:
            ReReviewTarget.objects.bulk_update(changed_targets, ["actual", "note"])
    return locked


def rereview_target_add(*, rereview, actor, indicator, unit, baseline, target_3, target_1=None, target_2=None):
    """A certification imported without a plan in the portal: the cluster enters its plan's targets."""
    with transaction.atomic():
        locked = _lock_for_edit(rereview, actor)
        if locked.certification.application_id:
            raise ServiceError("规划目标取自认定时的三年发展规划，不能增加。")
        target = ReReviewTarget(
            rereview=locked,
            indicator=(indicator or "").strip(),
            unit=(unit or "").strip(),
            baseline=baseline,
            target_1=target_1,
            target_2=target_2,
            target_3=target_3,
        )
        try:
            target.full_clean(exclude=["rereview", "plan_target"])
        except ValidationError as exc:
            raise ServiceError(transitions.validation_message(exc), errors=exc.message_dict) from exc
        target.save()
        locked.edit_version += 1
        locked.save(update_fields=["edit_version", "updated_at"])
    return target


def rereview_target_remove(*, rereview, actor, target_id) -> None:
    with transaction.atomic():
        locked = _lock_for_edit(rereview, actor)
        deleted, _ = ReReviewTarget.objects.filter(
            rereview=locked, pk=int(target_id), plan_target__isnull=True
        ).delete()
        if not deleted:
            raise ServiceError("该规划目标不存在，或取自认定时的规划，不能删除。")
        locked.edit_version += 1
        locked.save(update_fields=["edit_version", "updated_at"])


def rereview_file_upload(*, rereview, actor, uploaded_file, description: str = ""):
    with transaction.atomic():
        locked = _lock_for_edit(rereview, actor)
        return file_store(
            parent_field="rereview", parent=locked, actor=actor, uploaded_file=uploaded_file, description=description
        )


def rereview_file_remove(*, rereview, actor, file_id) -> None:
    with transaction.atomic():
        locked = _lock_for_edit(rereview, actor)
        file_hide(parent_field="rereview", parent=locked, file_id=file_id)
