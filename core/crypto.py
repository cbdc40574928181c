"""The national-crypto baseline (密评, GB/T 39786) in one place: HMAC-SM3 for the audit chain, SM4 for personal
data at rest. Both come from the `cryptography` package (OpenSSL); `check()` runs at start-up."""

import base64
import hashlib
import hmac as std_hmac
import os

from django.conf import settings

_SM4_PREFIX = "sm4:"


def _key(purpose: str, length: int) -> bytes:
    """A key per purpose, derived from the configured master key (settings.PORTAL_CRYPTO_KEY)."""
    master = settings.PORTAL_CRYPTO_KEY.encode("utf-8")
    return hashlib.sha256(master + b"\x00" + purpose.encode("ascii")).digest()[:length]


def hmac_sm3(data: str | bytes, *, purpose: str = "audit-chain") -> str:
    """HMAC-SM3 of the data, as 64 hex digits."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import hmac as crypto_hmac

    if isinstance(data, str):
        data = data.encode("utf-8")
    mac = crypto_hmac.HMAC(_key(purpose, 32), hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def sm3(data: str | bytes) -> str:
    """Plain SM3 digest (64 hex digits), e.g. of a record's frozen content."""
    from cryptography.hazmat.primitives import hashes

    if isinstance(data, str):
        data = data.encode("utf-8")
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize().hex()


def encrypt(text: str) -> str:
    """SM4-GCM with a random nonce; empty stays empty so blank fields remain blank."""
    if not text:
        return ""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    nonce = os.urandom(12)
    enc = Cipher(algorithms.SM4(_key("sm4-pii", 16)), modes.GCM(nonce)).encryptor()
    body = enc.update(text.encode("utf-8")) + enc.finalize()
    return _SM4_PREFIX + base64.b64encode(nonce + enc.tag + body).decode("ascii")


def decrypt(value: str) -> str:
    """The plaintext of `encrypt()`; a value stored before encryption (no prefix) is returned as is."""
    if not value or not value.startswith(_SM4_PREFIX):
        return value or ""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    raw = base64.b64decode(value[len(_SM4_PREFIX) :])
    nonce, tag, body = raw[:12], raw[12:28], raw[28:]
    dec = Cipher(algorithms.SM4(_key("sm4-pii", 16)), modes.GCM(nonce, tag)).decryptor()
    return (dec.update(body) + dec.finalize()).decode("utf-8")


def blind_index(text: str) -> str:
    """A keyed digest for finding equal values without storing them in clear (e.g. duplicate objections)."""
    return hmac_sm3((text or "").strip().lower(), purpose="blind-index")


def constant_time_equal(a: str, b: str) -> bool:
    return std_hmac.compare_digest(a, b)


def check() -> list[str]:
    """What is missing for SM3/SM4 on this machine (empty when both work)."""
    problems = []
    try:
        hmac_sm3("check")
    except Exception as exc:  # noqa: BLE001 - any failure means the algorithm is unavailable
        problems.append(f"SM3 不可用：{exc}")
    try:
        if decrypt(encrypt("检查")) != "检查":
            problems.append("SM4 加解密结果不一致")
    except Exception as exc:  # noqa: BLE001
        problems.append(f"SM4 不可用：{exc}")
    return problems
