"""Submitting and withdrawing an application, and its submitted versions (PDF download, diff)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clusters import eligibility, selectors, services
from clusters.forms import SubmitForm, WithdrawForm
from core.exceptions import ServiceError
from core.forms import message_service_error
from core.storage import serve

from .common import editable_application
from .sections import section_context


@login_required
@require_POST
def application_submit(request, pk):
    application, _visible = editable_application(request, pk)
    if application is None:
        messages.error(request, "申报当前不是草稿，不能提交。")
        return redirect("clusters:application_detail", pk=pk)
    full = selectors.application_with_sections(application.pk)
    results = selectors.evaluate_application(full)
    form = SubmitForm(request.POST, failed_rules=eligibility.failed_hard(results))
    if form.is_valid():
        try:
            services.application_submit(
                application=application,
                actor=request.user,
                comment=form.cleaned_data["comment"],
                explanations=form.explanations(),
            )
        except ServiceError as exc:
            message_service_error(request, exc)
        else:
            messages.success(request, "申报已提交至县级主管部门审核。申报书 PDF 正在生成。")
            return redirect("clusters:application_detail", pk=pk)
    else:
        messages.error(request, "提交未完成：请填写每一项未达标说明并勾选承诺。")
    ctx = section_context(request, application, "review", submit_form=form, blockers=services.submission_blockers(full))
    return render(request, "clusters/application_edit.html", ctx, status=400)


@login_required
@require_POST
def application_withdraw(request, pk):
    application = selectors.get_application_for_user(user=request.user, pk=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写撤回原因。")
        return redirect("clusters:application_detail", pk=pk)
    try:
        services.application_withdraw(application=application, actor=request.user, comment=form.cleaned_data["comment"])
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, "申报已撤回。")
    return redirect("clusters:application_detail", pk=pk)


@login_required
def version_pdf(request, pk, number):
    application = selectors.get_application_for_user(user=request.user, pk=pk)
    version = get_object_or_404(application.versions, number=number)
    if not (version.pdf and version.pdf.storage.exists(version.pdf.name)):
        # Not rendered yet (the task runs after commit, with a time limit), or its file is gone: queue the
        # rendering and say so; a web request never renders a PDF itself.
        services.version_request_pdf(version=version)
        return render(
            request, "clusters/pdf_pending.html", {"application": application, "version": version}, status=202
        )
    filename = f"{application.cluster.name}-{application.call.year}年度申报书-第{version.number}版.pdf"
    return serve(version.pdf, filename=filename, file_type="pdf", inline=request.GET.get("inline") == "1")


@login_required
def version_diff(request, pk, number):
    application = selectors.get_application_for_user(user=request.user, pk=pk)
    version = get_object_or_404(application.versions, number=number)
    previous = application.versions.filter(number__lt=number).order_by("-number").first()
    changes = selectors.diff_snapshots(previous.snapshot, version.snapshot) if previous else []
    return render(
        request,
        "clusters/version_diff.html",
        {"application": application, "version": version, "previous": previous, "changes": changes},
    )
