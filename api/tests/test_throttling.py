"""The API's rate limits: per account and per anonymous client address, 429 with a Chinese message (how long to wait) and
Retry-After once spent; other accounts and addresses are not affected."""

import pytest
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.tests.factories import UserFactory
from clusters.tests.factories import province_user

pytestmark = pytest.mark.django_db


@override_settings(API_RATE_USER="3/hour", API_RATE_ANON="2/hour")
def test_each_account_and_each_anonymous_address_has_its_own_allowance():
    url = reverse("api:certification-list")
    first, second = province_user(), UserFactory(province=True)
    client = APIClient()
    client.force_authenticate(first)
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url)
    assert refused.status_code == 429 and "限流" in refused.json()["detail"]  # DRF's Chinese, with the wait
    assert int(refused["Retry-After"]) > 0
    other = APIClient()
    other.force_authenticate(second)
    assert other.get(url).status_code == 200  # another account: its own allowance

    anonymous = APIClient(REMOTE_ADDR="203.0.113.7")
    assert [anonymous.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert APIClient(REMOTE_ADDR="203.0.113.8").get(url).status_code == 200  # another address


@override_settings(API_RATE_USER="", API_RATE_ANON="")
def test_an_empty_rate_switches_the_limit_off():
    client = APIClient(REMOTE_ADDR="203.0.113.9")
    url = reverse("api:certification-list")
    assert {client.get(url).status_code for _ in range(5)} == {200}
