"""A draft's lists and plan targets through their forms."""

import pytest
from django.urls import reverse

from clusters.constants import ListKind
from clusters.tests.views.helpers import _edit_url

pytestmark = pytest.mark.django_db


def test_list_item_and_plan_target_add(owner_client, application):
    owner_client.post(
        reverse("clusters:list_item_add", args=[application.pk]),
        {"kind": ListKind.PLATFORM, "name": "江苏省精密机械工程技术研究中心", "level": "provincial", "year": "2022"},
    )
    body = owner_client.get(_edit_url(application, "lists")).content.decode()
    assert "江苏省精密机械工程技术研究中心" in body and "省级" in body
    owner_client.post(
        reverse("clusters:plan_target_add", args=[application.pk]),
        {
            "indicator": "集群总产值",
            "unit": "亿元",
            "baseline": "60",
            "target_1": "66",
            "target_2": "72",
            "target_3": "80",
        },
    )
    body = owner_client.get(_edit_url(application, "management")).content.decode()
    assert "集群总产值" in body and "2026年" in body


def test_invalid_list_item_names_the_field_and_stores_nothing(owner_client, application):
    response = owner_client.post(
        reverse("clusters:list_item_add", args=[application.pk]),
        {"kind": "platform", "name": "", "level": "provincial", "year": "1900"},
        follow=True,
    )
    body = response.content.decode()
    assert "条目信息有误：" in body and "名称" in body and "年份" in body
    assert not application.list_items.exists()
