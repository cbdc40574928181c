"""seed_scale at a tiny factor (issue #17): every application state, a whole transition log, idempotent, refusing
what it must refuse; and the bench command's measurement code against the test client. No timing is asserted."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clusters.constants import ApplicationState
from clusters.models import Application
from core.transitions import verify_chain, verify_frozen_records

pytestmark = pytest.mark.django_db
TINY = "0.001"


def seed(*args):
    out = io.StringIO()
    call_command("seed_scale", "--factor", TINY, "--big-roster", "20", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_seeding_makes_every_state_with_a_whole_log_and_is_idempotent():
    seed()
    states = set(Application.objects.values_list("state", flat=True))
    assert states == set(ApplicationState.values)
    rows, broken, reason = verify_chain()
    assert broken is None, reason
    assert rows > 0
    assert verify_frozen_records() == []
    # The invariants the services keep hold for the bulk copies too.
    assert not Application.objects.filter(state=ApplicationState.CERTIFIED, certification__isnull=True).exists()
    assert not Application.objects.filter(state=ApplicationState.PUBLIC_NOTICE, notices__isnull=True).exists()
    assert (
        not Application.objects.exclude(state=ApplicationState.DRAFT)
        .filter(submission_count=1, versions__isnull=True)
        .exists()
    )
    before = Application.objects.count()

    assert "未重复生成" in seed()
    assert Application.objects.count() == before
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_scale", "--factor", "0.002", stdout=io.StringIO())

    seed("--reset")
    assert Application.objects.count() == before
    assert verify_chain()[1] is None


def test_refuses_production_settings_and_data_it_did_not_make(settings):
    from accounts.models import User

    settings.SETTINGS_MODULE = "portal.settings.production"
    with pytest.raises(CommandError, match="生产"):
        seed()
    settings.SETTINGS_MODULE = "portal.settings.test"
    User.objects.create_user("someone-else", password="x-Pass-2026")
    with pytest.raises(CommandError, match="不是 seed_scale"):
        seed()


def test_bench_measurement_runs_against_the_test_client(tmp_path):
    """The in-process half of `bench` (query counts, sweep, verdicts, report) on a few pages; fast, no seeding."""
    from django.utils import timezone

    from accounts.tests.factories import UserFactory
    from scripts.bench import measure
    from scripts.bench.pages import Page

    province = UserFactory(province=True)
    pages = [
        Page("healthz", "/healthz", None, "/healthz", target="baseline"),
        Page("registry", "认定名单", None, "/registry/", target="rps_x07"),
        Page("queue_province", "审核队列（省）", "province", "/review/", target="p95_x3"),
        Page("review_formal", "形式审查", "province", "/review/applications/999999/", target="queries_20"),
    ]
    counts = measure.query_counts(pages, {"province": province}, repeat=1)
    assert counts["registry"]["status"] == 200 and counts["registry"]["queries"] >= 1
    assert counts["queue_province"]["status"] == 200
    assert counts["review_formal"]["status"] == 404
    sweep = measure.sweep(timezone.localdate())
    assert "daily_sweep(today)" in sweep

    large = {"factor": 1.0, "pages": [p.as_dict() for p in pages], "queries": counts, "sweep": sweep, "pdf": {}}
    small = {**large, "queries": {k: {**v, "queries": (v["queries"] or 0) - 1} for k, v in counts.items()}}
    load = {"pages": {"queue_province": {"page": {"p95_ms": 40.0, "p50_ms": 20.0, "rps": 50.0},
                                         "healthz": {"p95_ms": 10.0, "p50_ms": 5.0, "rps": 200.0}, "statuses": {"200": 10}}}}  # fmt: skip
    files = {}
    for name, data in (("large", large), ("small", small), ("load", load)):
        files[name] = tmp_path / f"{name}.json"
        files[name].write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "benchmarks.md"
    call_command(
        "bench", "report", "--large", str(files["large"]), "--small", str(files["small"]), "--load", str(files["load"]),
        "--out", str(out), "--no-profile", stdout=io.StringIO(),
    )  # fmt: skip
    text = out.read_text(encoding="utf-8")
    assert "审核队列（省）" in text and "p95 4.0× healthz" in text  # 40 ms against 10 ms: over 3×
    assert "queries grow" in text  # every page grew by one query between the two files
