"""Every read of the reviews app that spans relations or is scoped to a user: opinions, recommendation documents,
the expert score table and ranking, the proposed list, and the public registry of certifications."""

import datetime as dt
from decimal import Decimal
from statistics import mean, median, pstdev

from django.db import models
from django.db.models import Q

from accounts.constants import Role
from clusters.constants import ApplicationState
from clusters.models import Application, Certification
from clusters.models.certifications import EXPIRING_DAYS, CertificationStatus

from .constants import AssignmentStatus, SheetStatus
from .models import Assignment, ExpertProfile, Recommendation, ReviewOpinion, ScoreSheet


def opinions_for(application):
    return ReviewOpinion.objects.filter(application=application).select_related("reviewer").order_by("created_at", "id")


def recommendation_list_for_user(*, user):
    """Province staff see every city's documents; a city sees its own."""
    qs = Recommendation.objects.select_related("call", "city", "created_by").prefetch_related("applications")
    if not user.is_authenticated:
        return qs.none()
    if user.is_province:
        return qs
    if user.role == Role.CITY and user.division is not None:
        return qs.filter(city=user.division)
    return qs.none()


# ---------------------------------------------------------------- expert scores

MIN_SHEETS_FOR_NORMALISATION = 5
MAD_SCALE = Decimal("1.4826")


def _robust_z(values: list[Decimal]) -> dict[int, Decimal | None]:
    """Robust z-scores (median and MAD) of one expert's totals; None when the MAD is zero."""
    med = Decimal(str(median(values)))
    mad = Decimal(str(median([abs(v - med) for v in values])))
    if mad == 0:
        return {i: None for i in range(len(values))}
    return {i: ((v - med) / (MAD_SCALE * mad)).quantize(Decimal("0.001")) for i, v in enumerate(values)}


def call_score_table(call) -> list[dict]:
    """Per application: every expert's weighted total, mean, median, spread, outliers, and the
    expert-normalised score; ranked both ways. No score is hidden."""
    # A sheet whose expert later declared a conflict (the assignment ended) is kept, but out of the ranking.
    sheets = list(
        ScoreSheet.objects.filter(
            assignment__application__call=call,
            assignment__status=AssignmentStatus.ACTIVE,
            status=SheetStatus.SUBMITTED,
        )
        .select_related("assignment__expert__user", "assignment__application")
        .order_by("assignment__application_id", "assignment__expert_id")
    )
    per_expert: dict[int, list[ScoreSheet]] = {}
    for sheet in sheets:
        per_expert.setdefault(sheet.assignment.expert_id, []).append(sheet)
    z_by_sheet: dict[int, Decimal | None] = {}
    for expert_sheets in per_expert.values():
        if len(expert_sheets) < MIN_SHEETS_FOR_NORMALISATION:
            continue
        zs = _robust_z([s.weighted_total for s in expert_sheets])
        for i, sheet in enumerate(expert_sheets):
            z_by_sheet[sheet.pk] = zs[i]
    apps = (
        Application.objects.filter(call=call, assignments__isnull=False)
        .distinct()
        .select_related("cluster__division__parent")
    )
    by_app: dict[int, list[ScoreSheet]] = {}
    for sheet in sheets:
        by_app.setdefault(sheet.assignment.application_id, []).append(sheet)
    active_counts = dict(
        Assignment.objects.filter(application__call=call, status=AssignmentStatus.ACTIVE)
        .values_list("application_id")
        .annotate(n=models.Count("id"))
    )
    distance = call.outlier_distance
    rows = []
    for app in apps:
        app_sheets = by_app.get(app.pk, [])
        totals = [s.weighted_total for s in app_sheets]
        row = {
            "application": app,
            "assigned": active_counts.get(app.pk, 0),
            "submitted": len(app_sheets),
            "scores": [],
            "mean": None,
            "median": None,
            "stdev": None,
            "normalised": None,
            "rank_raw": None,
            "rank_normalised": None,
        }
        if totals:
            med = Decimal(str(median(totals)))
            row["mean"] = Decimal(str(mean(totals))).quantize(Decimal("0.01"))
            row["median"] = med.quantize(Decimal("0.01"))
            row["stdev"] = Decimal(str(pstdev(totals))).quantize(Decimal("0.01")) if len(totals) > 1 else Decimal("0")
            zs = [z_by_sheet.get(s.pk) for s in app_sheets]
            known = [z for z in zs if z is not None]
            row["normalised"] = (sum(known) / len(known)).quantize(Decimal("0.001")) if known else None
            for s, z in zip(app_sheets, zs, strict=True):
                row["scores"].append(
                    {
                        "sheet": s,
                        "expert": s.assignment.expert,
                        "total": s.weighted_total,
                        "z": z,
                        "outlier": abs(s.weighted_total - med) > distance,
                        "recommendation": s.get_recommendation_display(),
                    }
                )
        rows.append(row)
    _rank(rows, "mean", "rank_raw")
    _rank(rows, "normalised", "rank_normalised")
    rows.sort(key=lambda r: (r["rank_raw"] is None, r["rank_raw"] or 0, r["application"].pk))
    return rows


def _rank(rows, key, target):
    """Standard competition ranking (1, 2, 2, 4) on `key`, highest first; rows without a value get no rank."""
    ordered = sorted((r for r in rows if r[key] is not None), key=lambda r: -r[key])
    previous, rank = None, 0
    for i, row in enumerate(ordered, start=1):
        if row[key] != previous:
            rank = i
            previous = row[key]
        row[target] = rank


def expert_review_outstanding(applications) -> list[str]:
    """Why each of these applications has not finished expert review, in words: a score sheet of an active
    assignment not submitted yet (naming its expert), or no submitted sheet at all. [] when all are done."""
    apps = list(applications)
    sheets = (
        ScoreSheet.objects.filter(
            assignment__application__in=[a.pk for a in apps], assignment__status=AssignmentStatus.ACTIVE
        )
        .select_related("assignment__expert__user")
        .order_by("assignment__application_id", "assignment_id")
    )
    by_app: dict[int, list[ScoreSheet]] = {}
    for sheet in sheets:
        by_app.setdefault(sheet.assignment.application_id, []).append(sheet)
    problems = []
    for app in apps:
        mine = by_app.get(app.pk, [])
        submitted = [s for s in mine if s.status == SheetStatus.SUBMITTED]
        pending = [s for s in mine if s.status != SheetStatus.SUBMITTED]
        if pending or not submitted:
            names = "、".join(s.assignment.expert.user.display_name for s in pending)
            detail = f"未提交：{names}" if pending else "尚无专家提交评分"
            problems.append(f"{app.cluster.name}（已提交 {len(submitted)}/{len(mine)} 份评分表，{detail}）")
    return problems


def expert_pool():
    return ExpertProfile.objects.select_related("user__organisation", "city").prefetch_related("specialities")


def assignments_for_expert(user):
    """An expert's own active assignments; nothing once revoked."""
    return (
        Assignment.objects.filter(expert__user=user, status=AssignmentStatus.ACTIVE)
        .select_related("application__cluster__division__parent", "application__call", "sheet")
        .order_by("-assigned_at")
    )


def applications_in(call, state: ApplicationState):
    return (
        Application.objects.filter(call=call, state=state)
        .select_related("cluster__division__parent", "applicant")
        .order_by("pk")
    )


def proposed_list(call):
    """The joint review's proposed list: applications approved by a closed meeting, still awaiting the notice."""
    from .constants import JointDecisionChoice, MeetingStatus

    return (
        Application.objects.filter(
            call=call,
            state=ApplicationState.JOINT_REVIEW,
            joint_decisions__decision=JointDecisionChoice.APPROVE,
            joint_decisions__meeting__status=MeetingStatus.CLOSED,
        )
        .select_related("cluster__division__parent", "applicant")
        .distinct()
        .order_by("pk")
    )


# ---------------------------------------------------------------- published lists and the registry


def publication_certifications(publication):
    """The certifications a publication created, by number."""
    return (
        Certification.objects.filter(application__in=publication.notice.applications.all())
        .select_related("cluster__division__parent")
        .order_by("number")
    )


def registry_queryset(data: dict, today: dt.date):
    """Certifications matching the registry's cleaned filters; status compares dates in the database."""
    qs = Certification.objects.select_related("cluster__division__parent", "call")
    if data.get("q"):
        qs = qs.filter(Q(cluster__name__icontains=data["q"]) | Q(cluster__lead_industry__icontains=data["q"]))
    if data.get("city"):
        qs = qs.filter(cluster__division__parent_id=data["city"])
    if data.get("county"):
        qs = qs.filter(cluster__division_id=data["county"])
    if data.get("industry"):
        qs = qs.filter(cluster__lead_industry__icontains=data["industry"])
    if data.get("year"):
        qs = qs.filter(year=data["year"])
    horizon = today + dt.timedelta(days=EXPIRING_DAYS)
    # Dates decide for every certification not revoked: the lifecycle sweep's "expiring" / "expired" marks
    # follow the dates a day late at most, and a renewal moves valid_to.
    live = ~Q(status__in=[CertificationStatus.REVOKED, CertificationStatus.EXPIRED])
    status = data.get("status")
    if status == "revoked":
        qs = qs.filter(status=CertificationStatus.REVOKED)
    elif status == "expired":
        qs = qs.filter(Q(status=CertificationStatus.EXPIRED) | Q(live, valid_to__lt=today))
    elif status == "expiring":
        near = Q(valid_to__lte=horizon) | Q(status=CertificationStatus.EXPIRING)
        qs = qs.filter(live, near, valid_from__lte=today, valid_to__gte=today)
    elif status == "valid":
        qs = qs.filter(live, valid_from__lte=today, valid_to__gt=horizon).exclude(status=CertificationStatus.EXPIRING)
    elif status == "pending":
        qs = qs.filter(live, valid_from__gt=today)
    return qs.order_by("-year", "number")
