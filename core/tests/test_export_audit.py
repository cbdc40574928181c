"""Every export or document download by a signed-in user leaves one audit record (who, what, from where);
views that record their own, more detailed, export event are not counted twice; public downloads are not."""

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from clusters.constants import ApplicationState as S
from clusters.tests.factories import applicant_user, application_in_state
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def exports():
    return list(AuditEvent.objects.filter(event="export").order_by("pk"))


def test_a_download_without_its_own_audit_is_recorded_by_the_middleware(client):
    app = application_in_state(S.DRAFT)
    owner = applicant_user(app.applicant)
    client.force_login(owner)
    response = client.get(reverse("clusters:roster_template", args=[app.pk]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    [event] = exports()
    assert event.user == owner and event.client_ip == "10.1.2.3"
    assert f"/applications/{app.pk}/roster/template.xlsx" in event.detail and "attachment" in event.detail


def test_a_view_that_audits_its_export_is_recorded_once(client):
    client.force_login(UserFactory(province=True))
    response = client.get(reverse("monitoring:dashboard_export", args=["all"]))
    assert response.status_code == 200
    [event] = exports()
    assert event.detail.startswith("集群发展看板")


def test_pages_refusals_and_anonymous_downloads_are_not_exports(client):
    app = application_in_state(S.DRAFT)
    client.get(reverse("clusters:roster_template", args=[app.pk]))  # anonymous: redirected to the login
    client.force_login(UserFactory(province=True))
    client.get("/regulation/")
    other = UserFactory()
    client.force_login(other)
    assert client.get(reverse("clusters:roster_template", args=[app.pk])).status_code == 404
    assert exports() == []
