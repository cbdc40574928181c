"""Excel downloads of the province's decision: the expert score summary with every single score."""

import io


def score_table_xlsx(call, rows) -> bytes:
    """Two sheets: one row per application (ranks, mean, median, spread) and one row per submitted score sheet.

    `rows` is `selectors.call_score_table(call)`; no score is left out, outliers are marked in words.
    """
    from django.db.models import prefetch_related_objects
    from django.utils import timezone
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    # The score table selects clusters and expert users; the applicant and the employers are read here (two
    # queries in all, however many rows).
    prefetch_related_objects([r["application"] for r in rows], "applicant")
    prefetch_related_objects([s["expert"].user for r in rows for s in r["scores"]], "organisation")

    wb = Workbook()
    ws = wb.active
    ws.title = "评分汇总"
    ws.append([f"{call.year}年度江苏省中小企业特色产业集群专家评审评分汇总表"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(
        [
            f"离群标准：专家加权总分与该申报中位数相差超过 {format(call.outlier_distance.normalize(), 'f')} 分；"
            "标准化得分为各专家评分稳健 z 值（中位数与 MAD）的平均，专家评审少于 5 份时不计算。"
        ]
    )
    headers = [
        "原始排名",
        "标准化排名",
        "申报编号",
        "集群名称",
        "所在地",
        "主导产业",
        "申报主体",
        "已提交/已分配",
        "平均分",
        "中位数",
        "标准差",
        "标准化得分",
        "离群评分数",
        "各专家加权总分",
    ]
    ws.append(headers)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r in rows:
        app = r["application"]
        cluster = app.cluster
        scores = "；".join(
            f"{s['expert'].user.display_name} {s['total']}" + ("（离群）" if s["outlier"] else "") for s in r["scores"]
        )
        ws.append(
            [
                r["rank_raw"],
                r["rank_normalised"],
                app.pk,
                cluster.name,
                f"{cluster.division.parent.name if cluster.division.parent_id else ''}{cluster.division.name}",
                cluster.lead_industry,
                app.applicant.name if app.applicant_id else "",
                f"{r['submitted']}/{r['assigned']}",
                r["mean"],
                r["median"],
                r["stdev"],
                r["normalised"],
                sum(1 for s in r["scores"] if s["outlier"]),
                scores,
            ]
        )
    for row in ws.iter_rows(min_row=4, min_col=9, max_col=12):
        for cell in row:
            cell.number_format = "0.000" if cell.column == 12 else "0.00"
    for col, width in enumerate((9, 10, 9, 30, 18, 16, 30, 12, 9, 9, 9, 11, 10, 60), start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A4"

    detail = wb.create_sheet("评分明细")
    detail.append(
        ["申报编号", "集群名称", "评审专家", "工作单位", "加权总分", "稳健 z 值", "是否离群", "总体意见", "提交时间"]
    )
    for cell in detail[1]:
        cell.font = Font(bold=True)
    for r in rows:
        for s in r["scores"]:
            user = s["expert"].user
            sheet = s["sheet"]
            detail.append(
                [
                    r["application"].pk,
                    r["application"].cluster.name,
                    user.display_name,
                    user.organisation.name if user.organisation_id else "",
                    s["total"],
                    s["z"],
                    "离群" if s["outlier"] else "",
                    s["recommendation"],
                    timezone.localtime(sheet.submitted_at).replace(tzinfo=None) if sheet.submitted_at else None,
                ]
            )
    for row in detail.iter_rows(min_row=2):
        row[4].number_format = "0.00"
        row[5].number_format = "0.000"
        row[8].number_format = "yyyy-mm-dd hh:mm"
    for col, width in enumerate((9, 30, 12, 30, 10, 10, 9, 16, 18), start=1):
        detail.column_dimensions[get_column_letter(col)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
