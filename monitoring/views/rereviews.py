"""Re-reviews (复核, Art. 11): the cluster starts, fills in and submits; the tiers give their opinions, return or
decide; the renewed certificate. Every URL under a re-review applies its page's predicate (404 outside it)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from clusters.models import Certification
from core.exceptions import Conflict, ServiceError
from core.forms import apply_service_error, message_service_error
from core.storage import serve
from core.transitions import history_for

from .. import permissions, selectors, services
from ..constants import ReReviewState
from ..forms import AttachmentForm, ReReviewDecisionForm, ReReviewForm, ReReviewOpinionForm, ReturnForm, TargetAddForm
from ..models import LifecycleFile
from ..policy import policy_for, regulation_warning
from . import exports
from .common import act_then_redirect, monitoring_required, page_of, upload_then_redirect

S = ReReviewState


def _rereview(request, pk):
    rereview = selectors.get_rereview_for_user(user=request.user, pk=pk)
    if not permissions.can_view_rereview(request.user, rereview):
        raise Http404
    return rereview


def _results(full):
    """The eligibility shown: as frozen at submission once submitted, live while drafting."""
    if full.submission_count and full.eligibility and not full.is_editable:
        return full.eligibility
    return [r.to_dict() for r in selectors.rereview_evaluate(full)]


def _context(request, rereview, **extra):
    full = selectors.rereview_with_sections(rereview.pk)
    user = request.user
    rows = selectors.target_rows(full)
    route = full.route or policy_for(full.year).route()
    return {
        "rereview": full,
        "results": _results(full),
        "targets": rows,
        "target_summary": selectors.target_summary(rows),
        "years": list(full.years.all()),
        "opinions": list(full.opinions.all()),
        "versions": sorted(full.versions.all(), key=lambda v: v.number),
        "files": full.active_files,
        "history": history_for(full),
        "route": route,
        "can_edit": permissions.can_edit_rereview(user, full),
        "can_forward": permissions.can_forward_rereview(user, full),
        "can_return": permissions.can_return_rereview(user, full),
        "can_decide": permissions.can_decide_rereview(user, full),
        "regulation_warning": regulation_warning() if permissions.can_decide_rereview(user, full) else "",
        "opinion_form": extra.pop("opinion_form", None) or ReReviewOpinionForm(),
        "decision_form": extra.pop("decision_form", None) or ReReviewDecisionForm(),
        "return_form": extra.pop("return_form", None) or ReturnForm(),
        **extra,
    }


@monitoring_required
@require_GET
def rereview_list(request):
    qs = selectors.rereview_list_for_user(user=request.user).order_by("-created_at", "-pk")
    tab = request.GET.get("tab", "todo")
    if tab == "todo":
        qs = selectors.rereview_queue(user=request.user).order_by("submitted_at", "pk")
    if request.GET.get("format") == "xlsx":
        rows = qs.select_related("cluster__division__parent")
        return exports.rereviews_xlsx(rows, tab_label="待办理" if tab == "todo" else "全部")
    return render(request, "monitoring/rereview_list.html", {"page": page_of(request, qs), "tab": tab})


@monitoring_required
@require_POST
def rereview_start(request, pk):
    certification = get_object_or_404(Certification.objects.select_related("cluster__division"), pk=pk)
    if not permissions.cluster_permissions.owns(request.user, certification.cluster):
        raise Http404
    try:
        rereview = services.rereview_start(actor=request.user, certification=certification)
    except ServiceError as exc:
        message_service_error(request, exc)
        existing = selectors.open_rereview(certification)
        if existing is not None:
            return redirect("monitoring:rereview_detail", pk=existing.pk)
        return redirect("monitoring:cluster_detail", pk=certification.cluster_id)
    messages.success(request, "已创建复核申请，数据已按年度发展报告预填，请核对后提交。")
    return redirect("monitoring:rereview_edit", pk=rereview.pk)


@monitoring_required
@require_GET
def rereview_detail(request, pk):
    return render(request, "monitoring/rereview_detail.html", _context(request, _rereview(request, pk)))


def _edit_context(request, rereview, form=None, **extra):
    context = _context(request, rereview, **extra)
    full = context["rereview"]
    context.update(
        form=form or ReReviewForm(rereview=full, years=context["years"], targets=context["targets"]),
        target_form=extra.get("target_form") or TargetAddForm(),
        upload_form=extra.get("upload_form") or AttachmentForm(),
        blockers=services.rereview_submission_blockers(full),
    )
    return context


@monitoring_required
def rereview_edit(request, pk):
    rereview = _rereview(request, pk)
    if not permissions.can_edit_rereview(request.user, rereview):
        if request.method == "POST":
            messages.error(request, "复核申请已提交或已办结，当前不可编辑。")
        return redirect("monitoring:rereview_detail", pk=rereview.pk)
    if request.method != "POST":
        return render(request, "monitoring/rereview_edit.html", _edit_context(request, rereview))
    full = selectors.rereview_with_sections(rereview.pk)
    form = ReReviewForm(request.POST, rereview=full, years=list(full.years.all()), targets=selectors.target_rows(full))
    if not form.is_valid():
        messages.error(request, "有内容需要修改，未保存。")
        return render(request, "monitoring/rereview_edit.html", _edit_context(request, rereview, form), status=400)
    try:
        services.rereview_save(
            rereview=rereview,
            actor=request.user,
            version=form.cleaned_data["version"],
            fields=form.values(),
            years=form.years(),
            targets=form.targets(),
        )
    except ServiceError as exc:
        apply_service_error(form, exc)
        messages.error(request, exc.message)
        status = 409 if isinstance(exc, Conflict) else 400
        return render(request, "monitoring/rereview_edit.html", _edit_context(request, rereview, form), status=status)
    if request.POST.get("then") == "submit":
        return rereview_submit(request, pk)
    messages.success(request, "复核申请已保存。")
    return redirect("monitoring:rereview_edit", pk=rereview.pk)


@monitoring_required
@require_POST
def rereview_submit(request, pk):
    rereview = _rereview(request, pk)
    try:
        services.rereview_submit(rereview=rereview, actor=request.user)
    except ServiceError as exc:
        message_service_error(request, exc)
        if permissions.can_edit_rereview(request.user, rereview):
            return redirect("monitoring:rereview_edit", pk=rereview.pk)
        return redirect("monitoring:rereview_detail", pk=rereview.pk)
    messages.success(request, "复核申请已提交。")
    return redirect("monitoring:rereview_detail", pk=rereview.pk)


@monitoring_required
@require_POST
def rereview_forward(request, pk):
    rereview = _rereview(request, pk)
    form = ReReviewOpinionForm(request.POST)
    if form.is_valid():
        try:
            services.rereview_forward(rereview=rereview, actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "意见已提交，复核申请已转入下一环节。")
            return redirect("monitoring:rereview_detail", pk=rereview.pk)
    return render(
        request, "monitoring/rereview_detail.html", _context(request, rereview, opinion_form=form), status=400
    )


@monitoring_required
@require_POST
def rereview_return(request, pk):
    rereview = _rereview(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.rereview_return(rereview=rereview, actor=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "已退回修改，集群将收到退回原因。")
            return redirect("monitoring:rereview_detail", pk=rereview.pk)
    return render(request, "monitoring/rereview_detail.html", _context(request, rereview, return_form=form), status=400)


@monitoring_required
@require_POST
def rereview_decide(request, pk):
    rereview = _rereview(request, pk)
    form = ReReviewDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.rereview_decide(rereview=rereview, actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "复核决定已作出。")
            return redirect("monitoring:rereview_detail", pk=rereview.pk)
    return render(
        request, "monitoring/rereview_detail.html", _context(request, rereview, decision_form=form), status=400
    )


@monitoring_required
@require_POST
def rereview_target_add(request, pk):
    rereview = _rereview(request, pk)
    form = TargetAddForm(request.POST)
    if form.is_valid():
        try:
            services.rereview_target_add(rereview=rereview, actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "已增加规划目标。")
            return redirect("monitoring:rereview_edit", pk=rereview.pk)
    if not permissions.can_edit_rereview(request.user, rereview):
        raise Http404
    return render(
        request, "monitoring/rereview_edit.html", _edit_context(request, rereview, target_form=form), status=400
    )


@monitoring_required
@require_POST
def rereview_target_remove(request, pk, target_pk):
    rereview = _rereview(request, pk)
    return act_then_redirect(
        request,
        lambda: services.rereview_target_remove(rereview=rereview, actor=request.user, target_id=target_pk),
        to=reverse("monitoring:rereview_edit", args=[rereview.pk]),
        done="已删除规划目标。",
    )


@monitoring_required
@require_POST
def rereview_file_upload(request, pk):
    rereview = _rereview(request, pk)
    return upload_then_redirect(
        request,
        lambda **file: services.rereview_file_upload(rereview=rereview, actor=request.user, **file),
        to=reverse("monitoring:rereview_edit", args=[rereview.pk]),
        done="已上传“{name}”。",
    )


@monitoring_required
@require_POST
def rereview_file_remove(request, pk, file_pk):
    rereview = _rereview(request, pk)
    return act_then_redirect(
        request,
        lambda: services.rereview_file_remove(rereview=rereview, actor=request.user, file_id=file_pk),
        to=reverse("monitoring:rereview_edit", args=[rereview.pk]),
        done="文件已移除。",
    )


@monitoring_required
@require_GET
def rereview_file(request, pk, file_pk):
    rereview = _rereview(request, pk)
    item = get_object_or_404(LifecycleFile, rereview=rereview, pk=file_pk)
    return serve(item.file, filename=item.original_name, file_type=item.file_type, inline=False)


@monitoring_required
@require_GET
def rereview_certificate(request, pk):
    """The renewed certificate ("-F<n>"), kept as issued; rendered now if the task has not run yet."""
    rereview = _rereview(request, pk)
    if rereview.state != S.PASSED:
        raise Http404
    if not rereview.certificate_pdf:
        services.rereview_store_certificate(rereview.pk)
        rereview.refresh_from_db()
    number = f"{rereview.certification.number}-F{rereview.renewal_number}"
    return serve(rereview.certificate_pdf, filename=f"认定证书-{number}.pdf", file_type="pdf", inline=False)
