"""No unbounded input: too long a text or too far a date is a message on the field and changes nothing."""

import pytest
from django.urls import reverse

from clusters.constants import ApplicationState as S
from clusters.models import Application
from clusters.tests.factories import applicant_user, application_in_state, province_user
from core.forms import TEXT_MAX_LENGTH
from reviews.models import JointReview

pytestmark = pytest.mark.django_db


def test_a_text_beyond_the_bound_is_refused_with_the_count_and_nothing_saved(client):
    app = application_in_state(S.DRAFT)
    client.force_login(applicant_user(app.applicant))
    url = reverse("clusters:application_edit", args=[app.pk, "basic"])
    page = client.get(url).content.decode()
    assert f'maxlength="{TEXT_MAX_LENGTH}"' in page
    before = Application.objects.get(pk=app.pk).summary
    response = client.post(
        url,
        {
            "version": app.edit_version,
            "contact_name": "李四",
            "contact_phone": "025-12345678",
            "summary": "长" * (TEXT_MAX_LENGTH + 1),
        },
    )
    assert response.status_code in (200, 400)
    body = response.content.decode()
    assert f"{TEXT_MAX_LENGTH}" in body and str(TEXT_MAX_LENGTH + 1) in body
    assert Application.objects.get(pk=app.pk).summary == before


@pytest.mark.parametrize("day", ["9999-12-31", "1900-01-01"])
def test_a_meeting_date_beyond_the_calendar_is_a_message_not_a_500(client, day):
    app = application_in_state(S.SITE_CHECK)
    client.force_login(province_user())
    response = client.post(
        reverse("reviews:meetings", args=[app.call_id]), {"meeting_date": day, "attendees": "厅领导、处长"}
    )
    assert response.status_code in (200, 400)
    assert "日期须在 2000 年至 2100 年之间" in response.content.decode()
    assert not JointReview.objects.exists()
