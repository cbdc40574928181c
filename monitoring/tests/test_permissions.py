import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.constants import Role
from accounts.tests.factories import UserFactory
from clusters.tests.factories import authority_user, province_user
from monitoring import permissions as p
from monitoring.constants import ReportState
from monitoring.tests.factories import (
    CertificationFactory,
    city_of,
    cluster_in,
    county_of,
    division,
    owner_of,
    report_in_state,
)

pytestmark = pytest.mark.django_db
R = ReportState


@pytest.fixture
def world():
    cert = CertificationFactory(cluster=cluster_in("320583"))
    return {
        "cert": cert,
        "owner": owner_of(cert),
        "county": county_of(cert),
        "city": city_of(cert),
        "province": province_user(),
        "other_applicant": UserFactory(),
        "other_county": authority_user(Role.COUNTY, division("320582")),
        "other_city": authority_user(Role.CITY, division("320281")),
        "expert": UserFactory(expert=True),
        "anonymous": AnonymousUser(),
    }


def who(world, predicate, obj):
    return sorted(k for k, u in world.items() if k != "cert" and predicate(u, obj))


def test_a_draft_is_the_applicants_alone(world):
    report = report_in_state(R.DRAFT, certification=world["cert"])
    assert who(world, p.can_view_report, report) == ["owner"]
    assert who(world, p.can_edit_report, report) == ["owner"]
    assert who(world, p.can_submit_report, report) == ["owner"]
    assert who(world, p.can_verify_report, report) == []


def test_a_submitted_report_is_seen_by_the_jurisdiction_and_verified_by_its_county(world):
    report = report_in_state(R.SUBMITTED, certification=world["cert"])
    assert who(world, p.can_view_report, report) == ["city", "county", "owner", "province"]
    assert who(world, p.can_edit_report, report) == []
    assert who(world, p.can_verify_report, report) == ["county"]
    assert who(world, p.can_return_report, report) == ["county"]


def test_a_returned_report_stays_visible_and_is_editable_by_its_owner(world):
    report = report_in_state(R.RETURNED, certification=world["cert"])
    assert who(world, p.can_view_report, report) == ["city", "county", "owner", "province"]
    assert who(world, p.can_edit_report, report) == ["owner"]
    assert who(world, p.can_verify_report, report) == []


def test_the_submitter_never_verifies_their_own_report(world):
    report = report_in_state(R.SUBMITTED, certification=world["cert"])
    report.submitted_by_id = world["county"].pk
    assert not p.can_verify_report(world["county"], report)


def test_city_tables_are_the_citys_and_the_provinces(world):
    assert who(world, p.can_view_city, "320500") == ["city", "province"]
    assert who(world, p.can_view_city, "320200") == ["other_city", "province"]


def test_cluster_pages_follow_the_cluster(world):
    assert who(world, p.can_view_cluster_monitoring, world["cert"].cluster) == ["city", "county", "owner", "province"]


def test_province_pages(world):
    for predicate in (p.can_manage_calendar, p.can_import_certifications, p.can_view_early_warnings):
        assert who(world, lambda u, _o, f=predicate: f(u), None) == ["province"]


def test_start_needs_an_active_certification_of_ones_own(world):
    assert who(world, p.can_start_report, world["cert"]) == ["owner"]
    revoked = CertificationFactory(revoked=True, imported=True, cluster=world["cert"].cluster)
    assert who(world, p.can_start_report, revoked) == []
