"""Fixtures of the clusters service tests."""

import pytest

from accounts.constants import Role
from clusters import services
from clusters.tests.factories import (
    ClusterFactory,
    applicant_user,
    authority_user,
    fill_passing,
    province_user,
    published_call,
)


@pytest.fixture
def province():
    return province_user()


@pytest.fixture
def call():
    return published_call()


@pytest.fixture
def cluster():
    return ClusterFactory()


@pytest.fixture
def owner(cluster):
    return applicant_user(cluster.owner)


@pytest.fixture
def county(cluster):
    return authority_user(Role.COUNTY, cluster.division)


@pytest.fixture
def draft(cluster, call, owner):
    return services.application_create(actor=owner, cluster=cluster, call=call)


@pytest.fixture
def filled(draft, owner):
    return fill_passing(draft, owner)
