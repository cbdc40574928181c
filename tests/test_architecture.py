"""The shape the code keeps (docs/architecture.md): one writer of the transition log, no state column written by
hand, modules small enough to find things in, tasks that only load and call services."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("core", "accounts", "clusters", "reviews", "monitoring", "api", "portal")
MAX_LINES = 460


def _sources():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = set(path.relative_to(ROOT).parts)
            if "tests" in parts or "migrations" in parts:
                continue
            yield path


def test_log_transition_is_called_only_by_the_core_transition_service():
    callers = [
        str(p.relative_to(ROOT))
        for p in _sources()
        if "log_transition(" in p.read_text(encoding="utf-8") and p != ROOT / "core" / "transitions.py"
    ]
    assert callers == []


def test_no_state_column_is_written_by_hand():
    pattern = re.compile(r"\.update\([^)]*\b(state|status)\s*=")
    offenders = [
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p in _sources()
        for m in pattern.finditer(p.read_text(encoding="utf-8"))
        # The outbox's delivery status is not a workflow state.
        if "OutboundEmail" not in m.group(0)
    ]
    assert offenders == []


def test_no_module_is_over_about_450_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_tasks_import_services_inside_the_task_function():
    offenders = []
    for path in _sources():
        if path.name != "tasks.py":
            continue
        head = path.read_text(encoding="utf-8").split("@shared_task", 1)[0]
        if re.search(r"^from \.?\w*\.?services|^from \.services|^import .*services", head, re.M):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_services_never_import_tasks_at_module_level():
    offenders = []
    for path in _sources():
        if "services" not in path.parts and path.stem != "services":
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.match(r"^(from \S*tasks import|import \S*tasks)", line):
                offenders.append(f"{path.relative_to(ROOT)}: {line}")
    assert offenders == []
