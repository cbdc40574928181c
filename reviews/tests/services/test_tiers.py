"""County, city and formal review opinions (`services.tiers`)."""

import pytest

from accounts.constants import Role
from clusters.constants import ApplicationState as S
from clusters.tests.factories import application_in_state, authority_user
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.models import Notification, TransitionLog
from reviews import services
from reviews.constants import FORMAL_CHECKS
from reviews.models import ReviewOpinion

pytestmark = pytest.mark.django_db


def _county(app):
    return authority_user(Role.COUNTY, app.cluster.division)


def _city(app):
    return authority_user(Role.CITY, app.cluster.division)


def test_county_pass_records_opinion_and_notifies_city(django_capture_on_commit_callbacks, mailoutbox):
    app = application_in_state(S.COUNTY_REVIEW)
    city = _city(app)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.review_decide(
            application=app,
            actor=_county(app),
            tier="county",
            decision="pass",
            comment="材料齐全，同意报送",
            conditions={"2a": {"agree": True}, "5a": {"agree": False, "comment": "平台级别需核实"}},
            agree_all=True,
        )
    assert result.state == S.CITY_REVIEW
    op = ReviewOpinion.objects.get(application=app)
    assert op.tier == "county" and op.decision == "pass" and op.version_number == 1
    assert op.conditions["5a"] == {"agree": False, "comment": "平台级别需核实"}
    assert Notification.objects.filter(recipient=city, title__contains="待审核").exists()
    assert any(city.email in m.to for m in mailoutbox)


def test_disagreeing_without_a_reason_is_refused_and_changes_nothing():
    app = application_in_state(S.COUNTY_REVIEW)
    with pytest.raises(ServiceError) as exc:
        services.review_decide(
            application=app, actor=_county(app), tier="county", decision="pass", conditions={"2a": {"agree": False}}
        )
    assert "2a" in exc.value.message
    app.refresh_from_db()
    assert app.state == S.COUNTY_REVIEW and not ReviewOpinion.objects.exists()


def test_return_needs_a_reason_and_keeps_history():
    app = application_in_state(S.COUNTY_REVIEW)
    county = _county(app)
    with pytest.raises(ServiceError):
        services.review_decide(application=app, actor=county, tier="county", decision="return", comment="  ")
    services.review_decide(
        application=app,
        actor=county,
        tier="county",
        decision="return",
        comment="请补充2023年研发经费证明",
        agree_all=True,
    )
    app.refresh_from_db()
    assert (
        app.state == S.DRAFT
        and app.return_reason == "请补充2023年研发经费证明"
        and app.returned_from == S.COUNTY_REVIEW
    )
    assert app.versions.count() == 1
    states = list(TransitionLog.objects.filter(object_id=str(app.pk)).values_list("to_state", flat=True))
    assert states[-2:] == [S.COUNTY_REVIEW, S.DRAFT]


def test_wrong_tier_or_stale_state_is_refused():
    app = application_in_state(S.CITY_REVIEW)
    with pytest.raises(NotAllowed):
        services.review_decide(
            application=app, actor=_county(app), tier="city", decision="reject", comment="x", agree_all=True
        )
    with pytest.raises(Conflict):
        services.review_decide(
            application=app, actor=_county(app), tier="county", decision="reject", comment="x", agree_all=True
        )
    with pytest.raises(Conflict):
        services.review_decide(
            application=app,
            actor=_city(app),
            tier="city",
            decision="reject",
            comment="x",
            expected_state=S.COUNTY_REVIEW,
            agree_all=True,
        )
    with pytest.raises(ServiceError, match="推荐文件"):
        services.review_decide(application=app, actor=_city(app), tier="city", decision="pass", agree_all=True)
    app.refresh_from_db()
    assert app.state == S.CITY_REVIEW and not ReviewOpinion.objects.exists()


def test_formal_pass_needs_every_checklist_item():
    app = application_in_state(S.FORMAL_REVIEW)
    province = authority_user(Role.PROVINCE, app.cluster.division)
    partial = {key: True for key, _ in FORMAL_CHECKS[:-1]}
    with pytest.raises(ServiceError, match="形式审查清单"):
        services.review_decide(
            application=app, actor=province, tier="formal", decision="pass", checklist=partial, agree_all=True
        )
    full = {key: True for key, _ in FORMAL_CHECKS}
    result = services.review_decide(
        application=app, actor=province, tier="formal", decision="pass", checklist=full, agree_all=True
    )
    assert result.state == S.EXPERT_REVIEW
    assert ReviewOpinion.objects.get(application=app).checklist == full
