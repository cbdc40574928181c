"""Clusters: an applicant body registers its clusters and keeps their basic data up to date."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.constants import DivisionLevel, Role
from clusters import permissions
from clusters.constants import ApplicationState
from clusters.models import Cluster
from clusters.selectors import valid_certifications
from core.exceptions import NotAllowed, ServiceError
from core.transitions import validation_message

S = ApplicationState


def _check_cluster_division(actor, division):
    if division is None or division.level != DivisionLevel.COUNTY:
        raise ServiceError("请选择集群所在的县（市、区）。")
    if not division.may_host_cluster:
        raise ServiceError(f"{division.full_name}不能作为集群所在地，请联系省厅。")
    # An applicant body belongs to one county and files only for clusters located there.
    if division.pk != actor.organisation.division_id:
        raise ServiceError(f"集群应位于本单位所在的{actor.organisation.division.full_name}。")


def certified_refusal(certifications) -> str:
    """Why a cluster with a certification in force cannot apply as a new cluster ('' when there is none)."""
    cert = next(iter(certifications), None)
    if cert is None:
        return ""
    return (
        f"“{cert.cluster.name}”已认定为江苏省中小企业特色产业集群（证书编号 {cert.number}，有效期至 "
        f"{cert.valid_to:%Y年%m月%d日}），同一集群（运营管理机构和所在地相同）在有效期内不能作为新集群重复申报、"
        "不能同时持有两份认定；有效期满时请申请复核（《管理办法》第十一条）。"
    )


def cluster_register(*, actor, tags=(), **fields) -> Cluster:
    """An applicant body registers a cluster in its own county (not a certified cluster a second time)."""
    if not (actor.is_authenticated and actor.is_active and actor.role == Role.APPLICANT and actor.organisation_id):
        raise NotAllowed("只有申报主体账号可以登记集群。")
    fields.pop("owner", None)
    _check_cluster_division(actor, fields.get("division"))
    refusal = certified_refusal(
        valid_certifications(division=fields.get("division"), management_body=fields.get("management_body", ""))
    )
    if refusal:
        raise ServiceError(refusal, errors={"management_body": [refusal]})
    cluster = Cluster(owner=actor.organisation, **fields)
    try:
        cluster.full_clean()
    except ValidationError as exc:
        raise ServiceError(validation_message(exc), errors=exc.message_dict) from exc
    with transaction.atomic():
        cluster.save()
        cluster.tags.set(tags)
    return cluster


def cluster_update(*, cluster, actor, tags=None, **fields) -> Cluster:
    """Change a cluster's basic data while none of its applications is under review or certified."""
    if not permissions.can_edit_cluster(actor, cluster):
        raise NotAllowed("您无权修改该集群。")
    fields.pop("owner", None)
    if "division" in fields:
        _check_cluster_division(actor, fields["division"])
    with transaction.atomic():
        # Work on a locked copy: a refused change must not leave the caller's instance half-modified.
        locked = Cluster.objects.select_for_update().get(pk=cluster.pk)
        if locked.applications.exclude(state__in=[S.DRAFT, S.WITHDRAWN, S.REJECTED]).exists():
            raise ServiceError("集群有正在评审或已认定的申报，基本信息不能直接修改；重大变动请通过变动报备办理。")
        # A certified cluster — also one certified before the portal, imported without an application — changes
        # only through a change report (Art. 12), which is reviewed and logged.
        if valid_certifications(cluster=locked).exists():
            raise ServiceError("集群处于认定有效期内，基本信息不能直接修改；重大变动请通过变动报备办理。")
        for key, value in fields.items():
            setattr(locked, key, value)
        try:
            locked.full_clean()
        except ValidationError as exc:
            raise ServiceError(validation_message(exc), errors=exc.message_dict) from exc
        locked.save()
        if tags is not None:
            locked.tags.set(tags)
    return locked
