"""Reference data, public as on the web: published calls and the administrative divisions."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from accounts.models import Division
from clusters import selectors as cluster_selectors

from ..filters import CallFilter, DivisionFilter
from ..serializers.reference import CallSerializer, DivisionSerializer
from .common import IF_NONE_MATCH, ConditionalRetrieveMixin, PublicMixin, int_pk


@extend_schema_view(
    list=extend_schema(summary="已发布的申报批次", tags=["申报批次"]),
    retrieve=extend_schema(summary="申报批次详情", tags=["申报批次"], parameters=[IF_NONE_MATCH]),
)
class CallViewSet(PublicMixin, ConditionalRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    """The calls the public pages list (`clusters.selectors.call_list_public`)."""

    serializer_class = CallSerializer
    filterset_class = CallFilter

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=int_pk(self.kwargs["pk"]))

    def get_queryset(self):
        return cluster_selectors.call_list_public().prefetch_related("requirements").order_by("-year", "pk")


@extend_schema_view(
    list=extend_schema(summary="行政区划（省、设区市、县级）", tags=["行政区划"]),
    retrieve=extend_schema(summary="行政区划详情", tags=["行政区划"], parameters=[IF_NONE_MATCH]),
)
class DivisionViewSet(PublicMixin, ConditionalRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    """GB/T 2260 divisions, by code."""

    serializer_class = DivisionSerializer
    filterset_class = DivisionFilter
    lookup_field = "code"
    lookup_value_regex = r"[0-9]{6}"

    def get_queryset(self):
        return Division.objects.select_related("parent").order_by("code")
