"""Model fields for personal data at rest (密评): stored SM4-encrypted through core.crypto."""

from django.db import models

from . import crypto


def stored_length(max_length: int) -> int:
    """Column width for `max_length` characters once encrypted: prefix + base64(nonce + tag + UTF-8 bytes)."""
    raw = 12 + 16 + 3 * max_length
    return len("sm4:") + 4 * ((raw + 2) // 3)


class EncryptedCharField(models.CharField):
    """A short text (a phone number, an ID number) stored SM4-GCM encrypted with a random nonce.

    `max_length` is the length of the plaintext (what forms and validators see); the column is wide enough
    for the ciphertext. Values cannot be searched or compared in SQL: filter in Python after decryption, or
    keep a blind index (core.crypto.blind_index) beside the field when lookups are needed. Rows written
    before encryption (no "sm4:" prefix) are read as they are and encrypted on their next save."""

    description = "SM4-encrypted text"

    def db_type(self, connection):
        return f"varchar({stored_length(self.max_length)})"

    def rel_db_type(self, connection):  # pragma: no cover - never a relation target
        return self.db_type(connection)

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if isinstance(value, str) and value.startswith("sm4:"):
            return value
        return crypto.encrypt(str(value))
