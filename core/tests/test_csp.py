"""Content-Security-Policy with no inline scripts: the header, and every template free of inline code."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:json|ld\+json)\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)
JS_URL = re.compile(r"""href\s*=\s*["']\s*javascript:""", re.I)


@pytest.mark.django_db
def test_pages_carry_a_strict_script_policy(client):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    script = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert script.split()[1:] == ["'self'"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def _templates():
    for base in [ROOT / "templates", *ROOT.glob("*/templates")]:
        yield from (p for p in base.rglob("*.html") if "/pdf/" not in str(p))


def test_no_template_has_inline_script_or_event_handlers():
    problems = []
    for path in _templates():
        text = path.read_text(encoding="utf-8")
        # Comments may mention <script> in prose.
        text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", text, flags=re.S)
        for pattern, what in (
            (INLINE_SCRIPT, "inline <script>"),
            (EVENT_HANDLER, "on…= handler"),
            (JS_URL, "javascript: URL"),
        ):
            for match in pattern.finditer(text):
                problems.append(f"{path.relative_to(ROOT)}: {what}: {match.group(0)[:60]}")
    assert not problems, "\n".join(problems)
