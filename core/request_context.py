"""Who is acting and from where, for the records written deep inside services.

Services take the actor explicitly; the client address and the site's own address are not their business, so
the middleware puts them in context variables that the transition log, the audit log and e-mail links read.
Outside a request (Celery, commands) they are empty and the records say so.
"""

import contextvars
import logging

from .clientip import client_ip

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)
_site_url: contextvars.ContextVar[str] = contextvars.ContextVar("site_url", default="")
_request: contextvars.ContextVar = contextvars.ContextVar("request", default=None)
# Set when the view recorded its own "export" audit event (with more detail); the middleware then adds none.
_export_audited: contextvars.ContextVar = contextvars.ContextVar("export_audited", default=False)

# Downloads that carry the portal's data out of it: every one by a signed-in user is an audit event (等保).
EXPORT_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/zip",
    "text/csv",
    "application/pdf",
)


def mark_export_audited() -> None:
    _export_audited.set(True)


def current_client_ip() -> str | None:
    return _client_ip.get()


def current_site_url() -> str:
    return _site_url.get()


def current_actor():
    """The signed-in user of the request being served (for audit records of model signals), or None."""
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ip = client_ip(request)
        request.client_ip = ip
        tokens = [(_client_ip, _client_ip.set(ip)), (_request, _request.set(request))]
        try:
            tokens.append((_site_url, _site_url.set(f"{request.scheme}://{request.get_host()}")))
        except Exception:  # noqa: BLE001 - a disallowed Host header: CommonMiddleware answers 400 itself
            pass
        tokens.append((_export_audited, _export_audited.set(False)))
        try:
            response = self.get_response(request)
            self._audit_export(request, response)
            return response
        finally:
            for var, token in reversed(tokens):
                var.reset(token)

    @staticmethod
    def _audit_export(request, response) -> None:
        """One audit record per export or document download by a signed-in user: who, what, from where."""
        if response.status_code != 200 or _export_audited.get():
            return
        content_type = (response.get("Content-Type") or "").split(";")[0].strip()
        if content_type not in EXPORT_TYPES:
            return
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return  # public documents (notices, the registry) are published to everyone
        from .services import audit

        disposition = response.get("Content-Disposition", "")
        try:
            audit("export", user=user, detail=f"{request.method} {request.get_full_path()[:300]} {disposition[:150]}")
        except Exception:  # the download was authorised; a failed audit write is logged, not shown
            logging.getLogger(__name__).exception("export audit record not written: %s", request.path)
