"""Clusters: an applicant body registers its clusters and keeps their basic data up to date."""

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.constants import DivisionLevel, Role
from clusters import permissions
from clusters.constants import ApplicationState
from clusters.models import Cluster
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


def cluster_register(*, actor, tags=(), **fields) -> Cluster:
    """An applicant body registers a cluster in its own county."""
    if not (actor.is_authenticated and actor.is_active and actor.role == Role.APPLICANT and actor.organisation_id):
        raise NotAllowed("只有申报主体账号可以登记集群。")
    fields.pop("owner", None)
    _check_cluster_division(actor, fields.get("division"))
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
