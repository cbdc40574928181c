"""密评 (GB/T 39786) where cheap: SM3 for the audit chain, SM4 for phone numbers at rest."""

import pytest
from django.core.checks import run_checks
from django.db import connection

from accounts.tests.factories import OrganisationFactory, UserFactory
from core import crypto
from core.models import TransitionLog
from core.transitions import log_transition

pytestmark = pytest.mark.django_db


def test_sm3_matches_the_standards_test_vector():
    # GB/T 32905-2016, example 1.
    assert crypto.sm3("abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm4_round_trip_with_a_random_nonce():
    a, b = crypto.encrypt("13812341234"), crypto.encrypt("13812341234")
    assert a != b and a.startswith("sm4:")
    assert crypto.decrypt(a) == crypto.decrypt(b) == "13812341234"
    assert crypto.decrypt("") == "" and crypto.encrypt("") == ""
    assert crypto.decrypt("13800000000") == "13800000000"  # stored before encryption


def test_phone_numbers_are_not_stored_in_plaintext():
    user = UserFactory(phone="13812345678")
    org = OrganisationFactory(contact_phone="0512-57771234")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM accounts_user WHERE id = %s", [user.pk])
        (stored_phone,) = cursor.fetchone()
        cursor.execute("SELECT contact_phone FROM accounts_organisation WHERE id = %s", [org.pk])
        (stored_contact,) = cursor.fetchone()
    for stored, plain in ((stored_phone, "13812345678"), (stored_contact, "0512-57771234")):
        assert stored.startswith("sm4:") and plain not in stored
    user.refresh_from_db()
    org.refresh_from_db()
    assert user.phone == "13812345678" and org.contact_phone == "0512-57771234"


def test_the_chain_uses_hmac_sm3():
    row = log_transition(obj=UserFactory(), transition="x", from_state="a", to_state="b")
    stored = TransitionLog.objects.get(pk=row.pk)
    assert stored.hash_version == 2
    assert stored.hash == crypto.hmac_sm3(stored.payload())


def test_start_up_check_passes_on_this_host():
    assert not [m for m in run_checks() if m.id == "core.E001"]
