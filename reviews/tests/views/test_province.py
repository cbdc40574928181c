"""Every page of the province's decision: scope (404 for other roles, login for anonymous visitors)."""

import pytest
from django.urls import reverse

from accounts.constants import Role
from accounts.tests.factories import NANJING
from clusters.tests.factories import applicant_user, authority_user
from reviews.models import SpotCheckDraw
from reviews.tests.factories import expert
from reviews.tests.views.helpers import province_urls

pytestmark = pytest.mark.django_db


def test_every_province_page_renders(client, province, decision_world):
    client.force_login(province)
    w = decision_world
    for url in province_urls(w["call"], w["app"], w["sheet"], w["meeting"], w["check_app"], w["stored"]):
        response = client.get(url)
        assert response.status_code == 200, url


def test_other_roles_get_404_on_province_pages(client, province, decision_world):
    w = decision_world
    app = w["app"]
    urls = province_urls(w["call"], app, w["sheet"], w["meeting"], w["check_app"], w["stored"])
    outsiders = [
        expert(city_code=NANJING).user,
        authority_user(Role.CITY, app.cluster.division),
        authority_user(Role.COUNTY, app.cluster.division),
        applicant_user(app.cluster.owner),
    ]
    for user in outsiders:
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.role, url)
        response = client.post(reverse("reviews:spot_check", args=[w["call"].pk]), {"seed": "1", "size": "1"})
        assert response.status_code == 404
        assert client.get(reverse("reviews:expert_tasks")).status_code == (200 if user.is_expert else 404)
    assert SpotCheckDraw.objects.count() == 1


def test_anonymous_is_sent_to_login(client, app):
    response = client.get(reverse("reviews:province_decision"))
    assert response.status_code == 302 and "login" in response.url
