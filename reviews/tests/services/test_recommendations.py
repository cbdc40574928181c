"""The city's recommendation document, its PDF and summary table (`services.recommendations`)."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.constants import Role
from accounts.tests.factories import JIANGYIN, ZHANGJIAGANG, OrganisationFactory, division
from clusters.constants import ApplicationState as S
from clusters.tests.factories import ClusterFactory, application_in_state, authority_user
from core.exceptions import NotAllowed, ServiceError
from core.models import TransitionLog
from core.storage import private_storage
from reviews import services
from reviews.models import Recommendation

pytestmark = pytest.mark.django_db


def _county(app):
    return authority_user(Role.COUNTY, app.cluster.division)


def _city(app):
    return authority_user(Role.CITY, app.cluster.division)


def _two_city_review_apps():
    suzhou_a = application_in_state(S.CITY_REVIEW)
    org = OrganisationFactory(division=division(ZHANGJIAGANG))
    suzhou_b = application_in_state(
        S.CITY_REVIEW, cluster=ClusterFactory(owner=org, name="张家港市纺织特色产业集群"), call=suzhou_a.call
    )
    return suzhou_a, suzhou_b


def test_recommendation_moves_selected_applications_and_renders_documents():
    a, b = _two_city_review_apps()
    city = _city(a)
    assert city == _city(b)
    rec = services.recommendation_submit(
        call=a.call,
        actor=city,
        doc_number="苏工信中小〔2026〕12号",
        doc_date=timezone.localdate(),
        application_ids=[a.pk],
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.state == S.FORMAL_REVIEW and b.state == S.CITY_REVIEW
    assert rec.status == "submitted" and list(rec.applications.all()) == [a]
    assert TransitionLog.objects.filter(
        object_id=str(a.pk), transition="recommend", comment__contains="〔2026〕12号"
    ).exists()

    text = "".join(page.extract_text() for page in PdfReader(services.recommendation_pdf(rec).open("rb")).pages)
    assert "苏工信中小〔2026〕12号" in text
    assert a.cluster.name in text and b.cluster.name not in text
    assert "推荐汇总表" in text

    ws = load_workbook(io.BytesIO(services.recommendation_xlsx(rec))).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert a.cluster.name in values and "序号" in values


def test_recommendation_bad_input_changes_nothing():
    a, _b = _two_city_review_apps()
    city = _city(a)
    today = timezone.localdate()
    for kwargs, fragment in [
        ({"doc_number": " ", "doc_date": today, "application_ids": [a.pk]}, "文号"),
        ({"doc_number": "x〔2026〕1号", "doc_date": today + timedelta(days=1), "application_ids": [a.pk]}, "成文日期"),
        ({"doc_number": "x〔2026〕1号", "doc_date": today, "application_ids": []}, "至少选择"),
    ]:
        with pytest.raises(ServiceError, match=fragment):
            services.recommendation_submit(call=a.call, actor=city, **kwargs)
    other_city_app = application_in_state(
        S.CITY_REVIEW, cluster=ClusterFactory(owner=OrganisationFactory(division=division(JIANGYIN))), call=a.call
    )
    with pytest.raises(ServiceError, match="不属于本市"):
        services.recommendation_submit(
            call=a.call,
            actor=city,
            doc_number="y〔2026〕2号",
            doc_date=today,
            application_ids=[a.pk, other_city_app.pk],
        )
    with pytest.raises(NotAllowed):
        services.recommendation_submit(
            call=a.call, actor=_county(a), doc_number="z", doc_date=today, application_ids=[a.pk]
        )
    a.refresh_from_db()
    assert a.state == S.CITY_REVIEW and not Recommendation.objects.exists()


def test_recommendation_closes_with_the_city_deadline():
    a, _b = _two_city_review_apps()
    city = _city(a)
    with time_machine.travel(a.call.city_deadline + timedelta(seconds=1)):
        with pytest.raises(ServiceError, match="截止"):
            services.recommendation_submit(
                call=a.call,
                actor=city,
                doc_number="苏〔2026〕9号",
                doc_date=timezone.localdate(),
                application_ids=[a.pk],
            )
    a.refresh_from_db()
    assert a.state == S.CITY_REVIEW


def test_duplicate_doc_number_is_refused():
    a, b = _two_city_review_apps()
    city = _city(a)
    services.recommendation_submit(
        call=a.call, actor=city, doc_number="苏〔2026〕3号", doc_date=timezone.localdate(), application_ids=[a.pk]
    )
    with pytest.raises(ServiceError, match="文号"):
        services.recommendation_submit(
            call=a.call, actor=city, doc_number="苏〔2026〕3号", doc_date=timezone.localdate(), application_ids=[b.pk]
        )
    b.refresh_from_db()
    assert b.state == S.CITY_REVIEW


def test_the_pdf_is_rendered_once_after_commit_and_kept(django_capture_on_commit_callbacks):
    from reviews.tasks import render_recommendation_pdf

    a, _b = _two_city_review_apps()
    with django_capture_on_commit_callbacks(execute=True):
        rec = services.recommendation_submit(
            call=a.call,
            actor=_city(a),
            doc_number="苏〔2026〕5号",
            doc_date=timezone.localdate(),
            application_ids=[a.pk],
        )
    rec.refresh_from_db()
    first = rec.pdf.name  # rendered by the task the submission queued
    assert first.startswith("recommendations/") and first.endswith(".pdf")
    with rec.pdf.open("rb") as f:
        assert f.read().startswith(b"%PDF")
    assert services.recommendation_pdf(rec).name == first
    assert render_recommendation_pdf.delay(rec.pk).get() == first  # the task again changes nothing
    assert private_storage().listdir("recommendations") == ([], [first.split("/")[1]])
