"""Clusters the caller may see: `clusters.selectors.cluster_list_for_user`, then `can_view_cluster`."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from clusters import selectors as cluster_selectors

from .. import selectors
from ..filters import ClusterFilter
from ..serializers.reference import ClusterSerializer
from .common import IF_NONE_MATCH, ConditionalRetrieveMixin, int_pk


@extend_schema_view(
    list=extend_schema(summary="可见的集群", tags=["集群"]),
    retrieve=extend_schema(summary="集群详情", tags=["集群"], parameters=[IF_NONE_MATCH]),
)
class ClusterViewSet(ConditionalRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    """An applicant sees its own clusters; a county, city or the province those in its jurisdiction."""

    serializer_class = ClusterSerializer
    filterset_class = ClusterFilter

    def get_queryset(self):
        return (
            cluster_selectors.cluster_list_for_user(user=self.request.user)
            .prefetch_related("tags")
            .order_by("-updated_at", "-pk")
        )

    def get_object(self):
        return selectors.get_cluster(user=self.request.user, pk=int_pk(self.kwargs["pk"]))
