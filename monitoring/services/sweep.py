"""The daily sweep of annual reports (registered in MonitoringConfig.ready, run by core.tasks.daily_sweep).

Deadlines come from the reporting calendar in the database. Each kind of reminder or flag is sent once per target
(a certification or a city), reported year and due date: the SentReminder table's unique constraint makes a second
run, or a concurrent one, send nothing more. Queries per run do not grow with the number of clusters: targets,
recipients and sent records are read and written in bulk, and one notify() call reaches all recipients of a kind.
"""

import datetime
import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.models import Division, User
from monitoring import selectors
from monitoring.constants import (
    CITY_REMINDERS,
    CLUSTER_REMINDERS,
    REPORTED_STATES,
    CitySubmissionState,
    ReminderKind,
    RevocationGround,
)
from monitoring.deadlines import Deadlines, current_report_year, deadlines_for
from monitoring.models import AnnualReport, CitySubmission, SentReminder

from .revocations import sweep_propose

log = logging.getLogger(__name__)


def window(reminders, days_left: int):
    """The reminder kind whose window holds `days_left` (e.g. 7 < d ≤ 30 → the 30-day reminder), or None."""
    if days_left < 0:
        return None
    for i, (kind, most) in enumerate(reminders):
        least = reminders[i + 1][1] if i + 1 < len(reminders) else -1
        if least < days_left <= most:
            return kind
    return None


def cn_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def md(day: datetime.date) -> str:
    return f"{day.month}月{day.day}日"


def _days_text(days_left: int) -> str:
    return "今天截止" if days_left == 0 else f"还有 {days_left} 天"


def _claim(kind, deadlines: Deadlines, due: datetime.date, targets: dict[str, int], today) -> set[str]:
    """Record `kind` as sent to each target not yet recorded (target -> number of recipients); returns the
    targets claimed by this run. A concurrent run inserting the same rows makes this transaction fail whole."""
    if not targets:
        return set()
    done = set(
        SentReminder.objects.filter(kind=kind, report_year=deadlines.report_year, due_date=due).values_list(
            "target", flat=True
        )
    )
    new = {t: n for t, n in targets.items() if t not in done}
    SentReminder.objects.bulk_create(
        SentReminder(kind=kind, report_year=deadlines.report_year, target=t, due_date=due, sent_on=today, recipients=n)
        for t, n in sorted(new.items())
    )
    return set(new)


def _cluster_targets(rows):
    """(targets with recipient counts, applicant users, county users) for certification rows."""
    owner_ids = {r["cluster__owner_id"] for r in rows}
    division_ids = {r["cluster__division_id"] for r in rows}
    applicants = list(User.objects.filter(role=Role.APPLICANT, is_active=True, organisation_id__in=owner_ids))
    counties = list(
        User.objects.filter(
            role=Role.COUNTY, is_active=True, organisation__division_id__in=division_ids
        ).select_related("organisation")
    )
    per_owner, per_division = {}, {}
    for u in applicants:
        per_owner[u.organisation_id] = per_owner.get(u.organisation_id, 0) + 1
    for u in counties:
        key = u.organisation.division_id
        per_division[key] = per_division.get(key, 0) + 1
    targets = {
        f"cert:{r['id']}": per_owner.get(r["cluster__owner_id"], 0) + per_division.get(r["cluster__division_id"], 0)
        for r in rows
    }
    return targets, applicants, counties


def _notify_clusters(rows, claimed, applicants, counties, *, title, body, county_title, county_body) -> int:
    from core.services import notify

    chosen = [r for r in rows if f"cert:{r['id']}" in claimed]
    owners = {r["cluster__owner_id"] for r in chosen}
    divisions = {r["cluster__division_id"] for r in chosen}
    url = reverse("monitoring:home")
    to_applicants = [u for u in applicants if u.organisation_id in owners]
    to_counties = [u for u in counties if u.organisation.division_id in divisions]
    if to_applicants:
        notify(recipients=to_applicants, title=title, body=body, url=url)
    if to_counties:
        notify(recipients=to_counties, title=county_title, body=county_body, url=url)
    return len(chosen)


_CERT_FIELDS = ("id", "cluster_id", "cluster__owner_id", "cluster__division_id")


def cluster_reminders(deadlines: Deadlines, today: datetime.date) -> int:
    """Before the cluster due date (30, 7 and 1 days): the clusters whose report is not submitted, and their
    county authority."""
    days_left = (deadlines.cluster_due - today).days
    kind = window(CLUSTER_REMINDERS, days_left)
    if kind is None:
        return 0
    year, due = deadlines.report_year, deadlines.cluster_due
    with transaction.atomic():
        reported = AnnualReport.objects.filter(report_year=year, state__in=REPORTED_STATES).values("cluster_id")
        rows = list(selectors.eligible_certifications(year).exclude(cluster_id__in=reported).values(*_CERT_FIELDS))
        targets, applicants, counties = _cluster_targets(rows)
        claimed = _claim(kind, deadlines, due, targets, today)
        return _notify_clusters(
            rows,
            claimed,
            applicants,
            counties,
            title=f"{year}年度发展报告将于{md(due)}截止（{_days_text(days_left)}）",
            body=(
                f"您单位认定的特色产业集群{year}年度发展报告尚未提交，报送截止日期为{cn_date(due)}"
                f"（{_days_text(days_left)}）。请登录平台填写并提交。"
            ),
            county_title=f"辖区集群{year}年度发展报告将于{md(due)}截止（{_days_text(days_left)}）",
            county_body=(
                f"辖区内有特色产业集群尚未提交{year}年度发展报告（截止日期 {cn_date(due)}），请督促按时报送。"
            ),
        )


def cluster_overdue(deadlines: Deadlines, today: datetime.date) -> int:
    """From the day after the cluster due date: each report not submitted by then is flagged overdue, once (the
    cluster and its county are told). Certifications made after the due date are not flagged."""
    if today <= deadlines.cluster_due:
        return 0
    year, due, end = deadlines.report_year, deadlines.cluster_due, deadlines.cluster_due_end
    with transaction.atomic():
        on_time = AnnualReport.objects.filter(report_year=year, first_submitted_at__lt=end).values("cluster_id")
        rows = list(
            selectors.eligible_certifications(year)
            .filter(created_at__lt=end)
            .exclude(cluster_id__in=on_time)
            .values(*_CERT_FIELDS)
        )
        targets, applicants, counties = _cluster_targets(rows)
        claimed = _claim(ReminderKind.CLUSTER_OVERDUE, deadlines, due, targets, today)
        return _notify_clusters(
            rows,
            claimed,
            applicants,
            counties,
            title=f"{year}年度发展报告已逾期",
            body=(
                f"您单位认定的特色产业集群{year}年度发展报告未在截止日期（{cn_date(due)}）前提交，已标记为逾期。"
                "请尽快提交，逾期提交的报告将注明逾期。"
            ),
            county_title=f"辖区集群{year}年度发展报告逾期未报",
            county_body=f"辖区内有特色产业集群未在{cn_date(due)}前提交{year}年度发展报告，请督促尽快报送。",
        )


def _owing_cities(year: int, *, created_before=None) -> set[str]:
    qs = selectors.eligible_certifications(year)
    if created_before is not None:
        qs = qs.filter(created_at__lt=created_before)
    return set(qs.values_list("cluster__division__parent_id", flat=True).distinct())


def _city_users(codes) -> list:
    return list(
        User.objects.filter(role=Role.CITY, is_active=True, organisation__division_id__in=codes).select_related(
            "organisation"
        )
    )


def city_reminders(deadlines: Deadlines, today: datetime.date) -> int:
    """Before the city due date (7 and 1 days): the cities owing a table they have not submitted."""
    from core.services import notify

    days_left = (deadlines.city_due - today).days
    kind = window(CITY_REMINDERS, days_left)
    if kind is None:
        return 0
    year, due = deadlines.report_year, deadlines.city_due
    with transaction.atomic():
        submitted = set(
            CitySubmission.objects.filter(report_year=year, state=CitySubmissionState.SUBMITTED).values_list(
                "city_id", flat=True
            )
        )
        codes = _owing_cities(year) - submitted
        users = _city_users(codes)
        targets = {f"city:{c}": sum(1 for u in users if u.organisation.division_id == c) for c in codes}
        claimed = _claim(kind, deadlines, due, targets, today)
        recipients = [u for u in users if f"city:{u.organisation.division_id}" in claimed]
        if recipients:
            notify(
                recipients=recipients,
                title=f"{year}年度集群培育情况信息表将于{md(due)}截止报送（{_days_text(days_left)}）",
                body=(
                    f"请汇总本市认定集群的{year}年度发展报告，于{cn_date(due)}前向省工业和信息化厅报送"
                    "年度培育情况信息表。未报送报告的集群将在表中列为未报送。"
                ),
                url=reverse("monitoring:home"),
            )
        return len(claimed)


def city_overdue(deadlines: Deadlines, today: datetime.date) -> dict:
    """From the day after the city due date: each city that owed a table and did not submit it by then is flagged
    once (the city and the province are told), and ground (3) of Art. 14 is recorded, once, on each of its
    clusters whose report was not submitted by that date — a proposal for the province to decide."""
    from core.services import notify

    if today <= deadlines.city_due:
        return {"cities": 0, "proposals": 0}
    year, due, end = deadlines.report_year, deadlines.city_due, deadlines.city_due_end
    with transaction.atomic():
        on_time = set(
            CitySubmission.objects.filter(report_year=year, first_submitted_at__lt=end).values_list(
                "city_id", flat=True
            )
        )
        codes = _owing_cities(year, created_before=end) - on_time
        if not codes:
            return {"cities": 0, "proposals": 0}
        users = _city_users(codes)
        province = list(User.objects.filter(role=Role.PROVINCE, is_active=True))
        targets = {f"city:{c}": sum(1 for u in users if u.organisation.division_id == c) + len(province) for c in codes}
        claimed = _claim(ReminderKind.CITY_OVERDUE, deadlines, due, targets, today)
        names = dict(Division.objects.filter(code__in=codes).values_list("code", "name"))
        if claimed:
            claimed_codes = sorted(t.split(":", 1)[1] for t in claimed)
            to_cities = [u for u in users if u.organisation.division_id in claimed_codes]
            if to_cities:
                notify(
                    recipients=to_cities,
                    title=f"{year}年度集群培育情况信息表已逾期未报送",
                    body=(
                        f"本市未在{cn_date(due)}前报送{year}年度集群培育情况信息表。依据《管理办法》第十四条第（三）项，"
                        "未报送发展报告的集群已列入撤销认定建议，由省工业和信息化厅研究。请尽快报送。"
                    ),
                    url=reverse("monitoring:home"),
                )
            if province:
                notify(
                    recipients=province,
                    title=f"{year}年度集群培育情况信息表逾期未报送：{'、'.join(names.get(c, c) for c in claimed_codes)}",
                    body="以上设区市未在截止日期前报送信息表，其未报送发展报告的集群已记录第十四条第（三）项撤销建议。",
                    url=reverse("monitoring:province_overview", args=[year]),
                )
        reported = AnnualReport.objects.filter(report_year=year, first_submitted_at__lt=end).values("cluster_id")
        # A cluster that came under the obligation after its own due date (imported in April) had no fair chance
        # to report: it is listed as missing in the city's table, but no revocation is proposed for it.
        certs = list(
            selectors.eligible_certifications(year)
            .filter(created_at__lt=deadlines.cluster_due_end, cluster__division__parent_id__in=codes)
            .exclude(cluster_id__in=reported)
            .values("id", "cluster__name", "cluster__division__parent_id")
        )
        evidence = {
            c["id"]: (
                f"{names.get(c['cluster__division__parent_id'], '')}未在{cn_date(due)}前报送{year}年度集群培育情况信息表，"
                f"{c['cluster__name']}的{year}年度发展报告截至该日未提交。依据《江苏省促进中小企业特色产业集群发展管理办法》"
                f"第十四条第（三）项，系统于{cn_date(today)}自动记录撤销认定建议，待省工业和信息化厅研究决定。"
            )
            for c in certs
        }
        created = sweep_propose(
            ground=RevocationGround.ANNUAL_INFO_MISSING, year=year, evidence_by_certification=evidence
        )
        if created and province:
            notify(
                recipients=province,
                title=f"新增撤销认定建议 {len(created)} 项（第十四条第（三）项）",
                body=f"{year}年度集群培育情况信息表逾期未报送，涉及集群 {len(created)} 个，请研究处理。",
                url=reverse("monitoring:revocation_list"),
            )
        return {"cities": len(claimed), "proposals": len(created)}


def annual_report_sweep(today: datetime.date | None = None) -> dict:
    """The daily sweep: reminders and overdue flags of the current reporting cycle (the previous year's reports),
    from the calendar in the database. Idempotent: running it twice on a day sends and records nothing more."""
    today = today or timezone.localdate()
    deadlines = deadlines_for(current_report_year(today))
    result = {
        "cluster_reminders": cluster_reminders(deadlines, today),
        "cluster_overdue": cluster_overdue(deadlines, today),
        "city_reminders": city_reminders(deadlines, today),
    }
    result.update({f"city_overdue_{k}": v for k, v in city_overdue(deadlines, today).items()})
    return result
