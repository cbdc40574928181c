"""Public data (no token): notices and the registry of certifications. Nothing personal: no applicant contact,
no objection filer; the only phone is the notice's own office line for objections, printed on the notice."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from clusters.models import PUBLIC_STATUS_LABELS, Certification
from reviews.models import Notice, Publication

from .. import selectors
from .common import CallRefSerializer, DivisionRefSerializer, NamedRefSerializer

PUBLIC_STATUSES = list(PUBLIC_STATUS_LABELS)
PHASES = ["upcoming", "open", "ended", "concluded"]


class PublicationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Publication
        fields = ["id", "title", "doc_number", "publish_date"]


class NoticeSerializer(serializers.ModelSerializer):
    call = CallRefSerializer()
    phase = serializers.SerializerMethodField()
    phase_label = serializers.SerializerMethodField()
    objection_deadline = serializers.DateTimeField(
        source="deadline", help_text="异议受理截止时间（第5个工作日 23:59:59）"
    )
    cluster_count = serializers.IntegerField(source="n_clusters")
    publication = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id", "call", "title", "start_date", "end_date", "objection_deadline", "phase", "phase_label",
            "cluster_count", "contact_department", "contact_phone", "contact_email", "contact_address",
            "published_at", "publication",
        ]  # fmt: skip

    def _phase(self, notice):
        cache = self.context.setdefault("phases", {})
        if notice.pk not in cache:
            cache[notice.pk] = selectors.notice_phase(notice, self.context.get("now") or timezone.now())
        return cache[notice.pk]

    @extend_schema_field(serializers.ChoiceField(choices=PHASES))
    def get_phase(self, notice) -> str:
        return self._phase(notice)[0]

    def get_phase_label(self, notice) -> str:
        return self._phase(notice)[1]

    @staticmethod
    def _publication(notice):
        try:
            return notice.publication
        except Publication.DoesNotExist:
            return None

    @extend_schema_field(PublicationRefSerializer(allow_null=True))
    def get_publication(self, notice):
        publication = self._publication(notice)
        return PublicationRefSerializer(publication).data if publication else None


class ListedClusterSerializer(serializers.Serializer):
    cluster = NamedRefSerializer(source="application.cluster")
    county = DivisionRefSerializer(source="application.cluster.division")
    city = DivisionRefSerializer(source="application.cluster.division.parent", allow_null=True)
    lead_industry = serializers.CharField(source="application.cluster.lead_industry")


class NoticeDetailSerializer(NoticeSerializer):
    body = serializers.CharField(allow_blank=True)
    clusters = serializers.SerializerMethodField(help_text="公示的集群")

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "body", "clusters"]

    @extend_schema_field(ListedClusterSerializer(many=True))
    def get_clusters(self, notice):
        rows = [{"application": a} for a in selectors.notice_listed(notice)]
        return ListedClusterSerializer(rows, many=True).data


class CertificationSerializer(serializers.ModelSerializer):
    cluster = NamedRefSerializer()
    county = DivisionRefSerializer(source="cluster.division")
    city = DivisionRefSerializer(source="cluster.division.parent", allow_null=True)
    lead_industry = serializers.CharField(source="cluster.lead_industry")
    public_status = serializers.SerializerMethodField()
    public_status_label = serializers.SerializerMethodField()

    class Meta:
        model = Certification
        fields = [
            "number", "certificate_number", "cluster", "county", "city", "lead_industry", "year", "source",
            "valid_from", "valid_to", "doc_number", "public_status", "public_status_label",
        ]  # fmt: skip
        read_only_fields = fields

    def _today(self):
        return self.context.setdefault("today", timezone.localdate())

    @extend_schema_field(serializers.ChoiceField(choices=PUBLIC_STATUSES))
    def get_public_status(self, cert) -> str:
        return cert.public_status(self._today())

    def get_public_status_label(self, cert) -> str:
        return str(PUBLIC_STATUS_LABELS[cert.public_status(self._today())])
