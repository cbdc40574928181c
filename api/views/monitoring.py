"""Monitoring (Arts. 11–14), read-only: annual reports, re-reviews, revocation cases and certifications, each
scoped as its page scopes it (monitoring's selectors, then its predicates; see `api.selectors`). Out of scope is
404. The writes (submit, verify, forward, decide …) stay on the web pages for now."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from .. import selectors
from ..filters import AnnualReportFilter, CertificationRecordFilter, ReReviewFilter, RevocationFilter
from ..serializers.monitoring import (
    AnnualReportDetailSerializer,
    AnnualReportListSerializer,
    CertificationRecordSerializer,
    ReReviewDetailSerializer,
    ReReviewListSerializer,
    RevocationDetailSerializer,
    RevocationListSerializer,
)
from .common import IF_NONE_MATCH, conditional_response, int_pk

TAG = ["认定后监测"]


class MonitoringViewSet(viewsets.ReadOnlyModelViewSet):
    """List from `list_selector`, detail from `detail_selector` (selector, predicate, sections); ETag on details."""

    http_method_names = ["get", "head", "options"]
    list_serializer_class = None
    detail_serializer_class = None
    default_ordering: tuple = ()

    @staticmethod
    def list_selector(*, user):
        raise NotImplementedError

    @staticmethod
    def detail_selector(*, user, pk):
        raise NotImplementedError

    def get_queryset(self):
        return self.list_selector(user=self.request.user).order_by(*self.default_ordering)

    def get_serializer_class(self):
        return self.list_serializer_class if self.action == "list" else self.detail_serializer_class

    def get_object(self):
        return self.detail_selector(user=self.request.user, pk=int_pk(self.kwargs["pk"]))

    def retrieve(self, request, *args, **kwargs):
        return conditional_response(request, self.get_serializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(
        summary="可见的年度发展报告（申报主体：本单位的；县、市：辖区内已提交的；省：全部已提交的）", tags=TAG
    ),
    retrieve=extend_schema(
        summary="年度发展报告详情（指标、规划目标进展、附件清单）", tags=TAG, parameters=[IF_NONE_MATCH]
    ),
)
class AnnualReportViewSet(MonitoringViewSet):
    filterset_class = AnnualReportFilter
    list_serializer_class = AnnualReportListSerializer
    detail_serializer_class = AnnualReportDetailSerializer
    default_ordering = ("-updated_at", "-pk")
    list_selector = staticmethod(selectors.report_list)
    detail_selector = staticmethod(selectors.get_report)


@extend_schema_view(
    list=extend_schema(summary="可见的复核申请（申报主体：本单位的；县、市、省：范围内已提交的）", tags=TAG),
    retrieve=extend_schema(
        summary="复核申请详情（指标、规划目标完成情况、各环节意见）", tags=TAG, parameters=[IF_NONE_MATCH]
    ),
)
class ReReviewViewSet(MonitoringViewSet):
    filterset_class = ReReviewFilter
    list_serializer_class = ReReviewListSerializer
    detail_serializer_class = ReReviewDetailSerializer
    default_ordering = ("-updated_at", "-pk")
    list_selector = staticmethod(selectors.rereview_list)
    detail_selector = staticmethod(selectors.get_rereview)


@extend_schema_view(
    list=extend_schema(summary="可见的撤销认定记录（集群本身、辖区主管部门、省厅）", tags=TAG),
    retrieve=extend_schema(
        summary="撤销认定记录详情（事实和依据、证明材料、决定）", tags=TAG, parameters=[IF_NONE_MATCH]
    ),
)
class RevocationViewSet(MonitoringViewSet):
    filterset_class = RevocationFilter
    list_serializer_class = RevocationListSerializer
    detail_serializer_class = RevocationDetailSerializer
    default_ordering = ("-created_at", "-pk")
    list_selector = staticmethod(selectors.revocation_list)
    detail_selector = staticmethod(selectors.get_revocation)


@extend_schema_view(
    list=extend_schema(summary="可见的认定记录（状态和有效期；公开名单见 certifications）", tags=TAG),
    retrieve=extend_schema(summary="认定记录详情", tags=TAG, parameters=[IF_NONE_MATCH]),
)
class CertificationRecordViewSet(MonitoringViewSet):
    filterset_class = CertificationRecordFilter
    list_serializer_class = CertificationRecordSerializer
    detail_serializer_class = CertificationRecordSerializer
    default_ordering = ("-valid_from", "-pk")
    list_selector = staticmethod(selectors.certification_list)
    detail_selector = staticmethod(selectors.get_certification)
