"""The province's pages: cities' status and missing clusters, early warnings, revocation proposals, the reporting
calendar and the import of clusters certified before the portal."""

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.decorators import role_required
from clusters.models import CertificationSource
from core.excel import XLSX_TYPE
from core.exceptions import ServiceError
from core.forms import apply_service_error

from .. import permissions, selectors, services
from ..constants import RevocationGround, RevocationStatus
from ..deadlines import current_report_year, deadlines_for, deadlines_map
from ..forms import CalendarForm, ImportForm, PolicyForm
from ..policy import policy_for, regulation_end_date, regulation_warning
from . import exports
from .common import counted_page, page_of, province_only, year_param


def _year_or_404(year: int) -> int:
    if not 2022 <= year <= 2100:
        raise Http404
    return year


@province_only
@require_GET
def province_overview(request, year):
    year = _year_or_404(year)
    today = timezone.localdate()
    deadlines = deadlines_for(year)
    figures = selectors.province_figures(year)
    cities = selectors.province_city_status(year, today, deadlines, counts=figures["city_counts"])
    missing = counted_page(request, selectors.missing_certifications(year))
    sources = dict(CertificationSource.choices)
    for row in missing:
        row["source_label"] = sources.get(row["source"], row["source"])
    totals = {
        "owing": sum(r["owing"] for r in cities),
        "reported": sum(r["reported"] for r in cities),
        "cities_submitted": sum(1 for r in cities if r["status"] in ("on_time", "late")),
        "cities_owing": sum(1 for r in cities if r["owing"]),
    }
    return render(
        request,
        "monitoring/province_overview.html",
        {
            "year": year,
            "deadlines": deadlines,
            "cities": cities,
            "page": missing,
            "totals": totals,
            "warnings": selectors.indexed_warning_count(figures["warnings"], user=request.user),
            "proposals": selectors.revocation_cases(year=year).count(),
            "years": list(range(current_report_year(today), 2022, -1)),
            "today": today,
        },
    )


@role_required(lambda u: permissions.is_province(u) or permissions.is_city(u))
@require_GET
def warning_list(request):
    """Early warning: the year's reported figures below an Art. 6 threshold, or plan targets behind schedule (the
    province: every cluster; a city: its own)."""
    year = year_param(request, current_report_year())
    if request.GET.get("format") == "xlsx":
        # Every row, computed afresh (not from the cache the page is read through).
        rows = selectors.warning_rows(selectors.warning_values(year, user=request.user))
        return exports.warnings_xlsx(rows, year)
    index = selectors.warning_index(year)
    page = counted_page(request, selectors.indexed_warning_values(index, user=request.user))
    page.object_list = selectors.warning_rows(page.object_list, behind=index["behind"])
    return render(
        request,
        "monitoring/warning_list.html",
        {
            "year": year,
            "page": page,
            "years": list(range(current_report_year(), 2022, -1)),
            "is_province": permissions.is_province(request.user),
        },
    )


@province_only
@require_GET
def revocation_list(request):
    ground = request.GET.get("ground", "")
    if ground not in RevocationGround.values:
        ground = ""
    status = request.GET.get("status", "")
    if status not in RevocationStatus.values:
        status = ""
    cases = selectors.revocation_cases(ground=ground, status=status)
    if request.GET.get("format") == "xlsx":
        return exports.revocations_xlsx(cases, ground=ground, status=status)
    page = page_of(request, cases)
    return render(
        request,
        "monitoring/revocation_list.html",
        {
            "page": page,
            "ground": ground,
            "grounds": RevocationGround.choices,
            "status": status,
            "statuses": RevocationStatus.choices,
        },
    )


@province_only
def calendar(request):
    today = timezone.localdate()
    current = current_report_year(today)
    form = CalendarForm(request.POST or None, initial=_calendar_initial(request, current))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = services.calendar_set(
                actor=request.user,
                report_year=data["report_year"],
                cluster_due=data["cluster_due"],
                city_due=data["city_due"],
                basis=data.get("basis", ""),
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"{row.report_year}年度报送时间已保存。")
            return redirect("monitoring:calendar")
    years = list(range(current + 1, current - 4, -1))
    return render(
        request,
        "monitoring/calendar.html",
        {"form": form, "rows": [deadlines_map(years)[y] for y in years], "current": current},
    )


def _calendar_initial(request, current):
    try:
        year = int(request.GET.get("year", current))
    except ValueError:
        year = current
    d = deadlines_for(year) if 2022 <= year <= 2100 else deadlines_for(current)
    return {"report_year": d.report_year, "cluster_due": d.cluster_due, "city_due": d.city_due, "basis": d.basis}


@province_only
def import_page(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    result, errors = None, []
    if request.method == "POST" and form.is_valid():
        result, errors = services.import_certifications(actor=request.user, fileobj=form.cleaned_data["file"])
        if result is not None:
            messages.success(
                request,
                f"已导入 {len(result.certifications)} 个认定集群，发出账号邀请 {len(result.invitations)} 个。",
            )
        else:
            messages.error(request, f"文件有 {len(errors)} 处问题，全部行均未导入。请修改后重新上传。")
    return render(
        request,
        "monitoring/import.html",
        {"form": form, "result": result, "errors": errors},
        status=400 if errors else 200,
    )


@province_only
@require_GET
def import_template(request):
    response = HttpResponse(services.template_workbook(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('认定集群导入模板.xlsx')}"
    response["Cache-Control"] = "private, no-store"
    return response


@province_only
def policy(request):
    """The lifecycle policy of a year (复核工作安排): expiring lead, grace period, the re-review route."""
    today = timezone.localdate()
    year = year_param(request, today.year)
    current = policy_for(year)
    initial = {f: getattr(current, f) for f in ("expiring_lead_months", "rereview_grace_days", "basis")}
    initial.update(year=year, county_opinion=current.county_opinion, city_opinion=current.city_opinion)
    initial["expert_review"] = current.expert_review
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            row = services.policy_set(actor=request.user, **data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"{row.year}年度复核工作安排已保存。")
            return redirect(f"{request.path}?year={row.year}")
    years = list(range(today.year + 1, today.year - 3, -1))
    return render(
        request,
        "monitoring/policy.html",
        {
            "form": form,
            "rows": [policy_for(y) for y in years],
            "regulation_end": regulation_end_date(),
            "regulation_warning": regulation_warning(today),
        },
        status=400 if request.method == "POST" else 200,
    )
