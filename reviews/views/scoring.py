"""The experts' scoring and the province's ranking: an expert's task list, the declaration and score sheet of one
assignment, the score sheet as PDF, and the call's score table (ranking) with its Excel export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.decorators import province_required, role_required
from clusters import selectors as cluster_selectors
from core.exceptions import ServiceError
from core.filetypes import CONTENT_TYPES
from core.forms import apply_service_error

from .. import ranking, selectors, services
from ..constants import AssignmentStatus, SheetStatus
from ..forms.scoring import DeclareConflictForm, NoConflictForm, ScoreSheetForm
from ..models import Assignment, ScoreSheet
from ..permissions import can_manage_decision, can_score
from .common import attachment_response, call_or_404, form_status


@role_required(lambda user: user.is_expert)
def expert_tasks(request):
    page = Paginator(selectors.assignments_for_expert(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "reviews/expert/tasks.html", {"page": page})


def _assignment_for_expert(request, pk) -> Assignment:
    assignment = (
        Assignment.objects.select_related(
            "application__cluster__division__parent", "application__call", "application__applicant", "expert__user"
        )
        .filter(pk=pk, status=AssignmentStatus.ACTIVE, expert__user=request.user)
        .first()
    )
    if assignment is None or not can_score(request.user, assignment):
        raise Http404
    return assignment


@login_required
def scoring(request, pk):
    assignment = _assignment_for_expert(request, pk)
    if assignment.no_conflict_declared_at is None:
        return _declaration(request, assignment)
    sheet = ScoreSheet.objects.get(assignment=assignment)
    rubric = list(assignment.application.call.rubric.all())
    submitted = sheet.status == SheetStatus.SUBMITTED
    form = ScoreSheetForm(rubric=rubric, sheet=sheet, disabled=submitted)
    conflict_form = DeclareConflictForm(auto_id="id_c_%s")
    page_error = None  # a refusal that belongs to no field of the (unbound) form
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "conflict":
            # A conflict found after the declaration: the assignment ends and the province is told.
            conflict_form = DeclareConflictForm(request.POST, auto_id="id_c_%s")
            if conflict_form.is_valid():
                try:
                    services.declare_conflict(
                        assignment=assignment, actor=request.user, reason=conflict_form.cleaned_data["reason"]
                    )
                except ServiceError as exc:
                    apply_service_error(conflict_form, exc)
                else:
                    messages.success(request, "已声明存在利益冲突，该评审任务已撤销，省厅将另行安排专家。")
                    return redirect("reviews:expert_tasks")
            page_error = "利益冲突声明未提交，请按提示修改。"
        elif submitted:
            try:  # the service refuses a second submission or an edit after submitting, in its own words
                if action == "submit":
                    services.scoresheet_submit(sheet=sheet, actor=request.user)
                else:
                    services.scoresheet_save(sheet=sheet, actor=request.user, scores=sheet.scores)
            except ServiceError as exc:
                messages.error(request, exc.message)
                page_error = exc.message
        elif action not in ("save", "submit"):
            page_error = "未知的操作。"
        else:
            form = ScoreSheetForm(request.POST, rubric=rubric, sheet=sheet)
            if form.is_valid():
                try:
                    sheet = services.scoresheet_save(
                        sheet=sheet,
                        actor=request.user,
                        scores=form.scores(),
                        comments=form.comments(),
                        recommendation=form.cleaned_data["recommendation"],
                        overall_comment=form.cleaned_data["overall_comment"],
                    )
                    if action == "submit":
                        sheet = services.scoresheet_submit(sheet=sheet, actor=request.user)
                except ServiceError as exc:
                    messages.error(request, exc.message)
                    apply_service_error(form, exc)
                else:
                    if action == "submit":
                        messages.success(request, f"评分已提交，加权总分 {sheet.weighted_total}。提交后不能修改。")
                    else:
                        messages.success(request, "草稿已保存。")
                    return redirect("reviews:scoring", pk=assignment.pk)
            else:
                messages.error(request, "评分表有误，请按提示修改。")
        if not (form.errors or page_error):
            return redirect("reviews:scoring", pk=assignment.pk)
        sheet.refresh_from_db()
    full = cluster_selectors.application_with_sections(assignment.application_id)
    versions = list(full.versions.order_by("-number")[:1])
    return render(
        request,
        "reviews/expert/scoring.html",
        {
            "assignment": assignment,
            "application": full,
            "results": cluster_selectors.evaluate_application(full),
            "latest_version": versions[0] if versions else None,
            "sheet": sheet,
            "form": form,
            "rubric": rubric,
            "submitted": sheet.status == SheetStatus.SUBMITTED,
            "draft_total": services.weighted_total(rubric, sheet.scores),
            "page_error": page_error,
            "conflict_form": conflict_form,
        },
        status=400 if page_error else form_status(form, conflict_form),
    )


def _declaration(request, assignment):
    no_conflict = NoConflictForm(auto_id="id_nc_%s")
    conflict = DeclareConflictForm(auto_id="id_c_%s")
    page_error = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "no_conflict":
            no_conflict = NoConflictForm(request.POST, auto_id="id_nc_%s")
            if no_conflict.is_valid():
                try:
                    services.declare_no_conflict(assignment=assignment, actor=request.user)
                except ServiceError as exc:
                    apply_service_error(no_conflict, exc)
                else:
                    messages.success(request, "已声明无利益冲突，现在可以查看申报材料并评分。")
                    return redirect("reviews:scoring", pk=assignment.pk)
        elif action == "conflict":
            conflict = DeclareConflictForm(request.POST, auto_id="id_c_%s")
            if conflict.is_valid():
                try:
                    services.declare_conflict(
                        assignment=assignment, actor=request.user, reason=conflict.cleaned_data["reason"]
                    )
                except ServiceError as exc:
                    apply_service_error(conflict, exc)
                else:
                    messages.success(request, "已声明存在利益冲突，该评审任务已撤销，省厅将另行安排专家。")
                    return redirect("reviews:expert_tasks")
        else:
            page_error = "请选择声明方式。"
        messages.error(request, "声明未完成，请按提示修改。")
    application = assignment.application
    return render(
        request,
        "reviews/expert/declare.html",
        {
            "assignment": assignment,
            # What the expert declares about, by name: never the application's data or documents.
            "applicant": application.applicant,
            "roster": list(application.enterprises.order_by("id").values("name", "credit_code")),
            "no_conflict_form": no_conflict,
            "conflict_form": conflict,
            "page_error": page_error,
        },
        status=400 if page_error else form_status(no_conflict, conflict),
    )


@login_required
def scoresheet_pdf(request, pk):
    sheet = get_object_or_404(
        ScoreSheet.objects.select_related(
            "assignment__expert__user__organisation",
            "assignment__application__cluster__division__parent",
            "assignment__application__call",
            "assignment__application__applicant",
        ),
        pk=pk,
    )
    assignment = sheet.assignment
    user = request.user
    if not can_manage_decision(user):
        # The expert may print their own sheet while the assignment stands and after declaring no conflict.
        if not (can_score(user, assignment) and assignment.no_conflict_declared_at):
            raise Http404
    from core.pdf import render_pdf

    rubric = list(assignment.application.call.rubric.all())
    rows = []
    for c in rubric:
        raw = sheet.scores.get(str(c.pk))
        rows.append(
            {
                "criterion": c,
                "score": raw,
                "weighted": services.weighted_total([c], {str(c.pk): raw}) if raw not in (None, "") else None,
                "comment": sheet.comments.get(str(c.pk), ""),
            }
        )
    content = render_pdf(
        "reviews/pdf/scoresheet.html",
        {
            "sheet": sheet,
            "assignment": assignment,
            "application": assignment.application,
            "expert": assignment.expert,
            "rows": rows,
            "total": sheet.weighted_total
            if sheet.weighted_total is not None
            else services.weighted_total(rubric, sheet.scores),
            "printed_at": timezone.localtime(),
        },
    )
    name = f"专家评分表-{assignment.application.cluster.name}-{assignment.expert.user.display_name}.pdf"
    return attachment_response(content, name, "application/pdf", inline=request.GET.get("inline") == "1")


# ---------------------------------------------------------------- ranking


SCORE_TABLE_PAGE_SIZE = 25


@province_required
def score_table(request, call_pk):
    call = call_or_404(call_pk)
    # The ranking needs every sheet (ranks and z-scores are relative): it is computed once per change of the
    # scores and cached by page (reviews.ranking); only the page shown is loaded as applications and sheets.
    sort = "normalised" if request.GET.get("sort") == "normalised" else "raw"
    page, outliers = ranking.ranking_page(
        call, sort=sort, page_number=request.GET.get("page"), per_page=SCORE_TABLE_PAGE_SIZE
    )
    page.object_list = selectors.score_rows(page.object_list)
    return render(
        request,
        "reviews/province/score_table.html",
        {
            "call": call,
            "page": page,
            "sort": sort,
            "min_sheets": selectors.MIN_SHEETS_FOR_NORMALISATION,
            "outliers": outliers,
        },
    )


@province_required
def score_table_xlsx(request, call_pk):
    call = call_or_404(call_pk)
    content = ranking.ranking_workbook(call, lambda summary, detail: _score_table_workbook(call, summary, detail))
    return attachment_response(content, f"{call.year}年度专家评分汇总.xlsx", CONTENT_TYPES["xlsx"])


SUMMARY_HEADERS = (
    ("原始排名", 9),
    ("标准化排名", 10),
    ("申报编号", 9),
    ("集群名称", 30),
    ("所在地", 18),
    ("主导产业", 16),
    ("申报主体", 30),
    ("已提交/已分配", 12),
    ("平均分", 9),
    ("中位数", 9),
    ("标准差", 9),
    ("标准化得分", 11),
    ("离群评分数", 10),
    ("各专家加权总分", 60),
)
SUMMARY_FORMATS = {8: "0.00", 9: "0.00", 10: "0.00", 11: "0.000"}  # by 0-based column
DETAIL_HEADERS = (
    ("申报编号", 9),
    ("集群名称", 30),
    ("评审专家", 12),
    ("工作单位", 30),
    ("加权总分", 10),
    ("稳健 z 值", 10),
    ("是否离群", 9),
    ("总体意见", 16),
    ("提交时间", 18),
)
DETAIL_FORMATS = {4: "0.00", 5: "0.000", 8: "yyyy-mm-dd hh:mm"}


def _score_table_workbook(call, summary, detail) -> bytes:
    """Two sheets: one row per application (ranks, mean, median, spread) and one row per submitted score sheet.
    No score is left out; outliers are marked in words. Written in openpyxl's write-only mode (rows streamed,
    no cell objects kept), with core.excel's cell values: local times, and text that a spreadsheet would run as a
    formula kept as text."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from core.excel import write_only_cell

    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    def sheet(title, headers, formats, rows, *, preamble=()):
        ws = wb.create_sheet(title)
        for col, (_header, width) in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = f"A{len(preamble) + 2}"
        for line, font in preamble:
            ws.append([write_only_cell(ws, line, font=font)])
        centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.append([write_only_cell(ws, h, font=bold, alignment=centred if preamble else None) for h, _w in headers])
        for row in rows:
            ws.append([write_only_cell(ws, v, number_format=formats.get(i)) for i, v in enumerate(row)])

    distance = format(call.outlier_distance.normalize(), "f")
    sheet(
        "评分汇总",
        SUMMARY_HEADERS,
        SUMMARY_FORMATS,
        summary,
        preamble=(
            (f"{call.year}年度江苏省中小企业特色产业集群专家评审评分汇总表", Font(bold=True, size=13)),
            (
                f"离群标准：专家加权总分与该申报中位数相差超过 {distance} 分；"
                "标准化得分为各专家评分稳健 z 值（中位数与 MAD）的平均，专家评审少于 5 份时不计算。",
                None,
            ),
        ),
    )
    sheet("评分明细", DETAIL_HEADERS, DETAIL_FORMATS, detail)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
