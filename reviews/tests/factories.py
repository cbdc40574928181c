"""Builders of review data for tests: experts, assignments and submitted score sheets through the services, and
the joint review's proposed list."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.constants import Role
from accounts.tests.factories import NANJING, WUXI, OrganisationFactory, UserFactory, division
from clusters.constants import ApplicationState as S
from clusters.tests.factories import ClusterFactory, application_in_state, published_call
from reviews import services
from reviews.models import Assignment, ExpertProfile

SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=10, mm=0, ss=0):
    """A moment in Asia/Shanghai, for time_machine."""
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=SH)


def expert(city_code=WUXI, organisation=None, **profile) -> ExpertProfile:
    """An active expert with a login, an employer and a home city (default 无锡市)."""
    org = organisation or OrganisationFactory(expert_employer=True, division=division(city_code))
    user = UserFactory(role=Role.EXPERT, organisation=org)
    return ExpertProfile.objects.create(user=user, city=division(city_code), **profile)


def assign_expert(app, province, **profile) -> Assignment:
    """A new 南京 expert (no conflict with a 苏州 cluster) assigned to `app` by the province."""
    return services.expert_assign(application=app, expert=expert(city_code=NANJING, **profile), actor=province)


def all_agree(application=None) -> dict:
    """A tier's opinion agreeing with every condition (the "全部同意" shortcut)."""
    from clusters.selectors import CONDITION_CODES

    return {code: {"agree": True, "comment": ""} for code in CONDITION_CODES}


def full_scores(rubric, points):
    """{criterion id: points(criterion)} for every criterion of the rubric."""
    return {str(c.pk): str(points(c)) for c in rubric}


def score_application(app, province, totals):
    """One new expert per total, each declaring no conflict and submitting a sheet worth exactly that total (every
    criterion at total %)."""
    sheets = []
    for total in totals:
        assignment = assign_expert(app, province)
        user = assignment.expert.user
        services.declare_no_conflict(assignment=assignment, actor=user)
        rubric = list(app.call.rubric.all())
        scores = full_scores(rubric, lambda c, t=total: c.max_points * Decimal(t) / 100)
        services.scoresheet_save(sheet=assignment.sheet, actor=user, scores=scores, recommendation="recommend")
        sheets.append(services.scoresheet_submit(sheet=assignment.sheet, actor=user))
    return sheets


def scored_in_expert_review(province, *, call=None, cluster=None, total=80):
    """An application in expert review whose expert review is complete (one submitted score sheet)."""
    app = application_in_state(S.EXPERT_REVIEW, call=call, cluster=cluster)
    score_application(app, province, [total])
    return app


def in_joint_review(province, *, call=None, cluster=None, total=80):
    """An application scored by an expert and moved on to joint review (as the draw does for the undrawn)."""
    from clusters import services as cluster_services

    app = scored_in_expert_review(province, call=call, cluster=cluster, total=total)
    return cluster_services.application_transition(
        application=app, actor=province, verb="manage_province", method="to_joint_review", comment="未被抽中实地抽查"
    )


def proposed(province, n=2, prefix="公示集群"):
    """n applications approved by a closed joint review meeting (the proposed list), with distinct cluster names."""
    call = published_call()
    apps = [in_joint_review(province, call=call, cluster=ClusterFactory(name=f"{prefix}{i}")) for i in range(n)]
    meeting = services.meeting_create(
        call=call, actor=province, meeting_date=timezone.localdate(), attendees="厅务会成员"
    )
    for a in apps:
        services.meeting_decide(meeting=meeting, application=a, actor=province, decision="approve")
    services.meeting_close(meeting=meeting, actor=province)
    return call, apps


def published_notice(province, start, n=2):
    """A published notice of a proposed list of n applications, starting on `start` (no time travel)."""
    call, apps = proposed(province, n)
    notice = services.notice_create(
        call=call, actor=province, start_date=start, contact_department="中小企业处", contact_phone="025-12345678"
    )
    return services.notice_publish(notice=notice, actor=province), apps
