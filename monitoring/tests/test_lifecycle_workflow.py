"""Every cell of the lifecycle's state machines: source state × transition × role → outcome (the new state, or refused
with nothing changed). Each source state is built once by the services; each cell runs in a savepoint that is rolled
back, so the cells do not see each other."""

import datetime

import pytest
from django.db import transaction

from accounts.constants import Role
from accounts.tests.factories import UserFactory
from clusters.models import Certification, CertificationStatus
from clusters.tests.factories import authority_user, province_user
from core import transitions
from core.exceptions import NotAllowed, ServiceError
from monitoring import services
from monitoring.constants import ChangeReportState, ReReviewState, RevocationGround, RevocationStatus
from monitoring.models import ChangeReport, LifecyclePolicy, ReReview, RevocationCase

from .factories import CertificationFactory, city_of, cluster_in, county_of, division, owner_of
from .lifecycle_factories import (
    change_in_state,
    expiring_certification,
    fill_rereview,
    rereview_in_state,
    revocation_in_state,
)

pytestmark = pytest.mark.django_db
S, R, CH = ReReviewState, RevocationStatus, ChangeReportState
REFUSED = "refused"


class _Rollback(Exception):
    pass


def run_cells(obj, model, field, cells, actors, actions):
    """Try each (transition, role) on a fresh copy of `obj` in a savepoint; returns the cells whose outcome
    differs from the table."""
    wrong = []
    for (name, role), expected in cells.items():
        try:
            with transaction.atomic():
                fresh = model.objects.get(pk=obj.pk)
                before = getattr(fresh, field)
                try:
                    actions[name](fresh, actors[role])
                except ServiceError:
                    outcome = REFUSED
                    assert getattr(model.objects.get(pk=obj.pk), field) == before
                else:
                    outcome = getattr(model.objects.get(pk=obj.pk), field)
                if outcome != expected:
                    wrong.append((name, role, outcome, expected))
                raise _Rollback
        except _Rollback:
            pass
    return wrong


# ---------------------------------------------------------------- re-review


RR_ROLES = ["owner", "county", "other_county", "city", "province"]
RR_ACTIONS = {
    "submit": lambda rr, u: services.rereview_submit(rereview=rr, actor=u),
    "forward": lambda rr, u: services.rereview_forward(
        rereview=rr, actor=u, agree=True, opinion="同意。", experts="甲、乙"
    ),
    "return": lambda rr, u: services.rereview_return(rereview=rr, actor=u, reason="请补充。"),
    "pass": lambda rr, u: services.rereview_decide(rereview=rr, actor=u, passed=True, reason="通过。"),
    "fail": lambda rr, u: services.rereview_decide(rereview=rr, actor=u, passed=False, reason="未通过。"),
}
RR_ALLOWED = {
    (S.DRAFT, "submit"): {"owner": S.COUNTY_REVIEW},
    (S.RETURNED, "submit"): {"owner": S.COUNTY_REVIEW},
    (S.COUNTY_REVIEW, "forward"): {"county": S.CITY_REVIEW},
    (S.COUNTY_REVIEW, "return"): {"county": S.RETURNED},
    (S.CITY_REVIEW, "forward"): {"city": S.PROVINCE_REVIEW},
    (S.CITY_REVIEW, "return"): {"city": S.RETURNED},
    (S.PROVINCE_REVIEW, "return"): {"province": S.RETURNED},
    (S.PROVINCE_REVIEW, "pass"): {"province": S.PASSED},
    (S.PROVINCE_REVIEW, "fail"): {"province": S.FAILED},
}
RR_SOURCES = [S.DRAFT, S.COUNTY_REVIEW, S.CITY_REVIEW, S.PROVINCE_REVIEW, S.RETURNED, S.PASSED, S.FAILED]


@pytest.mark.parametrize("source", RR_SOURCES)
def test_rereview_workflow(source):
    rr = rereview_in_state(source)
    if source == S.DRAFT:
        fill_rereview(rr)
    actors = {
        "owner": owner_of(rr),
        "county": county_of(rr),
        "other_county": authority_user(Role.COUNTY, division("320582")),
        "city": city_of(rr),
        "province": province_user(),
    }
    cells = {
        (name, role): RR_ALLOWED.get((source, name), {}).get(role, REFUSED) for name in RR_ACTIONS for role in RR_ROLES
    }
    assert run_cells(rr, ReReview, "state", cells, actors, RR_ACTIONS) == []


def test_the_route_follows_the_years_policy_experts_included():
    LifecyclePolicy.objects.create(year=2026, county_opinion=False, city_opinion=True, expert_review=True)
    rr = rereview_in_state(S.CITY_REVIEW)  # straight to the city: no county tier this year
    assert rr.route == ["city", "expert", "province"]
    rr = services.rereview_forward(rereview=rr, actor=city_of(rr), agree=False, opinion="目标完成不足。")
    assert rr.state == S.EXPERT_REVIEW
    with pytest.raises(ServiceError, match="专家"):
        services.rereview_forward(rereview=rr, actor=province_user(), opinion="同意。")
    rr = services.rereview_forward(rereview=rr, actor=province_user(), opinion="专家组同意通过。", experts="张三、李四")
    assert rr.state == S.PROVINCE_REVIEW
    assert [o.tier for o in rr.opinions.order_by("id")] == ["city", "expert"]
    # A policy changed afterwards does not move a re-review already submitted.
    LifecyclePolicy.objects.filter(year=2026).update(expert_review=False)
    rr = services.rereview_return(rereview=rr, actor=province_user(), reason="请补充专家意见的回应。")
    rr = services.rereview_submit(rereview=rr, actor=owner_of(rr))
    assert rr.state == S.CITY_REVIEW and rr.route == ["city", "expert", "province"]


def test_a_county_user_who_filed_does_not_give_the_county_opinion():
    rr = rereview_in_state(S.COUNTY_REVIEW)
    county = county_of(rr)
    ReReview.objects.filter(pk=rr.pk).update(submitted_by=county)
    with pytest.raises(NotAllowed):
        services.rereview_forward(rereview=ReReview.objects.get(pk=rr.pk), actor=county, agree=True, opinion="同意。")


# ---------------------------------------------------------------- revocation cases


CASE_ROLES = ["owner", "county", "city", "province", "other_applicant"]
CASE_ACTIONS = {
    "revoke": lambda case, u: services.revocation_revoke(
        case=case, actor=u, number=f"苏工信中小〔2026〕9{case.pk}号", date=datetime.date(2026, 3, 9), reasons="属实。"
    ),
    "dismiss": lambda case, u: services.revocation_dismiss(case=case, actor=u, reason="不属实。"),
    "publish": lambda case, u: services.revocation_publish(case=case, actor=u),
}
CASE_ALLOWED = {
    (R.PROPOSED, "revoke"): {"province": R.REVOKED},
    (R.PROPOSED, "dismiss"): {"province": R.DISMISSED},
    (R.REVOKED, "publish"): {"province": R.PUBLISHED},
}


def _lapsed_case():
    cert = CertificationFactory(cluster=cluster_in("320583"))
    other = services.revocation_open(
        actor=province_user(),
        certification=cert,
        ground=RevocationGround.SERIOUS_INCIDENT,
        evidence="企业发生较大安全事故，已查实。",
    )
    revocation_in_state(R.REVOKED, certification=cert)
    return RevocationCase.objects.get(pk=other.pk)


@pytest.mark.parametrize("source", [R.PROPOSED, R.REVOKED, R.PUBLISHED, R.DISMISSED, R.LAPSED])
def test_revocation_workflow(source):
    case = _lapsed_case() if source == R.LAPSED else revocation_in_state(source)
    assert case.status == source
    cert = case.certification
    actors = {
        "owner": owner_of(cert),
        "county": county_of(cert),
        "city": city_of(cert),
        "province": province_user(),
        "other_applicant": UserFactory(organisation__division=division("320281")),
    }
    cells = {
        (name, role): CASE_ALLOWED.get((source, name), {}).get(role, REFUSED)
        for name in CASE_ACTIONS
        for role in CASE_ROLES
    }
    assert run_cells(case, RevocationCase, "status", cells, actors, CASE_ACTIONS) == []


def test_revoking_revokes_the_certification_and_ends_the_other_open_cases():
    case = _lapsed_case()
    assert case.status == R.LAPSED
    assert Certification.objects.get(pk=case.certification_id).status == CertificationStatus.REVOKED


# ---------------------------------------------------------------- change reports


CH_ROLES = ["owner", "county", "city", "other_city", "province"]
CH_ACTIONS = {
    "submit": lambda r, u: services.change_report_submit(report=r, actor=u),
    "forward": lambda r, u: services.change_report_forward(report=r, actor=u, agree=True, opinion="同意。"),
    "return": lambda r, u: services.change_report_return(report=r, actor=u, reason="请补充。"),
    "accept": lambda r, u: services.change_report_decide(report=r, actor=u, accept=True),
    "refuse": lambda r, u: services.change_report_decide(report=r, actor=u, accept=False, reason="不属实。"),
}
CH_ALLOWED = {
    (CH.DRAFT, "submit"): {"owner": CH.CITY_REVIEW},
    (CH.RETURNED, "submit"): {"owner": CH.CITY_REVIEW},
    (CH.CITY_REVIEW, "forward"): {"city": CH.PROVINCE_REVIEW},
    (CH.CITY_REVIEW, "return"): {"city": CH.RETURNED},
    (CH.PROVINCE_REVIEW, "return"): {"province": CH.RETURNED},
    (CH.PROVINCE_REVIEW, "accept"): {"province": CH.ACCEPTED},
    (CH.PROVINCE_REVIEW, "refuse"): {"province": CH.REFUSED},
}


@pytest.mark.parametrize("source", [CH.DRAFT, CH.CITY_REVIEW, CH.PROVINCE_REVIEW, CH.RETURNED, CH.ACCEPTED, CH.REFUSED])
def test_change_report_workflow(source):
    report = change_in_state(source)
    cert = report.certification
    actors = {
        "owner": owner_of(cert),
        "county": county_of(cert),
        "city": city_of(cert),
        "other_city": authority_user(Role.CITY, division("320281")),
        "province": province_user(),
    }
    cells = {
        (name, role): CH_ALLOWED.get((source, name), {}).get(role, REFUSED) for name in CH_ACTIONS for role in CH_ROLES
    }
    assert run_cells(report, ChangeReport, "state", cells, actors, CH_ACTIONS) == []


# ---------------------------------------------------------------- the certification's own transitions


def test_only_the_system_marks_and_expires_a_certification():
    cert = expiring_certification()
    for actor in (province_user(), owner_of(cert)):
        with pytest.raises(NotAllowed):
            transitions.transition(cert, "expire", actor=actor, permission=transitions.system_only)
    assert Certification.objects.get(pk=cert.pk).status == CertificationStatus.EXPIRING
