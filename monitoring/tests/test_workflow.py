"""Every cell of the state machines: source state × transition × role → outcome (new state, or refused with the
state unchanged). Transitions run through the services, which go through core.transitions.transition()."""

import pytest

from accounts.constants import Role
from clusters.tests.factories import authority_user, province_user
from core.exceptions import ServiceError
from monitoring import services
from monitoring.constants import CitySubmissionState, ReportState
from monitoring.models import AnnualReport, CitySubmission

from .factories import (
    CertificationFactory,
    CitySubmissionFactory,
    city_of,
    cluster_in,
    county_of,
    division,
    owner_of,
    report_in_state,
)

pytestmark = pytest.mark.django_db
R, C = ReportState, CitySubmissionState
REFUSED = "refused"

ROLES = ["owner", "county", "other_county", "city", "province"]


def actor(role, report):
    return {
        "owner": lambda: owner_of(report),
        "county": lambda: county_of(report),
        "other_county": lambda: authority_user(Role.COUNTY, division("320582")),
        "city": lambda: city_of(report),
        "province": province_user,
    }[role]()


TRANSITIONS = {
    "submit": lambda report, user: services.report_submit(report=report, actor=user, acknowledged=True),
    "verify": lambda report, user: services.report_verify(report=report, actor=user),
    "return": lambda report, user: services.report_return(report=report, actor=user, reason="请补充。"),
}

# (source, transition) -> {role: outcome}; roles not listed are refused.
ALLOWED = {
    (R.DRAFT, "submit"): {"owner": R.SUBMITTED},
    (R.RETURNED, "submit"): {"owner": R.SUBMITTED},
    (R.SUBMITTED, "verify"): {"county": R.VERIFIED},
    (R.SUBMITTED, "return"): {"county": R.RETURNED},
}

CELLS = [
    (source, name, role, ALLOWED.get((source, name), {}).get(role, REFUSED))
    for source in (R.DRAFT, R.SUBMITTED, R.RETURNED, R.VERIFIED)
    for name in TRANSITIONS
    for role in ROLES
]


@pytest.mark.parametrize(("source", "transition", "role", "outcome"), CELLS)
def test_report_workflow(source, transition, role, outcome):
    report = report_in_state(source, certification=CertificationFactory(cluster=cluster_in("320583")))
    user = actor(role, report)
    if outcome == REFUSED:
        with pytest.raises(ServiceError):
            TRANSITIONS[transition](report, user)
        assert AnnualReport.objects.get(pk=report.pk).state == source
    else:
        TRANSITIONS[transition](report, user)
        assert AnnualReport.objects.get(pk=report.pk).state == outcome


CITY_ROLES = ["city", "other_city", "province", "county"]


def city_actor(role, cert):
    return {
        "city": lambda: city_of(cert),
        "other_city": lambda: authority_user(Role.CITY, division("320281")),
        "province": province_user,
        "county": lambda: county_of(cert),
    }[role]()


CITY_TRANSITIONS = {
    "submit": lambda sub, user: services.city_submission_submit(actor=user, report_year=2025, remarks="报送"),
    "return": lambda sub, user: services.city_submission_return(actor=user, submission=sub, reason="请更正。"),
}
CITY_ALLOWED = {
    (C.DRAFT, "submit"): {"city": C.SUBMITTED},
    (C.RETURNED, "submit"): {"city": C.SUBMITTED},
    (C.SUBMITTED, "return"): {"province": C.RETURNED},
}
# Another city's "submit" can only ever address its own table (the service takes the city from the user):
# it submits that one, and this city's table is untouched.
OWN_TABLE = "own table"
CITY_CELLS = [
    (
        source,
        name,
        role,
        OWN_TABLE
        if (role, name) == ("other_city", "submit")
        else CITY_ALLOWED.get((source, name), {}).get(role, REFUSED),
    )
    for source in (C.DRAFT, C.SUBMITTED, C.RETURNED)
    for name in CITY_TRANSITIONS
    for role in CITY_ROLES
]


@pytest.mark.parametrize(("source", "transition", "role", "outcome"), CITY_CELLS)
def test_city_submission_workflow(source, transition, role, outcome):
    cert = CertificationFactory(cluster=cluster_in("320583"))
    # The other city needs clusters of its own, or its refusal would only say it has nothing to submit.
    CertificationFactory(cluster=cluster_in("320281"))
    sub = CitySubmissionFactory(certification=cert, target_state=source)
    user = city_actor(role, cert)
    if outcome == REFUSED:
        with pytest.raises(ServiceError):
            CITY_TRANSITIONS[transition](sub, user)
        assert CitySubmission.objects.get(pk=sub.pk).state == source
    elif outcome == OWN_TABLE:
        own = CITY_TRANSITIONS[transition](sub, user)
        assert own.city_id == "320200" and own.pk != sub.pk
        assert CitySubmission.objects.get(pk=sub.pk).state == source
    else:
        CITY_TRANSITIONS[transition](sub, user)
        assert CitySubmission.objects.get(pk=sub.pk).state == outcome
