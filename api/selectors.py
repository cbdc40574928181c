"""Reads of the api app. Most are thin adapters over the apps' own selectors and predicates, so that the API
applies exactly what the web pages apply; each adapter says which app it should move to."""

from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from clusters import permissions as cluster_permissions
from clusters import selectors as cluster_selectors
from clusters.models import Certification
from reviews import selectors as review_selectors
from reviews.models import Notice

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
# TODO(reviews): these mirror reviews/views/common.py (public_notices, phase, listed); they belong in
# reviews.selectors so that the pages and the API share one definition.


def public_notices():
    """Published, closed and concluded notices (never drafts), with their number of listed clusters."""
    from reviews.constants import NoticeStatus

    return (
        Notice.objects.exclude(status=NoticeStatus.DRAFT)
        .select_related("call", "publication")
        .annotate(n_clusters=Count("applications"))
        .order_by("-start_date", "-pk")
    )


def notice_phase(notice, now=None) -> tuple[str, str]:
    """(code, label) of a notice as the public sees it — as the public notice page shows it."""
    from reviews.constants import NoticeStatus

    now = now or timezone.now()
    if notice.status == NoticeStatus.CONCLUDED:
        return "concluded", "已公布认定名单"
    if notice.status == NoticeStatus.CLOSED or now > notice.deadline:
        return "ended", "公示期已结束"
    if now < notice.opens:
        return "upcoming", "即将开始"
    return "open", "公示中"


def notice_listed(notice):
    """The notice's clusters in list order (a fixed number of queries)."""
    return list(notice.applications.select_related("cluster__division__parent").order_by("cluster__division_id", "pk"))


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
