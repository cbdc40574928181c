"""A draft's files: upload, remove (hide) and download, each after the view's own access check."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from clusters import selectors, services
from clusters.forms import AttachmentForm
from core.exceptions import ServiceError
from core.storage import serve

from .common import child_action


@login_required
@require_POST
def attachment_upload(request, pk):
    section = (
        request.POST.get("section") if request.POST.get("section") in ("management", "attachments") else "attachments"
    )

    def action(application):
        form = AttachmentForm(request.POST, request.FILES, call=application.call)
        if not form.is_valid():
            raise ServiceError("上传失败：" + "；".join(" ".join(v) for v in form.errors.values()))
        att = services.attachment_upload(
            application=application,
            actor=request.user,
            uploaded_file=form.cleaned_data["file"],
            requirement=form.cleaned_data.get("requirement"),
            purpose=form.cleaned_data["purpose"],
        )
        return f"已上传“{att.original_name}”。"

    return child_action(request, pk, section, action)


@login_required
@require_POST
def attachment_remove(request, pk, item_pk):
    section = (
        request.POST.get("section") if request.POST.get("section") in ("management", "attachments") else "attachments"
    )
    return child_action(
        request,
        pk,
        section,
        lambda a: services.attachment_remove(application=a, actor=request.user, attachment_id=item_pk) or "已移除。",
    )


@login_required
def attachment_download(request, pk, item_pk):
    application = selectors.get_application_for_user(user=request.user, pk=pk)
    attachment = get_object_or_404(application.attachments, pk=item_pk)
    return serve(
        attachment.file,
        filename=attachment.original_name,
        file_type=attachment.file_type,
        inline=request.GET.get("inline") == "1",
    )
