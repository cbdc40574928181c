"""The joint review meeting and its decisions against the ranking (`services.joint_review`)."""

import pytest
from django.utils import timezone

from clusters.constants import ApplicationState as S
from core.exceptions import ServiceError
from reviews import selectors, services
from reviews.models import JointDecision
from reviews.tests.factories import score_application

pytestmark = pytest.mark.django_db


def test_site_check_then_joint_review_with_departure_reason(five_in_expert_review, province):
    call, apps = five_in_expert_review
    for app, total in zip(apps, [90, 85, 80, 75, 70], strict=True):
        score_application(app, province, [total])
    draw = services.spot_check_draw(call=call, actor=province, seed="2026", size=1)
    checked = type(apps[0]).objects.get(pk=draw.drawn[0])
    services.site_check_record(
        application=checked,
        actor=province,
        check_date=timezone.localdate(),
        inspectors="张三、李四",
        findings="与申报一致",
        result="pass",
    )
    checked.refresh_from_db()
    assert checked.state == S.JOINT_REVIEW and checked.site_checks.get().result == "pass"

    meeting = services.meeting_create(
        call=call, actor=province, meeting_date=timezone.localdate(), attendees="厅领导、处室负责人"
    )
    best, second, third, fourth, worst = apps
    for a in (best, second, third, fourth):
        services.meeting_decide(meeting=meeting, application=a, actor=province, decision="approve")
    with pytest.raises(ServiceError, match="尚未形成"):
        services.meeting_close(meeting=meeting, actor=province)
    with pytest.raises(ServiceError, match="理由"):
        services.meeting_decide(meeting=meeting, application=worst, actor=province, decision="reject")
    services.meeting_decide(
        meeting=meeting, application=worst, actor=province, decision="reject", reason="实地核查发现产值口径不一致"
    )
    # Departing from the ranking: reject the 2nd and approve the 5th needs a written reason on the 5th.
    services.meeting_decide(
        meeting=meeting, application=second, actor=province, decision="reject", reason="存在失信记录"
    )
    services.meeting_decide(meeting=meeting, application=worst, actor=province, decision="approve")
    with pytest.raises(ServiceError, match="排名"):
        services.meeting_close(meeting=meeting, actor=province)
    services.meeting_decide(
        meeting=meeting, application=worst, actor=province, decision="approve", reason="补充材料证明达标"
    )
    meeting = services.meeting_close(meeting=meeting, actor=province)
    assert meeting.status == "closed"
    states = {a.pk: type(a).objects.get(pk=a.pk).state for a in apps}
    assert states[second.pk] == S.REJECTED
    # The approved ones wait in joint review as the proposed list until the notice is published.
    assert [pk for pk, st in states.items() if st == S.JOINT_REVIEW] == [best.pk, third.pk, fourth.pk, worst.pk]
    assert list(selectors.proposed_list(call)) == [best, third, fourth, worst]
    assert JointDecision.objects.get(application=worst).rank_raw == 5
