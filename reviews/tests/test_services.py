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
from core.exceptions import Conflict, NotAllowed, ServiceError
from core.models import Notification, TransitionLog
from reviews import services
from reviews.constants import FORMAL_CHECKS
from reviews.models import Recommendation, ReviewOpinion

pytestmark = pytest.mark.django_db


def _county(app):
    return authority_user(Role.COUNTY, app.cluster.division)


def _city(app):
    return authority_user(Role.CITY, app.cluster.division)


def test_county_pass_records_opinion_and_notifies_city(django_capture_on_commit_callbacks, mailoutbox):
    app = application_in_state(S.COUNTY_REVIEW)
    city = _city(app)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.review_decide(
            application=app,
            actor=_county(app),
            tier="county",
            decision="pass",
            comment="材料齐全，同意报送",
            conditions={"2a": {"agree": True}, "5a": {"agree": False, "comment": "平台级别需核实"}},
        )
    assert result.state == S.CITY_REVIEW
    op = ReviewOpinion.objects.get(application=app)
    assert op.tier == "county" and op.decision == "pass" and op.version_number == 1
    assert op.conditions["5a"] == {"agree": False, "comment": "平台级别需核实"}
    assert Notification.objects.filter(recipient=city, title__contains="待审核").exists()
    assert any(city.email in m.to for m in mailoutbox)


def test_disagreeing_without_a_reason_is_refused_and_changes_nothing():
    app = application_in_state(S.COUNTY_REVIEW)
    with pytest.raises(ServiceError) as exc:
        services.review_decide(
            application=app, actor=_county(app), tier="county", decision="pass", conditions={"2a": {"agree": False}}
        )
    assert "2a" in exc.value.message
    app.refresh_from_db()
    assert app.state == S.COUNTY_REVIEW and not ReviewOpinion.objects.exists()


def test_return_needs_a_reason_and_keeps_history():
    app = application_in_state(S.COUNTY_REVIEW)
    county = _county(app)
    with pytest.raises(ServiceError):
        services.review_decide(application=app, actor=county, tier="county", decision="return", comment="  ")
    services.review_decide(
        application=app, actor=county, tier="county", decision="return", comment="请补充2023年研发经费证明"
    )
    app.refresh_from_db()
    assert (
        app.state == S.DRAFT
        and app.return_reason == "请补充2023年研发经费证明"
        and app.returned_from == S.COUNTY_REVIEW
    )
    assert app.versions.count() == 1
    states = list(TransitionLog.objects.filter(object_id=str(app.pk)).values_list("to_state", flat=True))
    assert states[-2:] == [S.COUNTY_REVIEW, S.DRAFT]


def test_wrong_tier_or_stale_state_is_refused():
    app = application_in_state(S.CITY_REVIEW)
    with pytest.raises(NotAllowed):
        services.review_decide(application=app, actor=_county(app), tier="city", decision="reject", comment="x")
    with pytest.raises(Conflict):
        services.review_decide(application=app, actor=_county(app), tier="county", decision="reject", comment="x")
    with pytest.raises(Conflict):
        services.review_decide(
            application=app,
            actor=_city(app),
            tier="city",
            decision="reject",
            comment="x",
            expected_state=S.COUNTY_REVIEW,
        )
    with pytest.raises(ServiceError, match="推荐文件"):
        services.review_decide(application=app, actor=_city(app), tier="city", decision="pass")
    app.refresh_from_db()
    assert app.state == S.CITY_REVIEW and not ReviewOpinion.objects.exists()


def test_formal_pass_needs_every_checklist_item():
    app = application_in_state(S.FORMAL_REVIEW)
    province = authority_user(Role.PROVINCE, app.cluster.division)
    partial = {key: True for key, _ in FORMAL_CHECKS[:-1]}
    with pytest.raises(ServiceError, match="形式审查清单"):
        services.review_decide(application=app, actor=province, tier="formal", decision="pass", checklist=partial)
    full = {key: True for key, _ in FORMAL_CHECKS}
    result = services.review_decide(application=app, actor=province, tier="formal", decision="pass", checklist=full)
    assert result.state == S.EXPERT_REVIEW
    assert ReviewOpinion.objects.get(application=app).checklist == full


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

    text = "".join(page.extract_text() for page in PdfReader(services.recommendation_pdf_path(rec)).pages)
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
