import pytest
import time_machine

from .factories import TODAY


@pytest.fixture(autouse=True)
def _reference_date():
    """Every monitoring test starts on 10 March 2026 (Asia/Shanghai), three weeks before the 2025 reports fall due;
    deadline tests move the clock themselves."""
    with time_machine.travel(TODAY, tick=True):
        yield
