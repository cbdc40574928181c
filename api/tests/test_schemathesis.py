"""Property-based check of the API against its own OpenAPI schema (schemathesis, against the WSGI app): with seeded
data and real tokens, no operation answers a server error or a body its schema does not describe.

Bounded to stay well under a minute: a few examples per operation, positive and negative data."""

from datetime import timedelta

import pytest
import schemathesis
import time_machine
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.generation import GenerationMode

from clusters.constants import ApplicationState as S
from clusters.models import Certification
from clusters.tests.factories import ApplicationFactory, application_in_state
from monitoring.constants import ReportState, ReReviewState
from monitoring.tests.factories import TODAY, CertificationFactory, report_in_state
from monitoring.tests.lifecycle_factories import rereview_in_state, revocation_in_state
from reviews.models import Notice

from .conftest import owner_of

pytestmark = pytest.mark.django_db

EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 8}
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    """The real WSGI application; like Django's test client, it must not close the test's database connection at
    the end of each request (on PostgreSQL the test transaction would be lost)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(issue, province):
    submitted = application_in_state(S.COUNTY_REVIEW)
    draft = ApplicationFactory(call=submitted.call)
    today = timezone.localdate()
    cert = Certification.objects.create(
        number="JS-2026-0001", cluster=submitted.cluster, year=2026, valid_from=today,
        valid_to=today + timedelta(days=1000), doc_number="苏工信中小〔2026〕1号",
    )  # fmt: skip
    notice = Notice.objects.create(
        call=submitted.call, title="公示", start_date=today, end_date=today + timedelta(days=7), status="published",
        contact_department="中小企业处", contact_phone="025-1", created_by=province,
    )  # fmt: skip
    notice.applications.add(submitted)
    # Monitoring: made on the monitoring factories' reference date (the 2025 reports due, 2023 certifications in
    # their re-review window), read now.
    with time_machine.travel(TODAY, tick=False):
        report = report_in_state(ReportState.SUBMITTED)
        rereview = rereview_in_state(ReReviewState.COUNTY_REVIEW)
        case = revocation_in_state(certification=CertificationFactory())
    return {
        "province": issue(province),
        "applicant": issue(owner_of(draft)),
        "ids": {
            "id": draft.pk,
            "application_pk": draft.pk,
            "code": submitted.cluster.division_id,
            "number": cert.number,
        },
        "notice": notice.pk,
        "submitted": submitted.pk,
        # `id` of the resources whose paths start so (else the draft application's id)
        "id_by_path": {
            "/api/notices/": notice.pk,
            "/api/clusters/": None,
            "/api/calls/": None,
            "/api/annual-reports/": report.pk,
            "/api/re-reviews/": rereview.pk,
            "/api/revocations/": case.pk,
            "/api/certification-records/": cert.pk,
        },
    }


def _fixed_path(operation, world):
    """Path parameters pointing at seeded objects the token may see (else schemathesis picks random ids)."""
    names = {p.name for p in operation.path_parameters}
    fixed = {name: world["ids"][name] for name in names if name in world["ids"]}
    if "id" in fixed:
        for prefix, pk in world["id_by_path"].items():
            if operation.path.startswith(prefix):
                fixed["id"] = pk
    return {k: v for k, v in fixed.items() if v is not None}


def _run(operation, mode, headers, path_parameters):
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None))
    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


def test_no_server_error_and_no_schema_violation(world, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)
    tried, skipped = 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        writes = operation.method.upper() != "GET"
        token = world["applicant"] if writes else world["province"]
        headers = {"Authorization": f"Bearer {token}"}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(operation, mode, headers, _fixed_path(operation, world))
            except Unsatisfiable:
                # Nothing left to make invalid once the path points at a seeded object (e.g. GET by id only).
                assert mode == GenerationMode.NEGATIVE, operation.label
                skipped.append(operation.label)
                continue
            tried += 1
    assert tried >= 30, (tried, skipped)
