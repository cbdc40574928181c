"""Applications: list and detail for everyone per `application_list_for_user` + `can_view_application`; a draft
created and edited by its applicant through `clusters.services`; the eligibility result the web shows; the
history of its transitions."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from clusters import eligibility
from clusters import selectors as cluster_selectors
from clusters import services as cluster_services
from core.transitions import history_for

from .. import selectors
from ..filters import ApplicationFilter
from ..serializers.applications import (
    ApplicationCreateSerializer,
    ApplicationDetailSerializer,
    ApplicationListSerializer,
    ApplicationUpdateSerializer,
    EligibilitySerializer,
    HistoryRowSerializer,
    YearDataUpdateSerializer,
)
from .common import IF_NONE_MATCH, conditional_response, int_pk

TAG = ["申报"]


def detail_data(request, application_pk):
    full = cluster_selectors.application_with_sections(application_pk)
    return ApplicationDetailSerializer(full, context={"request": request}).data


def eligibility_data(full) -> dict:
    results = cluster_selectors.evaluate_application(full)
    return {
        "application": full.pk,
        "summary": eligibility.summary(results),
        "failed_hard": [r.code for r in eligibility.failed_hard(results)],
        "results": [{**r.to_dict(), "outcome_label": eligibility.Outcome.LABELS[r.outcome]} for r in results],
    }


@extend_schema_view(
    list=extend_schema(summary="可见的申报", tags=TAG),
    retrieve=extend_schema(summary="申报详情", tags=TAG, parameters=[IF_NONE_MATCH]),
)
class ApplicationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    filterset_class = ApplicationFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.application_list(user=self.request.user).order_by("-updated_at", "-pk")

    def get_serializer_class(self):
        if self.action == "list":
            return ApplicationListSerializer
        return ApplicationDetailSerializer

    def get_object(self):
        return selectors.get_application(user=self.request.user, pk=int_pk(self.kwargs["pk"]))

    def retrieve(self, request, *args, **kwargs):
        application = self.get_object()
        return conditional_response(request, detail_data(request, application.pk))

    @extend_schema(
        summary="新建申报草稿（申报主体）",
        tags=TAG,
        request=ApplicationCreateSerializer,
        responses={201: ApplicationDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        given = ApplicationCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            cluster = cluster_selectors.get_cluster_for_user(user=request.user, pk=given.validated_data["cluster"])
        except Http404:
            raise serializers.ValidationError({"cluster": ["集群不存在，或不在您的范围内。"]}) from None
        call = cluster_selectors.call_list_public().filter(pk=given.validated_data["call"]).first()
        if call is None:
            raise serializers.ValidationError({"call": ["申报批次不存在或尚未发布。"]})
        application = cluster_services.application_create(actor=request.user, cluster=cluster, call=call)
        response = Response(detail_data(request, application.pk), status=status.HTTP_201_CREATED)
        response["Location"] = f"{request.path.rstrip('/')}/{application.pk}/"
        return response

    @extend_schema(
        summary="修改草稿字段（申报主体；version 过期则 409）",
        tags=TAG,
        request=ApplicationUpdateSerializer,
        responses={200: ApplicationDetailSerializer},
    )
    def partial_update(self, request, *args, **kwargs):
        application = self.get_object()
        given = ApplicationUpdateSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        data = dict(given.validated_data)
        if "version" not in data:
            raise serializers.ValidationError({"version": ["请提供读取申报时的 edit_version。"]})
        version = data.pop("version")
        if not data:
            raise serializers.ValidationError({"__all__": ["没有要修改的字段。"]})
        cluster_services.application_update(application=application, actor=request.user, version=version, data=data)
        return Response(detail_data(request, application.pk))

    @extend_schema(
        summary="修改近四年经济数据（申报主体；version 过期则 409）",
        tags=TAG,
        request=YearDataUpdateSerializer,
        responses={200: ApplicationDetailSerializer},
    )
    @action(detail=True, methods=["patch"], url_path="year-data")
    def year_data(self, request, pk=None):
        application = self.get_object()
        given = YearDataUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        rows = {row["year"]: {k: v for k, v in row.items() if k != "year"} for row in given.validated_data["years"]}
        cluster_services.year_data_update(
            application=application, actor=request.user, version=given.validated_data["version"], rows=rows
        )
        return Response(detail_data(request, application.pk))

    @extend_schema(
        summary="资格自评结果（与网页相同的规则引擎输出）",
        tags=TAG,
        parameters=[IF_NONE_MATCH],
        responses={200: EligibilitySerializer, 304: OpenApiResponse(description="未修改")},
    )
    @action(detail=True, methods=["get"])
    def eligibility(self, request, pk=None):
        application = self.get_object()
        full = cluster_selectors.application_with_sections(application.pk)
        return conditional_response(request, eligibility_data(full))

    @extend_schema(summary="流转记录", tags=TAG, responses={200: HistoryRowSerializer(many=True)})
    @action(detail=True, methods=["get"], filterset_class=None)
    def history(self, request, pk=None):
        application = self.get_object()
        page = self.paginate_queryset(history_for(application))
        return self.get_paginated_response(HistoryRowSerializer(page, many=True).data)
