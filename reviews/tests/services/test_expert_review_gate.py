"""Expert review cannot be skipped: the spot-check draw and every step after it (joint review decisions) need every
active assignment's score sheet submitted (an ended assignment does not count) and at least one submitted sheet;
the refusal names the applications and the sheets still outstanding. An expert cannot score an application that has
left expert review."""

import pytest
from django.utils import timezone

from clusters import services as cluster_services
from clusters.constants import ApplicationState as S
from clusters.tests.factories import ClusterFactory, application_in_state, published_call
from core.exceptions import ServiceError
from reviews import services
from reviews.tests.factories import assign_expert, full_scores, score_application

pytestmark = pytest.mark.django_db


def _two_in_expert_review():
    call = published_call()
    return call, [
        application_in_state(S.EXPERT_REVIEW, call=call, cluster=ClusterFactory(name=f"评审集群{i}")) for i in range(2)
    ]


def test_the_draw_is_refused_while_a_sheet_is_outstanding_and_names_it(province):
    call, (done, pending) = _two_in_expert_review()
    score_application(done, province, [80])
    score_application(pending, province, [70])
    waiting = assign_expert(pending, province)
    with pytest.raises(ServiceError) as err:
        services.spot_check_draw(call=call, actor=province, seed="1", size=1)
    message = err.value.message
    assert pending.cluster.name in message and waiting.expert.user.display_name in message
    assert "1/2" in message  # one of two sheets submitted
    assert done.cluster.name not in message
    for app in (done, pending):
        app.refresh_from_db()
        assert app.state == S.EXPERT_REVIEW  # nothing moved


def test_the_draw_is_refused_for_an_application_no_expert_has_scored(province):
    call, (done, unscored) = _two_in_expert_review()
    score_application(done, province, [80])
    with pytest.raises(ServiceError) as err:
        services.spot_check_draw(call=call, actor=province, seed="1", size=1)
    assert unscored.cluster.name in err.value.message and "0/0" in err.value.message


def test_an_assignment_ended_with_a_reason_does_not_hold_the_draw(province):
    call, apps = _two_in_expert_review()
    for app in apps:
        score_application(app, province, [75])
    ended = assign_expert(apps[0], province)
    services.expert_unassign(assignment=ended, actor=province, reason="专家临时出差，另行安排")
    draw = services.spot_check_draw(call=call, actor=province, seed="1", size=1)
    assert len(draw.drawn) == 1


def test_scoring_is_refused_once_the_application_has_left_expert_review(province):
    call, apps = _two_in_expert_review()
    for app in apps:
        score_application(app, province, [75])
    late = assign_expert(apps[0], province)
    user = late.expert.user
    services.declare_no_conflict(assignment=late, actor=user)
    # The draw refuses while this sheet is open, so the province ends the other way round: the late expert's
    # application leaves expert review through a site check drawn earlier (simulated by the transition).
    cluster_services.application_transition(
        application=apps[0], actor=province, verb="manage_province", method="start_site_check", comment="测试"
    )
    scores = full_scores(list(apps[0].call.rubric.all()), lambda c: c.max_points)
    with pytest.raises(ServiceError, match="已离开专家评审环节"):
        services.scoresheet_save(sheet=late.sheet, actor=user, scores=scores, recommendation="recommend")
    with pytest.raises(ServiceError, match="已离开专家评审环节"):
        services.scoresheet_submit(sheet=late.sheet, actor=user)


def test_joint_review_decisions_need_the_expert_review_complete(province):
    call, (app, _other) = _two_in_expert_review()
    score_application(app, province, [80])
    assign_expert(app, province)  # outstanding
    cluster_services.application_transition(
        application=app, actor=province, verb="manage_province", method="to_joint_review", comment="绕过抽取"
    )
    meeting = services.meeting_create(call=call, actor=province, meeting_date=timezone.localdate(), attendees="厅务会")
    with pytest.raises(ServiceError) as err:
        services.meeting_decide(meeting=meeting, application=app, actor=province, decision="approve")
    assert app.cluster.name in err.value.message
    with pytest.raises(ServiceError) as err:
        services.meeting_close(meeting=meeting, actor=province)
    assert app.cluster.name in err.value.message
