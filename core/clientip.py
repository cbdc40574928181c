"""The client's address behind a known number of trusted reverse proxies (NUM_PROXIES).

Every place that keys on an address uses this one helper: the login lockout (django-axes), the objection
throttle and the audit records. Behind N trusted proxies the last proxy's address is REMOTE_ADDR and the
X-Forwarded-For header it passes on reads "client, proxy1, …, proxy(N-1)": the client is the N-th entry from
the right. Entries further left were written by the client itself and are never trusted.
"""

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:  # [::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 1.2.3.4:5678
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The address of the client that made this request, as far as the trusted proxies vouch for it."""
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    proxies = int(getattr(settings, "NUM_PROXIES", 0) or 0)
    if proxies <= 0:
        return remote
    parts = [p for p in (request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if p.strip()]
    if len(parts) < proxies:
        # Fewer hops than configured proxies: the request did not come through them all; trust only the socket.
        return remote
    return _valid(parts[-proxies]) or remote


def axes_client_ip(request, *args, **kwargs) -> str:
    """django-axes' AXES_CLIENT_IP_CALLABLE: the same address the rest of the portal uses."""
    return client_ip(request) or ""
