from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import divisions_for_user
from clusters import eligibility, permissions, roster_io, selectors, services
from clusters.constants import ApplicationState, CallStatus, ListKind
from core.exceptions import ServiceError
from core.filetypes import CONTENT_TYPES, allowed_labels
from core.transitions import history_for

from .forms import (
    THRESHOLD_LABELS,
    AttachmentForm,
    BasicForm,
    CallForm,
    ClusterForm,
    DeclarationsForm,
    DigitalForm,
    EnterpriseForm,
    ListItemForm,
    ManagementForm,
    PlanTargetForm,
    RequirementFormSet,
    RosterImportForm,
    RubricFormSet,
    SubmitForm,
    ThresholdsForm,
    WithdrawForm,
    YearDataForm,
)
from .models import Application, Call
from .progress import application_progress, format_duration

S = ApplicationState
SECTION_FORMS = {
    "basic": BasicForm,
    "digital": DigitalForm,
    "management": ManagementForm,
    "declarations": DeclarationsForm,
}
SECTION_TITLES = dict(selectors.SECTIONS)
# Sections whose data feeds the eligibility rules: they show the live eligibility summary beside the form.
SIDE_PANEL_SECTIONS = {"data", "roster", "lists", "digital", "management"}


def _is_xhr(request):
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


def _form_error_summary(prefix, form) -> str:
    """One Chinese sentence naming each invalid field and its errors, for a redirect message."""
    parts = (f"{form.fields[k].label if k in form.fields else ''}{' '.join(v)}" for k, v in form.errors.items())
    return f"{prefix}：" + "；".join(parts)


def _error_dict(errors):
    return {k: [str(m) for m in v] for k, v in errors.items()}


# ---------------------------------------------------------------- public


# Not cached with cache_page: the page carries the visitor's CSRF token, name and large-text setting, and
# cache_page would store it before the session middleware adds "Vary: Cookie" (one visitor's page for all).
@require_GET
def public_call_list(request):
    calls = selectors.call_list_public()
    return render(request, "clusters/public_call_list.html", {"calls": calls, "now": timezone.now()})


def _threshold_rows(call):
    return [(THRESHOLD_LABELS.get(key, key), value) for key, value in call.get_thresholds().to_dict().items()]


@require_GET
def public_call_detail(request, year):
    call = get_object_or_404(selectors.call_list_public().prefetch_related("requirements"), year=year)
    return render(request, "clusters/public_call_detail.html", {"call": call, "thresholds": _threshold_rows(call)})


# ---------------------------------------------------------------- province: calls


def _province_only(request):
    if not permissions.can_manage_calls(request.user):
        raise Http404


@login_required
def call_manage_list(request):
    _province_only(request)
    calls = Call.objects.annotate(
        n_apps=Count("applications", filter=~Q(applications__state__in=[S.DRAFT, S.WITHDRAWN]))
    ).order_by("-year")
    return render(request, "clusters/call_manage_list.html", {"calls": calls})


@login_required
def call_create(request):
    _province_only(request)
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已创建{call}（未发布）。请核对认定条件、评分细则和申报材料后发布。")
            return redirect("clusters:call_edit", pk=call.pk)
    return render(request, "clusters/call_form.html", {"form": form, "call": None})


@login_required
def call_edit(request, pk):
    _province_only(request)
    call = get_object_or_404(Call, pk=pk)
    editable = call.status == CallStatus.DRAFT
    post = request.POST if request.method == "POST" and editable else None
    form = CallForm(post, instance=call, prefix="call")
    tform = ThresholdsForm(post, thresholds=call.get_thresholds(), prefix="t")
    rubric = RubricFormSet(post, instance=call, prefix="rubric")
    reqs = RequirementFormSet(post, instance=call, prefix="req")
    if post is not None:
        if all(f.is_valid() for f in (form, tform, rubric, reqs)):
            total = sum(
                (f.cleaned_data["weight"] for f in rubric.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")),
                start=0,
            )
            if total != 100:
                messages.error(request, f"评分细则权重合计为 {total}%，应为 100%。未保存。")
            else:
                call = form.save(commit=False)
                call.thresholds = tform.thresholds().to_dict()
                call.save()
                rubric.save()
                reqs.save()
                messages.success(request, "申报批次已保存。")
                return redirect("clusters:call_edit", pk=call.pk)
        else:
            messages.error(request, "有内容需要修改，未保存。")
    elif request.method == "POST":
        messages.error(request, "已发布的申报批次不能修改。")
    return render(
        request,
        "clusters/call_form.html",
        {
            "form": form,
            "tform": tform,
            "rubric": rubric,
            "reqs": reqs,
            "call": call,
            "editable": editable,
            "thresholds": _threshold_rows(call),
        },
    )


@login_required
@require_POST
def call_publish(request, pk):
    _province_only(request)
    call = get_object_or_404(Call, pk=pk)
    try:
        services.call_publish(call=call, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{call}已发布。")
    return redirect("clusters:call_edit", pk=call.pk)


# ---------------------------------------------------------------- applicant: clusters


@login_required
def cluster_list(request):
    clusters = selectors.cluster_list_for_user(user=request.user).prefetch_related("applications__call")
    page = Paginator(clusters, 20).get_page(request.GET.get("page"))
    open_calls = list(selectors.call_list_public().filter(closes_at__gte=timezone.now()))
    can_register = request.user.is_applicant
    for cluster in page.object_list:
        applications = sorted(cluster.applications.all(), key=lambda a: (-a.call.year, -a.pk))
        taken = {a.call_id for a in applications if a.state != S.WITHDRAWN}
        cluster.application_rows = applications
        cluster.startable_calls = [c for c in open_calls if c.pk not in taken] if can_register else []
    return render(
        request,
        "clusters/cluster_list.html",
        {"page": page, "open_calls": open_calls, "can_register": can_register},
    )


@login_required
def cluster_create(request):
    if not request.user.is_applicant:
        raise Http404
    divisions = divisions_for_user(request.user)
    form = ClusterForm(request.POST or None, divisions=divisions)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("advanced_tags", "chain_tags")}
        try:
            cluster = services.cluster_register(actor=request.user, tags=form.tags(), **data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"集群“{cluster.name}”已登记。")
            return redirect("clusters:cluster_list")
    return render(request, "clusters/cluster_form.html", {"form": form})


@login_required
def cluster_edit(request, pk):
    cluster = selectors.get_cluster_for_user(user=request.user, pk=pk)
    if not permissions.can_edit_cluster(request.user, cluster):
        raise Http404
    form = ClusterForm(request.POST or None, instance=cluster, divisions=divisions_for_user(request.user))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("advanced_tags", "chain_tags")}
        try:
            services.cluster_update(cluster=cluster, actor=request.user, tags=form.tags(), **data)
        except ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "集群信息已保存。")
            return redirect("clusters:cluster_list")
    return render(request, "clusters/cluster_form.html", {"form": form, "cluster": cluster})


@login_required
@require_POST
def application_start(request, cluster_pk):
    cluster = selectors.get_cluster_for_user(user=request.user, pk=cluster_pk)
    call = get_object_or_404(selectors.call_list_public(), pk=request.POST.get("call"))
    try:
        application = services.application_create(actor=request.user, cluster=cluster, call=call)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("clusters:cluster_list")
    messages.success(request, "申报草稿已创建，填写内容会自动保存。")
    return redirect("clusters:application_edit", pk=application.pk, section="basic")


# ---------------------------------------------------------------- applications


@login_required
def application_list(request):
    qs = selectors.application_list_for_user(user=request.user).order_by("-updated_at")
    state = request.GET.get("state")
    if state in S.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "clusters/application_list.html", {"page": page, "states": S.choices, "state": state})


def _editable_application(request, pk):
    application = selectors.get_application_for_user(user=request.user, pk=pk)
    if not permissions.can_edit_application(request.user, application):
        if permissions.can_view_application(request.user, application):
            return None, application
        raise Http404
    return application, application


def _upload_info():
    return {"upload_types": allowed_labels(), "max_upload_mb": settings.ATTACHMENT_MAX_MB}


def _section_extra(application, section, **given):
    """The secondary forms a section shows besides its main form (also when re-rendering after an error)."""
    extra = {}
    if section == "roster":
        extra.update(
            enterprise_form=EnterpriseForm(),
            import_form=RosterImportForm(),
            duplicates=selectors.roster_duplicates_elsewhere(application),
        )
    elif section == "lists":
        extra["item_form"] = ListItemForm()
    elif section == "management":
        extra["target_form"] = PlanTargetForm(call_year=application.call.year)
        extra["plan_upload_form"] = AttachmentForm(call=application.call, initial={"purpose": "plan"})
        extra.update(_upload_info())
    elif section == "attachments":
        extra["upload_form"] = AttachmentForm(call=application.call, initial={"purpose": "requirement"})
        extra.update(_upload_info())
    elif section == "review" and "submit_form" not in given:
        full = selectors.application_with_sections(application.pk)
        results = selectors.evaluate_application(full)
        extra.update(
            submit_form=SubmitForm(
                failed_rules=eligibility.failed_hard(results), initial_explanations=application.failed_rule_explanations
            ),
            blockers=services.submission_blockers(full),
        )
    extra.update(given)
    return extra


def _section_context(request, application, section, **extra):
    extra = _section_extra(application, section, **extra)
    full = selectors.application_with_sections(application.pk)
    status = selectors.section_status(full)
    done = sum(1 for k, v in status.items() if v and k != "review")
    return {
        "application": full,
        "section": section,
        "section_title": SECTION_TITLES[section],
        "sections": [(key, title, status[key]) for key, title in selectors.SECTIONS],
        "progress": round(done * 100 / (len(status) - 1)),
        "results": selectors.evaluate_application(full),
        "list_kinds": ListKind.choices,
        "side_panel": section in SIDE_PANEL_SECTIONS,
        **extra,
    }


@login_required
def application_edit(request, pk, section):
    if section not in SECTION_TITLES:
        raise Http404
    application, visible = _editable_application(request, pk)
    if application is None:
        messages.info(request, "申报当前不可编辑，已为您打开查看页面。")
        return redirect("clusters:application_detail", pk=visible.pk)
    form = None
    if section in SECTION_FORMS:
        form_class = SECTION_FORMS[section]
        if request.method == "POST":
            form = form_class(request.POST, instance=Application.objects.get(pk=application.pk))
            if form.is_valid():
                data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
                try:
                    saved = services.application_update(
                        application=application, actor=request.user, version=form.cleaned_data["version"], data=data
                    )
                except ServiceError as exc:
                    return _save_failed(request, form, exc, application, section)
                return _saved(request, saved, section)
            return _invalid(request, form, application, section)
        form = form_class(instance=application, initial={"version": application.edit_version})
    elif section == "data":
        rows = list(application.year_data.all())
        if request.method == "POST":
            form = YearDataForm(request.POST, years=application.call.data_years, rows=rows)
            if form.is_valid():
                try:
                    saved = services.year_data_update(
                        application=application,
                        actor=request.user,
                        version=form.cleaned_data["version"],
                        rows=form.rows(),
                    )
                except ServiceError as exc:
                    return _save_failed(request, form, exc, application, section)
                return _saved(request, saved, section)
            return _invalid(request, form, application, section)
        form = YearDataForm(years=application.call.data_years, rows=rows, initial={"version": application.edit_version})
    return render(request, "clusters/application_edit.html", _section_context(request, application, section, form=form))


def _saved(request, application, section):
    if _is_xhr(request):
        return JsonResponse(
            {"ok": True, "version": application.edit_version, "saved_at": timezone.localtime().strftime("%H:%M:%S")}
        )
    messages.success(request, f"“{SECTION_TITLES[section]}”已保存。")
    return redirect("clusters:application_edit", pk=application.pk, section=section)


def _invalid(request, form, application, section):
    if _is_xhr(request):
        return JsonResponse({"ok": False, "errors": _error_dict(form.errors)}, status=400)
    messages.error(request, "有内容需要修改，本节未保存。")
    return render(
        request,
        "clusters/application_edit.html",
        _section_context(request, application, section, form=form),
        status=400,
    )


def _save_failed(request, form, exc, application, section):
    from core.exceptions import Conflict

    status = 409 if isinstance(exc, Conflict) else 400
    if _is_xhr(request):
        return JsonResponse({"ok": False, "message": exc.message, "errors": _error_dict(exc.errors)}, status=status)
    for field, errs in exc.errors.items():
        for err in errs:
            form.add_error(field if field in form.fields else None, err)
    if not exc.errors:
        form.add_error(None, exc.message)
    messages.error(request, exc.message)
    return render(
        request,
        "clusters/application_edit.html",
        _section_context(request, application, section, form=form),
        status=status,
    )


def _child_action(request, pk, section, action):
    """Run a roster / list / target / attachment change and come back to the section."""
    application, _visible = _editable_application(request, pk)
    if application is None:
        messages.error(request, "申报当前不可编辑。")
        return redirect("clusters:application_detail", pk=pk)
    try:
        note = action(application)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if note:
            messages.success(request, note)
    return redirect(reverse("clusters:application_edit", args=[application.pk, section]))


@login_required
@require_POST
def enterprise_add(request, pk):
    def action(application):
        form = EnterpriseForm(request.POST)
        if not form.is_valid():
            raise ServiceError(_form_error_summary("企业信息有误", form))
        services.enterprise_add(application=application, actor=request.user, **form.cleaned_data)
        return f"已添加企业“{form.cleaned_data['name']}”。"

    return _child_action(request, pk, "roster", action)


@login_required
@require_POST
def enterprise_remove(request, pk, item_pk):
    return _child_action(
        request,
        pk,
        "roster",
        lambda a: services.enterprise_remove(application=a, actor=request.user, enterprise_id=item_pk) or "已删除。",
    )


@login_required
def roster_template(request, pk):
    selectors.get_application_for_user(user=request.user, pk=pk)
    response = HttpResponse(roster_io.build_template(), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E4%BC%81%E4%B8%9A%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


@login_required
@require_POST
def roster_import(request, pk):
    application, _visible = _editable_application(request, pk)
    if application is None:
        raise Http404
    form = RosterImportForm(request.POST, request.FILES)
    errors = []
    if form.is_valid():
        try:
            count, errors = services.roster_import(
                application=application, actor=request.user, fileobj=form.cleaned_data["file"]
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect("clusters:application_edit", pk=pk, section="roster")
        if not errors:
            messages.success(request, f"已导入 {count} 家企业。")
            return redirect("clusters:application_edit", pk=pk, section="roster")
        messages.error(request, f"导入失败：发现 {len(errors)} 处错误，未导入任何企业。请修改后重新导入。")
    else:
        messages.error(request, "请选择要导入的 Excel 文件。")
    ctx = _section_context(request, application, "roster", import_form=form, import_errors=errors)
    return render(request, "clusters/application_edit.html", ctx, status=400)


@login_required
@require_POST
def list_item_add(request, pk):
    def action(application):
        form = ListItemForm(request.POST)
        if not form.is_valid():
            raise ServiceError(_form_error_summary("条目信息有误", form))
        services.list_item_add(application=application, actor=request.user, **form.cleaned_data)
        return f"已添加“{form.cleaned_data['name']}”。"

    return _child_action(request, pk, "lists", action)


@login_required
@require_POST
def list_item_remove(request, pk, item_pk):
    return _child_action(
        request,
        pk,
        "lists",
        lambda a: services.list_item_remove(application=a, actor=request.user, item_id=item_pk) or "已删除。",
    )


@login_required
@require_POST
def plan_target_add(request, pk):
    def action(application):
        form = PlanTargetForm(request.POST)
        if not form.is_valid():
            raise ServiceError(_form_error_summary("规划目标有误", form))
        services.plan_target_add(application=application, actor=request.user, **form.cleaned_data)
        return f"已添加目标“{form.cleaned_data['indicator']}”。"

    return _child_action(request, pk, "management", action)


@login_required
@require_POST
def plan_target_remove(request, pk, item_pk):
    return _child_action(
        request,
        pk,
        "management",
        lambda a: services.plan_target_remove(application=a, actor=request.user, target_id=item_pk) or "已删除。",
    )


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

    return _child_action(request, pk, section, action)


@login_required
@require_POST
def attachment_remove(request, pk, item_pk):
    section = (
        request.POST.get("section") if request.POST.get("section") in ("management", "attachments") else "attachments"
    )
    return _child_action(
        request,
        pk,
        section,
        lambda a: services.attachment_remove(application=a, actor=request.user, attachment_id=item_pk) or "已移除。",
    )


@login_required
def attachment_download(request, pk, item_pk):
    application = selectors.get_application_for_user(user=request.user, pk=pk)
    attachment = get_object_or_404(application.attachments, pk=item_pk)
    path = services.attachment_path(attachment)
    if not path.exists():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=request.GET.get("inline") != "1",
        filename=attachment.original_name,
        content_type=CONTENT_TYPES.get(attachment.file_type, "application/octet-stream"),
    )


@login_required
def eligibility_panel(request, pk):
    application = selectors.get_application_for_user(user=request.user, pk=pk)
    full = selectors.application_with_sections(application.pk)
    return render(
        request,
        "clusters/_eligibility.html",
        {"results": selectors.evaluate_application(full), "compact": request.GET.get("compact") == "1"},
    )


@login_required
@require_POST
def application_submit(request, pk):
    application, _visible = _editable_application(request, pk)
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
            messages.error(request, exc.message)
        else:
            messages.success(request, "申报已提交至县级主管部门审核。申报书 PDF 正在生成。")
            return redirect("clusters:application_detail", pk=pk)
    else:
        messages.error(request, "提交未完成：请填写每一项未达标说明并勾选承诺。")
    ctx = _section_context(
        request, application, "review", submit_form=form, blockers=services.submission_blockers(full)
    )
    return render(request, "clusters/application_edit.html", ctx, status=400)


@login_required
def application_detail(request, pk):
    application = selectors.get_application_for_user(user=request.user, pk=pk)
    if not permissions.can_view_application(request.user, application):
        raise Http404
    full = selectors.application_with_sections(application.pk)
    versions = list(full.versions.order_by("-number"))
    progress = application_progress(full)
    return render(
        request,
        "clusters/application_detail.html",
        {
            "application": full,
            "results": selectors.evaluate_application(full),
            "history": history_for(full),
            "versions": versions,
            "is_owner": permissions.owns(request.user, full),
            "progress": progress,
            "progress_review": format_duration(progress.review_time),
            "progress_returned": format_duration(progress.returned_time),
            "can_edit": permissions.can_edit_application(request.user, full),
            "can_withdraw": permissions.can_withdraw_application(request.user, full),
            "withdraw_form": WithdrawForm(),
            "list_kinds": ListKind.choices,
        },
    )


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
        messages.error(request, exc.message)
    else:
        messages.success(request, "申报已撤回。")
    return redirect("clusters:application_detail", pk=pk)


@login_required
def version_pdf(request, pk, number):
    application = selectors.get_application_for_user(user=request.user, pk=pk)
    version = get_object_or_404(application.versions, number=number)
    if not version.pdf_name:
        services.version_render_pdf(version=version)
    path = services.pdf_dir() / version.pdf_name
    if not path.exists():
        version.pdf_name = ""
        services.version_render_pdf(version=version)
        path = services.pdf_dir() / version.pdf_name
    filename = f"{application.cluster.name}-{application.call.year}年度申报书-第{version.number}版.pdf"
    return FileResponse(
        path.open("rb"),
        as_attachment=request.GET.get("inline") != "1",
        filename=filename,
        content_type="application/pdf",
    )


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
