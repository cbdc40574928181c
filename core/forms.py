"""The one bridge from a service's refusal to what the user sees."""

from django.contrib import messages

from .exceptions import ServiceError


def apply_service_error(form, exc: ServiceError) -> None:
    """Put the service's per-field errors on the form's fields; the rest, or the message when no field matched,
    becomes a form-wide error. Field names the form does not have are folded into the message."""
    placed = False
    for field, errs in (exc.errors or {}).items():
        if form is not None and field in form.fields:
            for err in errs:
                form.add_error(field, err)
            placed = True
    if not placed and form is not None:
        form.add_error(None, exc.message)


def message_service_error(request, exc: ServiceError) -> None:
    """A refusal shown as a message on the next page (redirect-after-POST actions without a form)."""
    messages.error(request, exc.message)
