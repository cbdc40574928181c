"""Reads of key support and the national recommendation (Art. 13)."""

from django.db.models import Count, Prefetch, Q
from django.http import Http404

from clusters.models import Certification

from ..models import KeySupport, NationalRecommendation, RecommendationItem
from ..permissions import ACTIVE_CERTIFICATION_STATES


def certifications_in_force():
    """Certifications in force (valid, expiring): the clusters key support or a recommendation may name."""
    return (
        Certification.objects.filter(status__in=ACTIVE_CERTIFICATION_STATES)
        .select_related("cluster__division__parent")
        .order_by("cluster__division_id", "cluster__name", "number")
    )


def get_key_support_for_province(pk) -> KeySupport:
    try:
        return KeySupport.objects.select_related("cluster").get(pk=pk)
    except (KeySupport.DoesNotExist, ValueError, TypeError):
        raise Http404("记录不存在") from None


def recommendation_items(recommendation):
    """The clusters selected (not removed), in the order selected."""
    return (
        RecommendationItem.objects.filter(recommendation=recommendation, removed_at__isnull=True)
        .select_related("cluster__division__parent", "cluster__owner", "certification", "added_by")
        .order_by("added_at", "pk")
    )


def recommendation_with_items(pk) -> NationalRecommendation:
    try:
        return (
            NationalRecommendation.objects.select_related("created_by", "requested_by")
            .prefetch_related(
                Prefetch(
                    "items",
                    queryset=RecommendationItem.objects.filter(removed_at__isnull=False)
                    .select_related("cluster", "removed_by")
                    .order_by("removed_at"),
                    to_attr="removed_items",
                )
            )
            .get(pk=pk)
        )
    except (NationalRecommendation.DoesNotExist, ValueError, TypeError):
        raise Http404("推荐记录不存在") from None


def get_recommendation_item(recommendation, pk) -> RecommendationItem:
    try:
        return RecommendationItem.objects.select_related("recommendation", "cluster").get(
            pk=pk, recommendation=recommendation, removed_at__isnull=True
        )
    except (RecommendationItem.DoesNotExist, ValueError, TypeError):
        raise Http404("推荐集群不存在") from None


def recommendation_list():
    """Every year's recommendation with the number of clusters selected (one query)."""
    return NationalRecommendation.objects.annotate(n=Count("items", filter=Q(items__removed_at__isnull=True))).order_by(
        "-year"
    )
