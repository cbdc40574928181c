"""Clusters and certifications made on paper before the portal (since 2023), created by the province's import.

Reading and validating the import file is monitoring's (`monitoring.services.imports`); the rows it writes are
created here, where the models live, and each is logged through `core.transitions.record_event`.
Import these as `from clusters.services.imports import ...`.
"""

from django.core.exceptions import ValidationError

from clusters.models import Certification, CertificationSource, Cluster
from core import transitions
from core.exceptions import NotAllowed, ServiceError


def _province(actor) -> bool:
    return bool(actor and actor.is_authenticated and actor.is_active and actor.is_province)


def cluster_create_imported(
    *, actor, owner, division, name, lead_industry, segment, area_km2, management_body
) -> Cluster:
    """A cluster certified before the portal, registered for its management body (an imported record)."""
    if not _province(actor):
        raise NotAllowed("只有省工业和信息化厅可以导入认定集群。")
    cluster = Cluster(
        owner=owner,
        division=division,
        name=name,
        lead_industry=lead_industry,
        segment=segment or lead_industry,
        area_km2=area_km2,
        management_body=management_body,
    )
    try:
        cluster.full_clean()
    except ValidationError as exc:
        raise ServiceError(transitions.validation_message(exc), errors=exc.message_dict) from exc
    cluster.save()
    transitions.record_event(
        cluster,
        "import_cluster",
        actor=actor,
        to_state="registered",
        comment=f"平台上线前认定集群导入：{division.full_name}",
    )
    return cluster


def certification_create_imported(
    *, actor, cluster, number, doc_number, publish_date, valid_from, valid_to
) -> Certification:
    """A certification made on paper before the portal: no call, no application, the publication year."""
    if not _province(actor):
        raise NotAllowed("只有省工业和信息化厅可以导入认定集群。")
    cert = Certification(
        number=number,
        cluster=cluster,
        call=None,
        application=None,
        year=publish_date.year,
        source=CertificationSource.IMPORTED,
        valid_from=valid_from,
        valid_to=valid_to,
        doc_number=doc_number,
    )
    try:
        cert.full_clean(exclude=["status"])
    except ValidationError as exc:
        raise ServiceError(transitions.validation_message(exc), errors=exc.message_dict) from exc
    cert.save()
    transitions.record_event(
        cert,
        "import",
        actor=actor,
        to_state=cert.status,
        comment=(
            f"平台上线前认定导入：{doc_number}（{publish_date:%Y-%m-%d}公布，"
            f"有效期{valid_from:%Y-%m-%d}至{valid_to:%Y-%m-%d}）"
        ),
        freeze=True,
    )
    return cert
