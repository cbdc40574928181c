"""Publication (公布名单, Art. 11): the province publishes the list once the notice has closed; the public sees the
published lists (page and PDF), the registry of certified clusters and each cluster's certifications, and verifies
a certificate by its number or QR code; the certified cluster's applicant and the province download the
certificate PDF."""

import hashlib
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.constants import DivisionLevel
from accounts.decorators import province_required
from accounts.models import Division
from clusters.models import Certification, Cluster
from core.excel import XLSX_TYPE, Column, Sheet, build_workbook
from core.exceptions import ServiceError
from core.forms import apply_service_error
from core.pdf import render_pdf

from .. import services
from ..filters import export_query, filters_applied
from ..forms.publication import PublicationForm, RegistryFilterForm, VerifyForm
from ..models import Notice, Publication
from ..permissions import can_download_certificate
from ..selectors import publication_certifications, registry_queryset
from . import common
from .notices import admin_context

REGISTRY_PAGE_SIZE = 20


@require_GET
def publication_detail(request, pk):
    publication = get_object_or_404(Publication.objects.select_related("call", "notice"), pk=pk)
    today = timezone.localdate()

    def rows():
        return [common.cert_row(c, today) for c in publication_certifications(publication)]

    return render(
        request,
        "reviews/public/publication_detail.html",
        {
            "publication": publication,
            "get_rows": rows,
            "cache_seconds": common.cache_seconds(request),
            "cache_key": f"{publication.pk}:{today}:{common.registry_stamp()}",
        },
    )


@require_GET
def publication_pdf(request, pk):
    publication = get_object_or_404(Publication.objects.select_related("call", "notice"), pk=pk)
    today = timezone.localdate()

    def build():
        rows = [common.cert_row(c, today) for c in publication_certifications(publication)]
        return render_pdf("reviews/pdf/publication.html", {"publication": publication, "rows": rows})

    data = common.cached_pdf(f"public:publication-pdf:{publication.pk}:{today}:{common.registry_stamp()}", build)
    return common.pdf_response(
        data, f"{publication.title}（{publication.doc_number}）.pdf", download=request.GET.get("download") == "1"
    )


# ---------------------------------------------------------------- certificates


@login_required
def certificate_pdf(request, number):
    """The certificate PDF: the certified cluster's applicant and province staff; anyone else signed in gets 404."""
    cert = get_object_or_404(
        Certification.objects.select_related("cluster__division__parent", "call", "application"), number=number
    )
    if not can_download_certificate(request.user, cert):
        raise Http404
    return common.pdf_response(
        services.render_certificate_pdf(cert),
        f"认定证书-{cert.number}.pdf",
        download=request.GET.get("inline") != "1",
    )


@require_GET
def verify(request, number):
    import re

    wanted = number.strip().upper()
    # The number printed after a passed re-review ends in "-F<n>" (Certification.certificate_number): the
    # certification is the one without the suffix, and the printed number must be its current one.
    renewal = re.match(r"^(?P<base>.+)-F(?P<n>\d+)$", wanted)
    base = renewal.group("base") if renewal else wanted
    cert = Certification.objects.select_related("cluster__division__parent", "call").filter(number=base).first()
    if cert is not None and renewal and int(renewal.group("n")) > cert.renewals:
        cert = None
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
        {"number": cert.number, "row": common.cert_row(cert, timezone.localdate()), "cert": cert},
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


# Stands in for the visitor's CSRF token in a cached registry page; each response gets its own token.
CSRF_SLOT = "registry-csrf-slot-0f5c2e"


@require_GET
def registry(request):
    """The public registry. An anonymous visitor gets the whole page from the cache, keyed by the query string,
    the large-text setting and `common.registry_stamp()` (which publication and revocation reset, and which counts
    the certifications), so the page costs the stamp's one query: no filter form, no lookups, no template. The
    CSRF token of the header's form is put in per response; a visitor with a message pending gets a fresh page.
    `?format=xlsx` is the Excel export of the filtered list: answered before the page cache, cached apart."""
    if request.GET.get("format") == "xlsx":
        return _registry_xlsx(request)
    if request.user.is_authenticated or len(messages.get_messages(request)):
        return _registry_page(request)
    today = timezone.localdate()
    stamp = common.registry_stamp()
    variant = (
        f"{today}:{stamp}:{request.get_full_path()}:{request.COOKIES.get('large_text') == '1'}:"
        f"{getattr(request, 'LANGUAGE_CODE', '')}"
    )
    key = "public:registry-page:" + hashlib.sha256(variant.encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = _registry_page(request, stamp=stamp, csrf_token=CSRF_SLOT).content.decode()
        cache.set(key, html, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return HttpResponse(html.replace(CSRF_SLOT, get_token(request)))


def _registry_filter(request):
    cities = Division.objects.filter(level=DivisionLevel.CITY).order_by("code")
    counties = Division.objects.filter(level=DivisionLevel.COUNTY).select_related("parent").order_by("code")
    years = Certification.objects.order_by("-year").values_list("year", flat=True).distinct()
    form = RegistryFilterForm(request.GET or None, cities=cities, counties=counties, years=years)
    data = {}
    if form.is_bound:
        form.is_valid()  # an invalid filter (an unknown county code) is shown as an error and ignored
        data = form.cleaned_data
    return form, data


REGISTRY_EXPORT_COLUMNS = [
    Column("证书编号", 18),
    Column("集群名称", 30),
    Column("设区市", 10),
    Column("县（市、区）", 12),
    Column("主导产业", 16),
    Column("认定年度", 10, "int"),
    Column("有效期自", 12, "date"),
    Column("有效期至", 12, "date"),
    Column("状态", 10),
    Column("公布文号", 20),
]


def _registry_xlsx(request):
    """Every certification of the filtered registry (not one page), with the filters named. Public data: the
    workbook is cached per filter and registry stamp, under its own key (never the page's HTML key)."""
    today = timezone.localdate()
    form, data = _registry_filter(request)
    filters = filters_applied(form)
    stamp = common.registry_stamp()
    variant = f"{today}:{stamp}:{sorted((k, str(v)) for k, v in data.items() if v not in (None, ''))}"
    key = "public:registry-xlsx:" + hashlib.sha256(variant.encode()).hexdigest()

    def build():
        rows = []
        for cert in registry_queryset(data, today):
            row = common.cert_row(cert, today)
            rows.append(
                [
                    cert.number,
                    cert.cluster.name,
                    row["city"],
                    row["county"],
                    cert.cluster.lead_industry,
                    cert.year,
                    cert.valid_from,
                    cert.valid_to,
                    row["status_label"],
                    cert.doc_number,
                ]
            )
        sheet = Sheet(
            "认定名单",
            REGISTRY_EXPORT_COLUMNS,
            rows,
            title=f"江苏省中小企业特色产业集群认定名单（{today:%Y年%m月%d日}导出）",
            filters=filters,
        )
        return build_workbook([sheet])

    data_bytes = cache.get(key)
    if data_bytes is None:
        data_bytes = build()
        cache.set(key, data_bytes, settings.PUBLIC_PAGE_CACHE_SECONDS)
    response = HttpResponse(data_bytes, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'认定名单-{today:%Y%m%d}.xlsx')}"
    response["Cache-Control"] = "private, no-store"
    return response


def _registry_page(request, *, stamp=None, csrf_token=None):
    today = timezone.localdate()
    form, data = _registry_filter(request)
    qs = registry_queryset(data, today)
    page_number = request.GET.get("page") or "1"

    def page():
        got = Paginator(qs, REGISTRY_PAGE_SIZE).get_page(page_number)
        got.rows = [common.cert_row(c, today) for c in got.object_list]
        return got

    # Keyed by the raw query: the fragment holds the filter form, whose values and errors come from it.
    raw_query = sorted((k, v) for k, values in request.GET.lists() for v in values)
    context = {
        "form": form,
        "get_page": page,
        "filtered": any(v not in (None, "") for v in data.values()),
        "export_query": export_query(request),
        "cache_seconds": common.cache_seconds(request),
        "cache_key": f"{today}:{raw_query}:{stamp or common.registry_stamp()}",
    }
    if csrf_token is not None:
        context["csrf_token"] = csrf_token  # wins over the context processor's token
    return render(request, "reviews/public/registry.html", context)


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
    downloadable = [c for c in certs if can_download_certificate(request.user, c)]

    def rows():
        pubs = {p.doc_number: p for p in Publication.objects.filter(doc_number__in=[c.doc_number for c in certs])}
        out = []
        for cert in certs:
            row = common.cert_row(cert, today)
            row["publication"] = pubs.get(cert.doc_number)
            out.append(row)
        return out

    stamp = [(c.pk, c.status, c.valid_to) for c in certs]
    return render(
        request,
        "reviews/public/registry_cluster.html",
        {
            "cluster": cluster,
            "current": common.cert_row(certs[0], today) if certs else None,
            "get_rows": rows,
            "downloadable": downloadable,
            "cache_seconds": common.cache_seconds(request),
            "cache_key": f"{cluster.pk}:{today}:{stamp}",
        },
    )


# ---------------------------------------------------------------- province: publishing the list


@province_required
@require_POST
def publication_create(request, pk):
    """Validate → preview of the published list (who is certified, from when to when) with the values in hidden
    fields → confirm. Publication creates the certifications and cannot be undone."""
    notice = get_object_or_404(Notice.objects.select_related("call"), pk=pk)
    form = PublicationForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            if request.POST.get("action") == "confirm":
                publication = services.publication_create(notice=notice, actor=request.user, **d)
            else:
                apps = services.publication_check(
                    notice=notice, actor=request.user, doc_number=d["doc_number"], publish_date=d["publish_date"]
                )
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            if request.POST.get("action") == "confirm":
                count = Certification.objects.filter(application__in=notice.applications.all()).count()
                messages.success(request, f"认定名单已公布（{publication.doc_number}），共认定 {count} 个集群。")
                return redirect("public:publication_detail", pk=publication.pk)
            valid_from, valid_to = Certification.validity(d["publish_date"])
            return render(
                request,
                "reviews/notice/publication_preview.html",
                {
                    "notice": notice,
                    "form": form,
                    "title": d["title"] or services.default_publication_title(notice.call),
                    "rows": [common.cluster_row(a) for a in apps],
                    "valid_from": valid_from,
                    "valid_to": valid_to,
                },
            )
    notice.refresh_from_db()
    return render(request, "reviews/notice/admin.html", admin_context(notice, publication_form=form), status=400)
