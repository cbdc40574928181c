"""The daily lifecycle sweep of certifications (Art. 11, Art. 14(1)); registered in MonitoringConfig.ready and run
by core.tasks.daily_sweep, twice a day or more without harm.

1. the day after valid_to a certification expires, unless a re-review application for it is under way;
2. the configured lead before valid_to (default 6 months) it is marked expiring, which opens the re-review window;
3. 6, 3 and 1 months before valid_to the cluster, its county, city and the province are warned, each warning once
   per certification and end of validity (ExpiryReminder's unique constraint; a renewal re-arms them);
4. once the grace period after expiry has passed without a re-review application, ground (1) of Art. 14 is
   proposed, once.

State changes go through core.transitions.transition() with the system predicate, one per certification (each is
logged); the warnings are read, claimed and written in bulk, so their queries do not grow with the certifications.
"""

import datetime
import logging

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User
from clusters.models import Certification, CertificationStatus
from clusters.services.certifications import certification_expire, certifications_mark_expiring
from monitoring.constants import (
    EXPIRY_REMINDERS,
    OPEN_REREVIEW_STATES,
    ExpiryReminderKind,
    ReReviewState,
    RevocationGround,
)
from monitoring.models import ExpiryReminder, ReReview
from monitoring.policy import Policy, cn_date, expiring_from, months_ahead, policy_for, rereview_closes

from .notifying import Message, notify_many
from .revocations import sweep_propose

log = logging.getLogger(__name__)
C = CertificationStatus
K = ExpiryReminderKind
_ROW = ("id", "number", "valid_to", "cluster__name", "cluster__owner_id", "cluster_id", "cluster__division_id")
_ROW_CITY = "cluster__division__parent_id"


def _submitted_rereview(*, states):
    """A re-review application for the certification's current end of validity, submitted, in `states`."""
    return ReReview.objects.filter(
        certification_id=OuterRef("pk"), valid_to=OuterRef("valid_to"), submission_count__gt=0, state__in=states
    )


def under_way():
    return _submitted_rereview(states=OPEN_REREVIEW_STATES)


# ---------------------------------------------------------------- who is told


class Audience:
    """The users concerned by a set of certification rows, loaded in four queries."""

    def __init__(self, rows):
        owners = {r["cluster__owner_id"] for r in rows}
        counties = {r["cluster__division_id"] for r in rows}
        cities = {r[_ROW_CITY] for r in rows}
        active = User.objects.filter(is_active=True)
        self.applicants = list(active.filter(role=Role.APPLICANT, organisation_id__in=owners))
        self.counties = list(
            active.filter(role=Role.COUNTY, organisation__division_id__in=counties).select_related("organisation")
        )
        self.cities = list(
            active.filter(role=Role.CITY, organisation__division_id__in=cities).select_related("organisation")
        )
        self.province = list(active.filter(role=Role.PROVINCE))

    def owners_of(self, row):
        return [u for u in self.applicants if u.organisation_id == row["cluster__owner_id"]]

    def county_of(self, code):
        return [u for u in self.counties if u.organisation.division_id == code]

    def city_of(self, code):
        return [u for u in self.cities if u.organisation.division_id == code]

    def count_for(self, row) -> int:
        return (
            len(self.owners_of(row))
            + len(self.county_of(row["cluster__division_id"]))
            + len(self.city_of(row[_ROW_CITY]))
            + len(self.province)
        )


def _listing(rows, limit: int = 20) -> str:
    names = [f"{r['cluster__name']}（有效期至{cn_date(r['valid_to'])}）" for r in rows[:limit]]
    more = f"等{len(rows)}个集群" if len(rows) > limit else ""
    return "、".join(names) + more


def _authority_messages(rows, audience: Audience, *, title: str, lead: str) -> list[Message]:
    """One message per county and per city listing its own clusters, and one to the province listing all."""
    url = reverse("monitoring:rereview_list")
    out = []
    by_county, by_city = {}, {}
    for r in rows:
        by_county.setdefault(r["cluster__division_id"], []).append(r)
        by_city.setdefault(r[_ROW_CITY], []).append(r)
    for code, group in sorted(by_county.items()):
        if users := audience.county_of(code):
            out.append(Message(users, f"辖区{title}", f"辖区内{lead}：{_listing(group)}。", url))
    for code, group in sorted(by_city.items()):
        if users := audience.city_of(code):
            out.append(Message(users, f"本市{title}", f"本市{lead}：{_listing(group)}。", url))
    if audience.province:
        out.append(Message(audience.province, f"全省{title}（{len(rows)}个）", f"全省{lead}：{_listing(rows)}。", url))
    return out


def _claim(kind, rows, audience: Audience, today) -> list[dict]:
    """Record `kind` for each row not yet recorded for its end of validity; returns the rows claimed by this run.
    A concurrent run inserting the same rows makes the caller's transaction fail whole (nothing is sent twice)."""
    if not rows:
        return []
    done = set(
        ExpiryReminder.objects.filter(kind=kind, certification_id__in=[r["id"] for r in rows]).values_list(
            "certification_id", "valid_to"
        )
    )
    new = [r for r in rows if (r["id"], r["valid_to"]) not in done]
    ExpiryReminder.objects.bulk_create(
        ExpiryReminder(
            certification_id=r["id"], kind=kind, valid_to=r["valid_to"], sent_on=today, recipients=audience.count_for(r)
        )
        for r in new
    )
    return new


# ---------------------------------------------------------------- the steps


def expire_due(today: datetime.date, policy: Policy) -> int:
    """The day after valid_to: expire each certification with no re-review under way; tell everyone once."""
    due = list(
        Certification.objects.filter(status__in=[C.VALID, C.EXPIRING], valid_to__lt=today)
        .exclude(Exists(under_way()))
        .order_by("valid_to", "pk")
    )
    for cert in due:
        certification_expire(certification=cert, comment=f"有效期已于{cn_date(cert.valid_to)}届满，未在复核中")
    with transaction.atomic():
        rows = list(
            Certification.objects.filter(status=C.EXPIRED, valid_to__lt=today, valid_to__gte=today - _recent(policy))
            .exclude(Exists(under_way()))
            .values(*_ROW, _ROW_CITY)
            .order_by("valid_to", "pk")
        )
        audience = Audience(rows)
        claimed = _claim(K.EXPIRED, rows, audience, today)
        messages = []
        for r in claimed:
            closes = rereview_closes(r["valid_to"], policy)
            messages.append(
                Message(
                    audience.owners_of(r),
                    f"认定已到期：{r['cluster__name']}",
                    (
                        f"{r['cluster__name']}的特色产业集群认定（证书编号{r['number']}）已于{cn_date(r['valid_to'])}届满。"
                        f"如需继续保留称号，请于{cn_date(closes)}前申请复核；逾期未申请的，依据《管理办法》第十四条第（一）项"
                        "将提出撤销认定建议。"
                    ),
                    reverse("monitoring:cluster_detail", args=[r["cluster_id"]]),
                )
            )
        if claimed:
            messages += _authority_messages(
                claimed, audience, title="集群认定已到期", lead="以下集群认定已届满、尚未申请复核"
            )
        notify_many(messages)
    return len(due)


def _recent(policy: Policy) -> datetime.timedelta:
    # The expiry notice goes out within the grace period; a certification imported long after its end is not told.
    return datetime.timedelta(days=policy.rereview_grace_days + 1)


def mark_expiring_due(today: datetime.date, policy: Policy) -> int:
    """The configured lead before valid_to: mark valid certifications expiring (opens the re-review window)."""
    horizon = months_ahead(today, policy.expiring_lead_months)
    due = certifications_mark_expiring(
        queryset=Certification.objects.select_related("cluster").filter(
            status=C.VALID, valid_to__gte=today, valid_to__lte=horizon
        ),
        comment_for=lambda cert: (
            f"有效期至{cn_date(cert.valid_to)}，已进入到期前{policy.expiring_lead_months}个月"
            f"（自{cn_date(expiring_from(cert.valid_to, policy.expiring_lead_months))}起），可申请复核"
        ),
    )
    return len(due)


def _window(today, months: int, smaller: int | None) -> dict:
    upper = months_ahead(today, months)
    if smaller is None:
        return {"valid_to__gte": today, "valid_to__lte": upper}
    return {"valid_to__gt": months_ahead(today, smaller), "valid_to__lte": upper}


def send_expiry_reminders(today: datetime.date, policy: Policy) -> int:
    """6, 3 and 1 months before valid_to: each certification without a re-review application gets each warning
    once, in the window that holds its end (a certification that enters late gets only the most pressing)."""
    sent = 0
    for index, (kind, months) in enumerate(EXPIRY_REMINDERS):
        smaller = EXPIRY_REMINDERS[index + 1][1] if index + 1 < len(EXPIRY_REMINDERS) else None
        with transaction.atomic():
            rows = list(
                Certification.objects.filter(status__in=[C.VALID, C.EXPIRING], **_window(today, months, smaller))
                .exclude(Exists(_submitted_rereview(states=[*OPEN_REREVIEW_STATES, ReReviewState.PASSED])))
                .values(*_ROW, _ROW_CITY)
                .order_by("valid_to", "pk")
            )
            audience = Audience(rows)
            claimed = _claim(kind, rows, audience, today)
            label = f"{months}个月内"
            messages = [
                Message(
                    audience.owners_of(r),
                    f"认定将于{label}到期：{r['cluster__name']}",
                    (
                        f"{r['cluster__name']}的特色产业集群认定（证书编号{r['number']}）有效期至{cn_date(r['valid_to'])}。"
                        "依据《管理办法》第十一条，有效期满须经复核，复核通过的有效期延长三年。请登录平台提交复核申请"
                        f"（最迟于{cn_date(rereview_closes(r['valid_to'], policy))}前）。"
                    ),
                    reverse("monitoring:cluster_detail", args=[r["cluster_id"]]),
                )
                for r in claimed
            ]
            if claimed:
                messages += _authority_messages(
                    claimed,
                    audience,
                    title=f"集群认定将于{label}到期",
                    lead=f"以下集群认定将于{label}到期，尚未申请复核",
                )
            notify_many(messages)
            sent += len(claimed)
    return sent


def propose_unreviewed(today: datetime.date, policy: Policy) -> int:
    """Ground (1) of Art. 14 once the grace period after expiry has passed without a re-review application."""
    cutoff = today - datetime.timedelta(days=policy.rereview_grace_days)
    rows = list(
        Certification.objects.filter(status=C.EXPIRED, valid_to__lt=cutoff)
        .exclude(Exists(_submitted_rereview(states=[s.value for s in ReReviewState])))
        .values("id", "number", "valid_to", "cluster__name")
        .order_by("pk")
    )
    evidence = {
        r["id"]: (
            f"{r['cluster__name']}的认定（证书编号{r['number']}）有效期已于{cn_date(r['valid_to'])}届满，"
            f"至{cn_date(rereview_closes(r['valid_to'], policy))}（届满后{policy.rereview_grace_days}天）未申请复核。"
            "依据《江苏省促进中小企业特色产业集群发展管理办法》第十四条第（一）项，"
            f"系统于{cn_date(today)}自动记录撤销认定建议，待省工业和信息化厅研究决定。"
        )
        for r in rows
    }
    years = {r["id"]: r["valid_to"].year for r in rows}
    created = []
    with transaction.atomic():
        for year in sorted(set(years.values())):
            created += sweep_propose(
                ground=RevocationGround.EXPIRY_REVIEW,
                year=year,
                evidence_by_certification={k: v for k, v in evidence.items() if years[k] == year},
            )
        province = list(User.objects.filter(role=Role.PROVINCE, is_active=True)) if created else []
        if province:
            notify_many(
                [
                    Message(
                        province,
                        f"新增撤销认定建议 {len(created)} 项（第十四条第（一）项）",
                        f"{len(created)}个集群的认定期满后{policy.rereview_grace_days}天内未申请复核，系统已记录撤销认定建议，请研究处理。",
                        reverse("monitoring:revocation_list"),
                    )
                ]
            )
    return len(created)


def certification_lifecycle_sweep(today: datetime.date | None = None) -> dict:
    """The daily sweep of certifications: expiry, the expiring mark, the warnings and ground-(1) proposals, from
    the province's lifecycle policy of the year in the database. Idempotent."""
    today = today or timezone.localdate()
    policy = policy_for(today.year)
    return {
        "expired": expire_due(today, policy),
        "marked_expiring": mark_expiring_due(today, policy),
        "reminders": send_expiry_reminders(today, policy),
        "expiry_proposals": propose_unreviewed(today, policy),
    }
