import pytest
from django.urls import reverse

from accounts.constants import Role
from clusters import services
from clusters.constants import ApplicationState as S
from clusters.tests.factories import application_in_state, authority_user
from core.models import Notification

pytestmark = pytest.mark.django_db


def test_a_failing_mail_server_never_blocks_a_transition(settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    app = application_in_state(S.COUNTY_REVIEW)
    county = authority_user(Role.COUNTY, app.cluster.division)
    city = authority_user(Role.CITY, app.cluster.division)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.application_transition(
            application=app, actor=county, verb="county_pass", method="county_pass", comment="同意"
        )
    assert result.state == S.CITY_REVIEW
    note = Notification.objects.get(recipient=city)
    assert not note.emailed  # the mail failed; the in-app notification is there


def test_bell_count_list_and_mark_read(client, django_capture_on_commit_callbacks):
    app = application_in_state(S.COUNTY_REVIEW)
    county = authority_user(Role.COUNTY, app.cluster.division)
    city = authority_user(Role.CITY, app.cluster.division)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(application=app, actor=county, verb="county_pass", method="county_pass")
    client.force_login(city)
    home = client.get(reverse("core:home")).content.decode()
    assert "条未读通知" in home
    note = Notification.objects.get(recipient=city)
    listing = client.get(reverse("core:notifications")).content.decode()
    assert note.title in listing
    response = client.post(reverse("core:notification_read", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == note.url
    note.refresh_from_db()
    assert note.read_at is not None
    other = authority_user(Role.COUNTY, app.cluster.division)
    client.force_login(other)
    assert client.post(reverse("core:notification_read", args=[note.pk])).status_code == 404
