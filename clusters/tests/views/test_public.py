"""The public call pages: what anonymous visitors see, and that no visitor's page is served to another."""

import pytest
from django.urls import reverse

from clusters.tests.views.helpers import _make_call, shanghai

pytestmark = pytest.mark.django_db


def test_public_call_list_and_detail_for_anonymous(client, call):
    response = client.get(reverse("clusters:public_call_list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert call.title in body
    assert shanghai(call.opens_at) in body and shanghai(call.closes_at) in body
    assert "申报中" in body

    response = client.get(reverse("clusters:public_call_detail", args=[call.year]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "集群总产值下限（万元/年）" in body and "400,000" in body and "40 亿元" in body
    assert "统计数据证明材料" in body and "必须提供" in body
    assert shanghai(call.city_deadline) in body
    assert "请各地认真组织申报。" in body


def test_public_pages_do_not_show_a_draft_call(client, province):
    draft = _make_call(province, year=2027, publish=False)
    assert client.get(reverse("clusters:public_call_detail", args=[draft.year])).status_code == 404
    assert draft.title not in client.get(reverse("clusters:public_call_list")).content.decode()


def test_public_call_list_is_not_shared_between_visitors(client, call, applicant):
    """A logged-in visitor's page (name, CSRF token) must never be served to the next visitor."""
    client.force_login(applicant)
    assert applicant.display_name in client.get(reverse("clusters:public_call_list")).content.decode()
    client.logout()
    assert applicant.display_name not in client.get(reverse("clusters:public_call_list")).content.decode()
