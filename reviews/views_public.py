"""The public notice, objections, published lists, certificate verification and registry (no login), and the
province's notice management pages.

Public pages are cached as template fragments holding only public data, keyed by what changes them; the page
frame around them (header with the visitor's name, CSRF tokens, large-text setting) is rendered per request.
cache_page would store one visitor's frame for everyone. Logged-in users always see fresh data.
"""

import datetime as dt
import uuid
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.constants import DivisionLevel
from accounts.models import Division
from clusters.models import Call, Certification, Cluster
from clusters.models.certifications import EXPIRING_DAYS, PUBLIC_STATUS_LABELS, CertificationStatus
from core import throttle
from core.exceptions import ServiceError
from core.filetypes import CONTENT_TYPES
from core.pdf import render_pdf
from core.validators import mask_phone

from . import certificates, notices
from .constants import NoticeStatus, ObjectionStatus
from .forms_public import (
    NoticeCreateForm,
    ObjectionForm,
    ObjectionHandleForm,
    PublicationForm,
    RegistryFilterForm,
    VerifyForm,
    apply_service_error,
    chinese_period,
)
from .models import Notice, Objection, ObjectionFile, Publication
from .selectors import proposed_list

REGISTRY_PAGE_SIZE = 20
OBJECTION_LIMIT = 5
OBJECTION_WINDOW_SECONDS = 3600
THROTTLED_MESSAGE = "提交过于频繁，请一小时后再试。"
STATUS_BADGES = {
    "pending": "text-bg-info",
    "valid": "text-bg-success",
    "expiring": "text-bg-warning",
    "expired": "text-bg-secondary",
    "revoked": "text-bg-danger",
}


# ---------------------------------------------------------------- helpers


def _cache_seconds(request):
    """The fragment cache lifetime: anonymous visitors share cached fragments; signed-in users get fresh data."""
    if request.user.is_authenticated:
        return None
    return settings.PUBLIC_PAGE_CACHE_SECONDS


def _public_notices():
    return Notice.objects.exclude(status=NoticeStatus.DRAFT)


def _phase(notice, now):
    """(code, label) of a notice as the public sees it."""
    if notice.status == NoticeStatus.CONCLUDED:
        return "concluded", "已公布认定名单"
    if notice.status == NoticeStatus.CLOSED or now > notice.deadline:
        return "ended", "公示期已结束"
    if now < notice.opens:
        return "upcoming", "即将开始"
    return "open", "公示中"


def _period_text(notice):
    return f"{chinese_period(notice.start_date, notice.end_date)}（{notices.NOTICE_WORKING_DAYS}个工作日）"


def _listed(notice):
    """The notice's clusters in list order, with their divisions (a fixed number of queries)."""
    return list(notice.applications.select_related("cluster__division__parent").order_by("cluster__division_id", "pk"))


def _cluster_row(app):
    division = app.cluster.division
    return {
        "application": app,
        "name": app.cluster.name,
        "city": division.parent.name if division.parent_id else "",
        "county": division.name,
        "lead_industry": app.cluster.lead_industry,
    }


def _pdf_response(data: bytes, filename: str, *, download: bool) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    kind = "attachment" if download else "inline"
    response["Content-Disposition"] = f"{kind}; filename*=UTF-8''{quote(filename)}"
    return response


def _cached_pdf(key: str, build) -> bytes:
    """PDFs of public documents are rendered once per change: rendering costs a tenth of a second or more."""
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return data


def _registry_stamp() -> str:
    """What changes any certification's public row, in one query, plus the version publication resets."""
    version = cache.get_or_set("public:registry-version", lambda: uuid.uuid4().hex, None)
    agg = Certification.objects.aggregate(
        n=Count("pk"),
        last=Max("pk"),
        revoked=Count("pk", filter=Q(status=CertificationStatus.REVOKED)),
        last_revoked=Max("revoked_at"),
        latest_to=Max("valid_to"),
    )
    return f"{version}:{agg['n']}:{agg['last']}:{agg['revoked']}:{agg['last_revoked']}:{agg['latest_to']}"


def _cert_row(cert, today):
    division = cert.cluster.division
    status = cert.public_status(today)
    return {
        "cert": cert,
        "cluster": cert.cluster,
        "city": division.parent.name if division.parent_id else "",
        "county": division.name,
        "status": status,
        "status_label": str(PUBLIC_STATUS_LABELS[status]),
        "badge": STATUS_BADGES[status],
    }


# ---------------------------------------------------------------- public: notices


@require_GET
def notice_list(request):
    now = timezone.now()
    today = timezone.localdate(now)
    stamp = list(_public_notices().values_list("pk", "status")) + list(Publication.objects.values_list("pk", flat=True))

    def rows():
        out = []
        qs = _public_notices().select_related("call").annotate(n=Count("applications")).order_by("-start_date", "-pk")
        publications = {p.notice_id: p for p in Publication.objects.all()}
        for notice in qs:
            code, label = _phase(notice, now)
            out.append(
                {
                    "notice": notice,
                    "period": _period_text(notice),
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
            "cache_seconds": _cache_seconds(request),
            "cache_key": f"{today}:{stamp}",
        },
    )


@require_GET
def notice_detail(request, pk):
    notice = get_object_or_404(_public_notices().select_related("call"), pk=pk)
    now = timezone.now()
    phase, phase_label = _phase(notice, now)

    def clusters():
        return [_cluster_row(a) for a in _listed(notice)]

    def publication():
        return Publication.objects.filter(notice=notice).first()

    return render(
        request,
        "reviews/public/notice_detail.html",
        {
            "notice": notice,
            "period": _period_text(notice),
            "phase": phase,
            "phase_label": phase_label,
            "accepting": notice.accepting_objections(now),
            "get_clusters": clusters,
            "get_publication": publication,
            "cache_seconds": _cache_seconds(request),
            "cache_key": f"{notice.pk}:{notice.status}:{timezone.localdate(now)}",
        },
    )


@require_GET
def notice_pdf(request, pk):
    notice = get_object_or_404(_public_notices().select_related("call"), pk=pk)

    def build():
        return render_pdf(
            "reviews/pdf/notice.html",
            {
                "notice": notice,
                "period": _period_text(notice),
                "rows": [_cluster_row(a) for a in _listed(notice)],
            },
        )

    data = _cached_pdf(f"public:notice-pdf:{notice.pk}:{notice.status}", build)
    return _pdf_response(data, f"{notice.title}.pdf", download=request.GET.get("download") == "1")


# ---------------------------------------------------------------- public: objections


def _client_ip(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client wants it to be unless a known proxy sets it.
    return request.META.get("REMOTE_ADDR") or "unknown"


@never_cache
def objection_form(request, pk):
    notice = get_object_or_404(_public_notices().select_related("call"), pk=pk)
    applications = _listed(notice)
    now = timezone.now()
    accepting = notice.accepting_objections(now)
    context = {
        "notice": notice,
        "period": _period_text(notice),
        "accepting": accepting,
        "phase": _phase(notice, now)[0],
    }
    if request.method == "POST":
        if not throttle.allow(
            f"objection:{_client_ip(request)}", limit=OBJECTION_LIMIT, window_seconds=OBJECTION_WINDOW_SECONDS
        ):
            form = ObjectionForm(request.POST, applications=applications)
            return render(
                request,
                "reviews/public/objection_form.html",
                {**context, "form": form, "throttled": THROTTLED_MESSAGE},
                status=429,
            )
        form = ObjectionForm(request.POST, request.FILES, applications=applications)
        if not accepting:
            # The service owns the deadline; it refuses with the period in its message.
            try:
                notices.objection_file(notice=notice, application_id=request.POST.get("application"), name="", now=now)
            except ServiceError as exc:
                return render(
                    request,
                    "reviews/public/objection_form.html",
                    {**context, "form": None, "refused": exc.message},
                    status=400,
                )
        if form.is_valid():
            data = form.cleaned_data
            try:
                objection = notices.objection_file(
                    notice=notice,
                    application_id=data["application"],
                    name=data["name"],
                    phone=data["phone"],
                    email=data["email"],
                    content=data["content"],
                    files=data["files"],
                    now=now,
                )
            except ServiceError as exc:
                apply_service_error(form, exc)
            else:
                return render(
                    request,
                    "reviews/public/objection_receipt.html",
                    {
                        **context,
                        "receipt_number": objection.receipt_number,
                        "cluster_name": objection.application.cluster.name,
                        "emailed": bool(objection.email),
                        "submitted_at": objection.submitted_at,
                    },
                )
        return render(
            request,
            "reviews/public/objection_form.html",
            {**context, "form": form, "had_files": bool(request.FILES)},
            status=400,
        )
    form = ObjectionForm(applications=applications) if accepting else None
    return render(request, "reviews/public/objection_form.html", {**context, "form": form})


# ---------------------------------------------------------------- public: published lists


def _publication_certs(publication):
    return (
        Certification.objects.filter(application__in=publication.notice.applications.all())
        .select_related("cluster__division__parent")
        .order_by("number")
    )


@require_GET
def publication_detail(request, pk):
    publication = get_object_or_404(Publication.objects.select_related("call", "notice"), pk=pk)
    today = timezone.localdate()

    def rows():
        return [_cert_row(c, today) for c in _publication_certs(publication)]

    return render(
        request,
        "reviews/public/publication_detail.html",
        {
            "publication": publication,
            "get_rows": rows,
            "cache_seconds": _cache_seconds(request),
            "cache_key": f"{publication.pk}:{today}:{_registry_stamp()}",
        },
    )


@require_GET
def publication_pdf(request, pk):
    publication = get_object_or_404(Publication.objects.select_related("call", "notice"), pk=pk)
    today = timezone.localdate()

    def build():
        rows = [_cert_row(c, today) for c in _publication_certs(publication)]
        return render_pdf("reviews/pdf/publication.html", {"publication": publication, "rows": rows})

    data = _cached_pdf(f"public:publication-pdf:{publication.pk}:{today}:{_registry_stamp()}", build)
    return _pdf_response(
        data, f"{publication.title}（{publication.doc_number}）.pdf", download=request.GET.get("download") == "1"
    )


# ---------------------------------------------------------------- certificates


def certificate_pdf(request, number):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    cert = get_object_or_404(
        Certification.objects.select_related("cluster__division__parent", "call", "application"), number=number
    )
    if not certificates.can_download_certificate(request.user, cert):
        raise Http404
    return _pdf_response(
        certificates.render_certificate_pdf(cert),
        f"认定证书-{cert.number}.pdf",
        download=request.GET.get("inline") != "1",
    )


@require_GET
def verify(request, number):
    cert = (
        Certification.objects.select_related("cluster__division__parent", "call")
        .filter(number=number.strip().upper())
        .first()
    )
    if cert is None:
        return render(
            request,
            "reviews/public/verify.html",
            {"number": number, "form": VerifyForm(initial={"number": number})},
            status=404,
        )
    return render(
        request,
        "reviews/public/verify.html",
        {"number": cert.number, "row": _cert_row(cert, timezone.localdate()), "cert": cert},
    )


@require_GET
def verify_form(request):
    if "number" in request.GET:
        form = VerifyForm(request.GET)
        if form.is_valid():
            return redirect("public:verify", number=form.cleaned_data["number"])
    else:
        form = VerifyForm()
    return render(request, "reviews/public/verify_form.html", {"form": form})


# ---------------------------------------------------------------- registry


def registry_queryset(data: dict, today: dt.date):
    """Certifications matching the registry's cleaned filters; status compares dates in the database."""
    qs = Certification.objects.select_related("cluster__division__parent", "call")
    if data.get("q"):
        qs = qs.filter(Q(cluster__name__icontains=data["q"]) | Q(cluster__lead_industry__icontains=data["q"]))
    if data.get("city"):
        qs = qs.filter(cluster__division__parent_id=data["city"])
    if data.get("county"):
        qs = qs.filter(cluster__division_id=data["county"])
    if data.get("industry"):
        qs = qs.filter(cluster__lead_industry__icontains=data["industry"])
    if data.get("year"):
        qs = qs.filter(year=data["year"])
    horizon = today + dt.timedelta(days=EXPIRING_DAYS)
    live = Q(status=CertificationStatus.VALID)
    status = data.get("status")
    if status == "revoked":
        qs = qs.filter(status=CertificationStatus.REVOKED)
    elif status == "expired":
        qs = qs.filter(live, valid_to__lt=today)
    elif status == "expiring":
        qs = qs.filter(live, valid_from__lte=today, valid_to__gte=today, valid_to__lte=horizon)
    elif status == "valid":
        qs = qs.filter(live, valid_from__lte=today, valid_to__gt=horizon)
    elif status == "pending":
        qs = qs.filter(live, valid_from__gt=today)
    return qs.order_by("-year", "number")


@require_GET
def registry(request):
    today = timezone.localdate()
    cities = Division.objects.filter(level=DivisionLevel.CITY).order_by("code")
    counties = Division.objects.filter(level=DivisionLevel.COUNTY).select_related("parent").order_by("code")
    years = Certification.objects.order_by("-year").values_list("year", flat=True).distinct()
    form = RegistryFilterForm(request.GET or None, cities=cities, counties=counties, years=years)
    data = {}
    if form.is_bound:
        form.is_valid()  # an invalid filter (an unknown county code) is shown as an error and ignored
        data = form.cleaned_data
    qs = registry_queryset(data, today)
    page_number = request.GET.get("page") or "1"

    def page():
        got = Paginator(qs, REGISTRY_PAGE_SIZE).get_page(page_number)
        got.rows = [_cert_row(c, today) for c in got.object_list]
        return got

    # Keyed by the raw query: the fragment holds the filter form, whose values and errors come from it.
    raw_query = sorted((k, v) for k, values in request.GET.lists() for v in values)
    return render(
        request,
        "reviews/public/registry.html",
        {
            "form": form,
            "get_page": page,
            "filtered": any(v not in (None, "") for v in data.values()),
            "cache_seconds": _cache_seconds(request),
            "cache_key": f"{today}:{raw_query}:{_registry_stamp()}",
        },
    )


@require_GET
def registry_cluster(request, key):
    if key.isdigit():
        cluster = get_object_or_404(
            Cluster.objects.filter(certifications__isnull=False).distinct().select_related("division__parent"),
            pk=int(key),
        )
    else:
        cert = get_object_or_404(
            Certification.objects.select_related("cluster__division__parent"), number=key.strip().upper()
        )
        cluster = cert.cluster
    today = timezone.localdate()
    certs = list(cluster.certifications.select_related("call", "application").order_by("-valid_from", "-pk"))
    for cert in certs:
        cert.cluster = cluster
    downloadable = [c for c in certs if certificates.can_download_certificate(request.user, c)]

    def rows():
        pubs = {p.doc_number: p for p in Publication.objects.filter(doc_number__in=[c.doc_number for c in certs])}
        out = []
        for cert in certs:
            row = _cert_row(cert, today)
            row["publication"] = pubs.get(cert.doc_number)
            out.append(row)
        return out

    stamp = [(c.pk, c.status, c.valid_to) for c in certs]
    return render(
        request,
        "reviews/public/registry_cluster.html",
        {
            "cluster": cluster,
            "current": _cert_row(certs[0], today) if certs else None,
            "get_rows": rows,
            "downloadable": downloadable,
            "cache_seconds": _cache_seconds(request),
            "cache_key": f"{cluster.pk}:{today}:{stamp}",
        },
    )


# ---------------------------------------------------------------- province: notice management


def _province_only(request):
    if not request.user.is_province:
        raise Http404


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
        notice_rows = [{"notice": n, "period": _period_text(n)} for n in qs]
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
            period = notices.notice_period(form.initial["start_date"])
        except ServiceError:
            period = None
    return {
        "calls": Call.objects.order_by("-year"),
        "call": call,
        "proposed": [{"app": a, "row": _cluster_row(a), "drafted": a.pk in drafted} for a in proposed],
        "can_create": any(a.pk not in drafted for a in proposed),
        "notice_rows": notice_rows,
        "form": form,
        "period": chinese_period(*period) if period else "",
    }


@login_required
def notice_manage(request):
    _province_only(request)
    calls = Call.objects.order_by("-year")
    call = None
    if request.GET.get("call", "").isdigit():
        call = calls.filter(pk=int(request.GET["call"])).first()
    call = call or calls.first()
    return render(request, "reviews/notice/manage.html", _manage_context(request, call))


@login_required
@require_GET
def notice_period_preview(request):
    """The end date of a notice starting on ?start_date=, for the create form (htmx) — or the refusal."""
    _province_only(request)
    form = NoticeCreateForm({"start_date": request.GET.get("start_date", "")})
    period, error = "", ""
    if "start_date" in form.errors:
        error = form.errors["start_date"][0]
    else:
        form.is_valid()
        start, end = form.period
        period = chinese_period(start, end)
    return render(request, "reviews/notice/_period.html", {"period": period, "period_error": error})


@login_required
@require_POST
def notice_create(request, call_pk):
    _province_only(request)
    call = get_object_or_404(Call, pk=call_pk)
    form = NoticeCreateForm(request.POST)
    if request.POST.get("action") != "preview" and form.is_valid():
        try:
            notice = notices.notice_create(call=call, actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, f"已生成公示草稿：{notice.title}（{_period_text(notice)}），请核对后发布。")
            return redirect("public:notice_admin", pk=notice.pk)
    elif request.POST.get("action") == "preview":
        form.is_valid()
    status = 400 if form.errors else 200
    return render(request, "reviews/notice/manage.html", _manage_context(request, call, form), status=status)


def _admin_context(notice, *, revealed=None, handle_forms=None, publication_form=None):
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
        "period": _period_text(notice),
        "phase_label": _phase(notice, now)[1],
        "listed": [_cluster_row(a) for a in _listed(notice)],
        "objections": rows,
        "pending": pending,
        "period_over": now > notice.deadline,
        "publication_form": publication_form,
        "publication": Publication.objects.filter(notice=notice).first(),
    }


def _admin_notice(request, pk):
    _province_only(request)
    return get_object_or_404(Notice.objects.select_related("call"), pk=pk)


@login_required
@require_GET
def notice_admin(request, pk):
    notice = _admin_notice(request, pk)
    return render(request, "reviews/notice/admin.html", _admin_context(notice))


@login_required
@require_POST
def notice_publish(request, pk):
    notice = _admin_notice(request, pk)
    try:
        notice = notices.notice_publish(notice=notice, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"公示已发布：{_period_text(notice)}，公众可在“公示公告”中查看并提出异议。")
    return redirect("public:notice_admin", pk=notice.pk)


def _admin_objection(request, pk):
    _province_only(request)
    return get_object_or_404(Objection.objects.select_related("notice__call", "application__cluster"), pk=pk)


@never_cache
@login_required
@require_POST
def objection_personal(request, pk):
    """The filer's full name and contact, shown once on this response; the view is logged by the service."""
    objection = _admin_objection(request, pk)
    data = notices.objection_personal_data(objection=objection, actor=request.user)
    context = _admin_context(objection.notice, revealed={objection.pk: data})
    context["revealed_pk"] = objection.pk
    return render(request, "reviews/notice/admin.html", context)


@login_required
@require_POST
def objection_handle(request, pk):
    objection = _admin_objection(request, pk)
    form = ObjectionHandleForm(request.POST, prefix=f"o{objection.pk}")
    if form.is_valid():
        try:
            notices.objection_handle(
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
    context = _admin_context(objection.notice, handle_forms={objection.pk: form})
    return render(request, "reviews/notice/admin.html", context, status=400)


@login_required
@require_GET
def objection_evidence(request, pk):
    _province_only(request)
    stored = get_object_or_404(ObjectionFile, pk=pk)
    path = notices.objection_file_path(stored)
    if not path.exists():
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=CONTENT_TYPES.get(stored.file_type, "application/octet-stream"),
    )


@login_required
@require_POST
def publication_create(request, pk):
    notice = _admin_notice(request, pk)
    form = PublicationForm(request.POST)
    if form.is_valid():
        try:
            publication = notices.publication_create(notice=notice, actor=request.user, **form.cleaned_data)
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            count = Certification.objects.filter(application__in=notice.applications.all()).count()
            messages.success(request, f"认定名单已公布（{publication.doc_number}），共认定 {count} 个集群。")
            return redirect("public:publication_detail", pk=publication.pk)
    notice.refresh_from_db()
    return render(request, "reviews/notice/admin.html", _admin_context(notice, publication_form=form), status=400)
