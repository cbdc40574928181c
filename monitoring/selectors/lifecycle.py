"""Reads of revocation cases, change reports, the public list of revocations, and a certified cluster's timeline
(every transition-log row of the cluster and its certifications, reports, re-reviews, change reports and cases,
merged and sorted in a constant number of queries)."""

import functools
import operator

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.http import Http404

from accounts.constants import Role
from accounts.selectors import NOTHING, jurisdiction_q
from clusters import permissions as cluster_permissions
from clusters.models import Certification, Cluster
from core.transitions import history_for

from ..constants import OPEN_CHANGE_STATES, OPEN_REREVIEW_STATES, RevocationStatus
from ..models import AnnualReport, ChangeReport, LifecycleFile, ReReview, RevocationCase

_CASES = RevocationCase.objects.select_related(
    "certification__cluster__division__parent", "certification__cluster__owner", "proposed_by", "decided_by"
)


# ---------------------------------------------------------------- revocation cases


def revocation_cases_for_user(*, user):
    """The cases a user may see: the cluster's own, the authorities' over their divisions, the province's all."""
    if not user.is_authenticated or not user.is_active:
        return _CASES.none()
    if user.role == Role.APPLICANT:
        if not user.organisation_id:
            return _CASES.none()
        return _CASES.filter(certification__cluster__owner_id=user.organisation_id)
    scope = jurisdiction_q(user, "certification__cluster__division")
    return _CASES.none() if scope == NOTHING else _CASES.filter(scope)


def get_revocation_for_user(*, user, pk) -> RevocationCase:
    try:
        return revocation_cases_for_user(user=user).get(pk=pk)
    except (RevocationCase.DoesNotExist, ValueError, TypeError):
        raise Http404("撤销认定记录不存在") from None


def revocation_with_files(pk) -> RevocationCase:
    return (
        _CASES.select_related("rereview", "change_report")
        .prefetch_related(
            Prefetch(
                "files",
                queryset=LifecycleFile.objects.filter(removed_at__isnull=True).select_related("uploaded_by"),
                to_attr="active_files",
            )
        )
        .get(pk=pk)
    )


def public_revocations(*, number: str = ""):
    """Published revocation decisions, newest first: what the public sees (no evidence, no personal data).
    `number` keeps the decisions on one certificate (the verification page links here with it)."""
    qs = (
        RevocationCase.objects.filter(status=RevocationStatus.PUBLISHED)
        .select_related("certification__cluster__division__parent")
        .order_by("-decision_date", "-pk")
    )
    number = (number or "").strip().upper()[:40]
    return qs.filter(certification__number=number) if number else qs


def published_revocation(pk) -> RevocationCase:
    try:
        return public_revocations().get(pk=pk)
    except (RevocationCase.DoesNotExist, ValueError, TypeError):
        raise Http404("撤销决定不存在或尚未公布") from None


def certifications_for_revocation():
    """Certifications a case may be opened on (not revoked), for the province's form."""
    return (
        Certification.objects.exclude(status="revoked")
        .select_related("cluster__division__parent")
        .order_by("cluster__division_id", "number")
    )


# ---------------------------------------------------------------- change reports


def change_reports_for_user(*, user):
    qs = ChangeReport.objects.select_related("cluster__division__parent", "certification", "new_division__parent")
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.role == Role.APPLICANT:
        return qs.filter(cluster__owner_id=user.organisation_id) if user.organisation_id else qs.none()
    scope = jurisdiction_q(user, "cluster__division")
    if scope == NOTHING:
        return qs.none()
    return qs.filter(scope).exclude(submission_count=0)


def get_change_report_for_user(*, user, pk) -> ChangeReport:
    try:
        return change_reports_for_user(user=user).get(pk=pk)
    except (ChangeReport.DoesNotExist, ValueError, TypeError):
        raise Http404("变动报备不存在") from None


def change_report_with_files(pk) -> ChangeReport:
    return (
        ChangeReport.objects.select_related(
            "cluster__division__parent", "cluster__owner", "certification", "new_division__parent"
        )
        .prefetch_related(
            Prefetch(
                "files",
                queryset=LifecycleFile.objects.filter(removed_at__isnull=True).order_by("uploaded_at", "id"),
                to_attr="active_files",
            )
        )
        .get(pk=pk)
    )


# ---------------------------------------------------------------- the cluster's page


def cluster_lifecycle(*, user, cluster) -> dict:
    """The cluster's re-reviews, change reports and cases as the user may see them (one query each)."""
    owner = cluster_permissions.owns(user, cluster)
    rereviews = ReReview.objects.filter(cluster=cluster).select_related("certification").order_by("-created_at")
    changes = ChangeReport.objects.filter(cluster=cluster).order_by("-created_at")
    if not owner:
        rereviews, changes = rereviews.exclude(submission_count=0), changes.exclude(submission_count=0)
    return {
        "rereviews": list(rereviews),
        "changes": list(changes),
        "cases": list(
            RevocationCase.objects.filter(certification__cluster=cluster)
            .select_related("certification")
            .order_by("-created_at")
        ),
        "open_rereview": any(r.state in OPEN_REREVIEW_STATES for r in rereviews),
        "open_change": any(c.state in OPEN_CHANGE_STATES for c in changes),
    }


TIMELINE_KINDS = {
    Cluster: "集群",
    Certification: "认定",
    AnnualReport: "年度发展报告",
    ReReview: "复核",
    ChangeReport: "重大变动报备",
    RevocationCase: "撤销认定",
}


def cluster_timeline(*, user, cluster, lifecycle: dict | None = None, limit: int = 300) -> list:
    """Every log row of the cluster and of what hangs off it, newest first, each with `kind` and `url`: one query
    per kind of object and one for the log (core.transitions.history_for of each object, merged into one query)."""
    lifecycle = lifecycle or cluster_lifecycle(user=user, cluster=cluster)
    owner = cluster_permissions.owns(user, cluster)
    reports = AnnualReport.objects.filter(cluster=cluster)
    if not owner:
        reports = reports.exclude(submission_count=0)
    objects = [
        cluster,
        *Certification.objects.filter(cluster=cluster).only("pk"),
        *reports.only("pk"),
        *lifecycle["rereviews"],
        *lifecycle["changes"],
        *lifecycle["cases"],
    ]
    if not objects:
        return []
    types = ContentType.objects.get_for_models(*TIMELINE_KINDS, for_concrete_models=False)
    kinds = {types[model].pk: (label, model) for model, label in TIMELINE_KINDS.items()}
    rows = list(
        functools.reduce(operator.or_, (history_for(obj) for obj in objects)).order_by("-created_at", "-id")[:limit]
    )
    for row in rows:
        row.kind, model = kinds.get(row.content_type_id, ("", None))
        row.url = _object_url(model, row.object_id)
    return rows


def _object_url(model, object_id) -> str:
    from django.urls import reverse

    names = {
        AnnualReport: "monitoring:report_detail",
        ReReview: "monitoring:rereview_detail",
        ChangeReport: "monitoring:change_detail",
        RevocationCase: "monitoring:revocation_detail",
    }
    name = names.get(model)
    return reverse(name, args=[object_id]) if name else ""
