"""Irreversible steps validate first, then show a preview of the document with the confirm button (two POSTs:
validate → preview with the values in hidden fields → confirm): the city's recommendation letter, the notice, the
published list. No confirmation dialog appears before validation. The score sheet lists every problem at once."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.constants import Role
from clusters.constants import ApplicationState as S
from clusters.models import Certification
from clusters.tests.factories import application_in_state, authority_user
from reviews import services
from reviews.models import Publication, Recommendation
from reviews.tests.factories import assign_expert, at, proposed
from reviews.tests.views.helpers import make_notice, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def _hidden(html: str) -> dict:
    """The hidden fields a preview page carries, as a POST payload (lists for repeated names)."""
    data: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        if name == "csrfmiddlewaretoken":
            continue
        data.setdefault(name, []).append(value)
    return {k: v if len(v) > 1 or k == "applications" else v[0] for k, v in data.items()}


def test_the_recommendation_is_validated_then_previewed_then_submitted(client):
    app = application_in_state(S.CITY_REVIEW)
    client.force_login(authority_user(Role.CITY, app.cluster.division))
    url = reverse("reviews:recommendation_create", args=[app.call.pk])
    form_page = text_of(client.get(url))
    assert 'data-confirm="确认报送' not in form_page  # no confirmation before validation

    missing = client.post(url, {"doc_number": "", "doc_date": "", "applications": [str(app.pk)]})
    body = text_of(missing)
    assert missing.status_code == 400 and "请填写推荐文件文号" in body and "请填写成文日期" in body
    assert "确认报送" not in body and not Recommendation.objects.exists()

    preview = client.post(
        url,
        {"doc_number": "苏州工信〔2026〕7号", "doc_date": timezone.localdate().isoformat(), "applications": [app.pk]},
    )
    html = text_of(preview)
    assert preview.status_code == 200
    assert "关于推荐2026年度江苏省中小企业特色产业集群的函" in html and "苏州工信〔2026〕7号" in html
    assert app.cluster.name in html and "推荐汇总表" in html
    assert 'value="confirm"' in html and "确认报送" in html
    assert not Recommendation.objects.exists()
    app.refresh_from_db()
    assert app.state == S.CITY_REVIEW

    done = client.post(url, {**_hidden(html), "action": "confirm"})
    assert done.status_code == 302
    rec = Recommendation.objects.get()
    assert rec.doc_number == "苏州工信〔2026〕7号" and list(rec.applications.all()) == [app]


def test_a_duplicate_document_number_is_refused_before_the_preview(client):
    app = application_in_state(S.CITY_REVIEW)
    city = authority_user(Role.CITY, app.cluster.division)
    other = application_in_state(S.CITY_REVIEW, call=app.call)
    services.recommendation_submit(
        call=app.call,
        actor=city,
        doc_number="苏州工信〔2026〕7号",
        doc_date=timezone.localdate(),
        application_ids=[other.pk],
    )
    client.force_login(city)
    response = client.post(
        reverse("reviews:recommendation_create", args=[app.call.pk]),
        {"doc_number": "苏州工信〔2026〕7号", "doc_date": timezone.localdate().isoformat(), "applications": [app.pk]},
    )
    assert response.status_code == 400 and "文号" in text_of(response) and "确认报送" not in text_of(response)


def test_the_notice_is_previewed_before_it_is_published(client, province):
    with time_machine.travel(at(2026, 9, 23, 9)):
        call, apps = proposed(province, 2)
        notice = services.notice_create(
            call=call,
            actor=province,
            start_date=dt.date(2026, 9, 24),
            contact_department="中小企业处",
            contact_phone="025-12345678",
        )
        client.force_login(province)
        admin_page = text_of(client.get(reverse("public:notice_admin", args=[notice.pk])))
        assert 'data-confirm="确认发布公示' not in admin_page
        url = reverse("public:notice_publish", args=[notice.pk])
        preview = client.get(url)
        html = text_of(preview)
        assert preview.status_code == 200 and notice.title in html and "2026年9月24日至10月8日" in html
        assert apps[0].cluster.name in html and "确认发布" in html
        notice.refresh_from_db()
        assert notice.status == "draft"
        assert client.post(url, {"action": "confirm"}).status_code == 302
        notice.refresh_from_db()
        assert notice.status == "published"


def test_the_published_list_is_validated_then_previewed_then_published(client, province):
    notice, apps = make_notice(province, n=2)
    url = reverse("public:publication_create", args=[notice.pk])
    with time_machine.travel(at(2026, 10, 9, 9)):
        services.notices_close_due()
        client.force_login(province)
        blank = client.post(url, {"doc_number": "", "publish_date": ""})
        assert blank.status_code == 400 and "确认公布" not in text_of(blank)
        early = client.post(url, {"doc_number": "苏工信中小〔2026〕99号", "publish_date": "2026-10-01"})
        assert early.status_code == 400 and "公布日期不能早于公示截止日期" in text_of(early)
        preview = client.post(url, {"doc_number": "苏工信中小〔2026〕99号", "publish_date": "2026-10-12"})
        html = text_of(preview)
        assert preview.status_code == 200 and "苏工信中小〔2026〕99号" in html
        assert all(a.cluster.name in html for a in apps) and "2029年10月11日" in html  # validity shown
        assert "确认公布" in html and not Publication.objects.exists() and not Certification.objects.exists()
        done = client.post(url, {**_hidden(html), "action": "confirm"})
    assert done.status_code == 302
    assert Certification.objects.count() == 2


def test_the_score_sheet_lists_every_problem_at_once(client, province):
    app = application_in_state(S.EXPERT_REVIEW)
    assignment = assign_expert(app, province)
    services.declare_no_conflict(assignment=assignment, actor=assignment.expert.user)
    client.force_login(assignment.expert.user)
    response = client.post(reverse("reviews:scoring", args=[assignment.pk]), {"action": "submit"})
    html = text_of(response)
    assert response.status_code == 400
    assert "尚未打分" in html and "请选择总体意见" in html
    for criterion in app.call.rubric.all():
        assert criterion.name in html
