"""Key support (重点支持) and the national recommendation (推荐申报国家级, Art. 13): the province marks and selects;
a city sees its own clusters' marks; the recommendation's package is built by a task and downloaded by the
province only (audited)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.excel import Column, Sheet, xlsx_response
from core.exceptions import ServiceError
from core.forms import apply_service_error, message_service_error
from core.services import audit
from core.storage import serve
from core.transitions import history_for

from .. import permissions, selectors, services
from ..forms import KeySupportForm, RecommendationAddForm, RecommendationOpenForm, RemoveForm, UnmarkForm
from .common import page_of, province_only
from .dashboard import _int_param, dashboard_required

# ---------------------------------------------------------------- key support


def _support_year(request) -> int:
    return _int_param(request, "year", timezone.localdate().year, low=2023)


@dashboard_required
def key_support_list(request):
    """The year's key-support clusters (a city: its own); province staff mark more here."""
    year = _support_year(request)
    province = permissions.can_manage_programme(request.user)
    form = None
    if province:
        form = KeySupportForm(
            request.POST or None, certifications=selectors.certifications_in_force(), initial={"year": year}
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                mark = services.key_support_mark(
                    actor=request.user, certification=data["certification"], year=data["year"], reason=data["reason"]
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, f"已将{mark.cluster.name}列为{mark.year}年度重点支持集群。")
                return redirect(f"{request.path}?year={mark.year}")
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "monitoring/key_support_list.html",
        {
            "year": year,
            "page": page_of(request, selectors.key_supports(request.user, year)),
            "form": form,
            "unmark_form": UnmarkForm(),
            "years": list(range(timezone.localdate().year + 1, 2022, -1)),
        },
        status=400 if request.method == "POST" else 200,
    )


@province_only
@require_POST
def key_support_unmark(request, pk):
    mark = selectors.get_key_support_for_province(pk)
    form = UnmarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写取消重点支持的理由。")
    else:
        try:
            services.key_support_unmark(actor=request.user, mark=mark, reason=form.cleaned_data["unmark_reason"])
        except ServiceError as exc:
            message_service_error(request, exc)
        else:
            messages.success(request, f"已取消{mark.cluster.name}的{mark.year}年度重点支持，记录保留。")
    return redirect(f"{reverse('monitoring:key_support_list')}?year={mark.year}")


@dashboard_required
@require_GET
def key_support_xlsx(request):
    year = _support_year(request)
    marks = list(selectors.key_supports(request.user, year))
    rows = [
        [
            m.cluster.name,
            m.cluster.division.parent.name if m.cluster.division.parent_id else "",
            m.cluster.division.name,
            m.cluster.lead_industry,
            m.certification.number,
            m.year,
            m.reason,
            m.marked_by.display_name,
            m.marked_at,
        ]
        for m in marks
    ]
    columns = [
        Column("集群名称", 30),
        Column("设区市", 10),
        Column("县（市、区）", 12),
        Column("主导产业", 16),
        Column("证书编号", 20),
        Column("支持年度", 10, "int"),
        Column("支持理由", 40),
        Column("标记人", 12),
        Column("标记时间", 18, "datetime"),
    ]
    scope = "江苏省" if permissions.is_province(request.user) else request.user.division.name
    title = f"{year}年度重点支持集群"
    audit("export", user=request.user, detail=f"{title}（{len(rows)}行）；范围：{scope}")
    return xlsx_response(
        f"{title}.xlsx", [Sheet(title, columns, rows, title=f"{scope}{title}", filters={"范围": scope, "年度": year})]
    )


# ---------------------------------------------------------------- the national recommendation


@province_only
def recommendation_list(request):
    form = RecommendationOpenForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            rec = services.recommendation_open(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            return redirect("monitoring:recommendation_detail", pk=rec.pk)
    return render(
        request,
        "monitoring/recommendation_list.html",
        {"form": form, "recommendations": selectors.recommendation_list()},
        status=400 if request.method == "POST" else 200,
    )


@province_only
def recommendation_detail(request, pk):
    rec = selectors.recommendation_with_items(pk)
    form = RecommendationAddForm(request.POST or None, certifications=selectors.certifications_in_force())
    if request.method == "POST" and form.is_valid():
        try:
            item = services.recommendation_add(
                actor=request.user,
                recommendation=rec,
                certification=form.cleaned_data["certification"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"已将{item.cluster.name}选入推荐名单。")
            return redirect("monitoring:recommendation_detail", pk=rec.pk)
    return render(
        request,
        "monitoring/recommendation_detail.html",
        {
            "rec": rec,
            "items": list(selectors.recommendation_items(rec)),
            "form": form,
            "remove_form": RemoveForm(),
            "history": history_for(rec),
            "can_edit": permissions.can_edit_recommendation(request.user, rec),
            "can_assemble": permissions.can_assemble_recommendation(request.user, rec),
            "can_download": permissions.can_download_recommendation(request.user, rec),
            "stale": permissions.package_is_stale(rec),
        },
        status=400 if request.method == "POST" else 200,
    )


@province_only
@require_POST
def recommendation_remove(request, pk, item_pk):
    rec = selectors.recommendation_with_items(pk)
    item = selectors.get_recommendation_item(rec, item_pk)
    form = RemoveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.recommendation_remove(actor=request.user, item=item, reason=reason)
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, f"已将{item.cluster.name}移出推荐名单，记录保留。")
    return redirect("monitoring:recommendation_detail", pk=rec.pk)


@province_only
@require_POST
def recommendation_assemble(request, pk):
    rec = selectors.recommendation_with_items(pk)
    try:
        services.recommendation_assemble(actor=request.user, recommendation=rec)
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, "推荐材料正在生成，完成后可在本页下载。")
    return redirect("monitoring:recommendation_detail", pk=rec.pk)


@province_only
@require_GET
def recommendation_summary_xlsx(request, pk):
    rec = selectors.recommendation_with_items(pk)
    sheet = services.summary_sheet(rec, list(selectors.recommendation_items(rec)))
    audit("export", user=request.user, obj=rec, detail=f"推荐汇总表（{len(sheet.rows)}行）")
    return xlsx_response(f"{rec.year}年度推荐申报国家级集群汇总表.xlsx", [sheet])


@province_only
@require_GET
def recommendation_package(request, pk):
    rec = selectors.recommendation_with_items(pk)
    if not permissions.can_download_recommendation(request.user, rec):
        raise Http404
    audit("download", user=request.user, obj=rec, detail=f"推荐材料包 SHA-256 {rec.package_sha256}")
    return serve(rec.package, filename=rec.package_filename, file_type="zip", inline=False)
