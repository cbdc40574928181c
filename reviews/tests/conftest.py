import pytest
from django.core.cache import cache

from accounts.constants import Role
from accounts.tests.factories import KUNSHAN, division
from clusters.constants import ApplicationState as S
from clusters.tests.factories import ClusterFactory, application_in_state, authority_user, published_call


@pytest.fixture
def province():
    """A member of the province's staff (江苏省工业和信息化厅)."""
    return authority_user(Role.PROVINCE, division(KUNSHAN))


@pytest.fixture
def app():
    return application_in_state(S.EXPERT_REVIEW)  # a 昆山市 (苏州) cluster


@pytest.fixture
def five_in_expert_review(province):
    """Five applications of one call in expert review, each scored by one expert (ready for the draw)."""
    from reviews.tests.factories import scored_in_expert_review

    call = published_call()
    return call, [
        scored_in_expert_review(province, call=call, cluster=ClusterFactory(name=f"抽查集群{i}")) for i in range(5)
    ]


@pytest.fixture
def fresh_cache():
    # Fragment caches and throttle counters live in the (process-wide) cache.
    cache.clear()
    yield
    cache.clear()
