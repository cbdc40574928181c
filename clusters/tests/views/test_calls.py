"""The province's call pages: only province staff get them; creating, editing and publishing a call."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clusters import services
from clusters.constants import CallStatus
from clusters.models import Call
from clusters.tests.views.helpers import _form_data, _make_call

pytestmark = pytest.mark.django_db


def test_call_pages_are_for_province_only(client, applicant, call):
    client.force_login(applicant)
    assert client.get(reverse("clusters:call_manage_list")).status_code == 404
    assert client.get(reverse("clusters:call_edit", args=[call.pk])).status_code == 404
    assert client.get(reverse("clusters:call_create")).status_code == 404
    assert client.post(reverse("clusters:call_publish", args=[call.pk])).status_code == 404


def test_call_pages_send_anonymous_visitors_to_the_login(client, call):
    for url in (reverse("clusters:call_manage_list"), reverse("clusters:call_edit", args=[call.pk])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_call_manage_list_and_create(client, province, call):
    client.force_login(province)
    response = client.get(reverse("clusters:call_manage_list"))
    assert response.status_code == 200
    assert call.title in response.content.decode()
    assert client.get(reverse("clusters:call_create")).status_code == 200

    response = client.post(
        reverse("clusters:call_create"),
        {
            "year": 2028,
            "title": "2028年度申报通知",
            "opens_at": "2028-03-01T09:00",
            "closes_at": "2028-04-30T17:30",
            "city_deadline": "2028-05-15T17:30",
            "experts_per_application": 7,
            "notice_text": "",
        },
    )
    created = Call.objects.get(year=2028)
    assert response.status_code == 302 and response["Location"] == reverse("clusters:call_edit", args=[created.pk])
    assert created.status == CallStatus.DRAFT
    assert created.experts_per_application == 7
    assert timezone.localtime(created.opens_at).strftime("%Y-%m-%d %H:%M") == "2028-03-01 09:00"
    assert created.rubric.count() == len(services.DEFAULT_RUBRIC)


def test_draft_call_edit_renders_formsets_and_publish_button(client, province):
    draft = _make_call(province, year=2027, publish=False)
    client.force_login(province)
    response = client.get(reverse("clusters:call_edit", args=[draft.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="rubric-TOTAL_FORMS"' in body and 'name="req-TOTAL_FORMS"' in body
    assert 'name="rubric-0-DELETE"' in body and 'name="req-0-DELETE"' in body
    assert 'name="t-min_total_output"' in body
    assert reverse("clusters:call_publish", args=[draft.pk]) in body


def test_draft_call_edit_saves_thresholds_and_checks_weights(client, province):
    draft = _make_call(province, year=2027, publish=False)
    client.force_login(province)
    ctx = client.get(reverse("clusters:call_edit", args=[draft.pk])).context
    data = {
        **_form_data(ctx["form"]),
        **_form_data(ctx["tform"]),
        **_form_data(ctx["rubric"]),
        **_form_data(ctx["reqs"]),
    }
    data["t-min_total_output"] = "500000"
    data["call-opens_at"] = timezone.localtime(draft.opens_at).strftime("%Y-%m-%dT%H:%M")
    data["call-closes_at"] = timezone.localtime(draft.closes_at).strftime("%Y-%m-%dT%H:%M")
    data["call-city_deadline"] = timezone.localtime(draft.city_deadline).strftime("%Y-%m-%dT%H:%M")

    response = client.post(reverse("clusters:call_edit", args=[draft.pk]), data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.get_thresholds().min_total_output == Decimal("500000")

    data["rubric-0-weight"] = "50"  # the total is no longer 100
    data["t-min_total_output"] = "600000"
    response = client.post(reverse("clusters:call_edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert "权重合计" in response.content.decode()
    draft.refresh_from_db()
    assert draft.get_thresholds().min_total_output == Decimal("500000")


def test_publish_then_read_only(client, province):
    draft = _make_call(province, year=2027, publish=False)
    client.force_login(province)
    response = client.post(reverse("clusters:call_publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == CallStatus.PUBLISHED
    body = client.get(reverse("clusters:call_edit", args=[draft.pk])).content.decode()
    assert "内容不能再修改" in body
    assert "rubric-TOTAL_FORMS" not in body
    assert reverse("clusters:call_publish", args=[draft.pk]) not in body
