"""What waits for each user on the home page (我的待办), with its deadline."""

from django.db.models import Count, Exists, Min, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from clusters.models import Certification, CertificationStatus

from . import permissions, selectors
from .constants import (
    REPORTED_STATES,
    ChangeReportState,
    CitySubmissionState,
    ReportState,
    ReReviewState,
    RevocationStatus,
)
from .deadlines import current_report_year, deadlines_for
from .models import AnnualReport, CitySubmission, ReReview, RevocationCase
from .policy import cn_date, policy_for, rereview_closes


def _md(day) -> str:
    return f"{day.month}月{day.day}日"


def _due_text(due, today) -> str:
    days = (due - today).days
    if days < 0:
        return f"已于{_md(due)}截止，逾期"
    if days == 0:
        return f"{_md(due)}截止，今天到期"
    return f"{_md(due)}截止，还有{days}天"


def lifecycle_todos(user) -> list[dict]:
    """Re-reviews and change reports waiting for the user's tier (one count each), the applicant's certifications
    due for re-review."""
    items = []
    rereviews = selectors.rereview_list_for_user(user=user)
    changes = selectors.change_reports_for_user(user=user)
    rr_url, ch_url = reverse("monitoring:rereview_list"), reverse("monitoring:change_list")
    if user.role == Role.APPLICANT:
        applied = ReReview.objects.filter(certification_id=OuterRef("pk"), valid_to=OuterRef("valid_to"))
        due = (
            Certification.objects.filter(cluster__owner_id=user.organisation_id, status=CertificationStatus.EXPIRING)
            .exclude(Exists(applied))
            .aggregate(n=Count("id"), first=Min("valid_to"))
        )
        if due["n"]:
            # The window closes the grace period after the end of validity (the earliest one is shown).
            closes = rereview_closes(due["first"], policy_for(timezone.localdate().year))
            items.append(
                {
                    "label": "认定即将到期、待申请复核的集群",
                    "count": due["n"],
                    "url": reverse("monitoring:home"),
                    "deadline": closes,
                    "note": f"认定有效期至{cn_date(due['first'])}",
                }
            )
        returned = rereviews.filter(state=ReReviewState.RETURNED).count()
        if returned:
            items.append({"label": "被退回待修改的复核申请", "count": returned, "url": rr_url})
        returned = changes.filter(state=ChangeReportState.RETURNED).count()
        if returned:
            items.append({"label": "被退回待修改的重大变动报备", "count": returned, "url": ch_url})
        return items
    waiting = selectors.rereview_queue(user=user).count()
    if waiting:
        items.append({"label": "待办理的复核申请", "count": waiting, "url": rr_url})
    state = ChangeReportState.PROVINCE_REVIEW if user.is_province else ChangeReportState.CITY_REVIEW
    if user.is_province or permissions.is_city(user):
        waiting = changes.filter(state=state).count()
        if waiting:
            items.append({"label": "待审核的重大变动报备", "count": waiting, "url": ch_url})
    return items


def todos_for_user(user):
    if not permissions.may_use_monitoring(user):
        return []
    return todos_for_reports(user) + lifecycle_todos(user)


def todos_for_reports(user):
    today = timezone.localdate()
    year = current_report_year(today)
    deadlines = deadlines_for(year)
    home = reverse("monitoring:home")
    items = []
    if user.role == Role.APPLICANT:
        owing = selectors.certifications_for_applicant(user=user).filter(
            pk__in=selectors.eligible_certifications(year).values("pk")
        )
        reported = AnnualReport.objects.filter(report_year=year, state__in=REPORTED_STATES).values("cluster_id")
        n = owing.exclude(cluster_id__in=reported).values("cluster_id").distinct().count()
        if n:
            items.append(
                {
                    "label": f"待提交的{year}年度发展报告（{_due_text(deadlines.cluster_due, today)}）",
                    "count": n,
                    "url": home,
                    "deadline": deadlines.cluster_due,
                }
            )
        returned = selectors.report_list_for_user(user=user).filter(state=ReportState.RETURNED).count()
        if returned:
            items.append({"label": "被退回待修改的年度发展报告", "count": returned, "url": home})
        return items
    if permissions.is_county(user):
        n = selectors.county_queue(user=user).count()
        items.append({"label": "待审核的年度发展报告", "count": n, "url": home})
        return items
    if permissions.is_city(user):
        city = user.division
        owes = selectors.city_certifications(city.code, year).exists()
        sub = CitySubmission.objects.filter(city=city, report_year=year).first()
        url = reverse("monitoring:city_submission", args=[city.code, year])
        if owes and (sub is None or sub.state != CitySubmissionState.SUBMITTED):
            returned = sub is not None and sub.state == CitySubmissionState.RETURNED
            label = "省厅退回的" if returned else "待报送的"
            items.append(
                {
                    "label": f"{label}{year}年度集群培育情况信息表（{_due_text(deadlines.city_due, today)}）",
                    "count": 1,
                    "url": url,
                    "deadline": deadlines.city_due,
                }
            )
        return items
    if user.is_province:
        counts = RevocationCase.objects.aggregate(n=Count("id", filter=Q(status=RevocationStatus.PROPOSED)))
        if counts["n"]:
            items.append(
                {"label": "待研究的撤销认定建议", "count": counts["n"], "url": reverse("monitoring:revocation_list")}
            )
        owing = set(
            selectors.eligible_certifications(year).values_list("cluster__division__parent_id", flat=True).distinct()
        )
        done = set(
            CitySubmission.objects.filter(report_year=year, state=CitySubmissionState.SUBMITTED).values_list(
                "city_id", flat=True
            )
        )
        waiting = len(owing - done)
        if waiting:
            items.append(
                {
                    "label": f"尚未报送{year}年度信息表的设区市（{_due_text(deadlines.city_due, today)}）",
                    "count": waiting,
                    "url": reverse("monitoring:province_overview", args=[year]),
                    "deadline": deadlines.city_due,
                }
            )
    return items
