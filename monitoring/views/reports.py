"""Annual reports: start, edit (autosaved), attachments, submit; the county's verification and return."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core import ratings
from core.exceptions import Conflict, ServiceError
from core.forms import apply_service_error, message_service_error
from core.storage import serve
from core.transitions import history_for

from .. import permissions, selectors, services
from ..deadlines import deadlines_for, is_late
from ..forms import AttachmentForm, ReportForm, ReturnForm, SubmitForm, VerifyForm
from ..models import ReportAttachment
from .common import act_then_redirect, error_dict, int_or_404, is_xhr, monitoring_required, upload_then_redirect


def _report(request, pk):
    """The report if the user may see it (the page's predicate, applied to every URL under the report)."""
    report = selectors.get_report_for_user(user=request.user, pk=pk)
    if not permissions.can_view_report(request.user, report):
        raise Http404
    return report


def _context(request, report, **extra):
    full = selectors.report_with_sections(report.pk)
    deadlines = deadlines_for(full.report_year)
    user = request.user
    versions = sorted(full.versions.all(), key=lambda v: v.number)
    return {
        "report": full,
        "deadlines": deadlines,
        "late": is_late(full.first_submitted_at, deadlines),
        "overdue": full.first_submitted_at is None and timezone.localdate() > deadlines.cluster_due,
        "progress": selectors.report_progress(full),
        "figure_rows": selectors.figure_rows(full),
        "attachments": full.active_attachments,
        "versions": versions,
        "history": history_for(full),
        "can_edit": permissions.can_edit_report(user, full),
        "can_verify": permissions.can_verify_report(user, full),
        "is_owner": permissions.owns_report(user, full),
        "ratable": ratings.rate_links(full, user),
        **extra,
    }


@monitoring_required
@require_POST
def report_start(request):
    certification = get_object_or_404(
        selectors.certifications_for_applicant(user=request.user), pk=int_or_404(request.POST.get("certification"))
    )
    try:
        report = services.report_start(
            actor=request.user, certification=certification, report_year=request.POST.get("report_year")
        )
    except ServiceError as exc:
        message_service_error(request, exc)
        return redirect("monitoring:home")
    return redirect("monitoring:report_edit", pk=report.pk)


@monitoring_required
@require_GET
def report_detail(request, pk):
    report = _report(request, pk)
    return render(
        request,
        "monitoring/report_detail.html",
        _context(request, report, verify_form=VerifyForm(), return_form=ReturnForm()),
    )


def _edit_context(request, report, form=None, **extra):
    context = _context(request, report, **extra)
    full = context["report"]
    context.update(
        form=form or ReportForm(report=full, progress=context["progress"]),
        submit_form=extra.get("submit_form") or SubmitForm(initial={"explanation": full.warnings_explanation}),
        upload_form=extra.get("upload_form") or AttachmentForm(),
        blockers=services.submission_blockers(full),
        warnings=selectors.report_warnings(full),
    )
    return context


@monitoring_required
def report_edit(request, pk):
    report = _report(request, pk)
    if not permissions.can_edit_report(request.user, report):
        if request.method == "POST":
            if is_xhr(request):
                return JsonResponse({"ok": False, "message": "报告当前不可编辑。"}, status=409)
            messages.error(request, "报告已提交或已审核，当前不可编辑。")
        return redirect("monitoring:report_detail", pk=report.pk)
    if request.method != "POST":
        return render(request, "monitoring/report_edit.html", _edit_context(request, report))
    full = selectors.report_with_sections(report.pk)
    form = ReportForm(request.POST, report=full, progress=selectors.report_progress(full))
    if not form.is_valid():
        if is_xhr(request):
            return JsonResponse({"ok": False, "errors": error_dict(form.errors)}, status=400)
        messages.error(request, "有内容需要修改，未保存。")
        return render(request, "monitoring/report_edit.html", _edit_context(request, report, form), status=400)
    try:
        saved = services.report_save(
            report=report,
            actor=request.user,
            version=form.cleaned_data["version"],
            figures=form.figures(),
            narratives=form.narratives(),
            progress=form.progress(),
        )
    except ServiceError as exc:
        status = 409 if isinstance(exc, Conflict) else 400
        if is_xhr(request):
            return JsonResponse({"ok": False, "message": exc.message, "errors": error_dict(exc.errors)}, status=status)
        apply_service_error(form, exc)
        messages.error(request, exc.message)
        return render(request, "monitoring/report_edit.html", _edit_context(request, report, form), status=status)
    if is_xhr(request):
        return JsonResponse(
            {"ok": True, "version": saved.edit_version, "saved_at": timezone.localtime().strftime("%H:%M:%S")}
        )
    messages.success(request, "报告已保存。")
    return redirect("monitoring:report_edit", pk=report.pk)


@monitoring_required
@require_POST
def report_submit(request, pk):
    report = _report(request, pk)
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        services.report_submit(
            report=report,
            actor=request.user,
            acknowledged=bool(form.cleaned_data.get("acknowledged")),
            explanation=form.cleaned_data.get("explanation") or "",
        )
    except ServiceError as exc:
        if not permissions.can_edit_report(request.user, report):
            message_service_error(request, exc)
            return redirect("monitoring:report_detail", pk=report.pk)
        apply_service_error(form, exc)
        messages.error(request, exc.message)
        return render(
            request, "monitoring/report_edit.html", _edit_context(request, report, submit_form=form), status=400
        )
    messages.success(request, "报告已提交县级主管部门审核。")
    return redirect("monitoring:report_detail", pk=report.pk)


@monitoring_required
@require_POST
def report_verify(request, pk):
    report = _report(request, pk)
    form = VerifyForm(request.POST)
    form.is_valid()
    try:
        services.report_verify(report=report, actor=request.user, comment=form.cleaned_data.get("comment", ""))
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, "已审核通过。")
    return redirect("monitoring:report_detail", pk=report.pk)


@monitoring_required
@require_POST
def report_return(request, pk):
    report = _report(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.report_return(report=report, actor=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            message_service_error(request, exc)
        else:
            messages.success(request, "已退回修改，填报单位将收到退回原因。")
            return redirect("monitoring:report_detail", pk=report.pk)
    else:
        messages.error(request, "请填写退回原因。")
    return redirect("monitoring:report_detail", pk=report.pk)


@monitoring_required
@require_POST
def attachment_upload(request, pk):
    report = _report(request, pk)
    return upload_then_redirect(
        request,
        lambda **file: services.report_attachment_upload(report=report, actor=request.user, **file),
        to=reverse("monitoring:report_edit", args=[report.pk]),
        done="已上传附件“{name}”。",
    )


@monitoring_required
@require_POST
def attachment_remove(request, pk, attachment_pk):
    report = _report(request, pk)
    return act_then_redirect(
        request,
        lambda: services.report_attachment_remove(report=report, actor=request.user, attachment_id=attachment_pk),
        to=reverse("monitoring:report_edit", args=[report.pk]),
        done="附件已移除。",
    )


@monitoring_required
@require_GET
def attachment_download(request, pk, attachment_pk):
    report = _report(request, pk)
    # A removed attachment stays downloadable: an earlier submitted version lists it.
    attachment = get_object_or_404(ReportAttachment, report=report, pk=attachment_pk)
    return serve(attachment.file, filename=attachment.original_name, file_type=attachment.file_type, inline=False)
