"""Bulk copies in every state with what the review workflow leaves behind them: opinions, the cities'
recommendation documents, expert assignments and score sheets (with the experts' object permissions), the spot-check
draw, joint review meetings, notices, publications and certifications — and the log rows of every step."""

import datetime as dt
import random

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from guardian.models import UserObjectPermission

from clusters.constants import ApplicationState as S
from clusters.models import Application, Certification
from reviews.constants import (
    FORMAL_CHECKS,
    AssignmentStatus,
    Decision,
    JointDecisionChoice,
    MeetingStatus,
    NoticeStatus,
    Recommend,
    RecommendationStatus,
    SheetStatus,
    Tier,
)
from reviews.models import (
    Assignment,
    JointDecision,
    JointReview,
    Notice,
    Publication,
    Recommendation,
    ReviewOpinion,
    ScoreSheet,
    SpotCheckDraw,
)
from reviews.services import DRAW_ALGORITHM, certificate_number, weighted_total

from . import plan
from .bulk import BATCH, Base, Copier, log

AFTER_COUNTY = {
    S.CITY_REVIEW,
    S.FORMAL_REVIEW,
    S.EXPERT_REVIEW,
    S.SITE_CHECK,
    S.JOINT_REVIEW,
    S.PUBLIC_NOTICE,
    S.CERTIFIED,
}
AFTER_CITY = AFTER_COUNTY - {S.CITY_REVIEW}
AFTER_FORMAL = AFTER_CITY - {S.FORMAL_REVIEW}


def seed_applications(*, base: Base, copier: Copier, calls: dict, factor: float, rng: random.Random, travel, out):
    """Every (call, state) group of plan.APPLICATIONS; `travel(year)` is a context manager setting the clock to
    that call's season (the current call: now)."""
    made = {}
    load: dict = {}
    for back, state, n in plan.application_counts(factor):
        call = calls[base.year - back]
        with travel(call.year) as now:
            apps = copier.applications(call, state, n, now=now)
            for event, src, dst in plan.LOG_PATHS[state]:
                log(apps, event, to_state=dst, from_state=src)
            _opinions(base, apps, state, now)
            made.setdefault(call.year, {}).setdefault(state, []).extend(apps)
    for year, by_state in sorted(made.items()):
        call = calls[year]
        with travel(year) as now:
            _recommendations(base, call, [a for s, apps in by_state.items() if s in AFTER_CITY for a in apps], now)
            if base.year - year in plan.SCORED_YEARS_BACK:
                scored = [a for s, apps in by_state.items() if s in plan.SCORED_STATES for a in apps]
                _assignments(base, call, scored, by_state.get(S.EXPERT_REVIEW, []), rng, load, now)
            if by_state.get(S.SITE_CHECK):
                _draw(base, call, by_state)
            _meeting_and_notice(base, call, by_state, rng, now)
    out(f"  批量申报：{sum(len(a) for s in made.values() for a in s.values())} 个")
    return made


def _opinions(base, apps, state, now):
    rows = []
    for app in apps:
        county_user = base.county_users[app.cluster.division_id][0]
        if state in AFTER_COUNTY:
            rows.append(
                ReviewOpinion(
                    application=app,
                    tier=Tier.COUNTY,
                    reviewer=county_user,
                    version_number=1,
                    decision=Decision.PASS,
                    comment="同意推荐",
                )
            )
        if state == S.REJECTED:
            rows.append(
                ReviewOpinion(
                    application=app,
                    tier=Tier.COUNTY,
                    reviewer=county_user,
                    version_number=1,
                    decision=Decision.REJECT,
                    comment="主导产业占比不足，不予推荐",
                )
            )
        if state in AFTER_FORMAL:
            rows.append(
                ReviewOpinion(
                    application=app,
                    tier=Tier.FORMAL,
                    reviewer=base.province,
                    version_number=1,
                    checklist={k: True for k, _l in FORMAL_CHECKS},
                    decision=Decision.PASS,
                    comment="形式审查通过",
                )
            )
    ReviewOpinion.objects.bulk_create(rows, batch_size=BATCH)


def _recommendations(base, call, apps, now):
    by_city: dict = {}
    for app in apps:
        by_city.setdefault(app.cluster.division.parent_id, []).append(app)
    recs = []
    for code, city_apps in sorted(by_city.items()):
        city = base.cities[code]
        rec = Recommendation(
            call=call,
            city=city,
            doc_number=f"基准推〔{call.year}〕{code[:4]}号",
            doc_date=timezone.localdate(now),
            title=f"关于推荐{call.year}年度江苏省中小企业特色产业集群的函",
            status=RecommendationStatus.SUBMITTED,
            created_by=base.city_users[code][0],
            submitted_at=now,
        )
        rec.city = city
        recs.append((rec, city_apps))
    Recommendation.objects.bulk_create([r for r, _a in recs])
    through = Recommendation.applications.through
    through.objects.bulk_create(
        [through(recommendation_id=r.pk, application_id=a.pk) for r, city_apps in recs for a in city_apps],
        batch_size=BATCH,
    )
    log([r for r, _a in recs], "submit", to_state=RecommendationStatus.SUBMITTED, from_state=RecommendationStatus.DRAFT)


def _assignments(base, call, scored, still_in_review, rng, load, now):
    """EXPERTS_PER_APPLICATION experts per scored application, never from the cluster's city, at most each
    expert's cap per call, lightest load first; sheets submitted (drafts for part of those still in review)."""
    rubric = list(call.rubric.all())
    in_review = {a.pk for a in still_in_review}
    experts = base.experts
    cursor = 0
    assignments, meta = [], []
    for app in scored:
        city = app.cluster.division.parent_id
        chosen = []
        for _tries in range(len(experts)):
            e = experts[cursor % len(experts)]
            cursor += 1
            if e.city_id != city and load.get((call.pk, e.pk), 0) < e.max_assignments and e not in chosen:
                chosen.append(e)
                load[(call.pk, e.pk)] = load.get((call.pk, e.pk), 0) + 1
                if len(chosen) == plan.EXPERTS_PER_APPLICATION:
                    break
        quality = rng.uniform(55, 95)
        for e in chosen:
            a = Assignment(
                application=app, expert=e, method="auto", assigned_by=base.province, no_conflict_declared_at=now
            )
            assignments.append(a)
            submitted = app.pk not in in_review or rng.random() < plan.SUBMITTED_SHARE_IN_EXPERT_REVIEW
            meta.append((a, e, quality + rng.gauss(0, 6), submitted))
    Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    sheets = []
    for a, e, level, submitted in meta:
        a.expert = e
        scores = {
            str(c.pk): str(
                round(max(0, min(float(c.max_points), float(c.max_points) * (level + rng.gauss(0, 5)) / 100)), 1)
            )
            for c in rubric
        }
        sheet = ScoreSheet(
            assignment=a,
            status=SheetStatus.SUBMITTED if submitted else SheetStatus.DRAFT,
            scores=scores,
            recommendation=Recommend.RECOMMEND if level >= 70 else Recommend.CONDITIONAL,
            overall_comment="基准评分",
            weighted_total=weighted_total(rubric, scores),
            submitted_at=now if submitted else None,
        )
        sheet.assignment = a
        sheets.append(sheet)
    ScoreSheet.objects.bulk_create(sheets, batch_size=BATCH)
    ct = ContentType.objects.get_for_model(Application)
    perm = Permission.objects.get(content_type=ct, codename="view_application")
    UserObjectPermission.objects.bulk_create(
        [
            UserObjectPermission(permission=perm, user_id=e.user_id, content_type=ct, object_pk=str(a.application_id))
            for a, e, _l, _s in meta
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    log(assignments, "assign", to_state=AssignmentStatus.ACTIVE)
    log(assignments, "declare_no_conflict", to_state=AssignmentStatus.ACTIVE, from_state=AssignmentStatus.ACTIVE)
    log(
        [s for s in sheets if s.status == SheetStatus.SUBMITTED],
        "submit",
        to_state=SheetStatus.SUBMITTED,
        from_state=SheetStatus.DRAFT,
    )


def _draw(base, call, by_state):
    drawn = sorted(a.pk for a in by_state[S.SITE_CHECK])
    others = [a.pk for s in (S.JOINT_REVIEW, S.PUBLIC_NOTICE) for a in by_state.get(s, [])]
    previous = SpotCheckDraw.objects.filter(call=call).order_by("-drawn_at").first()
    if previous is not None:  # keep the real flow's sample recordable: the latest draw is the one that counts
        drawn = sorted({*drawn, *previous.drawn})
    draw = SpotCheckDraw.objects.create(
        call=call,
        seed="20260",
        sample_size=len(drawn),
        candidates=sorted({*drawn, *others}),
        drawn=drawn,
        algorithm=DRAW_ALGORITHM,
        drawn_by=base.province,
    )
    log([draw], "draw", to_state="drawn")


def _notice_dates(today):
    from reviews.services import notice_period

    try:
        return notice_period(today)
    except Exception:  # noqa: BLE001 - a year the calendar does not know: a plain week instead
        return today, today + dt.timedelta(days=7)


def _meeting_and_notice(base, call, by_state, rng, now):
    listed = by_state.get(S.PUBLIC_NOTICE, []) + by_state.get(S.CERTIFIED, [])
    if not listed:
        return
    today = timezone.localdate(now)
    meeting = JointReview.objects.create(
        call=call,
        meeting_date=today - dt.timedelta(days=10),
        attendees="厅务会成员（基准数据）",
        minutes="基准数据",
        status=MeetingStatus.CLOSED,
        created_by=base.province,
        closed_at=now,
    )
    JointDecision.objects.bulk_create(
        [
            JointDecision(
                meeting=meeting, application=a, decision=JointDecisionChoice.APPROVE, decided_by=base.province
            )
            for a in listed
        ],
        batch_size=BATCH,
    )
    log([meeting], "close", to_state=MeetingStatus.CLOSED, from_state=MeetingStatus.OPEN)
    certified = bool(by_state.get(S.CERTIFIED))
    start, end = _notice_dates(today - dt.timedelta(days=(20 if certified else 1)))
    notice = Notice.objects.create(
        call=call,
        title=f"{call.year}年度江苏省中小企业特色产业集群拟认定名单公示（基准数据）",
        body="基准数据",
        start_date=start,
        end_date=end,
        contact_department="中小企业处",
        contact_phone="025-83300000",
        status=NoticeStatus.CONCLUDED if certified else NoticeStatus.PUBLISHED,
        created_by=base.province,
        published_at=now,
        closed_at=now if certified else None,
    )
    notice.applications.add(*listed)
    log([notice], "publish", to_state=NoticeStatus.PUBLISHED, from_state=NoticeStatus.DRAFT)
    if not certified:
        return
    log([notice], "close", to_state=NoticeStatus.CLOSED, from_state=NoticeStatus.PUBLISHED)
    publish_date = end + dt.timedelta(days=3)
    doc = f"苏工信中小〔{call.year}〕基准{rng.randint(100, 999)}号"
    publication = Publication.objects.create(
        call=call,
        notice=notice,
        title=f"{call.year}年度江苏省中小企业特色产业集群名单",
        doc_number=doc,
        publish_date=publish_date,
        created_by=base.province,
    )
    log([publication], "publish", to_state="published")
    log([notice], "conclude", to_state=NoticeStatus.CONCLUDED, from_state=NoticeStatus.CLOSED)
    seq = Certification.objects.filter(call=call).count()
    valid_from, valid_to = Certification.validity(publish_date)
    certs = []
    for app in sorted(by_state[S.CERTIFIED], key=lambda a: (a.cluster.division_id, a.pk)):
        seq += 1
        cert = Certification(
            number=certificate_number(call, seq),
            cluster=app.cluster,
            call=call,
            application=app,
            year=call.year,
            valid_from=valid_from,
            valid_to=valid_to,
            doc_number=doc,
        )
        cert.cluster = app.cluster
        certs.append(cert)
    Certification.objects.bulk_create(certs, batch_size=BATCH)
    log(certs, "certify", to_state="valid")
