"""The province's expert pool: list and its Excel export, Excel import, create, edit, conflicts of interest. The
assignment page of a call is `views.assignments`."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import province_required
from core.excel import XLSX_TYPE, Column, Sheet, xlsx_response
from core.exceptions import ServiceError
from core.forms import message_service_error
from core.services import audit
from core.validators import mask_phone

from .. import selectors, services
from ..constants import AssignmentStatus
from ..filters import ExpertPoolFilter
from ..forms.experts import ConflictForm, ExpertForm
from ..models import Assignment, ExpertConflict, ExpertProfile
from ..services import expert_import as importer
from .common import form_status

EXPERT_POOL_PAGE_SIZE = 25


@province_required
def expert_pool(request):
    """25 experts a page, read as plain values; each page's specialities and active loads are read for its ids
    only (counting every expert's assignments to show 25 of them cost most of the page)."""
    flt = ExpertPoolFilter(request.GET or None, queryset=ExpertProfile.objects.all())
    qs = flt.qs.order_by("user__full_name", "pk")  # no join can repeat an expert (see ExpertPoolFilter)
    if request.GET.get("format") == "xlsx":
        return _expert_pool_xlsx(request, flt, qs)
    page = Paginator(qs.values(*POOL_FIELDS), EXPERT_POOL_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _pool_rows(list(page.object_list))
    query = request.GET.copy()
    for key in ("page", "format"):
        query.pop(key, None)
    query["format"] = "xlsx"
    return render(
        request, "reviews/province/expert_pool.html", {"filter": flt, "page": page, "export_query": query.urlencode()}
    )


POOL_FIELDS = (
    "pk",
    "title",
    "keywords",
    "active",
    "max_assignments",
    "user__username",
    "user__full_name",
    "user__phone",
    "user__organisation__name",
    "city__name",
)


def _pool_rows(values) -> list[dict]:
    """The experts (`values` of POOL_FIELDS, in order) as the pool shows them, with their specialities and active
    assignments (all calls) read in two more queries whatever their number."""
    ids = [r["pk"] for r in values]
    tags = {pk: [] for pk in ids}
    through = ExpertProfile.specialities.through.objects.filter(expertprofile_id__in=ids)
    for pk, name in through.order_by("industrytag__kind", "industrytag__order", "industrytag_id").values_list(
        "expertprofile_id", "industrytag__name"
    ):
        tags[pk].append(name)
    loads = dict(
        Assignment.objects.filter(expert_id__in=ids, status=AssignmentStatus.ACTIVE)
        .values("expert_id")
        .annotate(n=Count("pk"))
        .values_list("expert_id", "n")
    )
    out = []
    for r in values:
        pk = r["pk"]
        out.append(
            {
                "pk": pk,
                "name": r["user__full_name"] or r["user__username"],
                "username": r["user__username"],
                "title": r["title"],
                "organisation": r["user__organisation__name"] or "",
                "city": r["city__name"],
                "specialities": tags[pk],
                "keywords": r["keywords"],
                "phone": mask_phone(r["user__phone"]),
                "active": r["active"],
                "active_load": loads.get(pk, 0),
                "max_assignments": r["max_assignments"],
            }
        )
    return out


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
            e["name"],
            e["username"],
            e["title"],
            e["organisation"],
            e["city"],
            "、".join(e["specialities"]),
            e["keywords"],
            e["phone"],
            "已启用" if e["active"] else "已停用",
            e["active_load"],
            e["max_assignments"],
        ]
        for e in _pool_rows(list(qs.values(*POOL_FIELDS)))
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
