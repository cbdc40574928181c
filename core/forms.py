"""The one bridge from a service's refusal to what the user sees."""

import datetime

from django import forms
from django.contrib import messages
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .exceptions import ServiceError


def _attrs(attrs) -> str:
    """HTML attributes in their given order, as Django's attrs.html writes them (True: the name alone)."""
    return "".join(
        format_html(" {}", key) if value is True else format_html(' {}="{}"', key, value)
        for key, value in attrs.items()
        if value is not False and value is not None
    )


class FastSelect(forms.Select):
    """A <select> with the same markup as Django's, its options written here instead of through one template
    include per option (a filter of 118 counties cost ~10 ms a page that way). For long choice lists."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"', widget["name"]) + _attrs(widget["attrs"]) + ">"]
        for group, options, _index in widget["optgroups"]:
            if group:
                parts.append(format_html('<optgroup label="{}">', group))
            parts.extend(
                format_html('<option value="{}"', o["value"])
                + _attrs(o["attrs"])
                + format_html(">{}</option>", o["label"])
                for o in options
            )
            if group:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # every part was escaped by format_html


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


# Bounds for what a form accepts, whichever form it is (等保: no unbounded input reaches the database).
TEXT_MAX_LENGTH = 5000
DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)


def _bound_fields(fields) -> None:
    for field in fields.values():
        if getattr(field, "_portal_bounded", False):
            continue
        field._portal_bounded = True
        if isinstance(field, forms.CharField) and not field.max_length:
            field.max_length = TEXT_MAX_LENGTH
            field.validators.append(validators.MaxLengthValidator(TEXT_MAX_LENGTH))
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("maxlength", str(TEXT_MAX_LENGTH))
        elif isinstance(field, forms.DateField | forms.DateTimeField):
            field.validators.append(_date_in_range)
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                field.widget.attrs.setdefault("min", DATE_MIN.isoformat())
                field.widget.attrs.setdefault("max", DATE_MAX.isoformat())


def _date_in_range(value) -> None:
    day = value.date() if isinstance(value, datetime.datetime) else value
    if day is not None and not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(
            f"日期须在 {DATE_MIN.year} 年至 {DATE_MAX.year} 年之间，请检查输入。", code="date_out_of_range"
        )


class BoundedFormMixin:
    """Every free-text field without a length of its own accepts at most TEXT_MAX_LENGTH characters, and every
    date lies between 2000 and 2100 (beyond, working-day and period computations have no calendar): too long
    a text or too far a date is a clear message on the field, never a 500. Fields added in a form's own
    __init__ are bounded too (before cleaning)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bound_fields(self.fields)

    def full_clean(self):
        _bound_fields(self.fields)
        super().full_clean()
