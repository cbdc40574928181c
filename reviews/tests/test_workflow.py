"""Every cell of state × transition × role: allowed or refused, the resulting state, and the log row."""

import pytest

from accounts.constants import Role
from accounts.tests.factories import JIANGYIN, UserFactory, division
from clusters import services
from clusters.constants import ApplicationState as S
from clusters.tests.factories import ClusterFactory, application_in_state, authority_user
from core.exceptions import ServiceError
from core.models import TransitionLog

pytestmark = pytest.mark.django_db

ROLES = ["owner", "other_applicant", "county_own", "county_other", "city_own", "city_other", "province", "expert"]

# verb -> (service call, target state)
TRANSITIONS = {
    "submit": S.COUNTY_REVIEW,
    "county_pass": S.CITY_REVIEW,
    "recommend": S.FORMAL_REVIEW,
    "formal_pass": S.EXPERT_REVIEW,
    "start_site_check": S.SITE_CHECK,
    "to_joint_review": S.JOINT_REVIEW,
    "approve": S.PUBLIC_NOTICE,
    "certify": S.CERTIFIED,
    "return_to_applicant": S.DRAFT,
    "reject": S.REJECTED,
    "withdraw": S.WITHDRAWN,
}

# Written out by hand from domain.md, not derived from the code under test.
ALLOWED = {
    (S.DRAFT, "submit"): "owner",
    (S.DRAFT, "withdraw"): "owner",
    (S.COUNTY_REVIEW, "county_pass"): "county_own",
    (S.COUNTY_REVIEW, "return_to_applicant"): "county_own",
    (S.COUNTY_REVIEW, "reject"): "county_own",
    (S.COUNTY_REVIEW, "withdraw"): "owner",
    (S.CITY_REVIEW, "recommend"): "city_own",
    (S.CITY_REVIEW, "return_to_applicant"): "city_own",
    (S.CITY_REVIEW, "reject"): "city_own",
    (S.CITY_REVIEW, "withdraw"): "owner",
    (S.FORMAL_REVIEW, "formal_pass"): "province",
    (S.FORMAL_REVIEW, "return_to_applicant"): "province",
    (S.FORMAL_REVIEW, "reject"): "province",
    (S.EXPERT_REVIEW, "start_site_check"): "province",
    (S.EXPERT_REVIEW, "to_joint_review"): "province",
    (S.EXPERT_REVIEW, "reject"): "province",
    (S.SITE_CHECK, "to_joint_review"): "province",
    (S.SITE_CHECK, "reject"): "province",
    (S.JOINT_REVIEW, "approve"): "province",
    (S.JOINT_REVIEW, "reject"): "province",
    (S.PUBLIC_NOTICE, "certify"): "province",
    (S.PUBLIC_NOTICE, "reject"): "province",
}

VERB_FOR_METHOD = {
    "return_to_applicant": "return",
    "start_site_check": "manage_province",
    "to_joint_review": "manage_province",
    "approve": "manage_province",
    "certify": "manage_province",
}


def _users(application):
    county = application.cluster.division
    other_county = division(JIANGYIN)  # 无锡市, another city altogether
    return {
        "owner": application.applicant.users.get(role=Role.APPLICANT),
        "other_applicant": UserFactory(),
        "county_own": authority_user(Role.COUNTY, county),
        "county_other": authority_user(Role.COUNTY, other_county),
        "city_own": authority_user(Role.CITY, county),
        "city_other": authority_user(Role.CITY, other_county),
        "province": authority_user(Role.PROVINCE, county),
        "expert": UserFactory(expert=True),
    }


def _attempt(application, actor, method):
    if method == "submit":
        return services.application_submit(application=application, actor=actor, comment="矩阵测试")
    if method == "withdraw":
        return services.application_withdraw(application=application, actor=actor, comment="矩阵测试")
    kwargs = {"reason": "矩阵测试退回"} if method == "return_to_applicant" else {}
    return services.application_transition(
        application=application,
        actor=actor,
        verb=VERB_FOR_METHOD.get(method, method),
        method=method,
        comment="矩阵测试",
        **kwargs,
    )


CELLS = [(state, method) for state in S.values for method in TRANSITIONS]


@pytest.mark.parametrize("state, method", CELLS, ids=[f"{s}-{m}" for s, m in CELLS])
def test_cell(state, method):
    application = application_in_state(state, cluster=ClusterFactory())
    users = _users(application)
    allowed_role = ALLOWED.get((state, method))
    # Refused roles first: none of them may change anything or write a log row.
    for role in ROLES:
        if role == allowed_role:
            continue
        before = TransitionLog.objects.count()
        with pytest.raises(ServiceError):
            _attempt(application, users[role], method)
        application.refresh_from_db()
        assert application.state == state, f"{role} changed {state} via {method}"
        assert TransitionLog.objects.count() == before, f"{role} wrote a log row for a refused {method}"
    if allowed_role is None:
        return
    before = TransitionLog.objects.count()
    result = _attempt(application, users[allowed_role], method)
    application.refresh_from_db()
    assert application.state == TRANSITIONS[method] == result.state
    assert TransitionLog.objects.count() == before + 1
    row = TransitionLog.objects.order_by("-id").first()
    assert (row.from_state, row.to_state, row.transition) == (state, TRANSITIONS[method], method)
    assert row.actor == users[allowed_role]
    assert row.object_id == str(application.pk)
