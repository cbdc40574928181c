from accounts.constants import Role
from accounts.tests.factories import WUXI, OrganisationFactory, UserFactory, division
from reviews.models import ExpertProfile


def expert(city_code=WUXI, organisation=None, **profile) -> ExpertProfile:
    """An active expert with a login, an employer and a home city (default 无锡市)."""
    org = organisation or OrganisationFactory(expert_employer=True, division=division(city_code))
    user = UserFactory(role=Role.EXPERT, organisation=org)
    return ExpertProfile.objects.create(user=user, city=division(city_code), **profile)
