"""Public data, no token: the notices (published, closed, concluded) and the registry of certifications, as the
public pages show them. Nothing personal is ever in these answers."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from clusters.models import PUBLIC_STATUS_LABELS

from .. import selectors
from ..filters import DIVISION_CODE, NoticeFilter
from ..serializers.public import CertificationSerializer, NoticeDetailSerializer, NoticeSerializer
from .common import IF_NONE_MATCH, ConditionalRetrieveMixin, PublicMixin, conditional_response, int_pk


@extend_schema_view(
    list=extend_schema(summary="公示（公示中、期满、已公布名单）", tags=["公开信息"]),
    retrieve=extend_schema(summary="公示详情及公示的集群", tags=["公开信息"], parameters=[IF_NONE_MATCH]),
)
class NoticeViewSet(PublicMixin, ConditionalRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = NoticeFilter

    def get_queryset(self):
        return selectors.public_notices()

    def get_serializer_class(self):
        return NoticeDetailSerializer if self.action == "retrieve" else NoticeSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def get_object(self):
        notice = self.get_queryset().filter(pk=int_pk(self.kwargs["pk"])).first()
        if notice is None:
            raise Http404("公示不存在")
        return notice


class RegistryQuery(serializers.Serializer):
    """The registry page's filters."""

    q = serializers.CharField(required=False, max_length=100, help_text="集群名称或主导产业")
    city = serializers.CharField(required=False, validators=[DIVISION_CODE], help_text="设区市区划代码")
    county = serializers.CharField(required=False, validators=[DIVISION_CODE], help_text="县（市、区）区划代码")
    industry = serializers.CharField(required=False, max_length=100, help_text="主导产业")
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text="认定年度")
    status = serializers.ChoiceField(required=False, choices=list(PUBLIC_STATUS_LABELS), help_text="公开状态")


REGISTRY_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="集群名称或主导产业（包含）"),
    OpenApiParameter("city", OpenApiTypes.STR, description="设区市区划代码（六位）", pattern=r"^\d{6}$"),
    OpenApiParameter("county", OpenApiTypes.STR, description="县（市、区）区划代码（六位）", pattern=r"^\d{6}$"),
    OpenApiParameter("industry", OpenApiTypes.STR, description="主导产业（包含）"),
    OpenApiParameter("year", OpenApiTypes.INT, description="认定年度"),
    OpenApiParameter("status", OpenApiTypes.STR, enum=list(PUBLIC_STATUS_LABELS), description="公开状态"),
]


@extend_schema_view(
    list=extend_schema(summary="认定名单（公开）", tags=["公开信息"], parameters=REGISTRY_PARAMETERS),
    retrieve=extend_schema(summary="按证书编号查询认定", tags=["公开信息"], parameters=[IF_NONE_MATCH]),
)
class CertificationViewSet(PublicMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = CertificationSerializer
    lookup_field = "number"
    lookup_value_regex = r"[A-Za-z0-9\-]{1,40}"
    filter_backends: list = []

    def get_queryset(self):
        query = RegistryQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return selectors.certifications_public(query.validated_data)

    def retrieve(self, request, number=None):
        cert = selectors.get_certification_public(number)
        return conditional_response(request, self.get_serializer(cert).data)
