"""The province's expert pool (list and its Excel export, Excel import, create, edit, conflicts of interest) and the
assignment page of a call (manual assignment, revocation and automatic assignment)."""

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import province_required
from clusters.constants import ApplicationState
from clusters.models import Application
from core.excel import XLSX_TYPE, Column, Sheet, xlsx_response
from core.exceptions import ServiceError
from core.forms import apply_service_error, message_service_error
from core.services import audit
from core.validators import mask_phone

from .. import selectors, services
from ..constants import AssignmentStatus
from ..filters import ExpertPoolFilter
from ..forms.experts import AssignForm, AutoAssignForm, ConflictForm, ExpertForm, UnassignForm, expert_choice_label
from ..models import Assignment, ExpertConflict
from ..services import expert_import as importer
from .common import call_or_404, form_status

S = ApplicationState


@province_required
def expert_pool(request):
    base = selectors.expert_pool().annotate(
        active_load=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ACTIVE), distinct=True)
    )
    flt = ExpertPoolFilter(request.GET or None, queryset=base)
    qs = flt.qs.distinct().order_by("user__full_name", "pk")
    if request.GET.get("format") == "xlsx":
        return _expert_pool_xlsx(request, flt, qs)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    for key in ("page", "format"):
        query.pop(key, None)
    query["format"] = "xlsx"
    return render(
        request, "reviews/province/expert_pool.html", {"filter": flt, "page": page, "export_query": query.urlencode()}
    )


EXPERT_COLUMNS = [
    Column("姓名", 10),
    Column("用户名", 16),
    Column("职称/职务", 14),
    Column("工作单位", 28),
    Column("所在设区市", 11),
    Column("专业领域", 24),
    Column("专业关键词", 24),
    Column("手机号（部分隐藏）", 15),
    Column("状态", 8),
    Column("有效任务（各批次合计）", 12, "int"),
    Column("每批次上限", 10, "int"),
]


def _filter_text(flt) -> dict:
    """The filters as the page shows them: {label: chosen value in words}."""
    form = flt.form
    if not form.is_valid():
        return {}
    out = {}
    for name, value in form.cleaned_data.items():
        if value in (None, ""):
            continue
        field = form.fields[name]
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        out[str(field.label)] = str(value)
    return out


def _expert_pool_xlsx(request, flt, qs):
    """The rows of the page, every page at once, with the page's masking (phones partly hidden)."""
    rows = [
        [
            e.user.display_name,
            e.user.username,
            e.title,
            e.user.organisation.name if e.user.organisation_id else "",
            e.city.name,
            "、".join(t.name for t in e.specialities.all()),
            e.keywords,
            mask_phone(e.user.phone),
            "已启用" if e.active else "已停用",
            e.active_load,
            e.max_assignments,
        ]
        for e in qs
    ]
    filters = _filter_text(flt)
    audit("export", user=request.user, detail=f"专家库（{len(rows)}行）；筛选：{filters or '全部'}"[:500])
    return xlsx_response(
        "专家库.xlsx",
        [
            Sheet(
                "专家库",
                EXPERT_COLUMNS,
                rows,
                title="江苏省中小企业特色产业集群评审专家库",
                filters=filters or {"范围": "全部"},
            )
        ],
    )


@province_required
def expert_import(request):
    """Upload the filled-in template: every row is checked first, then all are added or updated, or none."""
    errors = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [importer.RowError(0, "文件", "请选择要导入的 Excel 文件。")]
        else:
            result = importer.import_experts(fileobj=upload, actor=request.user)
            errors = result.errors
            if not errors:
                invited = f"已向 {result.invited} 名新专家发送设置密码的邀请邮件。" if result.invited else ""
                messages.success(
                    request, f"专家库导入完成：新增 {len(result.created)} 名，更新 {len(result.updated)} 名。{invited}"
                )
                return redirect("reviews:expert_pool")
        messages.error(request, "未导入任何专家，请按下表修改后重新上传。")
    return render(
        request,
        "reviews/province/expert_import.html",
        {"errors": errors, "columns": importer.COLUMNS, "max_rows": importer.MAX_ROWS},
        status=400 if errors else 200,
    )


@province_required
def expert_import_template(request):
    response = HttpResponse(importer.build_template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        "attachment; filename*=UTF-8''%E4%B8%93%E5%AE%B6%E5%BA%93%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@province_required
def expert_create(request):
    form = ExpertForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            profile = form.save(actor=request.user)
            messages.success(request, f"已将 {profile.user.display_name} 加入专家库。")
            return redirect("reviews:expert_edit", pk=profile.pk)
        messages.error(request, "专家信息有误，请按提示修改。")
    return render(
        request, "reviews/province/expert_form.html", {"form": form, "profile": None}, status=form_status(form)
    )


def _profile(pk):
    return get_object_or_404(selectors.expert_pool(), pk=pk)


@province_required
def expert_edit(request, pk):
    profile = _profile(pk)
    form = ExpertForm(request.POST or None, profile=profile)
    if request.method == "POST":
        if form.is_valid():
            form.save(actor=request.user)
            messages.success(request, f"已保存 {profile.user.display_name} 的专家信息。")
            return redirect("reviews:expert_edit", pk=profile.pk)
        messages.error(request, "专家信息有误，请按提示修改。")
    return _expert_edit_page(request, profile, form=form, conflict_form=ConflictForm(auto_id="id_conflict_%s"))


def _expert_edit_page(request, profile, *, form, conflict_form):
    conflicts = profile.conflicts.select_related("cluster__division", "organisation").order_by("-declared_at")
    assignments = profile.assignments.select_related(
        "application__cluster__division__parent", "application__call", "sheet"
    ).order_by("-assigned_at")[:20]
    return render(
        request,
        "reviews/province/expert_form.html",
        {
            "form": form,
            "profile": profile,
            "conflict_form": conflict_form,
            "conflicts": conflicts,
            "assignments": assignments,
        },
        status=form_status(form, conflict_form),
    )


@province_required
@require_POST
def expert_conflict_add(request, pk):
    profile = _profile(pk)
    conflict_form = ConflictForm(request.POST, auto_id="id_conflict_%s")
    if conflict_form.is_valid():
        conflict_form.save(profile, actor=request.user)
        messages.success(request, "已记录利益冲突，今后分配时将自动回避。")
        return redirect("reviews:expert_edit", pk=profile.pk)
    messages.error(request, "利益冲突信息有误，请按提示修改。")
    return _expert_edit_page(request, profile, form=ExpertForm(profile=profile), conflict_form=conflict_form)


@province_required
@require_POST
def expert_conflict_remove(request, pk, conflict_pk):
    profile = _profile(pk)
    conflict = get_object_or_404(ExpertConflict, pk=conflict_pk, expert=profile, withdrawn_at__isnull=True)
    try:
        services.expert_conflict_withdraw(actor=request.user, conflict=conflict)
    except ServiceError as exc:  # withdrawn meanwhile by another member of staff
        message_service_error(request, exc)
    else:
        messages.success(request, f"已撤回利益冲突记录：{conflict.reason}")
    return redirect("reviews:expert_edit", pk=profile.pk)


# ---------------------------------------------------------------- assignment


@province_required
def assignments(request, call_pk):
    call = call_or_404(call_pk)
    experts = list(_expert_choices(call))
    assign_forms, unassign_forms, report = {}, {}, None
    auto_form = AutoAssignForm(initial={"per_application": call.experts_per_application})
    bad = False
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "assign":
            assign_forms = _post_assign(request, call, experts)
        elif action == "unassign":
            unassign_forms = _post_unassign(request, call)
        elif action == "auto":
            auto_form = AutoAssignForm(request.POST)
            if auto_form.is_valid():
                try:
                    result = services.auto_assign(
                        call=call, actor=request.user, per_application=auto_form.cleaned_data["per_application"]
                    )
                except ServiceError as exc:
                    apply_service_error(auto_form, exc)
                    messages.error(request, exc.message)
                else:
                    report = _auto_report(result)
                    n = sum(len(names) for _pk, _name, names in report["assigned"])
                    messages.success(request, f"自动分配完成：新分配 {n} 人次。")
            else:
                messages.error(request, "请填写 1 至 15 的专家人数。")
        else:
            messages.error(request, "未知的操作。")
            bad = True
        bad = bad or bool(auto_form.errors) or bool(assign_forms) or bool(unassign_forms)
        if not bad and report is None:
            return redirect(request.get_full_path())
        if report is not None:  # the loads shown in the picker changed
            experts = list(_expert_choices(call))

    apps = selectors.applications_in(call, S.EXPERT_REVIEW).prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(status=AssignmentStatus.ACTIVE)
            .select_related("expert__user__organisation", "expert__city", "sheet")
            .order_by("assigned_at", "pk"),
            to_attr="active_assignments",
        )
    )
    page = Paginator(apps, 20).get_page(request.GET.get("page"))
    rows = []
    for app in page:
        for a in app.active_assignments:
            a.unassign_form = unassign_forms.get(a.pk) or UnassignForm(
                initial={"assignment": a.pk}, auto_id=f"id_u{a.pk}_%s"
            )
        rows.append(
            {
                "application": app,
                "assignments": app.active_assignments,
                # Only a refused assignment has a form to show (its typed value and error); every other row's
                # picker is plain markup, so that the page does not build one form per row.
                "assign_form": assign_forms.get(app.pk),
                "missing": max(0, call.experts_per_application - len(app.active_assignments)),
            }
        )
    return render(
        request,
        "reviews/province/assignments.html",
        {
            "call": call,
            "page": page,
            "rows": rows,
            # One shared <datalist> of the pool for every row's picker: the page grows with rows + experts,
            # not rows × experts (a <select> per row was 0.7 MB at 305 experts).
            "expert_options": [_picker_value(e) for e in experts],
            "auto_form": auto_form,
            "report": report,
        },
        status=400 if bad else 200,
    )


def _expert_choices(call):
    """Active experts with their load in this call, for the manual assignment picker (one query)."""
    return (
        selectors.expert_pool()
        .filter(active=True)
        .annotate(
            call_load=Count(
                "assignments",
                filter=Q(assignments__status=AssignmentStatus.ACTIVE, assignments__application__call=call),
                distinct=True,
            )
        )
        .order_by("city_id", "user__full_name", "pk")
    )


PICKER_NUMBER = "编号"
_PICKER_NUMBER_RE = re.compile(rf"{PICKER_NUMBER}\s*(\d+)")


def _picker_value(profile) -> str:
    """What the picker offers and sends back for an expert: their label, ending with the profile's number (which
    is all the server reads, so the name and the load may be out of date by the time the form is posted)."""
    return f"{expert_choice_label(profile)} {PICKER_NUMBER} {profile.pk}"


def _picked_expert(raw: str, experts) -> str:
    """The expert's id in what the picker posted: a bare id, a picker value ending in "编号 <id>", or a name
    typed in full that only one active expert has. Anything else is returned as typed, for the form to refuse."""
    raw = (raw or "").strip()
    if raw.isdigit():
        return raw
    found = _PICKER_NUMBER_RE.findall(raw)
    if found:
        return found[-1]
    named = [e.pk for e in experts if e.user.display_name == raw]
    return str(named[0]) if len(named) == 1 else raw


def _post_assign(request, call, experts) -> dict:
    """{application pk: the bound form with its errors} on a refusal; {} when assigned."""
    app_pk = request.POST.get("application", "")
    application = None
    if app_pk.isdigit():
        application = selectors.applications_in(call, S.EXPERT_REVIEW).filter(pk=int(app_pk)).first()
    if application is None:
        messages.error(request, "该申报不在本批次的专家评审环节，未分配。")
        return {0: None}  # nothing to show next to a row; the page still answers 400
    by_pk = {e.pk: e for e in experts}
    data = request.POST.copy()
    typed = data.get("expert", "")
    data["expert"] = _picked_expert(typed, experts)
    form = AssignForm(data, expert_choices=[(pk, "") for pk in by_pk], auto_id=f"id_a{application.pk}_%s")
    form.typed = typed  # shown again in the row's picker, as the user left it
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return {application.pk: form}
    expert = by_pk[form.cleaned_data["expert"]]
    try:
        services.expert_assign(application=application, expert=expert, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
        form.add_error("expert", exc.message)
        return {application.pk: form}
    messages.success(request, f"已分配 {expert} 评审 {application.cluster.name}。")
    return {}


def _post_unassign(request, call) -> dict:
    pk = request.POST.get("assignment", "")
    assignment = None
    if pk.isdigit():
        assignment = (
            Assignment.objects.filter(pk=int(pk), application__call=call)
            .select_related("expert__user", "application__cluster")
            .first()
        )
    if assignment is None:
        raise Http404
    form = UnassignForm(request.POST, auto_id=f"id_u{assignment.pk}_%s")
    if not form.is_valid():
        messages.error(request, "请填写撤销原因。")
        return {assignment.pk: form}
    try:
        services.expert_unassign(assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, exc.message)
        form.add_error("reason", exc.message)
        return {assignment.pk: form}
    messages.success(request, f"已撤销 {assignment.expert} 对 {assignment.application.cluster.name} 的评审分配。")
    return {}


def _auto_report(report):
    ids = set(report["assigned"]) | set(report["shortfalls"])
    names = dict(Application.objects.filter(pk__in=ids).values_list("pk", "cluster__name"))
    return {
        "assigned": [(pk, names.get(pk, pk), experts) for pk, experts in sorted(report["assigned"].items())],
        "shortfalls": [(pk, names.get(pk, pk), n) for pk, n in sorted(report["shortfalls"].items())],
    }
