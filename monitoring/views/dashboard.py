"""The programme dashboard (Arts. 5, 12, 13, 14): the province sees the whole programme, a city its own clusters.
Every number links to the list of the items it counts (views.dashboard_lists); every table exports to Excel with
the filters applied, and each export is audited. Charts are ECharts (static/js/dashboard.js, data by json_script)."""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.decorators import role_required
from core.excel import Column, Sheet, xlsx_response
from core.exceptions import ServiceError
from core.forms import apply_service_error
from core.services import audit

from .. import permissions, selectors, services
from ..deadlines import current_report_year, deadlines_for
from ..forms import ProgrammeTargetForm
from .common import province_only, year_param

dashboard_required = role_required(permissions.can_view_dashboard)
WAN_PER_YI = Decimal(10000)


def _int_param(request, name, default, low=2000, high=2100) -> int:
    try:
        value = int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default
    return value if low <= value <= high else default


def dashboard_data(request) -> dict:
    """Everything the dashboard shows, for the page and its exports (a fixed number of queries). The figures read
    from every certification and report are served from the cache (`selectors.figures`)."""
    user, today = request.user, timezone.localdate()
    periods = selectors.programme_periods()
    programme = selectors.programme_for(periods, request.GET.get("period", ""), today)
    calls = selectors.published_calls()
    call = selectors.call_for(calls, request.GET.get("call"))
    year = year_param(request, current_report_year(today))
    support_year = _int_param(request, "support_year", today.year)
    deadlines = deadlines_for(year)
    figures = selectors.dashboard_figures(user, programme, year, deadlines)
    certs = figures["certs"]
    province = permissions.is_province(user)
    scope = "江苏省" if province else user.division.name
    return {
        "scope": scope,
        "is_province": province,
        "today": today,
        "periods": periods,
        "programme": programme,
        "calls": calls,
        "call": call,
        "year": year,
        "years": list(range(current_report_year(today), 2022, -1)),
        "support_year": support_year,
        "deadlines": deadlines,
        "certs": certs,
        "applications": selectors.application_summary(user, call),
        "reports": selectors.report_summary(user, year, deadlines, counts=figures["report_counts"]),
        "lifecycle": selectors.lifecycle_summary(user),
        "indicators": figures["indicators"],
        "warnings": selectors.indexed_warning_count(figures["warnings"], user=user),
        "supports": selectors.key_supports(user, support_year).count(),
        "recommendation": selectors.recommendation_summary(support_year) if province else None,
        "filters": {
            "范围": scope,
            "规划期": f"{programme.name}（{programme.start_year}—{programme.end_year}年）",
            "申报批次": f"{call.year}年度" if call else "无",
            "报告年度": f"{year}年度",
            "重点支持年度": f"{support_year}年度",
        },
    }


def _yi(value):
    return None if value is None else float((Decimal(value) / WAN_PER_YI).quantize(Decimal("0.01")))


def chart_data(data: dict) -> dict:
    certs = data["certs"]
    places = certs["by_city"] if data["is_province"] else certs["by_county"]
    states = [(s, label) for s, label in selectors.certification_status_choices()]
    return {
        "places": {
            "title": "在册认定集群（按设区市）" if data["is_province"] else "在册认定集群（按县、市、区）",
            "labels": [p["name"] for p in places],
            "values": [p["n"] for p in places],
        },
        "years": {
            "labels": [str(r["year"]) for r in certs["by_year"]],
            "series": [{"name": label, "data": [r["counts"][s] for r in certs["by_year"]]} for s, label in states],
        },
        "progress": {
            "labels": [str(r["year"]) for r in certs["progress"]["cumulative"]],
            "values": [r["cumulative"] for r in certs["progress"]["cumulative"]],
            "target": data["programme"].target if data["is_province"] else None,
        },
        "applications": {
            "labels": [r["label"] for r in data["applications"]],
            "values": [r["n"] for r in data["applications"]],
        },
        "indicators": {
            "labels": [str(r["report_year"]) for r in data["indicators"]],
            "output": [_yi(r["total_output"]) for r in data["indicators"]],
            "rnd": [_yi(r["sme_rnd"]) for r in data["indicators"]],
            "patents": [r["invention_patents"] for r in data["indicators"]],
            "share": [None if r["sme_share"] is None else float(r["sme_share"]) for r in data["indicators"]],
        },
    }


@dashboard_required
@require_GET
def dashboard(request):
    data = dashboard_data(request)
    return render(request, "monitoring/dashboard.html", {**data, "chart": chart_data(data)})


# ---------------------------------------------------------------- Excel


def dashboard_sheets(data: dict) -> dict[str, Sheet]:
    certs, filters = data["certs"], data["filters"]
    n = Column("认定集群（个）", 14, "int")
    status_labels = selectors.certification_status_choices()
    progress = certs["progress"]
    sheets = {
        "cities": Sheet("按设区市", [Column("设区市", 14), n], [[r["name"], r["n"]] for r in certs["by_city"]]),
        "counties": Sheet(
            "按县市区",
            [Column("设区市", 12), Column("县（市、区）", 14), n],
            [[r["city"], r["name"], r["n"]] for r in certs["by_county"]],
        ),
        "industries": Sheet(
            "按主导产业", [Column("主导产业", 24), n], [[r["name"], r["n"]] for r in certs["by_industry"]]
        ),
        "years": Sheet(
            "按认定年度",
            [
                Column("认定年度", 10, "int"),
                *[Column(label, 10, "int") for _s, label in status_labels],
                Column("合计", 10, "int"),
            ],
            [[r["year"], *[r["counts"][s] for s, _l in status_labels], r["total"]] for r in certs["by_year"]],
        ),
        "progress": Sheet(
            "目标进度",
            [Column("年度", 10, "int"), Column("当年认定（个）", 14, "int"), Column("累计（个）", 12, "int")],
            [[r["year"], r["n"], r["cumulative"]] for r in progress["cumulative"]],
            note=f"目标：{progress['target']}个左右；规划期内认定且未撤销 {progress['counted']} 个，已撤销 {progress['revoked']} 个。",
        ),
        "applications": Sheet(
            "申报办理情况",
            [
                Column("状态", 14),
                Column("所在环节", 18),
                Column("数量（件）", 10, "int"),
                Column("平均已等待（天）", 14, "decimal"),
                Column("最长已等待（天）", 14, "int"),
            ],
            [[r["label"], r["tier"], r["n"], r["mean_days"], r["max_days"]] for r in data["applications"]],
        ),
        "reports": Sheet(
            "年度报告报送",
            [Column("报送情况", 14), Column("集群（个）", 12, "int")],
            [[label, data["reports"]["counts"][k]] for k, label in selectors.REPORT_STATUSES.items()],
            note=f"截止日期：{data['deadlines'].cluster_due:%Y-%m-%d}",
        ),
        "lifecycle": Sheet(
            "认定动态",
            [Column("事项", 24), Column("数量", 10, "int")],
            [
                ["即将到期的认定", certs["by_status"]["expiring"]],
                ["已过期的认定", certs["by_status"]["expired"]],
                ["已撤销的认定", certs["by_status"]["revoked"]],
                ["待研究的撤销认定建议", data["lifecycle"]["open_cases"]],
                ["办理中的重大变动报备", data["lifecycle"]["open_changes"]],
                [f"{data['year']}年度预警集群", data["warnings"]],
                [f"{data['support_year']}年度重点支持集群", data["supports"]],
            ],
        ),
        "indicators": Sheet(
            "主要指标",
            [
                Column("报告年度", 10, "int"),
                Column("报告数（份）", 12, "int"),
                Column("集群总产值（万元）", 18, "wan"),
                Column("中小企业产值（万元）", 18, "wan"),
                Column("中小企业产值占比", 14, "pct"),
                Column("中小企业研发经费（万元）", 18, "wan"),
                Column("有效发明专利（件）", 14, "int"),
            ],
            [
                [
                    r["report_year"],
                    r["reports"],
                    r["total_output"],
                    r["sme_output"],
                    r["sme_share"],
                    r["sme_rnd"],
                    r["invention_patents"],
                ]
                for r in data["indicators"]
            ],
            note="已提交（待县级审核、审核通过）的年度发展报告合计；占比为同时填报两项数据的报告之和的比值。",
        ),
    }
    for sheet in sheets.values():
        sheet.title = f"{data['scope']}特色产业集群发展看板：{sheet.name}"
        sheet.filters = filters
    return sheets


@dashboard_required
@require_GET
def dashboard_export(request, table):
    data = dashboard_data(request)
    sheets = dashboard_sheets(data)
    if table == "all":
        chosen = list(sheets.values())
    elif table in sheets:
        chosen = [sheets[table]]
    else:
        raise Http404
    name = "全部" if table == "all" else chosen[0].name
    rows = sum(len(s.rows) for s in chosen)
    audit("export", user=request.user, detail=f"集群发展看板：{name}（{rows}行）；{data['filters']}")
    return xlsx_response(f"集群发展看板-{name}.xlsx", chosen)


# ---------------------------------------------------------------- the target of Art. 5


@province_only
def dashboard_target(request):
    periods = selectors.programme_periods()
    current = selectors.programme_for(periods, request.GET.get("period", ""))
    initial = {f: getattr(current, f) for f in ("name", "start_year", "end_year", "target", "basis")}
    form = ProgrammeTargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.programme_target_set(actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"已保存：{row}。")
            return redirect(f"{request.path}?period={row.start_year}-{row.end_year}")
    return render(
        request,
        "monitoring/dashboard_target.html",
        {"form": form, "periods": periods},
        status=400 if request.method == "POST" else 200,
    )
