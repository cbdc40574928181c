import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_ok_with_database_and_broker(client):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok" and body["checks"] == {"database": "ok", "broker": "ok"}


def test_healthz_names_the_broker_when_it_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]
    assert response.json()["checks"]["database"] == "ok"
