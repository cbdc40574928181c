import pytest

from accounts.models import Division
from accounts.selectors import divisions_for_user, jurisdiction_q
from accounts.tests.factories import JIANGYIN, KUNSHAN, OrganisationFactory, UserFactory, division

pytestmark = pytest.mark.django_db


def _visible_counties(user):
    return set(Division.objects.filter(level="county").filter(jurisdiction_q(user, "")).values_list("code", flat=True))


def test_scope_by_role():
    county = UserFactory(county=True)  # 昆山市
    city = UserFactory(city=True)  # 苏州市
    province = UserFactory(province=True)
    applicant = UserFactory()
    expert = UserFactory(expert=True)
    assert _visible_counties(county) == {KUNSHAN}
    suzhou = set(Division.objects.filter(parent_id="320500").values_list("code", flat=True))
    assert _visible_counties(city) == suzhou and JIANGYIN not in suzhou
    assert len(_visible_counties(province)) == 104
    assert _visible_counties(applicant) == set()
    assert _visible_counties(expert) == set()


def test_inactive_user_sees_nothing():
    county = UserFactory(county=True, is_active=False)
    assert _visible_counties(county) == set()


def test_divisions_for_applicant_is_its_own_county():
    applicant = UserFactory(organisation=OrganisationFactory(division=division(JIANGYIN)))
    assert list(divisions_for_user(applicant).values_list("code", flat=True)) == [JIANGYIN]
