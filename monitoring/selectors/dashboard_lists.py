"""The lists behind the dashboard's numbers: each number links to one of these with the filters that produced it, so
the list shows exactly the items counted, and exports them (core.excel) with the same filters. Every list is scoped
to the user like the dashboard (jurisdiction_q through the selectors it builds on)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts.models import Division
from clusters.constants import ApplicationState
from clusters.selectors import application_list_for_user

from ..constants import ChangeReportState, ReportState, RevocationGround, RevocationStatus
from ..deadlines import current_report_year, deadlines_for
from . import dashboard as d
from .lifecycle import change_reports_for_user, revocation_cases_for_user


@dataclass
class Col:
    header: str
    width: float
    kind: str  # core.excel FORMATS: text, int, wan, pct, date, datetime
    value: Callable
    link: Callable | None = None


@dataclass
class DashboardList:
    kind: str
    title: str
    queryset: object
    columns: list[Col]
    filters: dict = field(default_factory=dict)  # label -> shown value (the page's heading, the sheet's filter row)
    params: dict = field(default_factory=dict)  # the valid GET parameters, to keep in links


def _int(value, low=2000, high=2100):
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if low <= n <= high else None


def _code(value) -> str:
    value = (value or "").strip()
    return value if len(value) == 6 and value.isdigit() else ""


def cluster_place(cluster) -> str:
    """ "苏州市昆山市": the cluster's city and county, as the lists and their exports show it."""
    division = cluster.division
    return f"{division.parent.name if division.parent_id else ''}{division.name}"


def _cluster_link(cluster_id) -> str:
    return reverse("monitoring:cluster_detail", args=[cluster_id])


def _cluster_cols(get) -> list[Col]:
    return [
        Col("集群名称", 30, "text", lambda o: get(o).name, lambda o: _cluster_link(get(o).pk)),
        Col("设区市", 10, "text", lambda o: get(o).division.parent.name if get(o).division.parent_id else ""),
        Col("县（市、区）", 12, "text", lambda o: get(o).division.name),
    ]


# ---------------------------------------------------------------- certified clusters


def certification_list(user, params) -> DashboardList:
    qs = d.scoped_certifications(user).select_related("cluster__division__parent")
    filters, kept = {}, {}
    codes = [c for c in (_code(params.get("city")), _code(params.get("county"))) if c]
    names = dict(Division.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    if city := _code(params.get("city")):
        qs, filters["设区市"], kept["city"] = qs.filter(cluster__division__parent_id=city), names.get(city, city), city
    if county := _code(params.get("county")):
        qs, filters["县（市、区）"], kept["county"] = (
            qs.filter(cluster__division_id=county),
            names.get(county, county),
            county,
        )
    if industry := (params.get("industry") or "").strip()[:100]:
        qs, filters["主导产业"], kept["industry"] = qs.filter(cluster__lead_industry=industry), industry, industry
    if year := _int(params.get("year")):
        qs, filters["认定年度"], kept["year"] = qs.filter(year=year), f"{year}年", year
    first, last = _int(params.get("year_from")), _int(params.get("year_to"))
    if first and last:
        qs = qs.filter(year__gte=first, year__lte=last)
        filters["认定年度"], kept["year_from"], kept["year_to"] = f"{first}—{last}年", first, last
    status = params.get("status") or ""
    if status in d.STATUS_GROUPS:
        states, label = d.STATUS_GROUPS[status]
        qs, filters["状态"], kept["status"] = qs.filter(status__in=states), label, status
    columns = [
        Col("证书编号", 20, "text", lambda c: c.number),
        *_cluster_cols(lambda c: c.cluster),
        Col("主导产业", 16, "text", lambda c: c.cluster.lead_industry),
        Col("认定年度", 10, "int", lambda c: c.year),
        Col("有效期起", 12, "date", lambda c: c.valid_from),
        Col("有效期至", 12, "date", lambda c: c.valid_to),
        Col("状态", 10, "text", lambda c: c.get_status_display()),
        Col("来源", 14, "text", lambda c: c.get_source_display()),
    ]
    qs = qs.order_by("cluster__division__parent_id", "cluster__division_id", "cluster__name", "number")
    return DashboardList("certifications", "认定集群", qs, columns, filters, kept)


# ---------------------------------------------------------------- applications of a call


def application_list(user, params) -> DashboardList:
    calls = d.published_calls()
    call = d.call_for(calls, params.get("call"))
    if call is None:
        raise Http404("暂无申报批次")
    qs = application_list_for_user(user=user).filter(call=call).select_related("applicant")
    filters, kept = {"申报批次": f"{call.year}年度"}, {"call": call.pk}
    state = params.get("state") or ""
    if state in ApplicationState.values:
        qs, filters["状态"], kept["state"] = qs.filter(state=state), ApplicationState(state).label, state
    now = timezone.now()
    columns = [
        *_cluster_cols(lambda a: a.cluster),
        Col("申报主体", 24, "text", lambda a: a.applicant.name),
        Col("状态", 12, "text", lambda a: a.get_state_display()),
        Col("所在环节", 16, "text", lambda a: d.APPLICATION_TIERS[ApplicationState(a.state)]),
        Col("进入当前状态时间", 18, "datetime", lambda a: a.state_changed_at),
        Col("已等待（天）", 12, "int", lambda a: d.wait_days(a.state_changed_at, now)),
    ]
    columns[0].link = lambda a: reverse("clusters:application_detail", args=[a.pk])
    qs = qs.order_by("state_changed_at", "pk")
    return DashboardList("applications", f"{call.year}年度申报", qs, columns, filters, kept)


# ---------------------------------------------------------------- annual reports owed on a year


def report_list(user, params) -> DashboardList:
    year = _int(params.get("year")) or current_report_year()
    status = params.get("status") if params.get("status") in d.REPORT_STATUSES else "owing"
    deadlines = deadlines_for(year)
    qs = (
        d.owing_certifications(user, year)
        .filter(d.report_status_q(status, deadlines))
        .select_related("cluster__division__parent")
        .order_by("cluster__division__parent_id", "cluster__division_id", "cluster__name", "pk")
    )
    due_end = deadlines.cluster_due_end

    def timing(c):
        if c.report_first is None:
            return "逾期未报" if timezone.localdate() > deadlines.cluster_due else "尚未报送"
        return "逾期报送" if c.report_first >= due_end else "按时报送"

    columns = [
        *_cluster_cols(lambda c: c.cluster),
        Col("证书编号", 20, "text", lambda c: c.number),
        Col("报告状态", 12, "text", lambda c: ReportState(c.report_state).label if c.report_state else "未报送"),
        Col("首次提交时间", 18, "datetime", lambda c: c.report_first),
        Col("报送情况", 12, "text", timing),
    ]
    columns[-2].link = lambda c: reverse("monitoring:report_detail", args=[c.report_pk]) if c.report_pk else ""
    filters = {"报告年度": f"{year}年度", "报送情况": d.REPORT_STATUSES[status], "截止日期": f"{deadlines.cluster_due}"}
    return DashboardList(
        "reports", f"{year}年度发展报告报送情况", qs, columns, filters, {"year": year, "status": status}
    )


def figure_list(user, params) -> DashboardList:
    year = _int(params.get("year")) or current_report_year()
    qs = (
        d.reported_reports(user)
        .filter(report_year=year)
        .select_related("cluster__division__parent")
        .order_by("cluster__division__parent_id", "cluster__division_id", "cluster__name", "pk")
    )

    def share(r):
        if r.total_output and r.sme_output is not None:
            return round(r.sme_output * 100 / r.total_output, 2)
        return None

    columns = [
        *_cluster_cols(lambda r: r.cluster),
        Col("报告状态", 12, "text", lambda r: r.get_state_display()),
        Col("集群总产值（万元）", 16, "wan", lambda r: r.total_output),
        Col("中小企业产值（万元）", 16, "wan", lambda r: r.sme_output),
        Col("中小企业产值占比", 12, "pct", share),
        Col("主导产业产值（万元）", 16, "wan", lambda r: r.lead_output),
        Col("中小企业研发经费（万元）", 16, "wan", lambda r: r.sme_rnd),
        Col("有效发明专利（件）", 12, "int", lambda r: r.invention_patents),
        Col("从业人员（人）", 12, "int", lambda r: r.employees),
    ]
    columns[3].link = lambda r: reverse("monitoring:report_detail", args=[r.pk])
    filters = {"报告年度": f"{year}年度", "报告状态": "已提交（待县级审核、审核通过）"}
    return DashboardList("figures", f"{year}年度发展报告主要指标", qs, columns, filters, {"year": year})


# ---------------------------------------------------------------- revocation cases and change reports


def case_list(user, params) -> DashboardList:
    qs = revocation_cases_for_user(user=user)
    filters, kept = {}, {}
    status = params.get("status", RevocationStatus.PROPOSED)
    if status in RevocationStatus.values:
        qs, filters["状态"], kept["status"] = qs.filter(status=status), RevocationStatus(status).label, status
    if (ground := params.get("ground") or "") in RevocationGround.values:
        qs, filters["撤销情形"], kept["ground"] = qs.filter(ground=ground), RevocationGround(ground).label, ground
    columns = [
        *_cluster_cols(lambda c: c.certification.cluster),
        Col("证书编号", 20, "text", lambda c: c.certification.number),
        Col("撤销情形", 14, "text", lambda c: f"第十四条{c.ground_short}"),
        Col("来源", 16, "text", lambda c: c.get_source_display()),
        Col("提出时间", 18, "datetime", lambda c: c.created_at),
        Col("状态", 16, "text", lambda c: c.get_status_display()),
    ]
    columns[-1].link = lambda c: reverse("monitoring:revocation_detail", args=[c.pk])
    return DashboardList("cases", "撤销认定", qs.order_by("-created_at", "-pk"), columns, filters, kept)


def change_list(user, params) -> DashboardList:
    qs = change_reports_for_user(user=user)
    state = params.get("state", "open")
    if state == "open":
        qs, label = qs.filter(state__in=d.OPEN_CHANGE_REPORT_STATES), "办理中（设区市审核、省厅审定、退回修改）"
    elif state in ChangeReportState.values:
        qs, label = qs.filter(state=state), ChangeReportState(state).label
    else:
        state, label = "", "全部"
    columns = [
        *_cluster_cols(lambda r: r.cluster),
        Col("变动类型", 14, "text", lambda r: r.get_kind_display()),
        Col("状态", 12, "text", lambda r: r.get_state_display()),
        Col("首次提交时间", 18, "datetime", lambda r: r.first_submitted_at),
        Col("变动生效日期", 12, "date", lambda r: r.effective_date),
    ]
    columns[-3].link = lambda r: reverse("monitoring:change_detail", args=[r.pk])
    qs = qs.order_by("-first_submitted_at", "-pk")
    return DashboardList("changes", "重大变动报备", qs, columns, {"状态": label}, {"state": state} if state else {})


LISTS = {
    "certifications": certification_list,
    "applications": application_list,
    "reports": report_list,
    "figures": figure_list,
    "cases": case_list,
    "changes": change_list,
}


def dashboard_list(kind: str, *, user, params) -> DashboardList:
    try:
        build = LISTS[kind]
    except KeyError:
        raise Http404 from None
    return build(user, params)


def list_cells(dl: DashboardList, obj) -> list[dict]:
    return [{"value": c.value(obj), "kind": c.kind, "url": c.link(obj) if c.link else ""} for c in dl.columns]
