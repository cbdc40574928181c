"""The city's information table (年度培育情况信息表): the table, remarks, submission, Excel and PDF; the
province's return."""

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.constants import DivisionLevel
from accounts.models import Division
from core.excel import Column, Sheet, xlsx_response
from core.exceptions import Conflict, ServiceError
from core.forms import message_service_error
from core.transitions import history_for

from .. import permissions, selectors, services
from ..constants import CitySubmissionState
from ..deadlines import deadlines_for
from ..forms import CitySubmissionForm, ReturnForm
from ..indicators import figure_label
from ..models import FIGURE_FIELDS
from .common import monitoring_required

C = CitySubmissionState


def _city(request, code, year):
    """The city if the user may see its table (the page's predicate, for every URL under it)."""
    if not (2022 <= int(year) <= 2100) or not permissions.can_view_city(request.user, code):
        raise Http404
    return get_object_or_404(Division, code=code, level=DivisionLevel.CITY)


def _table(city, year, version_number=None):
    """(rows, submission, version shown or None, frozen?) — the frozen table of a submitted (or requested)
    version, otherwise the live table built from the reports."""
    deadlines = deadlines_for(year)
    sub = selectors.city_submission_for(city.code, year)
    versions = sorted(sub.versions.all(), key=lambda v: v.number) if sub else []
    version = None
    if version_number is not None:
        version = next((v for v in versions if v.number == version_number), None)
        if version is None:
            raise Http404
    elif sub is not None and sub.state == C.SUBMITTED and versions:
        version = versions[-1]
    if version is not None:
        return version.rows, sub, versions, version, deadlines
    return selectors.city_table(city.code, year, deadlines), sub, versions, None, deadlines


def _version_param(request):
    value = request.GET.get("version")
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise Http404 from None


@monitoring_required
def city_submission(request, code, year):
    city = _city(request, code, year)
    rows, sub, versions, version, deadlines = _table(city, year, _version_param(request))
    can_edit = sub is None or permissions.can_edit_city_submission(request.user, sub)
    can_edit = can_edit and permissions.is_city(request.user)
    form = CitySubmissionForm(
        initial={"remarks": sub.remarks if sub else "", "version": sub.edit_version if sub else None}
    )
    if request.method == "POST":
        if not can_edit:
            messages.error(request, "信息表已报送省厅，不能修改；如需更正，请联系省工业和信息化厅退回。")
            return redirect("monitoring:city_submission", code=code, year=year)
        form = CitySubmissionForm(request.POST)
        if form.is_valid():
            try:
                services.city_submission_save(
                    actor=request.user,
                    report_year=year,
                    remarks=form.cleaned_data["remarks"],
                    version=form.cleaned_data.get("version"),
                )
            except ServiceError as exc:
                message_service_error(request, exc)
            else:
                messages.success(request, "意见和说明已保存（尚未报送）。")
                return redirect("monitoring:city_submission", code=code, year=year)
    missing = [r for r in rows if r["missing"]]
    return render(
        request,
        "monitoring/city_submission.html",
        {
            "city": city,
            "year": year,
            "deadlines": deadlines,
            "rows": rows,
            "missing": missing,
            "submission": sub,
            "versions": versions,
            "version": version,
            "frozen": version is not None,
            "form": form,
            "can_edit": can_edit,
            "can_return": sub is not None and permissions.can_return_city_submission(request.user, sub),
            "return_form": ReturnForm(),
            "history": history_for(sub) if sub else [],
            "figure_labels": [figure_label(n) for n in FIGURE_FIELDS],
            "figure_fields": FIGURE_FIELDS,
            "years": list(range(timezone.localdate().year - 1, 2022, -1)),
            "today": timezone.localdate(),
            "city_late": bool(sub and sub.first_submitted_at and sub.first_submitted_at >= deadlines.city_due_end),
        },
    )


@monitoring_required
@require_POST
def city_submit(request, code, year):
    city = _city(request, code, year)
    form = CitySubmissionForm(request.POST)
    form.is_valid()
    try:
        services.city_submission_submit(
            actor=request.user,
            report_year=year,
            remarks=form.cleaned_data.get("remarks", ""),
            version=form.cleaned_data.get("version"),
        )
    except Conflict as exc:
        message_service_error(request, exc)
    except ServiceError as exc:
        message_service_error(request, exc)
    else:
        messages.success(request, f"{city.name}{year}年度集群培育情况信息表已报送省工业和信息化厅。")
    return redirect("monitoring:city_submission", code=code, year=year)


@monitoring_required
@require_POST
def city_return(request, code, year):
    _city(request, code, year)
    sub = selectors.city_submission_for(code, year)
    if sub is None:
        raise Http404
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写退回原因。")
    else:
        try:
            services.city_submission_return(actor=request.user, submission=sub, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            message_service_error(request, exc)
        else:
            messages.success(request, "已退回设区市，设区市将收到退回原因并重新报送。")
    return redirect("monitoring:city_submission", code=code, year=year)


def _title(city, year) -> str:
    return f"{city.name}{year}年度江苏省中小企业特色产业集群培育情况信息表"


def _decimal(text):
    from decimal import Decimal, InvalidOperation

    if text in (None, ""):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


@monitoring_required
@require_GET
def city_xlsx(request, code, year):
    city = _city(request, code, year)
    rows, sub, _versions, version, deadlines = _table(city, year, _version_param(request))
    kinds = {"invention_patents": "int", "employees": "int", "co2_intensity": "decimal"}
    columns = [
        Column("序号", 6, "int"),
        Column("集群名称", 30),
        Column("所在县（市、区）", 14),
        Column("主导产业", 14),
        Column("证书编号", 18),
        Column("报告状态", 12),
        Column("提交时间", 18),
        Column("是否逾期提交", 10),
        *[Column(figure_label(n), 16, kinds.get(n, "wan")) for n in FIGURE_FIELDS],
        Column("规划目标完成", 14),
        Column("预警项", 24),
        Column("备注", 16),
    ]
    data = [
        [
            r["no"],
            r["cluster"],
            r["county"],
            r["lead_industry"],
            r["certificate"],
            r["state_label"],
            r["submitted_at"][:16].replace("T", " ") if r["submitted_at"] else "",
            "是" if r["late"] else "否",
            *[_decimal(r["figures"].get(n)) for n in FIGURE_FIELDS],
            r["plan"],
            r["flags"],
            "未报送" if r["missing"] else "",
        ]
        for r in rows
    ]
    if version is not None:
        status = f"第{version.number}次报送（{timezone.localtime(version.created_at):%Y-%m-%d %H:%M}）"
        remarks = version.remarks
    else:
        status = "预览（尚未报送）"
        remarks = sub.remarks if sub else ""
    note = f"状态：{status}；报送截止日期：{deadlines.city_due:%Y-%m-%d}；共 {len(rows)} 个集群，未报送 {sum(1 for r in rows if r['missing'])} 个。"
    if remarks:
        note += f"设区市意见和说明：{remarks}"
    sheet = Sheet(f"{year}年度信息表", columns, data, title=_title(city, year), note=note)
    return xlsx_response(f"{_title(city, year)}.xlsx", [sheet])


@monitoring_required
@require_GET
def city_pdf(request, code, year):
    from core.pdf import render_pdf

    city = _city(request, code, year)
    rows, sub, _versions, version, deadlines = _table(city, year, _version_param(request))
    content = render_pdf(
        "monitoring/pdf/city_table.html",
        {
            "title": _title(city, year),
            "city": city,
            "year": year,
            "rows": rows,
            "version": version,
            "submission": sub,
            "remarks": version.remarks if version else (sub.remarks if sub else ""),
            "deadlines": deadlines,
            "figure_labels": [figure_label(n) for n in FIGURE_FIELDS],
            "figure_fields": FIGURE_FIELDS,
            "generated_at": timezone.localtime(),
        },
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(_title(city, year) + '.pdf')}"
    response["Cache-Control"] = "private, no-store"
    return response
