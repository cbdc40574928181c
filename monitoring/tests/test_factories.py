"""Each factory trait yields the state it names, reached through the real services."""

import pytest

from clusters.models import CertificationStatus
from monitoring.constants import CitySubmissionState, ReportState

from .factories import AnnualReportFactory, CertificationFactory, CitySubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("trait", ["", "submitted", "returned", "verified"])
def test_report_traits(trait):
    report = AnnualReportFactory(**({trait: True} if trait else {}))
    assert report.state == (trait or ReportState.DRAFT)
    assert report.versions.count() == (0 if not trait else 1)


@pytest.mark.parametrize("trait", ["", "submitted", "returned"])
def test_city_submission_traits(trait):
    sub = CitySubmissionFactory(**({trait: True} if trait else {}))
    assert sub.state == (trait or CitySubmissionState.DRAFT)


@pytest.mark.parametrize("trait", ["expiring", "expired", "revoked"])
def test_certification_traits(trait):
    assert CertificationFactory(**{trait: True}).status == CertificationStatus(trait)


def test_imported_certification_has_no_call_or_application():
    cert = CertificationFactory(imported=True)
    assert cert.call is None and cert.application is None and cert.source == "imported"
