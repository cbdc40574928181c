import pytest
import time_machine

from .factories import TODAY


@pytest.fixture(autouse=True)
def _reference_date():
    """Every monitoring test starts on 10 March 2026 (Asia/Shanghai), three weeks before the 2025 reports fall due;
    deadline tests move the clock themselves."""
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every monitoring test starts with an empty cache: the province's figures are cached under data versions
    (`selectors.figures`), which the factories' rows (made without the services' logged transitions) do not bump,
    and the database of each test starts afresh while the cache would not."""
    from django.core.cache import cache

    cache.clear()
    yield
