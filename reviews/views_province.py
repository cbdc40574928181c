"""Pages of the province's decision (Art. 10): expert pool, assignment, scoring, ranking, spot checks and the
joint review. Every page checks the user on the server; anything out of scope answers 404. Writes go through
`reviews.services` and a refusal shows the service's own message."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clusters import selectors as cluster_selectors
from clusters.constants import ApplicationState, CallStatus
from clusters.models import Application, Call
from core.exceptions import ServiceError
from core.filetypes import CONTENT_TYPES

from . import exports, selectors, services
from .constants import AssignmentStatus, JointDecisionChoice, MeetingStatus, SheetStatus
from .forms_province import (
    AssignForm,
    AutoAssignForm,
    ConflictForm,
    DecisionForm,
    DeclareConflictForm,
    ExpertForm,
    ExpertPoolFilter,
    MeetingForm,
    NoConflictForm,
    ScoreSheetForm,
    SiteCheckForm,
    SpotCheckForm,
    UnassignForm,
    expert_choice_label,
)
from .models import Assignment, ExpertConflict, JointReview, ScoreSheet, SiteCheck, SpotCheckDraw, StoredFile
from .permissions import can_manage_decision, can_score

S = ApplicationState


def _province_only(user):
    if not can_manage_decision(user):
        raise Http404


def _published_calls():
    return Call.objects.filter(status=CallStatus.PUBLISHED).order_by("-year")


def _call(pk) -> Call:
    return get_object_or_404(_published_calls(), pk=pk)


def _apply_service_error(form, exc: ServiceError):
    """The service's per-field errors on the form's fields; the rest (and the message) as a form-wide error."""
    placed = False
    for field, errs in exc.errors.items():
        if field in form.fields:
            for err in errs:
                form.add_error(field, err)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def _status(*forms_):
    return 400 if any(f is not None and f.errors for f in forms_) else 200


# ================================================================ province index


@login_required
def province_decision(request):
    _province_only(request.user)
    calls = list(_published_calls())
    call = None
    wanted = request.GET.get("call")
    if wanted:
        call = next((c for c in calls if str(c.pk) == wanted), None)
        if call is None:
            raise Http404
    elif calls:
        call = calls[0]
    context = {"calls": calls, "call": call}
    if call is not None:
        apps = cluster_selectors.application_list_for_user(user=request.user).filter(call=call)
        counts = cluster_selectors.application_state_counts(apps)
        sheets = ScoreSheet.objects.filter(
            assignment__application__call=call, assignment__status=AssignmentStatus.ACTIVE
        ).aggregate(total=Count("id"), submitted=Count("id", filter=Q(status=SheetStatus.SUBMITTED)))
        context.update(
            {
                "state_counts": [
                    (value, label, counts.get(value, 0)) for value, label in S.choices if value != S.DRAFT
                ],
                "counts": counts,
                "sheets": sheets,
                "experts_active": selectors.expert_pool().filter(active=True).count(),
                "draws": SpotCheckDraw.objects.filter(call=call).count(),
                "meetings": JointReview.objects.filter(call=call).aggregate(
                    total=Count("id"), open=Count("id", filter=Q(status=MeetingStatus.OPEN))
                ),
            }
        )
    return render(request, "reviews/province/index.html", context)


# ================================================================ expert pool


@login_required
def expert_pool(request):
    _province_only(request.user)
    base = selectors.expert_pool().annotate(
        active_load=Count("assignments", filter=Q(assignments__status=AssignmentStatus.ACTIVE), distinct=True)
    )
    flt = ExpertPoolFilter(request.GET or None, queryset=base)
    qs = flt.qs.distinct().order_by("user__full_name", "pk")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, "reviews/province/expert_pool.html", {"filter": flt, "page": page})


@login_required
def expert_create(request):
    _province_only(request.user)
    form = ExpertForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            profile = form.save(actor=request.user)
            messages.success(request, f"已将 {profile.user.display_name} 加入专家库。")
            return redirect("reviews:expert_edit", pk=profile.pk)
        messages.error(request, "专家信息有误，请按提示修改。")
    return render(request, "reviews/province/expert_form.html", {"form": form, "profile": None}, status=_status(form))


def _profile(pk):
    return get_object_or_404(selectors.expert_pool(), pk=pk)


@login_required
def expert_edit(request, pk):
    _province_only(request.user)
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
        status=_status(form, conflict_form),
    )


@login_required
@require_POST
def expert_conflict_add(request, pk):
    _province_only(request.user)
    profile = _profile(pk)
    conflict_form = ConflictForm(request.POST, auto_id="id_conflict_%s")
    if conflict_form.is_valid():
        conflict_form.save(profile, actor=request.user)
        messages.success(request, "已记录利益冲突，今后分配时将自动回避。")
        return redirect("reviews:expert_edit", pk=profile.pk)
    messages.error(request, "利益冲突信息有误，请按提示修改。")
    return _expert_edit_page(request, profile, form=ExpertForm(profile=profile), conflict_form=conflict_form)


@login_required
@require_POST
def expert_conflict_remove(request, pk, conflict_pk):
    _province_only(request.user)
    profile = _profile(pk)
    conflict = get_object_or_404(ExpertConflict, pk=conflict_pk, expert=profile, withdrawn_at__isnull=True)
    services.expert_conflict_withdraw(actor=request.user, conflict=conflict)
    messages.success(request, f"已撤回利益冲突记录：{conflict.reason}")
    return redirect("reviews:expert_edit", pk=profile.pk)


# ================================================================ the expert's own tasks


@login_required
def expert_tasks(request):
    if not request.user.is_expert:
        raise Http404
    page = Paginator(selectors.assignments_for_expert(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "reviews/expert/tasks.html", {"page": page})


# ================================================================ assignment


@login_required
def assignments(request, call_pk):
    _province_only(request.user)
    call = _call(call_pk)
    experts = list(_expert_choices(call))
    choices = [(e.pk, expert_choice_label(e)) for e in experts]
    assign_forms, unassign_forms, report = {}, {}, None
    auto_form = AutoAssignForm(initial={"per_application": call.experts_per_application})
    bad = False
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "assign":
            assign_forms = _post_assign(request, call, choices, {e.pk: e for e in experts})
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
                    auto_form.add_error(None, exc.message)
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
        if report is not None:  # the loads shown in the selects changed
            experts = list(_expert_choices(call))
            choices = [(e.pk, expert_choice_label(e)) for e in experts]

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
        form = assign_forms.get(app.pk) or AssignForm(
            expert_choices=choices, initial={"application": app.pk}, auto_id=f"id_a{app.pk}_%s"
        )
        for a in app.active_assignments:
            a.unassign_form = unassign_forms.get(a.pk) or UnassignForm(
                initial={"assignment": a.pk}, auto_id=f"id_u{a.pk}_%s"
            )
        rows.append(
            {
                "application": app,
                "assignments": app.active_assignments,
                "assign_form": form,
                "missing": max(0, call.experts_per_application - len(app.active_assignments)),
            }
        )
    return render(
        request,
        "reviews/province/assignments.html",
        {"call": call, "page": page, "rows": rows, "experts": experts, "auto_form": auto_form, "report": report},
        status=400 if bad else 200,
    )


def _expert_choices(call):
    """Active experts with their load in this call, for the manual assignment selects (one query)."""
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


def _post_assign(request, call, choices, experts) -> dict:
    """{application pk: the bound form with its errors} on a refusal; {} when assigned."""
    app_pk = request.POST.get("application", "")
    application = None
    if app_pk.isdigit():
        application = selectors.applications_in(call, S.EXPERT_REVIEW).filter(pk=int(app_pk)).first()
    if application is None:
        messages.error(request, "该申报不在本批次的专家评审环节，未分配。")
        return {0: None}  # nothing to show next to a row; the page still answers 400
    form = AssignForm(request.POST, expert_choices=choices, auto_id=f"id_a{application.pk}_%s")
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return {application.pk: form}
    expert = experts[form.cleaned_data["expert"]]
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


# ================================================================ expert scoring


def _assignment_for_expert(request, pk) -> Assignment:
    assignment = (
        Assignment.objects.select_related("application__cluster__division__parent", "application__call", "expert__user")
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
    page_error = None  # a refusal that belongs to no field of the (unbound) form
    if request.method == "POST":
        action = request.POST.get("action")
        if submitted:
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
                    _apply_service_error(form, exc)
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
        },
        status=400 if page_error else _status(form),
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
                    no_conflict.add_error(None, exc.message)
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
                    conflict.add_error(None, exc.message)
                else:
                    messages.success(request, "已声明存在利益冲突，该评审任务已撤销，省厅将另行安排专家。")
                    return redirect("reviews:expert_tasks")
        else:
            page_error = "请选择声明方式。"
        messages.error(request, "声明未完成，请按提示修改。")
    return render(
        request,
        "reviews/expert/declare.html",
        {
            "assignment": assignment,
            "no_conflict_form": no_conflict,
            "conflict_form": conflict,
            "page_error": page_error,
        },
        status=400 if page_error else _status(no_conflict, conflict),
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
    response = HttpResponse(content, content_type="application/pdf")
    name = f"专家评分表-{assignment.application.cluster.name}-{assignment.expert.user.display_name}.pdf"
    disposition = "inline" if request.GET.get("inline") == "1" else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(name)}"
    return response


# ================================================================ ranking


@login_required
def score_table(request, call_pk):
    _province_only(request.user)
    call = _call(call_pk)
    rows = selectors.call_score_table(call)
    sort = "normalised" if request.GET.get("sort") == "normalised" else "raw"
    if sort == "normalised":
        rows.sort(key=lambda r: (r["rank_normalised"] is None, r["rank_normalised"] or 0, r["application"].pk))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/province/score_table.html",
        {
            "call": call,
            "page": page,
            "sort": sort,
            "min_sheets": selectors.MIN_SHEETS_FOR_NORMALISATION,
            "outliers": sum(1 for r in rows for s in r["scores"] if s["outlier"]),
        },
    )


@login_required
def score_table_xlsx(request, call_pk):
    _province_only(request.user)
    call = _call(call_pk)
    content = exports.score_table_xlsx(call, selectors.call_score_table(call))
    response = HttpResponse(content, content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{call.year}年度专家评分汇总.xlsx')}"
    return response


# ================================================================ spot checks


@login_required
def spot_check(request, call_pk):
    _province_only(request.user)
    call = _call(call_pk)
    form = SpotCheckForm(initial={"seed": timezone.localdate().strftime("%Y%m%d")})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "verify":
            draw_pk = request.POST.get("draw", "")
            draw = get_object_or_404(SpotCheckDraw, pk=int(draw_pk) if draw_pk.isdigit() else 0, call=call)
            if services.spot_check_verify(draw):
                messages.success(request, f"重新抽取验证：一致。以种子 {draw.seed} 重新计算，抽中名单与记录相同。")
            else:
                messages.error(request, f"重新抽取验证：不一致！以种子 {draw.seed} 重新计算的抽中名单与记录不同。")
            return redirect("reviews:spot_check", call_pk=call.pk)
        form = SpotCheckForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                draw = services.spot_check_draw(
                    call=call,
                    actor=request.user,
                    seed=d["seed"],
                    size=d["size"] or None,
                    fraction=d["fraction"] or None,
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    f"已抽取 {len(draw.drawn)} 个申报进入实地抽查，其余 {len(draw.candidates) - len(draw.drawn)} 个进入会审。",
                )
                return redirect("reviews:spot_check", call_pk=call.pk)
        else:
            messages.error(request, "抽取条件有误，请按提示修改。")
    candidates = list(selectors.applications_in(call, S.EXPERT_REVIEW))
    draws_page = Paginator(SpotCheckDraw.objects.filter(call=call).select_related("drawn_by"), 10).get_page(
        request.GET.get("page")
    )
    ids = {pk for draw in draws_page for pk in draw.candidates}
    apps = {
        a.pk: a
        for a in Application.objects.filter(pk__in=ids)
        .select_related("cluster__division__parent")
        .only("pk", "state", "cluster__name", "cluster__division__name", "cluster__division__parent__name")
    }
    draws = []
    for draw in draws_page:
        drawn = set(draw.drawn)
        draws.append(
            {
                "draw": draw,
                "candidates": [
                    {"pk": pk, "app": apps.get(pk), "key": services.draw_key(draw.seed, pk), "drawn": pk in drawn}
                    for pk in draw.candidates
                ],
                "drawn": [{"pk": pk, "app": apps.get(pk)} for pk in draw.drawn],
            }
        )
    return render(
        request,
        "reviews/province/spot_check.html",
        {"call": call, "form": form, "candidates": candidates, "draws": draws, "page": draws_page},
        status=_status(form),
    )


@login_required
def site_check(request, pk):
    _province_only(request.user)
    application = get_object_or_404(
        cluster_selectors.application_list_for_user(user=request.user)
        .filter(Q(state=S.SITE_CHECK) | Q(site_checks__isnull=False))
        .distinct(),
        pk=pk,
    )
    form = SiteCheckForm(initial={"check_date": timezone.localdate()})
    if request.method == "POST":
        form = SiteCheckForm(request.POST, request.FILES)
        if application.state != S.SITE_CHECK:
            form.add_error(None, "该申报已不在实地抽查环节，不能再记录核查。")
        elif form.is_valid():
            d = form.cleaned_data
            try:
                services.site_check_record(
                    application=application,
                    actor=request.user,
                    check_date=d["check_date"],
                    inspectors=d["inspectors"],
                    findings=d["findings"],
                    result=d["result"],
                    files=d["files"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"已记录 {application.cluster.name} 的实地核查，申报进入会审。")
                return redirect("reviews:site_check", pk=application.pk)
        messages.error(request, "核查记录未保存，请按提示修改。")
    checks = (
        SiteCheck.objects.filter(application=application)
        .select_related("recorded_by", "draw")
        .prefetch_related("files")
    )
    return render(
        request,
        "reviews/province/site_check.html",
        {"application": application, "call": application.call, "form": form, "checks": checks},
        status=_status(form),
    )


@login_required
def stored_file(request, pk):
    _province_only(request.user)
    stored = get_object_or_404(StoredFile, pk=pk)
    path = services.stored_file_path(stored)
    if not path.exists():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=request.GET.get("inline") != "1",
        filename=stored.original_name,
        content_type=CONTENT_TYPES.get(stored.file_type, "application/octet-stream"),
    )


# ================================================================ joint review


@login_required
def meetings(request, call_pk):
    _province_only(request.user)
    call = _call(call_pk)
    form = MeetingForm(initial={"meeting_date": timezone.localdate()})
    if request.method == "POST":
        form = MeetingForm(request.POST, request.FILES)
        if form.is_valid():
            d = form.cleaned_data
            try:
                meeting = services.meeting_create(
                    call=call,
                    actor=request.user,
                    meeting_date=d["meeting_date"],
                    attendees=d["attendees"],
                    minutes=d["minutes"],
                    files=d["files"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
                messages.error(request, exc.message)
            else:
                messages.success(request, f"已创建会审会议（{meeting.meeting_date:%Y-%m-%d}）。")
                return redirect("reviews:meeting_detail", pk=meeting.pk)
        else:
            messages.error(request, "会议信息有误，请按提示修改。")
    qs = (
        JointReview.objects.filter(call=call)
        .select_related("created_by")
        .annotate(
            n_decisions=Count("decisions", distinct=True),
            n_approved=Count("decisions", filter=Q(decisions__decision=JointDecisionChoice.APPROVE), distinct=True),
        )
        .order_by("-meeting_date", "-pk")
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    waiting = selectors.applications_in(call, S.JOINT_REVIEW).count()
    return render(
        request,
        "reviews/province/meetings.html",
        {"call": call, "form": form, "page": page, "waiting": waiting},
        status=_status(form),
    )


@login_required
def meeting_detail(request, pk):
    _province_only(request.user)
    meeting = get_object_or_404(
        JointReview.objects.select_related("call", "created_by").prefetch_related("files"),
        pk=pk,
        call__status=CallStatus.PUBLISHED,
    )
    call = meeting.call
    is_open = meeting.status == MeetingStatus.OPEN
    row_forms, close_error, bad = {}, None, False
    if request.method == "POST":
        action = request.POST.get("action")
        if not is_open:
            messages.error(request, "会审已结束，不能修改。")
            bad = True
        elif action == "decide":
            row_forms = _post_decide(request, meeting)
            bad = bool(row_forms)
        elif action == "close":
            try:
                services.meeting_close(meeting=meeting, actor=request.user)
            except ServiceError as exc:
                messages.error(request, exc.message)
                close_error, bad = exc.message, True
            else:
                messages.success(request, "会审已结束，已形成拟认定名单。")
        else:
            messages.error(request, "未知的操作。")
            bad = True
        if not bad:
            return redirect("reviews:meeting_detail", pk=meeting.pk)
    decisions = {
        d.application_id: d
        for d in meeting.decisions.select_related("application__cluster__division__parent", "decided_by")
    }
    ranks = {r["application"].pk: r for r in selectors.call_score_table(call)}
    rows = []
    if is_open:
        waiting = selectors.applications_in(call, S.JOINT_REVIEW).prefetch_related(
            Prefetch("site_checks", queryset=SiteCheck.objects.order_by("-recorded_at"), to_attr="checks")
        )
        for app in waiting:
            decision = decisions.get(app.pk)
            form = row_forms.get(app.pk)
            if form is None:
                initial = {"application": app.pk}
                if decision is not None:
                    initial.update({"decision": decision.decision, "reason": decision.reason})
                form = DecisionForm(initial=initial, auto_id=f"id_d{app.pk}_%s")
            rows.append({"application": app, "score": ranks.get(app.pk, {}), "decision": decision, "form": form})
        rows.sort(key=_rank_key)
    closed_rows = []
    if not is_open:
        for d in decisions.values():
            closed_rows.append({"application": d.application, "decision": d, "score": ranks.get(d.application_id, {})})
        closed_rows.sort(
            key=lambda r: (r["decision"].rank_raw is None, r["decision"].rank_raw or 0, r["application"].pk)
        )
    return render(
        request,
        "reviews/province/meeting_detail.html",
        {
            "meeting": meeting,
            "call": call,
            "is_open": is_open,
            "rows": rows,
            "closed_rows": closed_rows,
            "proposed": [r for r in closed_rows if r["decision"].decision == JointDecisionChoice.APPROVE],
            "undecided": sum(1 for r in rows if r["decision"] is None),
            # Applications of the call not yet in joint review are not part of this meeting's list.
            "elsewhere": cluster_selectors.application_state_counts(
                selectors.applications_in(call, S.SITE_CHECK) | selectors.applications_in(call, S.EXPERT_REVIEW)
            )
            if is_open
            else {},
            "close_error": close_error,
        },
        status=400 if bad else 200,
    )


def _rank_key(row):
    rank = row["score"].get("rank_raw") if row["score"] else None
    return (rank is None, rank or 0, row["application"].pk)


def _post_decide(request, meeting) -> dict:
    """{application pk: the bound form with its errors} on a refusal; {} when recorded."""
    app_pk = request.POST.get("application", "")
    application = None
    if app_pk.isdigit():
        application = selectors.applications_in(meeting.call, S.JOINT_REVIEW).filter(pk=int(app_pk)).first()
    if application is None:
        messages.error(request, "该申报不在本批次的会审环节。")
        return {0: None}  # nothing to show next to a row; the page still answers 400
    form = DecisionForm(request.POST, auto_id=f"id_d{application.pk}_%s")
    if not form.is_valid():
        messages.error(request, "请选择会审结论。")
        return {application.pk: form}
    try:
        services.meeting_decide(
            meeting=meeting,
            application=application,
            actor=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        form.add_error("reason", exc.message)
        return {application.pk: form}
    messages.success(request, f"已记录对 {application.cluster.name} 的会审结论。")
    return {}
