"""Access decorators for views. Each one is the page's predicate applied before the view runs; a user outside
it gets 404 (never 403), so that object ids and staff pages are not confirmed to outsiders."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def role_required(predicate):
    """A decorator: login required (anonymous → login page), then `predicate(user)` or 404."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not (_active(request.user) and predicate(request.user)):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


province_required = role_required(lambda user: user.is_province)
province_required.__doc__ = "Province staff only (江苏省工业和信息化厅); anyone else signed in gets 404."
