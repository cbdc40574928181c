"""Change reports (重大变动报备, Art. 14(4)): the cluster files, the city gives its opinion, the province accepts or
refuses, and may turn a change not reported in time into a ground-(4) revocation case."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from clusters.services.certifications import CHANGEABLE_FIELDS, change_values
from core.exceptions import Conflict, ServiceError
from core.forms import apply_service_error, message_service_error
from core.storage import serve
from core.transitions import history_for

from .. import permissions, selectors, services
from ..constants import LATE_CHANGE_DAYS
from ..forms import (
    AttachmentForm,
    ChangeDecisionForm,
    ChangeOpinionForm,
    ChangeReportForm,
    ChangeStartForm,
    EscalateForm,
    ReturnForm,
)
from ..models import LifecycleFile
from .common import act_then_redirect, monitoring_required, page_of, upload_then_redirect


def _report(request, pk):
    report = selectors.get_change_report_for_user(user=request.user, pk=pk)
    if not permissions.can_view_change_report(request.user, report):
        raise Http404
    return report


def _comparison(report) -> list[dict]:
    """Each changed field: its label, the value before and the value after (the frozen values once submitted)."""
    from accounts.models import Division

    if report.submission_count:
        new, old = report.new_values, report.old_values
    else:
        new = services.changes_new_values(report)
        old = change_values(report.cluster, new)
    codes = {v for v in (new.get("division"), old.get("division")) if v}
    names = {d.code: d.full_name for d in Division.objects.filter(code__in=codes).select_related("parent")}

    def shown(field, value):
        return names.get(value, value) if field == "division" else value

    return [
        {"label": CHANGEABLE_FIELDS[f], "before": shown(f, old.get(f)), "after": shown(f, v)} for f, v in new.items()
    ]


def _context(request, report, **extra):
    full = selectors.change_report_with_files(report.pk)
    user = request.user
    days_late = full.days_late
    return {
        "report": full,
        "files": full.active_files,
        "comparison": _comparison(full),
        "history": history_for(full),
        "late": days_late is not None and days_late > LATE_CHANGE_DAYS,
        "days_late": days_late,
        "can_edit": permissions.can_edit_change_report(user, full),
        "can_opine": permissions.can_opine_change_report(user, full),
        "can_decide": permissions.can_decide_change_report(user, full),
        "can_return": permissions.can_return_change_report(user, full),
        "can_escalate": permissions.can_escalate_change_report(user, full),
        "opinion_form": extra.pop("opinion_form", None) or ChangeOpinionForm(),
        "decision_form": extra.pop("decision_form", None) or ChangeDecisionForm(),
        "return_form": extra.pop("return_form", None) or ReturnForm(),
        "escalate_form": extra.pop("escalate_form", None) or EscalateForm(),
        **extra,
    }


@monitoring_required
@require_GET
def change_list(request):
    qs = selectors.change_reports_for_user(user=request.user).order_by("-created_at", "-pk")
    return render(request, "monitoring/change_list.html", {"page": page_of(request, qs)})


@monitoring_required
@require_POST
def change_start(request, pk):
    cluster = selectors.monitored_cluster_for_user(user=request.user, pk=pk)
    if not permissions.can_start_change_report(request.user, cluster):
        raise Http404
    form = ChangeStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择变动类型（主导产业、空间范围或运营管理机构）。")
        return redirect("monitoring:cluster_detail", pk=cluster.pk)
    try:
        report = services.change_report_start(actor=request.user, cluster=cluster, kind=form.cleaned_data["kind"])
    except ServiceError as exc:
        message_service_error(request, exc)
        return redirect("monitoring:cluster_detail", pk=cluster.pk)
    return redirect("monitoring:change_edit", pk=report.pk)


@monitoring_required
@require_GET
def change_detail(request, pk):
    return render(request, "monitoring/change_detail.html", _context(request, _report(request, pk)))


@monitoring_required
def change_edit(request, pk):
    report = _report(request, pk)
    if not permissions.can_edit_change_report(request.user, report):
        if request.method == "POST":
            messages.error(request, "变动报备已提交或已办结，当前不可编辑。")
        return redirect("monitoring:change_detail", pk=report.pk)
    form = ChangeReportForm(request.POST or None, report=report)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.change_report_save(
                    report=report, actor=request.user, version=form.cleaned_data["version"], **form.values()
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
                status = 409 if isinstance(exc, Conflict) else 400
            else:
                if request.POST.get("then") == "submit":
                    return change_submit(request, pk)
                messages.success(request, "变动报备已保存。")
                return redirect("monitoring:change_edit", pk=report.pk)
        else:
            status = 400
        messages.error(request, "有内容需要修改，未保存。")
    context = _context(request, report, form=form, upload_form=AttachmentForm())
    context["blockers"] = services.change_submission_blockers(context["report"])
    return render(request, "monitoring/change_edit.html", context, status=status)


@monitoring_required
@require_POST
def change_submit(request, pk):
    report = _report(request, pk)
    try:
        services.change_report_submit(report=report, actor=request.user)
    except ServiceError as exc:
        message_service_error(request, exc)
        if permissions.can_edit_change_report(request.user, report):
            return redirect("monitoring:change_edit", pk=report.pk)
        return redirect("monitoring:change_detail", pk=report.pk)
    messages.success(request, "变动报备已提交设区市主管部门。")
    return redirect("monitoring:change_detail", pk=report.pk)


@monitoring_required
@require_POST
def change_forward(request, pk):
    report = _report(request, pk)
    form = ChangeOpinionForm(request.POST)
    if form.is_valid():
        try:
            services.change_report_forward(report=report, actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "意见已提交省工业和信息化厅。")
            return redirect("monitoring:change_detail", pk=report.pk)
    return render(request, "monitoring/change_detail.html", _context(request, report, opinion_form=form), status=400)


@monitoring_required
@require_POST
def change_return(request, pk):
    report = _report(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.change_report_return(report=report, actor=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "已退回修改。")
            return redirect("monitoring:change_detail", pk=report.pk)
    return render(request, "monitoring/change_detail.html", _context(request, report, return_form=form), status=400)


@monitoring_required
@require_POST
def change_decide(request, pk):
    report = _report(request, pk)
    form = ChangeDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.change_report_decide(report=report, actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "审定结论已作出。")
            return redirect("monitoring:change_detail", pk=report.pk)
    return render(request, "monitoring/change_detail.html", _context(request, report, decision_form=form), status=400)


@monitoring_required
@require_POST
def change_escalate(request, pk):
    report = _report(request, pk)
    form = EscalateForm(request.POST)
    if form.is_valid():
        try:
            case = services.change_report_escalate(
                report=report, actor=request.user, evidence=form.cleaned_data["evidence"]
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "已提出第十四条第（四）项撤销认定建议。")
            return redirect("monitoring:revocation_detail", pk=case.pk)
    return render(request, "monitoring/change_detail.html", _context(request, report, escalate_form=form), status=400)


@monitoring_required
@require_POST
def change_file_upload(request, pk):
    report = _report(request, pk)
    return upload_then_redirect(
        request,
        lambda **file: services.change_file_upload(report=report, actor=request.user, **file),
        to=reverse("monitoring:change_edit", args=[report.pk]),
        done="已上传证明材料“{name}”。",
    )


@monitoring_required
@require_POST
def change_file_remove(request, pk, file_pk):
    report = _report(request, pk)
    return act_then_redirect(
        request,
        lambda: services.change_file_remove(report=report, actor=request.user, file_id=file_pk),
        to=reverse("monitoring:change_edit", args=[report.pk]),
        done="文件已移除。",
    )


@monitoring_required
@require_GET
def change_file(request, pk, file_pk):
    report = _report(request, pk)
    item = get_object_or_404(LifecycleFile, change_report=report, pk=file_pk)
    return serve(item.file, filename=item.original_name, file_type=item.file_type, inline=False)
