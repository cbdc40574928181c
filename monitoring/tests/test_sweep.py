"""The daily sweep over a reporting season, with the clock frozen (time-machine): each reminder once, each overdue
flag once, each ground-(3) proposal once, whatever the number of runs; queries do not grow with the clusters."""

import datetime
import time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.constants import Role
from clusters.tests.factories import authority_user, province_user
from core.models import Notification, TransitionLog
from monitoring import services
from monitoring.constants import CLUSTER_REMINDERS, ReminderKind, ReportState, RevocationGround
from monitoring.models import ReportingCalendar, RevocationCase, SentReminder
from monitoring.services.sweep import annual_report_sweep, window

from .factories import SHANGHAI, CertificationFactory, cluster_in, fill_report, owner_of, report_in_state

pytestmark = pytest.mark.django_db

K = ReminderKind


def at(day: datetime.date, hour=0, minute=10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI), tick=False
    )


def test_windows():
    assert window(CLUSTER_REMINDERS, 31) is None
    assert window(CLUSTER_REMINDERS, 30) == K.CLUSTER_30
    assert window(CLUSTER_REMINDERS, 8) == K.CLUSTER_30
    assert window(CLUSTER_REMINDERS, 7) == K.CLUSTER_7
    assert window(CLUSTER_REMINDERS, 2) == K.CLUSTER_7
    assert window(CLUSTER_REMINDERS, 1) == K.CLUSTER_1
    assert window(CLUSTER_REMINDERS, 0) == K.CLUSTER_1
    assert window(CLUSTER_REMINDERS, -1) is None


def test_a_season_from_1_march_to_12_april_twice_a_day():
    with at(datetime.date(2026, 2, 27), 9):
        a = CertificationFactory(cluster=cluster_in("320583"))  # 苏州 昆山: reports on 20 March
        b = CertificationFactory(cluster=cluster_in("320582"))  # 苏州 张家港: never reports
        c = CertificationFactory(cluster=cluster_in("320281"))  # 无锡 江阴: reports late, on 5 April
        d = CertificationFactory(cluster=cluster_in("320281"))  # 无锡 江阴: never reports
        users = {cert.pk: owner_of(cert) for cert in (a, b, c, d)}
        suzhou = authority_user(Role.CITY, a.cluster.division)
        wuxi = authority_user(Role.CITY, c.cluster.division)
        province = province_user()
        for cert in (a, b, c, d):
            authority_user(Role.COUNTY, cert.cluster.division)

    actions = {
        datetime.date(2026, 3, 20): lambda: report_in_state(ReportState.SUBMITTED, certification=a),
        datetime.date(2026, 4, 5): lambda: report_in_state(ReportState.SUBMITTED, certification=c),
        datetime.date(2026, 4, 8): lambda: services.city_submission_submit(
            actor=suzhou, report_year=2025, remarks="张家港集群未报送，已督促。"
        ),
    }
    day = datetime.date(2026, 3, 1)
    while day <= datetime.date(2026, 4, 12):
        with at(day):
            annual_report_sweep()
            annual_report_sweep()
        if day in actions:
            with at(day, 10):
                actions[day]()
        day += datetime.timedelta(days=1)

    sent = {(r.kind, r.target): r.sent_on for r in SentReminder.objects.all()}
    assert SentReminder.objects.count() == len(sent)
    d3 = datetime.date
    expected = {
        (K.CLUSTER_30, f"cert:{a.pk}"): d3(2026, 3, 1),
        **{(K.CLUSTER_30, f"cert:{x.pk}"): d3(2026, 3, 1) for x in (b, c, d)},
        **{(K.CLUSTER_7, f"cert:{x.pk}"): d3(2026, 3, 24) for x in (b, c, d)},
        **{(K.CLUSTER_1, f"cert:{x.pk}"): d3(2026, 3, 30) for x in (b, c, d)},
        **{(K.CLUSTER_OVERDUE, f"cert:{x.pk}"): d3(2026, 4, 1) for x in (b, c, d)},
        (K.CITY_7, "city:320500"): d3(2026, 4, 3),
        (K.CITY_7, "city:320200"): d3(2026, 4, 3),
        (K.CITY_1, "city:320200"): d3(2026, 4, 9),
        (K.CITY_OVERDUE, "city:320200"): d3(2026, 4, 11),
    }
    assert sent == expected

    def titles(user):
        return sorted(Notification.objects.filter(recipient=user).values_list("title", flat=True))

    # Each applicant got each of its reminders once (a reported on 20 March: only the 30-day one).
    assert len(titles(users[a.pk])) == 1 + 0
    b_titles = titles(users[b.pk])
    assert len(b_titles) == len(set(b_titles)) == 4, b_titles
    assert any("已逾期" in t for t in b_titles)
    # The city of 无锡 was reminded twice and flagged once; 苏州 reminded once (it submitted on 8 April).
    wuxi_titles = titles(wuxi)
    assert len(wuxi_titles) == 3 and sum("逾期未报送" in t for t in wuxi_titles) == 1
    assert len([t for t in titles(suzhou) if "截止报送" in t]) == 1
    # Ground (3): only d — c reported before the city due date, b's city submitted its table in time.
    cases = list(RevocationCase.objects.all())
    assert [(x.certification_id, x.ground, x.year, x.source) for x in cases] == [
        (d.pk, RevocationGround.ANNUAL_INFO_MISSING, 2025, "sweep")
    ]
    assert cases[0].proposed_by is None and "第十四条第（三）项" in cases[0].evidence
    assert TransitionLog.objects.filter(transition="propose").count() == 1
    assert sum("撤销认定建议" in t for t in titles(province)) == 1


def test_a_moved_due_date_rearms_the_reminders_and_flags():
    with at(datetime.date(2026, 3, 1), 9):
        cert = CertificationFactory()
    with at(datetime.date(2026, 3, 24)):
        annual_report_sweep()
    assert set(SentReminder.objects.values_list("kind", flat=True)) == {K.CLUSTER_7}
    ReportingCalendar.objects.create(
        report_year=2025, cluster_due=datetime.date(2026, 4, 20), city_due=datetime.date(2026, 4, 30), basis="通知延期"
    )
    with at(datetime.date(2026, 4, 1)):
        result = annual_report_sweep()
    assert result["cluster_overdue"] == 0  # the new due date has not passed
    with at(datetime.date(2026, 4, 13)):
        annual_report_sweep()
    assert SentReminder.objects.filter(kind=K.CLUSTER_7, due_date=datetime.date(2026, 4, 20)).count() == 1
    assert SentReminder.objects.filter(target=f"cert:{cert.pk}").count() == 3  # 7 days (old date), 30 and 7 days (new)


def test_certifications_made_after_the_due_date_are_not_flagged_overdue():
    with at(datetime.date(2026, 4, 5), 9):
        CertificationFactory()  # e.g. imported in April
    with at(datetime.date(2026, 4, 6)):
        assert annual_report_sweep()["cluster_overdue"] == 0
    with at(datetime.date(2026, 4, 11)):
        result = annual_report_sweep()
    # The city still owed its table (the cluster is listed as missing), but no revocation is proposed for a
    # cluster that came under the obligation after its own due date.
    assert result["city_overdue_cities"] == 1 and result["city_overdue_proposals"] == 0


def test_a_submitted_then_returned_report_is_not_overdue():
    with at(datetime.date(2026, 3, 1), 9):
        cert = CertificationFactory()
        report_in_state(ReportState.RETURNED, certification=cert)
    with at(datetime.date(2026, 4, 1)):
        assert annual_report_sweep()["cluster_overdue"] == 0


COUNTIES = ["320583", "320582", "320581", "320585", "320281", "320282", "320205", "320206", "320211", "320506"]


def _season(n):
    """n certifications spread over counties of two cities, each with its owner and county users."""
    with at(datetime.date(2026, 2, 20), 9):
        certs = []
        for i in range(n):
            cert = CertificationFactory(cluster=cluster_in(COUNTIES[i % len(COUNTIES)]))
            owner_of(cert)
            authority_user(Role.COUNTY, cert.cluster.division)
            authority_user(Role.CITY, cert.cluster.division)
            certs.append(cert)
        province_user()
    return certs


def _queries_on(day):
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_model(RevocationCase, for_concrete_model=False)  # warm the per-process cache
    with at(day), CaptureQueriesContext(connection) as ctx:
        annual_report_sweep()
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(2026, 3, 1),  # 30 days
        datetime.date(2026, 3, 24),  # 7 days
        datetime.date(2026, 3, 31),  # due date (1-day window)
        datetime.date(2026, 4, 1),  # cluster overdue
        datetime.date(2026, 4, 3),  # city 7 days
        datetime.date(2026, 4, 9),  # city 1 day
    ],
)
def test_queries_per_run_do_not_grow_with_the_clusters(day):
    _season(3)
    small = _queries_on(day)
    assert _queries_on(day) <= small  # the second run sends nothing and reads no more
    _season(9)
    SentReminder.objects.all().delete()
    assert _queries_on(day) <= small


def test_city_overdue_queries_do_not_grow_with_the_clusters_that_reported():
    certs = _season(3)
    # All but one report on time: the city overdue day proposes one case, whatever the number of clusters.
    with at(datetime.date(2026, 3, 15), 9):
        for cert in certs[1:]:
            report_in_state(ReportState.SUBMITTED, certification=cert)
    small = _queries_on(datetime.date(2026, 4, 11))
    SentReminder.objects.all().delete()
    RevocationCase.objects.all().delete()
    more = _season(6)
    with at(datetime.date(2026, 3, 15), 9):
        for cert in more:
            report_in_state(ReportState.SUBMITTED, certification=cert)
    assert _queries_on(datetime.date(2026, 4, 11)) <= small


def test_the_sweep_is_registered_and_run_by_the_daily_task():
    from core.sweeps import registered
    from core.tasks import daily_sweep

    assert "monitoring.services.sweep.annual_report_sweep" in registered()
    CertificationFactory()
    with at(datetime.date(2026, 3, 24)):
        result = daily_sweep()
    assert result["annual_report_sweep"]["cluster_reminders"] == 1


def test_a_report_saved_but_not_submitted_still_gets_reminders():
    cert = CertificationFactory()
    report = report_in_state(ReportState.DRAFT, certification=cert)
    fill_report(report)
    with at(datetime.date(2026, 3, 30)):
        assert annual_report_sweep()["cluster_reminders"] == 1


def test_sweep_over_1000_certifications_takes_seconds(capsys):
    """Measured, not only asserted: the number is printed (run with -s to see it)."""
    from .bulk import bulk_certifications

    with at(datetime.date(2026, 2, 20), 9):
        bulk_certifications(1000)
    timings = {}
    for label, day in (
        ("30天提醒", datetime.date(2026, 3, 1)),
        ("逾期标记", datetime.date(2026, 4, 1)),
        ("设区市逾期+撤销建议", datetime.date(2026, 4, 11)),
        ("同日再次运行", datetime.date(2026, 4, 11)),
    ):
        with at(day):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                annual_report_sweep()
            timings[label] = (time.perf_counter() - started, len(ctx.captured_queries))
    with capsys.disabled():
        print("\nsweep over 1000 certifications:", {k: f"{s:.2f}s/{q}q" for k, (s, q) in timings.items()})
    assert SentReminder.objects.filter(kind=K.CLUSTER_30).count() == 1000
    assert RevocationCase.objects.count() == 1000
    assert all(seconds < 60 for seconds, _q in timings.values())
