"""The joint review meeting (会审, Art. 10): a decision on every application left after expert review and site
checks; closing the meeting checks the decisions against the score ranking and rejects the ones turned down.
The approved applications form the proposed list for the public notice (`notices.py`)."""

from django.db import transaction

from clusters import services as cluster_services
from clusters.constants import ApplicationState
from clusters.models import Application
from core import transitions
from core.exceptions import Conflict, ServiceError

from ..constants import JointDecisionChoice, MeetingStatus
from ..models import JointDecision, JointReview
from ..permissions import can_manage_decision, require_province
from ..selectors import call_score_ranking, proposed_list
from .scoring import require_expert_review_complete
from .spot_checks import remove_stored, store_files

S = ApplicationState


def meeting_create(*, call, actor, meeting_date, attendees, minutes="", files=()) -> JointReview:
    """Open a meeting with its attendees, minutes and files."""
    require_province(actor, "组织会审")
    if not (attendees or "").strip():
        raise ServiceError("请填写参会人员。")
    if meeting_date is None:
        raise ServiceError("请填写会议日期。")
    stored = []
    try:
        with transaction.atomic():
            meeting = JointReview.objects.create(
                call=call, meeting_date=meeting_date, attendees=attendees.strip(), minutes=minutes, created_by=actor
            )
            stored = store_files(files, actor, meeting=meeting)
            transitions.record_event(meeting, "open", actor=actor, to_state=MeetingStatus.OPEN, comment=str(meeting))
    except Exception:
        remove_stored(stored)
        raise
    return meeting


def meeting_decide(*, meeting, application, actor, decision, reason="") -> JointDecision:
    """Record (or change, while the meeting is open) the decision on one application."""
    require_province(actor, "会审")
    if decision not in JointDecisionChoice.values:
        raise ServiceError("请选择会审结论。")
    reason = (reason or "").strip()
    if decision == JointDecisionChoice.REJECT and not reason:
        raise ServiceError("不予认定须写明理由。")
    with transaction.atomic():
        locked = JointReview.objects.select_for_update().get(pk=meeting.pk)
        if locked.status != MeetingStatus.OPEN:
            raise Conflict("会审已结束，不能修改结论。")
        application = Application.objects.select_related("cluster").get(pk=application.pk)
        if application.call_id != locked.call_id or application.state != S.JOINT_REVIEW:
            raise ServiceError("该申报不在本批次的会审环节。")
        require_expert_review_complete([application], step="形成会审结论")
        row, _created = JointDecision.objects.update_or_create(
            meeting=locked,
            application=application,
            defaults={"decision": decision, "reason": reason, "decided_by": actor},
        )
    return row


def meeting_close(*, meeting, actor) -> JointReview:
    """Close the meeting: every application decided, departures from the ranking explained; then move them."""
    require_province(actor, "会审")
    with transaction.atomic():
        locked = JointReview.objects.select_for_update().get(pk=meeting.pk)
        if locked.status != MeetingStatus.OPEN:
            raise Conflict("会审已结束。")
        # Applications already on an earlier meeting's proposed list are not decided again.
        waiting = list(
            Application.objects.filter(call=locked.call, state=S.JOINT_REVIEW)
            .exclude(pk__in=proposed_list(locked.call))
            .order_by("pk")
        )
        decisions = {d.application_id: d for d in locked.decisions.select_related("application__cluster")}
        undecided = [str(a) for a in waiting if a.pk not in decisions]
        if undecided:
            raise ServiceError("以下申报尚未形成会审结论：" + "、".join(undecided))
        require_expert_review_complete([d.application for d in decisions.values()], step="结束会审")
        ranks = {row["application_id"]: row for row in call_score_ranking(locked.call)}
        approved = [d for d in decisions.values() if d.decision == JointDecisionChoice.APPROVE]
        departures = []
        for d in decisions.values():
            row = ranks.get(d.application_id, {})
            d.rank_raw, d.rank_normalised = row.get("rank_raw"), row.get("rank_normalised")
        # The ranking implies approving its top k (k = how many are approved); an approved application
        # outside the top k on either ranking departs from it and needs a written reason.
        k = len(approved)
        for a in approved:
            outside = (a.rank_raw is not None and a.rank_raw > k) or (
                a.rank_normalised is not None and a.rank_normalised > k
            )
            if outside and not a.reason:
                departures.append(str(a.application))
        if departures:
            raise ServiceError(
                f"以下申报不在评分排名前 {k} 名内却拟列入名单，与排名不一致，须写明理由：" + "、".join(departures)
            )
        # Rejections take effect now; approved applications stay in joint review as the proposed list
        # until the public notice is published (Art. 10).
        for d in decisions.values():
            d.save(update_fields=["rank_raw", "rank_normalised"])
            if d.decision == JointDecisionChoice.REJECT:
                cluster_services.application_transition(
                    application=d.application,
                    actor=actor,
                    verb="reject",
                    method="reject",
                    comment=f"会审：{d.get_decision_display()}；{d.reason}",
                    expected_state=S.JOINT_REVIEW,
                )
        closed = transitions.transition(
            locked,
            "close",
            actor=actor,
            permission=can_manage_decision,
            expected_state=MeetingStatus.OPEN,
            comment=f"拟认定 {len(approved)} 个",
            freeze=True,
        )
        # Each decision is frozen with the meeting; its own row carries its digest, so a decision changed
        # afterwards is named by itself, not only through the meeting's digest.
        for d in sorted(decisions.values(), key=lambda d: d.application_id):
            transitions.record_event(
                d,
                "freeze",
                actor=actor,
                to_state=d.decision,
                comment=f"{closed}：{d.get_decision_display()}",
                freeze=True,
            )
        return closed
