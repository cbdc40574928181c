"""Excel exports of the monitoring lists staff see (warnings, revocation cases, re-reviews): the same rows as the
page, scoped as the page, through core.excel (Chinese headers, frozen header row, the filters applied, formula-
safe cells). The download itself is audited by the request middleware."""

from core.excel import Column, Sheet, xlsx_response

from ..constants import RevocationGround, RevocationStatus
from ..selectors.dashboard_lists import cluster_place


def warnings_xlsx(rows, year: int):
    """Every warning row of the year (`selectors.warning_rows` of the whole list, not one page)."""
    columns = [
        Column("集群名称", 30),
        Column("所在地", 18),
        Column("报告年度", 10, "int"),
        Column("低于第六条条件的规则和数据", 60),
        Column("滞后的规划目标", 50),
        Column("报告状态", 12),
    ]
    data = []
    for row in rows:
        flags = "；".join(f"{f.get('code', '')} {f.get('title', '')}：{f.get('message', '')}" for f in row["flags"])
        behind = "；".join(
            f"{p['indicator']}：规划第{p['plan_year']}年目标 {p['target_value']}{p['unit']}，实际 {p['actual']}{p['unit']}"
            for p in row["behind"]
        )
        data.append([row["cluster"], row["place"], row["report_year"], flags, behind, row["state_label"]])
    sheet = Sheet("预警集群", columns, data, title=f"{year}年度预警集群", filters={"年度": year})
    return xlsx_response(f"{year}年度预警集群.xlsx", [sheet])


def revocations_xlsx(cases, *, ground: str, status: str):
    columns = [
        Column("集群名称", 30),
        Column("所在地", 18),
        Column("证书编号", 16),
        Column("撤销情形", 30),
        Column("来源", 12),
        Column("状态", 12),
        Column("提出时间", 18, "datetime"),
        Column("决定文号", 20),
        Column("决定日期", 12, "date"),
    ]
    data = [
        [
            case.certification.cluster.name,
            cluster_place(case.certification.cluster),
            case.certification.number,
            case.get_ground_display(),
            case.get_source_display(),
            case.get_status_display(),
            case.created_at,
            case.decision_number,
            case.decision_date,
        ]
        for case in cases
    ]
    filters = {
        "撤销情形": dict(RevocationGround.choices).get(ground, "") if ground else "",
        "状态": dict(RevocationStatus.choices).get(status, "") if status else "",
    }
    sheet = Sheet("撤销案件", columns, data, title="撤销认定案件", filters=filters)
    return xlsx_response("撤销认定案件.xlsx", [sheet])


def rereviews_xlsx(rereviews, *, tab_label: str):
    columns = [
        Column("集群名称", 30),
        Column("所在地", 18),
        Column("复核年度", 10, "int"),
        Column("本期有效期至", 14, "date"),
        Column("状态", 14),
        Column("最近提交时间", 18, "datetime"),
        Column("决定时间", 18, "datetime"),
    ]
    data = [
        [
            rr.cluster.name,
            cluster_place(rr.cluster),
            rr.year,
            rr.valid_to,
            rr.get_state_display(),
            rr.submitted_at,
            rr.decided_at,
        ]
        for rr in rereviews
    ]
    sheet = Sheet("复核申请", columns, data, title="认定复核申请", filters={"范围": tab_label})
    return xlsx_response("认定复核申请.xlsx", [sheet])
