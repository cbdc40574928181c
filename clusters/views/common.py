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


REQUIRED_MESSAGES = {"这个字段是必填项。", "This field is required."}


def form_error_summary(prefix, form) -> str:
    """One Chinese sentence naming each invalid field once with its errors, for a redirect message:
    "企业信息有误：请填写名称；统一社会信用代码：校验位错误"."""
    parts = []
    for key, errors in form.errors.as_data().items():
        label = str(form.fields[key].label) if key in form.fields and form.fields[key].label else ""
        for exc in errors:
            required = exc.code == "required"
            error = " ".join(str(m) for m in exc.messages)
            if (required or error in REQUIRED_MESSAGES) and label:
                parts.append(f"请填写{label}")
            elif not label or error.startswith(label):
                parts.append(error.rstrip("。"))
            else:
                parts.append(f"{label}：{error.rstrip('。')}")
    return f"{prefix}：" + "；".join(parts) + "。"


KEPT_SESSION_KEY = "kept_input"


def keep_input(request, application_pk: int, form_key: str) -> None:
    """Keep what was typed into a refused child form (an enterprise, a list item, a target) for the section
    page the user is redirected to: the form comes back filled in, with its errors beside the fields."""
    data = {k: v for k, v in request.POST.lists() if k != "csrfmiddlewaretoken"}
    kept = request.session.get(KEPT_SESSION_KEY, {})
    kept[f"{application_pk}:{form_key}"] = data
    request.session[KEPT_SESSION_KEY] = kept


def kept_form(request, application_pk: int, form_key: str, form_class, **kwargs):
    """The form bound to the input kept for it (and validated, to show its errors), or a fresh one."""
    from django.http import QueryDict

    kept = request.session.get(KEPT_SESSION_KEY) if request is not None else None
    data = kept.pop(f"{application_pk}:{form_key}", None) if kept else None
    if data is None:
        return form_class(**kwargs)
    request.session[KEPT_SESSION_KEY] = kept
    bound = QueryDict(mutable=True)
    for key, values in data.items():
        bound.setlist(key, values)
    form = form_class(bound, **kwargs)
    form.is_valid()
    return form


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


def child_action(request, pk, section, action, keep: str = ""):
    """Run a roster / list / target / attachment change and come back to the section; a refused change keeps
    its input (`keep`, the form's key in `kept_form`)."""
    application, _visible = editable_application(request, pk)
    if application is None:
        messages.error(request, "申报当前不可编辑。")
        return redirect("clusters:application_detail", pk=pk)
    try:
        note = action(application)
    except ServiceError as exc:
        message_service_error(request, exc)
        if keep:
            keep_input(request, application.pk, keep)
    else:
        if note:
            messages.success(request, note)
    return redirect(reverse("clusters:application_edit", args=[application.pk, section]))
