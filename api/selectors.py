"""Reads of the api app. Most are thin adapters over the apps' own selectors and predicates, so that the API
applies exactly what the web pages apply; each adapter says which app it should move to."""

from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from clusters import permissions as cluster_permissions
from clusters import selectors as cluster_selectors
from clusters.models import Certification
from monitoring import permissions as monitoring_permissions
from monitoring import selectors as monitoring_selectors
from reviews import selectors as review_selectors

from .models import ApiToken

MAX_TOKEN_LENGTH = 100


# ---------------------------------------------------------------- tokens


def token_by_plain_text(raw: str) -> ApiToken | None:
    from .services import TOKEN_PREFIX

    if not raw.startswith(TOKEN_PREFIX) or len(raw) > MAX_TOKEN_LENGTH:
        return None
    return (
        ApiToken.objects.select_related("user__organisation__division__parent")
        .filter(token_hash=ApiToken.hash(raw))
        .first()
    )


def token_list():
    return ApiToken.objects.select_related("user", "organisation", "created_by", "revoked_by").order_by(
        "-created_at", "-id"
    )


# ---------------------------------------------------------------- applications and clusters


def application_list(*, user):
    """`clusters.selectors.application_list_for_user`, narrowed for experts by the same predicate as the detail
    page (`can_view_application`: assigned, and — the reviews gate — no conflict declared). The selector alone
    lists an expert's assignments before the declaration. TODO(clusters): a queryset form of the expert gates,
    so this needs no per-row check (an expert's active assignments are few: capped by the pool rules)."""
    qs = cluster_selectors.application_list_for_user(user=user)
    if user.is_authenticated and user.is_expert:
        visible = [a.pk for a in qs if cluster_permissions.can_view_application(user, a)]
        qs = qs.filter(pk__in=visible)
    return qs


def get_application(*, user, pk):
    """The application as the detail page finds it: selector, then predicate; 404 either way."""
    application = cluster_selectors.get_application_for_user(user=user, pk=pk)
    if not cluster_permissions.can_view_application(user, application):
        raise Http404("申报不存在")
    return application


def get_cluster(*, user, pk):
    cluster = cluster_selectors.get_cluster_for_user(user=user, pk=pk)
    if not cluster_permissions.can_view_cluster(user, cluster):
        raise Http404("集群不存在")
    return cluster


# ---------------------------------------------------------------- public notices and the registry
def public_notices():
    """The public notices (reviews.selectors), with their number of listed clusters, newest first."""
    return (
        review_selectors.public_notices()
        .select_related("call", "publication")
        .annotate(n_clusters=Count("applications"))
        .order_by("-start_date", "-pk")
    )


def notice_phase(notice, now=None) -> tuple[str, str]:
    """(code, label) of a notice as the public notice page shows it."""
    return review_selectors.notice_phase(notice, now or timezone.now())


notice_listed = review_selectors.notice_listed


def certifications_public(filters: dict, today=None):
    """The public registry with the registry page's filters (q, city, county, industry, year, status)."""
    return review_selectors.registry_queryset(filters, today or timezone.localdate())


def get_certification_public(number: str) -> Certification:
    try:
        return Certification.objects.select_related("cluster__division__parent", "call").get(
            number=number.strip().upper()
        )
    except Certification.DoesNotExist:
        raise Http404("证书不存在") from None


# ---------------------------------------------------------------- monitoring (Arts. 11–14)
# The monitoring pages are behind `may_use_monitoring` (applicants and the three tiers of authorities); each list
# is the page's selector, each detail the page's selector and then its predicate, so the API sees what the pages
# show and nothing else (an expert sees none of it).


def _monitoring_user(user) -> bool:
    return monitoring_permissions.may_use_monitoring(user)


def report_list(*, user):
    qs = monitoring_selectors.report_list_for_user(user=user)
    return qs if _monitoring_user(user) else qs.none()


def get_report(*, user, pk):
    """The report as its page finds it (selector, then `can_view_report`), with every section loaded."""
    if not _monitoring_user(user):
        raise Http404("报告不存在")
    report = monitoring_selectors.get_report_for_user(user=user, pk=pk)
    if not monitoring_permissions.can_view_report(user, report):
        raise Http404("报告不存在")
    return monitoring_selectors.report_with_sections(report.pk)


def rereview_list(*, user):
    qs = monitoring_selectors.rereview_list_for_user(user=user)
    return qs if _monitoring_user(user) else qs.none()


def get_rereview(*, user, pk):
    if not _monitoring_user(user):
        raise Http404("复核申请不存在")
    rereview = monitoring_selectors.get_rereview_for_user(user=user, pk=pk)
    if not monitoring_permissions.can_view_rereview(user, rereview):
        raise Http404("复核申请不存在")
    return monitoring_selectors.rereview_with_sections(rereview.pk)


def revocation_list(*, user):
    qs = monitoring_selectors.revocation_cases_for_user(user=user)
    return qs if _monitoring_user(user) else qs.none()


def get_revocation(*, user, pk):
    if not _monitoring_user(user):
        raise Http404("撤销认定记录不存在")
    case = monitoring_selectors.get_revocation_for_user(user=user, pk=pk)
    if not monitoring_permissions.can_view_revocation(user, case):
        raise Http404("撤销认定记录不存在")
    return monitoring_selectors.revocation_with_files(case.pk)


def certification_list(*, user):
    """The certifications of the clusters the user may see in monitoring: the cluster's monitoring page lists them
    (`monitored_cluster_for_user`, then `cluster_certifications`) for its applicant and the authorities over it.
    TODO(monitoring): a `certifications_for_user` selector there, which this and the page would share."""
    if not _monitoring_user(user):
        return Certification.objects.none()
    clusters = cluster_selectors.cluster_list_for_user(user=user)
    return Certification.objects.filter(cluster__in=clusters.values("pk")).select_related(
        "cluster__division__parent", "cluster__owner", "call"
    )


def get_certification(*, user, pk):
    certification = certification_list(user=user).filter(pk=pk).first()
    if certification is None or not monitoring_permissions.can_view_cluster_monitoring(user, certification.cluster):
        raise Http404("认定记录不存在")
    return certification
