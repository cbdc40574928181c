"""Who is acting and from where, for the records written deep inside services.

Services take the actor explicitly; the client address and the site's own address are not their business, so
the middleware puts them in context variables that the transition log, the audit log and e-mail links read.
Outside a request (Celery, commands) they are empty and the records say so.
"""

import contextvars

from .clientip import client_ip

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)
_site_url: contextvars.ContextVar[str] = contextvars.ContextVar("site_url", default="")
_request: contextvars.ContextVar = contextvars.ContextVar("request", default=None)


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
        try:
            return self.get_response(request)
        finally:
            for var, token in reversed(tokens):
                var.reset(token)
