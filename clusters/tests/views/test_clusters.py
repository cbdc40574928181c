"""An applicant body's cluster pages: the list with the calls it may apply to, registration and editing."""

import pytest
from django.urls import reverse

from accounts.tests.factories import KUNSHAN
from clusters.models import Application
from clusters.tests.views.helpers import _edit_url

pytestmark = pytest.mark.django_db


def test_cluster_list_offers_to_apply_once(owner_client, cluster, call):
    start_url = reverse("clusters:application_start", args=[cluster.pk])
    body = owner_client.get(reverse("clusters:cluster_list")).content.decode()
    assert cluster.name in body and start_url in body and f'value="{call.pk}"' in body
    assert reverse("clusters:cluster_create") in body

    response = owner_client.post(start_url, {"call": call.pk})
    application = Application.objects.get(cluster=cluster, call=call)
    assert response.status_code == 302 and response["Location"] == _edit_url(application, "basic")
    assert application.year_data.count() == 4

    body = owner_client.get(reverse("clusters:cluster_list")).content.decode()
    assert start_url not in body
    assert reverse("clusters:application_detail", args=[application.pk]) in body


def test_cluster_form_pages(owner_client, cluster):
    assert owner_client.get(reverse("clusters:cluster_create")).status_code == 200
    response = owner_client.get(reverse("clusters:cluster_edit", args=[cluster.pk]))
    assert response.status_code == 200
    assert cluster.name in response.content.decode()


def test_cluster_register_through_the_form(owner_client, applicant):
    response = owner_client.post(
        reverse("clusters:cluster_create"),
        {
            "name": "昆山新能源装备集群",
            "division": KUNSHAN,
            "lead_industry": "新能源装备",
            "segment": "光伏组件",
            "area_km2": "30",
            "management_body": "昆山开发区管委会",
        },
    )
    assert response.status_code == 302
    assert applicant.organisation.clusters.filter(name="昆山新能源装备集群").exists()
