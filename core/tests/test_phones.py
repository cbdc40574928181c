"""Phone numbers: validated (mobile, or landline with its area code) and stored SM4-encrypted."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from clusters.constants import ApplicationState as S
from clusters.models import Application
from clusters.tests.factories import applicant_user, application_in_state
from core.validators import PHONE_MESSAGE, validate_phone

GOOD = ["13812345678", "+86 138 1234 5678", "025-83391234", "0512-57771234", "025-83391234-801", "400-810-8888"]
BAD = ["1", "025-1", "12345678", "23812345678", "电话", "1381234567"]


@pytest.mark.parametrize("value", GOOD)
def test_mobiles_and_landlines_with_area_codes_are_accepted(value):
    validate_phone(value)


@pytest.mark.parametrize("value", BAD)
def test_anything_else_is_refused_with_an_example(value):
    with pytest.raises(ValidationError) as exc:
        validate_phone(value)
    assert exc.value.messages == [PHONE_MESSAGE]


@pytest.mark.django_db
def test_the_applications_contact_phone_is_checked_and_stored_encrypted(client):
    app = application_in_state(S.DRAFT)
    client.force_login(applicant_user(app.applicant))
    url = reverse("clusters:application_edit", args=[app.pk, "basic"])
    refused = client.post(url, {"version": app.edit_version, "contact_name": "李四", "contact_phone": "025-1"})
    assert "固定电话须带区号" in refused.content.decode()
    assert Application.objects.get(pk=app.pk).contact_phone == "13812345678"
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM clusters_application WHERE id = %s", [app.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("sm4:") and "13812345678" not in stored
