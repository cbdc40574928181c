"""`/api/applications/{id}/transitions/`: what the caller may do now (GET), and one named transition (POST)
through the very service the web page calls, so the same checks run and the same transition-log row is written.

Outcomes: 200 with the new state; 404 outside the caller's scope (as the pages); 400 for bad input, a service's
refusal, or a step that exists only as a multi-object web page (named in the answer); 409 when the state does
not allow the transition (or changed meanwhile); 403 when the caller sees the application but may not act."""

from django.urls import NoReverseMatch, reverse
from django_fsm import can_proceed
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from clusters import permissions
from clusters import services as cluster_services
from clusters.models import Application
from core.exceptions import Conflict, NotAllowed
from core.transitions import history_for
from reviews import services as review_services
from reviews.constants import Decision

from .. import selectors
from ..serializers.applications import HistoryRowSerializer
from ..serializers.transitions import (
    API_TRANSITIONS,
    WEB_ONLY,
    TransitionInputSerializer,
    TransitionOptionsSerializer,
    TransitionResultSerializer,
)
from .common import int_pk

STATE_TIER = {state: tier for tier, state in review_services.TIER_STATE.items()}
# name → (FSM method, predicate for the list of available transitions, review decision or None)
SPEC = {
    "submit": ("submit", permissions.can_submit_application, None),
    "withdraw": ("withdraw", permissions.can_withdraw_application, None),
    "county_pass": ("county_pass", permissions.can_county_pass_application, Decision.PASS),
    "formal_pass": ("formal_pass", permissions.can_formal_pass_application, Decision.PASS),
    "return": ("return_to_applicant", permissions.can_return_application, Decision.RETURN),
    "reject": ("reject", permissions.can_reject_application, Decision.REJECT),
}
WEB_URLS = {
    "recommend": ("reviews:recommendation_list", False),
    "start_site_check": ("reviews:spot_check", True),
    "to_joint_review": ("reviews:meetings", True),
    "approve": ("reviews:meetings", True),
    "certify": ("public:notice_manage", False),
}


def state_allows(application, name: str) -> bool:
    """Whether the application's state admits the named API transition (who acts is the service's question).
    Review decisions are the three tiers' (review_decide); later refusals are the joint review's or the
    objection handling's."""
    method, _predicate, decision = SPEC[name]
    if not can_proceed(getattr(application, method), check_conditions=False):
        return False
    return decision is None or application.state in STATE_TIER


def state_conflict(application, name: str) -> Conflict:
    label = API_TRANSITIONS[name][0]
    message = f"申报当前为“{application.get_state_display()}”，不能执行“{label}”。"
    if name in ("reject", "return") and application.state not in STATE_TIER and application.state != "draft":
        message += "该环节的处理请在网页“省级评审”（会审、异议处理）中办理。"
    return Conflict(message)


def web_page(name: str, application) -> str:
    url_name, per_call = WEB_URLS[name]
    try:
        url = reverse(url_name, args=[application.call_id] if per_call else [])
    except NoReverseMatch:  # the page moved: the sentence still says where
        return f"{WEB_ONLY[name]}。"
    return f"{WEB_ONLY[name]}（{url}）。"


def perform(application, name: str, actor, data: dict):
    comment = data.get("comment", "")
    if name == "submit":
        if data.get("confirm") is not True:
            raise serializers.ValidationError({"confirm": ["请确认本单位承诺所填报内容及提交材料真实、准确、完整。"]})
        return cluster_services.application_submit(
            application=application, actor=actor, comment=comment, explanations=data.get("explanations")
        )
    if name == "withdraw":
        if not comment.strip():
            raise serializers.ValidationError({"comment": ["请填写撤回原因。"]})
        return cluster_services.application_withdraw(application=application, actor=actor, comment=comment)
    return review_services.review_decide(
        application=application,
        actor=actor,
        tier=STATE_TIER[application.state],
        decision=SPEC[name][2],
        comment=comment,
        conditions=data.get("conditions"),
        agree_all=bool(data.get("agree_all")),
        checklist=data.get("checklist"),
        # As the page's hidden field: the state the caller acted on.
        expected_state=data.get("expected_state") or application.state,
    )


APPLICATION_PK = OpenApiParameter("application_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="申报 id")


class ApplicationTransitionViewSet(viewsets.ViewSet):
    """Registered under `applications/{application_pk}/transitions/`."""

    list_is_one_object = True

    def _application(self):
        return selectors.get_application(user=self.request.user, pk=int_pk(self.kwargs["application_pk"]))

    @extend_schema(
        summary="当前可执行的操作",
        tags=["申报流转"],
        parameters=[APPLICATION_PK],
        responses={200: TransitionOptionsSerializer},
    )
    def list(self, request, application_pk=None):
        application = self._application()
        available = [
            {"transition": name, "label": API_TRANSITIONS[name][0], "fields": sorted(API_TRANSITIONS[name][1])}
            for name, (_method, predicate, _decision) in SPEC.items()
            if state_allows(application, name) and predicate(request.user, application)
        ]
        web_only = [{"transition": name, "where": web_page(name, application)} for name in WEB_ONLY]
        return Response(
            {
                "application": application.pk,
                "state": application.state,
                "state_label": application.get_state_display(),
                "available": available,
                "web_only": web_only,
            }
        )

    @extend_schema(
        summary="执行一个操作（提交、撤回、通过、退回、不予推荐）",
        tags=["申报流转"],
        parameters=[APPLICATION_PK],
        request=TransitionInputSerializer,
        responses={200: TransitionResultSerializer},
    )
    def create(self, request, application_pk=None):
        application = self._application()
        given = TransitionInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        name = data["transition"]
        if name in WEB_ONLY:
            raise serializers.ValidationError(
                {"transition": [f"该操作不能通过接口办理：{web_page(name, application)}"]}
            )
        expected = data.get("expected_state")
        if expected and expected != application.state:
            raise Conflict(f"该申报的状态已变为“{application.get_state_display()}”，您的操作未执行。")
        if not state_allows(application, name):
            raise state_conflict(application, name)
        try:
            done = perform(application, name, request.user, data)
        except NotAllowed:
            # The service refuses both "not yours to do" and "not from this state"; the fresh state tells which.
            fresh = Application.objects.get(pk=application.pk)
            if not state_allows(fresh, name):
                raise state_conflict(fresh, name) from None
            raise
        row = history_for(done).last()
        return Response(
            {
                "application": done.pk,
                "transition": name,
                "state": done.state,
                "state_label": done.get_state_display(),
                "edit_version": done.edit_version,
                "log": HistoryRowSerializer(row).data,
            }
        )
