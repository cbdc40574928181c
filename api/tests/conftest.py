"""The API's test world: users of two cities, tokens issued through the service, and a JSON client."""

import pytest
from rest_framework.test import APIClient

from accounts.constants import Role
from accounts.tests.factories import JIANGYIN, KUNSHAN, OrganisationFactory, UserFactory, division
from api import services
from clusters.tests.factories import ClusterFactory, applicant_user, authority_user, province_user


@pytest.fixture
def province():
    return province_user()


@pytest.fixture
def issue(province):
    """issue(user, **kw) -> the plain token of a new token acting as `user`."""

    def make(user, **kwargs):
        kwargs.setdefault("name", f"{user.username} 对接")
        return services.token_issue(actor=province, user=user, **kwargs)[1]

    return make


@pytest.fixture
def api():
    """api(token=None) -> an APIClient, authenticated with the token when given."""

    def make(token=None):
        client = APIClient()
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make


@pytest.fixture
def suzhou_city():
    return authority_user(Role.CITY, division(KUNSHAN))


@pytest.fixture
def wuxi_city():
    return authority_user(Role.CITY, division(JIANGYIN))


@pytest.fixture
def kunshan_county():
    return authority_user(Role.COUNTY, division(KUNSHAN))


@pytest.fixture
def jiangyin_cluster():
    return ClusterFactory(owner=OrganisationFactory(division=division(JIANGYIN)), name="江阴市金属制品集群")


@pytest.fixture
def other_applicant():
    return UserFactory(organisation=OrganisationFactory())


def owner_of(application):
    return applicant_user(application.applicant)
