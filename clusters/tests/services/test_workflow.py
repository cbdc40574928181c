"""The application's transitions through `application_transition`, and the log they write."""

import pytest
from django.db import connection

from accounts.constants import Role
from accounts.tests.factories import JIANGYIN, UserFactory, division
from clusters import services
from clusters.constants import ApplicationState
from clusters.tests.factories import advance, application_in_state, authority_user, province_user
from clusters.tests.helpers import reload, transitions
from core.exceptions import Conflict, NotAllowed
from core.models import AppendOnlyError, Notification, TransitionLog
from core.transitions import history_for, verify_chain

pytestmark = pytest.mark.django_db
S = ApplicationState


def test_transition_checks_role_jurisdiction_and_expected_state(filled, owner, county):
    services.application_submit(application=filled, actor=owner)
    other_county = UserFactory(county=True, organisation__division=division(JIANGYIN))

    for actor in (other_county, owner, authority_user(Role.CITY, filled.cluster.division), province_user()):
        with pytest.raises(NotAllowed):
            services.application_transition(application=filled, actor=actor, verb="county_pass", method="county_pass")
    with pytest.raises(Conflict):
        services.application_transition(
            application=filled, actor=county, verb="county_pass", method="county_pass", expected_state=S.CITY_REVIEW
        )
    assert reload(filled).state == S.COUNTY_REVIEW

    services.application_transition(
        application=filled, actor=county, verb="county_pass", method="county_pass", expected_state=S.COUNTY_REVIEW
    )
    assert reload(filled).state == S.CITY_REVIEW
    assert transitions(filled)[-1] == ("county_pass", "county_review", "city_review")


def test_full_workflow_is_logged_in_order():
    application = application_in_state(S.CERTIFIED)

    assert transitions(application) == [
        ("create", "", "draft"),
        ("submit", "draft", "county_review"),
        ("county_pass", "county_review", "city_review"),
        ("recommend", "city_review", "formal_review"),
        ("formal_pass", "formal_review", "expert_review"),
        ("to_joint_review", "expert_review", "joint_review"),
        ("approve", "joint_review", "public_notice"),
        ("certify", "public_notice", "certified"),
    ]


def test_reject_is_final():
    application = application_in_state(S.REJECTED)
    county = authority_user(Role.COUNTY, application.cluster.division)

    for verb, method in (("county_pass", "county_pass"), ("return", "return_to_applicant"), ("reject", "reject")):
        with pytest.raises(NotAllowed):
            services.application_transition(application=application, actor=county, verb=verb, method=method, reason="x")
    with pytest.raises(NotAllowed):
        advance(application, S.WITHDRAWN)
    assert reload(application).state == S.REJECTED


def test_state_cannot_be_written_directly(draft):
    fresh = reload(draft)
    with pytest.raises(AttributeError):
        fresh.state = S.CERTIFIED


def test_the_log_chain_verifies_and_detects_tampering(filled, owner, county):
    services.application_submit(application=filled, actor=owner, comment="提交")
    services.application_transition(
        application=filled, actor=county, verb="return", method="return_to_applicant", reason="补材料"
    )
    services.application_submit(application=reload(filled), actor=owner)
    services.application_transition(application=filled, actor=county, verb="county_pass", method="county_pass")

    count, broken, reason = verify_chain()
    assert count == TransitionLog.objects.count() >= 6
    assert (broken, reason) == (None, "")

    target = history_for(filled).get(transition="county_pass")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_transitionlog SET comment = %s WHERE id = %s", ["改过的意见", target.pk])

    _count, broken, reason = verify_chain()
    assert broken.pk == target.pk
    assert "篡改" in reason


def test_the_log_is_append_only(filled, owner):
    services.application_submit(application=filled, actor=owner)
    rows = TransitionLog.objects.filter(object_id=str(filled.pk))

    with pytest.raises(AppendOnlyError):
        rows.update(comment="改")
    with pytest.raises(AppendOnlyError):
        rows.delete()
    row = rows.first()
    row.comment = "改"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()

    assert verify_chain()[1] is None


def test_notifications_are_written_with_the_transition_and_name_its_state(filled, owner, county):
    from core.models import OutboundEmail

    city = authority_user(Role.CITY, filled.cluster.division)
    services.application_submit(application=filled, actor=owner)
    # Written in the transition's own transaction: no task has to run for the notice to exist.
    (note,) = Notification.objects.filter(recipient=county)
    assert note.title.startswith("待审核") and "县级审核" in note.body
    services.application_transition(application=filled, actor=county, verb="county_pass", method="county_pass")
    assert Notification.objects.filter(recipient=county).count() == 1
    assert Notification.objects.filter(recipient=city).count() == 1
    assert OutboundEmail.objects.filter(notification__recipient=city).count() == (1 if city.email else 0)


def test_notifications_say_what_happened_by_when_and_link_to_the_page_to_act_on():
    """Issue #12: the returned form, the review page with the deadline, the certificate, the reason of a refusal."""
    from django.urls import reverse

    from accounts.constants import Role as R
    from clusters.tests.factories import ClusterFactory, applicant_user
    from reviews import services as review_services

    S = ApplicationState
    app = application_in_state(S.COUNTY_REVIEW)
    owner = applicant_user(app.applicant)
    county = authority_user(R.COUNTY, app.cluster.division)
    review_services.review_decide(
        application=app, actor=county, tier="county", decision="return", comment="请补充2024年统计数据证明。"
    )
    note = Notification.objects.filter(recipient=owner).latest("pk")
    assert note.url == reverse("clusters:application_edit", args=[app.pk, "basic"])
    assert "请补充2024年统计数据证明" in note.body and "前重新提交" in note.body and "退回" in note.title

    waiting = application_in_state(S.COUNTY_REVIEW, cluster=ClusterFactory(name="待审集群"))
    assert waiting.cluster.division_id == app.cluster.division_id
    to_clerk = Notification.objects.filter(recipient=county, title__contains="待审集群").latest("pk")
    assert to_clerk.url == reverse("reviews:review", args=[waiting.pk]) and "截止" in to_clerk.body
