"""Fixtures of the clusters page tests."""

from decimal import Decimal

import pytest

from accounts.tests.factories import JIANGYIN, KUNSHAN, UserFactory, division
from clusters import services
from clusters.tests.views.helpers import _make_call


@pytest.fixture
def province():
    return UserFactory(province=True)


@pytest.fixture
def call(province):
    return _make_call(province)


@pytest.fixture
def applicant():
    return UserFactory(full_name="张联络", phone="13912345678")


@pytest.fixture
def cluster(applicant):
    return services.cluster_register(
        actor=applicant,
        name="昆山精密机械产业集群",
        division=division(KUNSHAN),
        lead_industry="精密机械",
        segment="数控机床",
        area_km2=Decimal("45.5"),
        management_body="昆山高新区管委会",
    )


@pytest.fixture
def application(applicant, cluster, call):
    return services.application_create(actor=applicant, cluster=cluster, call=call)


@pytest.fixture
def owner_client(client, applicant):
    client.force_login(applicant)
    return client


@pytest.fixture
def county_same():
    return UserFactory(county=True)  # the county authority's organisation sits in KUNSHAN


@pytest.fixture
def county_other():
    return UserFactory(county=True, organisation__division=division(JIANGYIN))
