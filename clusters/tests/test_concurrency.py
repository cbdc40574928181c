"""Row locks under real concurrency: only PostgreSQL serialises `select_for_update` between connections."""

import threading

import pytest
from django.db import connection, connections

from accounts.constants import Role
from clusters import services
from clusters.constants import ApplicationState
from clusters.models import Application
from clusters.tests.factories import application_in_state, authority_user
from core.exceptions import Conflict, NotAllowed
from core.transitions import history_for, verify_chain

S = ApplicationState
THREADS = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ten_simultaneous_county_passes_succeed_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks (set DATABASE_URL=postgres://...)")
    application = application_in_state(S.COUNTY_REVIEW)
    county = authority_user(Role.COUNTY, application.cluster.division)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt():
        try:
            barrier.wait(timeout=30)
            services.application_transition(
                application=application,
                actor=county,
                verb="county_pass",
                method="county_pass",
                expected_state=S.COUNTY_REVIEW,
                comment="同意",
            )
            result = "ok"
        except (Conflict, NotAllowed) as exc:
            result = type(exc).__name__
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            result = f"unexpected {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(outcomes) == THREADS
    assert outcomes.count("ok") == 1, outcomes
    assert all(o in ("ok", "Conflict", "NotAllowed") for o in outcomes), outcomes
    assert Application.objects.get(pk=application.pk).state == S.CITY_REVIEW
    assert history_for(application).filter(transition="county_pass").count() == 1
    assert verify_chain()[1] is None
