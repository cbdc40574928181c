"""Lifecycle services one by one: the imports' clusters services, the frozen records and their digests, the
documents (renewed certificate, decision), the timeline's scope, spatial changes."""

import datetime
import io
from decimal import Decimal

import pytest

from accounts.models import Division
from clusters.models import Certification, CertificationStatus, Cluster
from clusters.services.certifications import cluster_apply_change
from clusters.services.imports import certification_create_imported, cluster_create_imported
from clusters.tests.factories import ClusterFactory, province_user
from core.exceptions import NotAllowed, ServiceError
from core.models import TransitionLog
from core.transitions import verify_frozen_records
from monitoring import selectors, services
from monitoring.constants import ChangeKind, ChangeReportState, ReReviewState, RevocationGround, RevocationStatus
from monitoring.models import RevocationCase

from .factories import CertificationFactory, cluster_in, county_of, owner_of, report_in_state
from .lifecycle_factories import change_in_state, rereview_in_state, revocation_in_state

pytestmark = pytest.mark.django_db
S, R, CH = ReReviewState, RevocationStatus, ChangeReportState


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_imported_clusters_and_certifications_are_created_and_logged_by_clusters_services():
    province = province_user()
    owner = ClusterFactory().owner
    cluster = cluster_create_imported(
        actor=province,
        owner=owner,
        division=Division.objects.get(code="320583"),
        name="导入集群",
        lead_industry="精密模具",
        segment="",
        area_km2=Decimal("30"),
        management_body="促进中心",
    )
    assert cluster.segment == "精密模具"
    cert = certification_create_imported(
        actor=province,
        cluster=cluster,
        number="JS-IMP-1",
        doc_number="苏工信中小〔2023〕1号",
        publish_date=datetime.date(2023, 11, 20),
        valid_from=datetime.date(2023, 11, 20),
        valid_to=datetime.date(2026, 11, 19),
    )
    assert (cert.source, cert.year, cert.call_id) == ("imported", 2023, None)
    logs = dict(TransitionLog.objects.values_list("transition", "digest"))
    assert set(logs) == {"import_cluster", "import"} and logs["import"].startswith("clusters.certification#")
    with pytest.raises(NotAllowed):
        cluster_create_imported(
            actor=owner_of(cert),
            owner=owner,
            division=cluster.division,
            name="x",
            lead_industry="x",
            segment="",
            area_km2=1,
            management_body="x",
        )
    with pytest.raises(ServiceError):
        cluster_create_imported(
            actor=province,
            owner=owner,
            division=cluster.division,
            name="导入集群",
            lead_industry="x",
            segment="",
            area_km2=Decimal("-1"),
            management_body="x",
        )


def test_renewal_and_revocation_freeze_what_they_changed():
    rr = rereview_in_state(S.PASSED)
    case = revocation_in_state(R.REVOKED)
    change = change_in_state(CH.ACCEPTED)
    assert verify_frozen_records() == []
    cert = Certification.objects.get(pk=rr.certification_id)
    assert cert.renewals == 1 and cert.valid_to == datetime.date(2029, 5, 31)
    from core.models import FrozenRecordError

    for record, field, value in (
        (case, "decision_reasons", "改写"),
        (change, "reasons", "改写"),
        (rr, "decision_reason", "改写"),
    ):
        setattr(record, field, value)
        with pytest.raises(FrozenRecordError):
            record.save()


def test_the_documents_are_rendered_once_and_say_what_was_decided():
    rr = rereview_in_state(S.PASSED)
    assert services.rereview_store_certificate(rr.pk) is True
    assert services.rereview_store_certificate(rr.pk) is False  # kept as issued
    rr.refresh_from_db()
    with rr.certificate_pdf.open("rb") as fh:
        text = pdf_text(fh.read())
    number = rr.certification.number
    assert f"{number}-F1" in text and "2026年6月1日至2029年5月31日" in text and "经复核" in text
    case = revocation_in_state(R.PUBLISHED)
    assert services.revocation_render_decision(case.pk) is True
    assert services.revocation_render_decision(case.pk) is False
    case.refresh_from_db()
    with case.decision_pdf.open("rb") as fh:
        text = pdf_text(fh.read())
    assert case.decision_number in text and "第十四条" in text and case.certification.cluster.name in text


def test_sweep_proposals_skip_revoked_certifications_and_open_cases_on_the_same_ground():
    open_case = revocation_in_state(R.PROPOSED, ground=RevocationGround.ANNUAL_INFO_MISSING)
    revoked = revocation_in_state(R.REVOKED).certification
    fresh = CertificationFactory(cluster=cluster_in("320582"))
    created = services.sweep_propose(
        ground=RevocationGround.ANNUAL_INFO_MISSING,
        year=2025,
        evidence_by_certification={open_case.certification_id: "a", revoked.pk: "b", fresh.pk: "c"},
    )
    assert [c.certification_id for c in created] == [fresh.pk]
    assert RevocationCase.objects.filter(ground=RevocationGround.ANNUAL_INFO_MISSING).count() == 2


def test_the_timeline_merges_every_log_and_hides_drafts_from_the_authorities():
    rr = rereview_in_state(S.COUNTY_REVIEW)
    cert = rr.certification
    report_in_state("draft", certification=cert, report_year=2025)
    change_in_state(CH.DRAFT, certification=cert)
    owner, county = owner_of(cert), county_of(cert)
    mine = selectors.cluster_timeline(user=owner, cluster=cert.cluster)
    theirs = selectors.cluster_timeline(user=county, cluster=cert.cluster)
    assert {r.kind for r in mine} == {"认定", "复核", "年度发展报告", "重大变动报备"}
    assert {r.kind for r in theirs} == {"认定", "复核"}
    assert [r.created_at for r in mine] == sorted((r.created_at for r in mine), reverse=True)


def test_an_accepted_spatial_change_moves_the_cluster_within_jiangsu():
    cert = CertificationFactory(cluster=cluster_in("320583"))
    report = change_in_state(
        CH.ACCEPTED,
        certification=cert,
        kind=ChangeKind.SPATIAL_SCOPE,
        new_division=Division.objects.get(code="320582"),
        new_area_km2=Decimal("80"),
    )
    cluster = Cluster.objects.get(pk=cert.cluster_id)
    assert (cluster.division_id, cluster.area_km2) == ("320582", Decimal("80.00"))
    assert report.old_values == {"division": "320583", "area_km2": "50.00"}
    assert Certification.objects.get(pk=cert.pk).status == CertificationStatus.VALID
    with pytest.raises(ServiceError, match="不能通过变动报备修改字段"):
        cluster_apply_change(cluster=cluster, actor=province_user(), changes={"name": "改名"})
    with pytest.raises(NotAllowed):
        cluster_apply_change(cluster=cluster, actor=owner_of(cert), changes={"area_km2": Decimal("1")})
