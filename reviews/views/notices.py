"""The public notice (公示, Art. 10): the public's notice list, notice page, its PDF and the objection form (no
login); and the province's notice management — creating and publishing a notice, seeing an objection's filer in
full (logged), handling objections and downloading their evidence. Publishing the list afterwards is in
`publication.py`."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import province_required
from clusters.models import Call
from core.excel import Column, Sheet, xlsx_response
from core.exceptions import ServiceError
from core.forms import apply_service_error, message_service_error
from core.pdf import render_pdf
from core.services import audit
from core.storage import serve
from core.validators import mask_phone

from .. import services
from ..constants import NoticeStatus, ObjectionStatus
from ..documents import chinese_period
from ..forms.notices import NoticeCreateForm, ObjectionHandleForm
from ..forms.publication import PublicationForm
from ..models import Notice, Objection, ObjectionFile, Publication
from ..selectors import proposed_list
from . import common


@require_GET
def notice_list(request):
    now = timezone.now()
    today = timezone.localdate(now)
    stamp = list(common.public_notices().values_list("pk", "status")) + list(
        Publication.objects.values_list("pk", flat=True)
    )

    def rows():
        out = []
        qs = (
            common.public_notices()
            .select_related("call")
            .annotate(n=Count("applications"))
            .order_by("-start_date", "-pk")
        )
        publications = {p.notice_id: p for p in Publication.objects.all()}
        for notice in qs:
            code, label = common.phase(notice, now)
            out.append(
                {
                    "notice": notice,
                    "period": common.period_text(notice),
                    "phase": code,
                    "phase_label": label,
                    "publication": publications.get(notice.pk),
                }
            )
        return out

    def publications():
        return list(Publication.objects.select_related("call").order_by("-publish_date", "-pk"))

    return render(
        request,
        "reviews/public/notice_list.html",
        {
            "get_rows": rows,
            "get_publications": publications,
            "cache_seconds": common.cache_seconds(request),
            "cache_key": f"{today}:{stamp}",
        },
    )


@require_GET
def notice_detail(request, pk):
    notice = get_object_or_404(common.public_notices().select_related("call"), pk=pk)
    now = timezone.now()
    phase, phase_label = common.phase(notice, now)

    def clusters():
        return [common.cluster_row(a) for a in common.listed(notice)]

    def publication():
        return Publication.objects.filter(notice=notice).first()

    return render(
        request,
        "reviews/public/notice_detail.html",
        {
            "notice": notice,
            "period": common.period_text(notice),
            "phase": phase,
            "phase_label": phase_label,
            "accepting": notice.accepting_objections(now),
            "get_clusters": clusters,
            "get_publication": publication,
            "cache_seconds": common.cache_seconds(request),
            "cache_key": f"{notice.pk}:{notice.status}:{timezone.localdate(now)}",
        },
    )


@require_GET
def notice_pdf(request, pk):
    notice = get_object_or_404(common.public_notices().select_related("call"), pk=pk)

    def build():
        return render_pdf(
            "reviews/pdf/notice.html",
            {
                "notice": notice,
                "period": common.period_text(notice),
                "rows": [common.cluster_row(a) for a in common.listed(notice)],
            },
        )

    data = common.cached_pdf(f"public:notice-pdf:{notice.pk}:{notice.status}", build)
    return common.pdf_response(data, f"{notice.title}.pdf", download=request.GET.get("download") == "1")


# ---------------------------------------------------------------- province: notice management


def _mask_name(name: str) -> str:
    name = (name or "").strip()
    return f"{name[:1]}**" if name else ""


def _manage_context(request, call, form=None):
    proposed = list(proposed_list(call)) if call else []
    drafted = set()
    notice_rows = []
    if call:
        drafted = set(
            Notice.objects.filter(call=call, status=NoticeStatus.DRAFT).values_list("applications", flat=True)
        )
        qs = (
            Notice.objects.filter(call=call)
            .annotate(
                listed=Count("applications", distinct=True),
                objection_count=Count("objections", distinct=True),
                pending=Count("objections", filter=Q(objections__status=ObjectionStatus.RECEIVED), distinct=True),
            )
            .order_by("-start_date", "-pk")
        )
        notice_rows = [{"notice": n, "period": common.period_text(n)} for n in qs]
    if form is None:
        form = NoticeCreateForm(
            initial={
                "start_date": timezone.localdate(),
                "contact_department": "江苏省工业和信息化厅中小企业处",
            }
        )
    period = getattr(form, "period", None)
    if period is None and not form.is_bound:
        try:
            period = services.notice_period(form.initial["start_date"])
        except ServiceError:
            period = None
    return {
        "calls": Call.objects.order_by("-year"),
        "call": call,
        "proposed": [{"app": a, "row": common.cluster_row(a), "drafted": a.pk in drafted} for a in proposed],
        "can_create": any(a.pk not in drafted for a in proposed),
        "notice_rows": notice_rows,
        "form": form,
        "period": chinese_period(*period) if period else "",
    }


@province_required
def notice_manage(request):
    calls = Call.objects.order_by("-year")
    call = None
    if request.GET.get("call", "").isdigit():
        call = calls.filter(pk=int(request.GET["call"])).first()
    call = call or calls.first()
    if request.GET.get("format") == "xlsx":
        objections = Objection.objects.filter(notice__call=call).order_by("-notice__start_date", "-notice_id")
        scope = f"{call.year}年度 · {call.title}" if call else "（无申报批次）"
        return _objections_xlsx(request, objections, {"申报批次": scope})
    return render(request, "reviews/notice/manage.html", _manage_context(request, call))


OBJECTION_COLUMNS = [
    Column("公示", 28),
    Column("受理编号", 20),
    Column("异议对象（集群）", 28),
    Column("异议人", 10),
    Column("联系电话", 14),
    Column("电子邮箱", 20),
    Column("提交时间", 17, "datetime"),
    Column("状态", 10),
    Column("异议内容", 50),
    Column("证明材料（份）", 10, "int"),
    Column("处理结果", 40),
    Column("处理人", 10),
    Column("处理时间", 17, "datetime"),
]


def _objections_xlsx(request, objections, filters: dict):
    """The objections as the management pages show them: the filer's name, phone and e-mail masked (seeing them in
    full is a logged action of its own, one objection at a time)."""
    qs = (
        objections.select_related("notice", "application__cluster", "handled_by")
        .annotate(file_count=Count("files", distinct=True))
        .order_by(*objections.query.order_by, "submitted_at", "pk")
    )
    rows = [
        [
            o.notice.title,
            o.receipt_number,
            o.application.cluster.name,
            _mask_name(o.name),
            mask_phone(o.phone),
            mask_phone(o.email),
            o.submitted_at,
            o.get_status_display(),
            o.content,
            o.file_count,
            o.result,
            o.handled_by.display_name if o.handled_by_id else "",
            o.handled_at,
        ]
        for o in qs
    ]
    audit("export", user=request.user, detail=f"公示异议（{len(rows)}行）；筛选：{filters}"[:500])
    return xlsx_response(
        "公示异议.xlsx",
        [
            Sheet(
                "公示异议",
                OBJECTION_COLUMNS,
                rows,
                title="公示期间收到的异议",
                filters=filters,
                note="异议人姓名、联系电话和电子邮箱已部分隐藏；完整信息请在公示管理页逐件查看（查看将被记录）。",
            )
        ],
    )


@province_required
@require_GET
def notice_period_preview(request):
    """The end date of a notice starting on ?start_date=, for the create form (htmx) — or the refusal."""
    form = NoticeCreateForm({"start_date": request.GET.get("start_date", "")})
    period, error = "", ""
    if "start_date" in form.errors:
        error = form.errors["start_date"][0]
    else:
        form.is_valid()
        start, end = form.period
        period = chinese_period(start, end)
    return render(request, "reviews/notice/_period.html", {"period": period, "period_error": error})


@province_required
@require_POST
def notice_create(request, call_pk):
    call = get_object_or_404(Call, pk=call_pk)
    form = NoticeCreateForm(request.POST)
    if request.POST.get("action") != "preview" and form.is_valid():
        try:
            notice = services.notice_create(call=call, actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"已生成公示草稿：{notice.title}（{common.period_text(notice)}），请核对后发布。")
            return redirect("public:notice_admin", pk=notice.pk)
    elif request.POST.get("action") == "preview":
        form.is_valid()
    status = 400 if form.errors else 200
    return render(request, "reviews/notice/manage.html", _manage_context(request, call, form), status=status)


def admin_context(notice, *, revealed=None, handle_forms=None, publication_form=None):
    now = timezone.now()
    objections = list(
        notice.objections.select_related("application__cluster", "handled_by")
        .prefetch_related("files")
        .order_by("submitted_at", "pk")
    )
    handle_forms = handle_forms or {}
    rows = []
    for o in objections:
        rows.append(
            {
                "objection": o,
                "masked_name": _mask_name(o.name),
                "masked_phone": mask_phone(o.phone),
                "masked_email": mask_phone(o.email),
                "revealed": (revealed or {}).get(o.pk),
                "handle_form": (
                    handle_forms.get(o.pk) or ObjectionHandleForm(prefix=f"o{o.pk}")
                    if o.status == ObjectionStatus.RECEIVED
                    else None
                ),
            }
        )
    pending = sum(1 for o in objections if o.status == ObjectionStatus.RECEIVED)
    if publication_form is None and notice.status == NoticeStatus.CLOSED:
        publication_form = PublicationForm(initial={"publish_date": max(timezone.localdate(), notice.end_date)})
    return {
        "notice": notice,
        "period": common.period_text(notice),
        "phase_label": common.phase(notice, now)[1],
        "listed": [common.cluster_row(a) for a in common.listed(notice)],
        "objections": rows,
        "pending": pending,
        "period_over": now > notice.deadline,
        "publication_form": publication_form,
        "publication": Publication.objects.filter(notice=notice).first(),
    }


def admin_notice(pk) -> Notice:
    return get_object_or_404(Notice.objects.select_related("call"), pk=pk)


@province_required
@require_GET
def notice_admin(request, pk):
    notice = admin_notice(pk)
    if request.GET.get("format") == "xlsx":
        return _objections_xlsx(request, notice.objections.order_by(), {"公示": notice.title})
    return render(request, "reviews/notice/admin.html", admin_context(notice))


@province_required
def notice_publish(request, pk):
    """The notice as the public will see it, checked (its period recomputed from the calendar), with the confirm
    button; publishing (POST action=confirm) cannot be undone."""
    notice = admin_notice(pk)
    if request.method == "POST" and request.POST.get("action") == "confirm":
        try:
            notice = services.notice_publish(notice=notice, actor=request.user)
        except ServiceError as exc:
            message_service_error(request, exc)
        else:
            messages.success(request, f"公示已发布：{common.period_text(notice)}，公众可在“公示公告”中查看并提出异议。")
            return redirect("public:notice_admin", pk=notice.pk)
    problem, period = "", common.period_text(notice)
    if notice.status != NoticeStatus.DRAFT:
        problem = "该公示已发布。"
    else:
        try:
            start, end = services.notice_period(notice.start_date)
            period = f"{chinese_period(start, end)}（{services.NOTICE_WORKING_DAYS}个工作日）"
        except ServiceError as exc:
            problem = exc.message
    clusters = [common.cluster_row(a) for a in common.listed(notice)]
    return render(
        request,
        "reviews/notice/publish_preview.html",
        {"notice": notice, "period": period, "problem": problem, "clusters": clusters},
        status=400 if problem else 200,
    )


def _admin_objection(pk) -> Objection:
    return get_object_or_404(Objection.objects.select_related("notice__call", "application__cluster"), pk=pk)


@never_cache
@province_required
@require_POST
def objection_personal(request, pk):
    """The filer's full name and contact, shown once on this response; the view is logged by the service."""
    objection = _admin_objection(pk)
    data = services.objection_personal_data(objection=objection, actor=request.user)
    context = admin_context(objection.notice, revealed={objection.pk: data})
    context["revealed_pk"] = objection.pk
    return render(request, "reviews/notice/admin.html", context)


@province_required
@require_POST
def objection_handle(request, pk):
    objection = _admin_objection(pk)
    form = ObjectionHandleForm(request.POST, prefix=f"o{objection.pk}")
    if form.is_valid():
        try:
            services.objection_handle(
                objection=objection,
                actor=request.user,
                decision=form.cleaned_data["decision"],
                result=form.cleaned_data["result"],
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"异议 {objection.receipt_number} 已处理。")
            return redirect(f"{reverse('public:notice_admin', args=[objection.notice_id])}#objection-{objection.pk}")
    context = admin_context(objection.notice, handle_forms={objection.pk: form})
    return render(request, "reviews/notice/admin.html", context, status=400)


@province_required
@require_GET
def objection_evidence(request, pk):
    """An objection's evidence file (province staff only), always as a download."""
    stored = get_object_or_404(ObjectionFile, pk=pk)
    return serve(stored.file, filename=stored.original_name, file_type=stored.file_type, inline=False)
