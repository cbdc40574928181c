"""The lifecycle sweep, day by day with the clock frozen: the expiring mark at the configured lead, each warning once
in its window, expiry held off by a re-review under way, ground (1) after the grace period; and queries that do not
grow with the certifications for each kind of warning."""

import datetime
import time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.constants import Role
from clusters.models import Certification, CertificationStatus
from clusters.tests.factories import authority_user, province_user
from core.models import Notification
from monitoring import services
from monitoring.constants import ExpiryReminderKind, ReReviewState, RevocationGround
from monitoring.models import ExpiryReminder, LifecyclePolicy, RevocationCase
from monitoring.policy import add_months, expiring_from, months_ahead
from monitoring.services.expiry import certification_lifecycle_sweep

from .factories import SHANGHAI, cluster_in, imported_certification, owner_of
from .lifecycle_factories import rereview_in_state

pytestmark = pytest.mark.django_db
K = ExpiryReminderKind
C = CertificationStatus


def at(day: datetime.date, hour=0, minute=10):
    return time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI), tick=False
    )


def sweep(day):
    with at(day):
        return certification_lifecycle_sweep()


def test_month_arithmetic_clamps_to_the_months_last_day():
    assert add_months(datetime.date(2026, 8, 31), -6) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2028, 8, 31), -6) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 11, 19), 3) == datetime.date(2027, 2, 19)
    assert expiring_from(datetime.date(2026, 11, 19), 6) == datetime.date(2026, 5, 19)
    # The sweep's horizon agrees with the mark day at every month end.
    day = datetime.date(2028, 1, 1)
    while day < datetime.date(2029, 1, 1):
        horizon = months_ahead(day, 6)
        assert expiring_from(horizon, 6) <= day < expiring_from(horizon + datetime.timedelta(days=1), 6), day
        day += datetime.timedelta(days=1)


def test_marked_expiring_at_the_lead_and_warned_once_per_window():
    with at(datetime.date(2026, 5, 1), 9):
        cert = imported_certification(cluster=cluster_in("320583"))  # valid to 2026-11-19
        owner = owner_of(cert)
    assert sweep(datetime.date(2026, 5, 18)) == {
        "expired": 0,
        "marked_expiring": 0,
        "reminders": 0,
        "expiry_proposals": 0,
    }
    assert sweep(datetime.date(2026, 5, 19))["marked_expiring"] == 1
    assert Certification.objects.get(pk=cert.pk).status == C.EXPIRING
    for day in (datetime.date(2026, 5, 19), datetime.date(2026, 6, 30), datetime.date(2026, 8, 18)):
        sweep(day)
    assert list(ExpiryReminder.objects.values_list("kind", "sent_on")) == [(K.MONTHS_6, datetime.date(2026, 5, 19))]
    sweep(datetime.date(2026, 8, 19))
    sweep(datetime.date(2026, 10, 19))
    sweep(datetime.date(2026, 10, 19))
    assert sorted(ExpiryReminder.objects.values_list("kind", flat=True)) == sorted([K.MONTHS_6, K.MONTHS_3, K.MONTHS_1])
    assert Notification.objects.filter(recipient=owner, title__contains="个月内到期").count() == 3


def test_a_certification_that_enters_late_gets_only_the_most_pressing_warning():
    with at(datetime.date(2026, 10, 1), 9):
        cert = imported_certification(cluster=cluster_in("320583"))  # valid to 2026-11-19: 7 weeks left
    result = sweep(datetime.date(2026, 10, 1))
    assert result["marked_expiring"] == 1 and result["reminders"] == 1
    assert list(ExpiryReminder.objects.filter(certification=cert).values_list("kind", flat=True)) == [K.MONTHS_3]


def test_the_province_sets_the_lead_and_the_grace_period():
    with at(datetime.date(2026, 5, 1), 9):
        cert = imported_certification(cluster=cluster_in("320583"))
        services.policy_set(actor=province_user(), year=2026, expiring_lead_months=3, rereview_grace_days=10)
        services.policy_set(actor=province_user(), year=2027, expiring_lead_months=3, rereview_grace_days=10)
    assert sweep(datetime.date(2026, 5, 19))["marked_expiring"] == 0
    assert sweep(datetime.date(2026, 8, 19))["marked_expiring"] == 1
    sweep(datetime.date(2026, 11, 20))
    assert Certification.objects.get(pk=cert.pk).status == C.EXPIRED
    assert sweep(datetime.date(2026, 11, 29))["expiry_proposals"] == 0  # grace: to 29 November
    assert sweep(datetime.date(2026, 11, 30))["expiry_proposals"] == 1
    assert sweep(datetime.date(2026, 12, 30))["expiry_proposals"] == 0


def test_a_rereview_under_way_holds_off_expiry_and_a_failure_ends_the_certification():
    rr = rereview_in_state(ReReviewState.PROVINCE_REVIEW)  # valid to 2026-05-31
    cert = rr.certification
    sweep(datetime.date(2026, 6, 1))
    sweep(datetime.date(2026, 9, 15))
    assert Certification.objects.get(pk=cert.pk).status == C.EXPIRING  # still awaiting the decision
    with at(datetime.date(2026, 9, 16), 10):
        services.rereview_decide(rereview=rr, actor=province_user(), passed=False, reason="目标多项未完成。")
    cert.refresh_from_db()
    assert cert.status == C.EXPIRED
    case = RevocationCase.objects.get(certification=cert)
    assert (case.ground, case.source, case.rereview_id, case.proposed_by) == (
        RevocationGround.EXPIRY_REVIEW,
        "rereview",
        rr.pk,
        None,
    )
    assert sweep(datetime.date(2026, 12, 1))["expiry_proposals"] == 0  # proposed once, by the decision
    assert Notification.objects.filter(recipient=owner_of(cert), title__startswith="撤销认定建议").count() == 1


def test_a_rereview_submitted_stops_the_warnings_and_a_pass_rearms_them_for_the_next_term():
    rr = rereview_in_state(ReReviewState.COUNTY_REVIEW)
    cert = rr.certification
    assert sweep(datetime.date(2026, 5, 1))["reminders"] == 0  # inside the 1-month window, but applied
    rr = rereview_in_state(ReReviewState.PASSED)
    cert = Certification.objects.get(pk=rr.certification_id)
    assert (cert.status, cert.valid_to, cert.renewals) == (C.VALID, datetime.date(2029, 5, 31), 1)
    result = sweep(datetime.date(2028, 11, 30))  # six months before the new end
    assert result["marked_expiring"] == 1 and result["reminders"] == 1
    assert ExpiryReminder.objects.get(certification=cert).valid_to == datetime.date(2029, 5, 31)


def test_the_sweep_is_registered_and_run_by_the_daily_task():
    from core.sweeps import registered
    from core.tasks import daily_sweep

    assert "monitoring.services.expiry.certification_lifecycle_sweep" in registered()
    with at(datetime.date(2026, 5, 1), 9):
        imported_certification(cluster=cluster_in("320583"))
    with at(datetime.date(2026, 5, 19)):
        assert daily_sweep()["certification_lifecycle_sweep"]["marked_expiring"] == 1


COUNTIES = ["320583", "320582", "320581", "320281", "320282", "320205"]


def _certifications(n, start):
    """n imported certifications (valid to 2026-11-19), each cluster with its own users, marked expiring."""
    with at(datetime.date(2026, 5, 1), 9):
        certs = []
        for i in range(start, start + n):
            cert = imported_certification(cluster=cluster_in(COUNTIES[i % len(COUNTIES)], name=f"规模集群{i}"))
            owner_of(cert)
            authority_user(Role.COUNTY, cert.cluster.division)
            authority_user(Role.CITY, cert.cluster.division)
            certs.append(cert)
        province_user()
    sweep(datetime.date(2026, 5, 19))  # the marks (one transition each) are not counted below
    ExpiryReminder.objects.all().delete()
    return certs


def _queries(day):
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.get_for_model(Certification)
    with at(day), CaptureQueriesContext(connection) as ctx:
        certification_lifecycle_sweep()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("day", [datetime.date(2026, 5, 19), datetime.date(2026, 8, 19), datetime.date(2026, 10, 19)])
def test_warning_queries_do_not_grow_with_the_certifications(day):
    _certifications(3, 0)
    small = _queries(day)
    assert _queries(day) <= small  # the second run sends nothing and reads no more
    ExpiryReminder.objects.all().delete()
    _certifications(9, 100)
    ExpiryReminder.objects.all().delete()
    assert _queries(day) <= small
    assert ExpiryReminder.objects.count() == 12


def test_expiry_notice_queries_do_not_grow_beyond_one_transition_each():
    _certifications(2, 0)
    with at(datetime.date(2026, 11, 20)):
        certification_lifecycle_sweep()
    ExpiryReminder.objects.filter(kind=K.EXPIRED).delete()
    small = _queries(datetime.date(2026, 11, 21))  # notices only: the expiries were done the day before
    _certifications(6, 100)
    with at(datetime.date(2026, 11, 20)):
        certification_lifecycle_sweep()
    ExpiryReminder.objects.filter(kind=K.EXPIRED).delete()
    assert _queries(datetime.date(2026, 11, 21)) <= small


def test_sweep_over_300_certifications_takes_seconds(capsys):
    """Measured, not only asserted: the number is printed (run with -s to see it)."""
    from .bulk import bulk_certifications

    with at(datetime.date(2026, 5, 1), 9):
        bulk_certifications(300)
    timings = {}
    for label, day in (
        ("标记即将到期+6个月提醒", datetime.date(2026, 5, 19)),
        ("同日再次运行", datetime.date(2026, 5, 19)),
        ("3个月提醒", datetime.date(2026, 8, 19)),
        ("到期", datetime.date(2026, 11, 20)),
        ("第（一）项撤销建议", datetime.date(2027, 2, 18)),
    ):
        with at(day):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                certification_lifecycle_sweep()
            timings[label] = (time.perf_counter() - started, len(ctx.captured_queries))
    with capsys.disabled():
        print("\nlifecycle sweep over 300 certifications:", {k: f"{s:.2f}s/{q}q" for k, (s, q) in timings.items()})
    assert ExpiryReminder.objects.filter(kind=K.MONTHS_3).count() == 300
    assert RevocationCase.objects.filter(ground=RevocationGround.EXPIRY_REVIEW).count() == 300
    assert timings["3个月提醒"][1] < 40 and all(seconds < 60 for seconds, _q in timings.values())


def test_policy_page_is_the_provinces_and_refuses_bad_values(client):
    client.force_login(province_user())
    bad = client.post(
        "/monitoring/policy/", {"year": "2026", "expiring_lead_months": "0", "rereview_grace_days": "abc"}
    )
    assert bad.status_code == 400 and not LifecyclePolicy.objects.exists()
    good = client.post(
        "/monitoring/policy/",
        {
            "year": "2026",
            "expiring_lead_months": "4",
            "rereview_grace_days": "60",
            "county_opinion": "on",
            "basis": "通知",
        },
    )
    assert good.status_code == 302
    row = LifecyclePolicy.objects.get(year=2026)
    assert (row.expiring_lead_months, row.rereview_grace_days, row.county_opinion, row.city_opinion) == (
        4,
        60,
        True,
        False,
    )


def test_marking_expiring_is_constant_queries_with_one_log_row_each():
    """The lead time reached by many certifications the same day: one bulk transition (issue #17's sweep)."""
    from core.models import TransitionLog
    from core.transitions import verify_chain

    def marked(n, offset):
        with at(datetime.date(2026, 5, 1), 9):
            for i in range(offset, offset + n):
                imported_certification(cluster=cluster_in(COUNTIES[i % len(COUNTIES)], name=f"批量集群{i}"))
        day = datetime.date(2026, 6, 1)
        with at(day), CaptureQueriesContext(connection) as ctx:
            count = services.expiry.mark_expiring_due(day, services.expiry.policy_for(2026))
        return count, len(ctx.captured_queries)

    small_count, small_queries = marked(2, 0)
    large_count, large_queries = marked(8, 100)
    assert (small_count, large_count) == (2, 8)
    assert large_queries == small_queries
    assert Certification.objects.filter(status=CertificationStatus.EXPIRING).count() == 10
    assert TransitionLog.objects.filter(transition="mark_expiring").count() == 10
    assert verify_chain()[1] is None
