"""What several of the clusters views share: access to an editable application, redirect-after-POST actions
on its child rows, and small request and form helpers."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from clusters import permissions, selectors
from clusters.constants import ApplicationState
from clusters.forms import THRESHOLD_LABELS
from core.exceptions import ServiceError
from core.filetypes import allowed_labels
from core.forms import message_service_error

S = ApplicationState


def is_xhr(request):
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def form_error_summary(prefix, form) -> str:
    """One Chinese sentence naming each invalid field and its errors, for a redirect message."""
    parts = (f"{form.fields[k].label if k in form.fields else ''}{' '.join(v)}" for k, v in form.errors.items())
    return f"{prefix}：" + "；".join(parts)


def error_dict(errors):
    return {k: [str(m) for m in v] for k, v in errors.items()}


def threshold_rows(call):
    return [(THRESHOLD_LABELS.get(key, key), value) for key, value in call.get_thresholds().to_dict().items()]


def editable_application(request, pk):
    application = selectors.get_application_for_user(user=request.user, pk=pk)
    if not permissions.can_edit_application(request.user, application):
        if permissions.can_view_application(request.user, application):
            return None, application
        raise Http404
    return application, application


def upload_info():
    return {"upload_types": allowed_labels(), "max_upload_mb": settings.ATTACHMENT_MAX_MB}


def child_action(request, pk, section, action):
    """Run a roster / list / target / attachment change and come back to the section."""
    application, _visible = editable_application(request, pk)
    if application is None:
        messages.error(request, "申报当前不可编辑。")
        return redirect("clusters:application_detail", pk=pk)
    try:
        note = action(application)
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        if note:
            messages.success(request, note)
    return redirect(reverse("clusters:application_edit", args=[application.pk, section]))
