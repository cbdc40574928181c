"""Reads of re-reviews (复核, Art. 11): the window, what each user may see, the Art. 6 facts the eligibility engine
runs on (the same rules, the thresholds of the call the cluster was certified in), and the plan's targets beside
what the annual reports gave."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from accounts.constants import Role
from accounts.selectors import NOTHING, jurisdiction_q
from clusters import eligibility
from clusters.models import CertificationStatus

from ..constants import CLOSED_REREVIEW_STATES, OPEN_REREVIEW_STATES, ReReviewState
from ..models import FIGURE_FIELDS, LifecycleFile, ReReview, ReReviewOpinion, ReReviewTarget, ReReviewYear
from ..policy import cn_date, expiring_from, policy_for, rereview_closes
from .reports import thresholds_for

S = ReReviewState
C = CertificationStatus


# ---------------------------------------------------------------- the window


def rereview_refusal(certification, today: datetime.date | None = None) -> str:
    """Why the cluster cannot apply for re-review of `certification` now (a Chinese sentence), or "" when it can.
    The window runs from the expiring mark to the grace period's end after valid_to."""
    today = today or timezone.localdate()
    policy = policy_for(today.year)
    if certification.status == C.REVOKED:
        return "该集群的认定已撤销，不能申请复核。"
    closed = (
        ReReview.objects.filter(certification=certification, valid_to=certification.valid_to)
        .exclude(state__in=OPEN_REREVIEW_STATES)
        .first()
    )
    if closed is not None:
        return f"本期认定的复核已于{cn_date(timezone.localdate(closed.decided_at))}作出决定（{closed.get_state_display()}），不能再次申请。"
    if certification.status == C.VALID:
        opens = expiring_from(certification.valid_to, policy.expiring_lead_months)
        return (
            f"认定有效期至{cn_date(certification.valid_to)}，复核申请自{cn_date(opens)}"
            f"（到期前{policy.expiring_lead_months}个月）起开放。"
        )
    closes = rereview_closes(certification.valid_to, policy)
    if today > closes:
        return f"复核申请期已于{cn_date(closes)}截止（有效期届满后{policy.rereview_grace_days}天），不能再申请复核。"
    return ""


def open_rereview(certification):
    return ReReview.objects.filter(
        certification=certification, valid_to=certification.valid_to, state__in=OPEN_REREVIEW_STATES
    ).first()


# ---------------------------------------------------------------- visible to a user


def rereview_list_for_user(*, user):
    qs = ReReview.objects.select_related("cluster__division__parent", "certification")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.APPLICANT:
        return qs.filter(cluster__owner_id=user.organisation_id) if user.organisation_id else qs.none()
    scope = jurisdiction_q(user, "cluster__division")
    if scope == NOTHING:
        return qs.none()
    return qs.filter(scope).exclude(submission_count=0)


def get_rereview_for_user(*, user, pk) -> ReReview:
    try:
        return rereview_list_for_user(user=user).get(pk=pk)
    except (ReReview.DoesNotExist, ValueError, TypeError):
        raise Http404("复核申请不存在") from None


def rereview_queue(*, user):
    """Re-reviews waiting for this user's tier."""
    qs = rereview_list_for_user(user=user)
    if user.is_province:
        return qs.filter(state__in=[S.EXPERT_REVIEW, S.PROVINCE_REVIEW])
    if user.role == Role.COUNTY:
        return qs.filter(state=S.COUNTY_REVIEW)
    if user.role == Role.CITY:
        return qs.filter(state=S.CITY_REVIEW)
    return qs.filter(state__in=[S.DRAFT, S.RETURNED])


def rereview_with_sections(pk) -> ReReview:
    """One re-review with everything its pages show, in a fixed number of queries."""
    return (
        ReReview.objects.select_related(
            "cluster__division__parent", "cluster__owner", "certification__call", "certification__application"
        )
        .prefetch_related(
            Prefetch("years", queryset=ReReviewYear.objects.order_by("year")),
            Prefetch("targets", queryset=ReReviewTarget.objects.order_by("id")),
            Prefetch(
                "opinions", queryset=ReReviewOpinion.objects.select_related("author").order_by("created_at", "id")
            ),
            Prefetch(
                "files",
                queryset=LifecycleFile.objects.filter(removed_at__isnull=True).order_by("uploaded_at", "id"),
                to_attr="active_files",
            ),
            "versions",
        )
        .get(pk=pk)
    )


# ---------------------------------------------------------------- the Art. 6 table on current figures


def _figures(row) -> eligibility.YearFigures:
    return eligibility.YearFigures(**{name: getattr(row, name) for name in FIGURE_FIELDS})


def rereview_facts(rereview) -> eligibility.Facts:
    """The eligibility engine's input from the re-review's figures. The roster's two groups are declared as counts:
    they become that many enterprises (without credit codes, so each counts once) for the same rule 3."""
    enterprises = [
        eligibility.EnterpriseFacts(
            credit_code="", in_lead_industry=True, titles=frozenset({eligibility.TITLE_CHAMPION})
        )
    ] * int(rereview.champion_giant or 0) + [
        eligibility.EnterpriseFacts(
            credit_code="", in_lead_industry=False, titles=frozenset({eligibility.TITLE_SPECIALISED})
        )
    ] * int(rereview.specialised_hightech or 0)
    targets = list(rereview.targets.all())
    return eligibility.Facts(
        call_year=rereview.year,
        area_km2=rereview.cluster.area_km2,
        years={y.year: _figures(y) for y in rereview.years.all()},
        enterprises=enterprises,
        sharing_initiatives=int(rereview.sharing_initiatives or 0),
        provincial_platforms=int(rereview.provincial_platforms or 0),
        standards=int(rereview.standards or 0),
        cloud_share_pct=rereview.cloud_share_pct,
        platform_penetration_pct=rereview.platform_penetration_pct,
        pilot_projects=int(rereview.pilot_projects or 0),
        energy_intensive=rereview.energy_intensive,
        energy_above_benchmark=rereview.energy_above_benchmark,
        water_intensive=rereview.water_intensive,
        water_above_benchmark=rereview.water_above_benchmark,
        international_activities=int(rereview.international_activities or 0),
        has_management_body=bool(rereview.management_body.strip()),
        has_service_system=bool(rereview.service_system.strip()),
        plan_target_count=len(targets),
        has_plan_document=bool(targets) and bool(rereview.summary.strip()),
        declarations=rereview.declarations(),
    )


def rereview_evaluate(rereview) -> list[eligibility.RuleResult]:
    """The same rules as an application, with the thresholds of the call the cluster was certified in (the
    defaults for an imported certification)."""
    return eligibility.evaluate(rereview_facts(rereview), thresholds_for(rereview.certification))


# ---------------------------------------------------------------- the three-year plan's targets


@dataclass
class TargetRow:
    target: ReReviewTarget
    years: list  # [(plan year n, reported year, target value, reported value, "met"/"missed"/"pending")]
    final: Decimal | None  # the current value, or the last reported one
    status: str  # "met", "missed", "pending"

    @property
    def status_label(self) -> str:
        return {"met": "已完成", "missed": "未完成", "pending": "未填写"}[self.status]


def _met(target, value, goal) -> bool:
    decreasing = target.target_3 < target.baseline
    return value <= goal if decreasing else value >= goal


def target_rows(rereview) -> list[TargetRow]:
    """Each target with, per plan year, the target and the value the annual report gave (met or missed), and
    the final assessment: the current value (or the last reported) against the end-of-plan target."""
    first_year = rereview.certification.year if rereview.certification.application_id else None
    rows = []
    for t in rereview.targets.all():
        years = []
        for n, goal in ((1, t.target_1), (2, t.target_2), (3, t.target_3)):
            year = first_year + n - 1 if first_year else None
            raw = (t.reported or {}).get(str(year)) if year else None
            value = Decimal(raw) if raw not in (None, "") else None
            status = "pending" if value is None or goal is None else ("met" if _met(t, value, goal) else "missed")
            years.append((n, year, goal, value, status))
        reported = [v for *_x, v, _s in years if v is not None]
        final = t.actual if t.actual is not None else (reported[-1] if reported else None)
        status = "pending" if final is None else ("met" if _met(t, final, t.target_3) else "missed")
        rows.append(TargetRow(t, years, final, status))
    return rows


def target_summary(rows) -> dict:
    return {
        "met": sum(1 for r in rows if r.status == "met"),
        "missed": sum(1 for r in rows if r.status == "missed"),
        "pending": sum(1 for r in rows if r.status == "pending"),
        "total": len(rows),
    }


def year_rows(rereview) -> list[ReReviewYear]:
    return list(rereview.years.all())


def closed_rereviews(certification):
    return ReReview.objects.filter(certification=certification, state__in=CLOSED_REREVIEW_STATES).order_by("-valid_to")
