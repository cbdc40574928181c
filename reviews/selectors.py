"""Every read of the reviews app that spans relations or is scoped to a user: opinions, recommendation documents,
the expert score table and ranking, the proposed list, and the public registry of certifications."""

import datetime as dt
from decimal import Decimal
from statistics import median
from types import SimpleNamespace

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from accounts.constants import Role
from clusters.constants import ApplicationState
from clusters.models import Application, Certification
from clusters.models.certifications import EXPIRING_DAYS, CertificationStatus
from clusters.selectors import section_status

from .constants import AssignmentStatus, NoticeStatus, RecommendationStatus, SheetStatus
from .models import Assignment, ExpertProfile, Notice, Recommendation, ReviewOpinion, ScoreSheet


def opinions_for(application):
    return ReviewOpinion.objects.filter(application=application).select_related("reviewer").order_by("created_at", "id")


def recommendation_list_for_user(*, user):
    """Province staff see every city's documents; a city sees its own."""
    qs = Recommendation.objects.select_related("call", "city", "created_by")
    if not user.is_authenticated:
        return qs.none()
    if user.is_province:
        return qs
    if user.role == Role.CITY and user.division is not None:
        return qs.filter(city=user.division)
    return qs.none()


def formal_checklist_for(full) -> dict[str, bool]:
    """What the portal can check by itself for the province's formal review; staff confirm each item.

    `full` is the application as `clusters.selectors.application_with_sections` loads it (every section
    prefetched), so the review page reads the application once; `services.formal_checklist_suggestion` loads it
    and calls this."""
    status = section_status(full)
    return {
        "attachments": status["attachments"],
        "declarations": status["declarations"] and all(full.declarations.values()),
        "data": status["data"],
        "roster": status["roster"],
        "plan": status["management"],
        "recommendation": full.recommendations.filter(status=RecommendationStatus.SUBMITTED).exists(),
    }


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


def call_score_ranking(call) -> list[dict]:
    """Per application with an expert assigned: how many sheets are in and every expert's weighted total, with
    the mean, median, spread, outliers and the expert-normalised score; ranked both ways. No score is hidden.

    Plain values, no model instances: the database filters, joins, counts and computes each application's mean
    and spread (three narrow queries, however many sheets); the medians and the experts' robust z-scores are
    taken here from the same narrow rows. A page loads its own applications and sheets with `score_rows`. Each row holds
    `application_id`, `assigned`, `submitted`, `mean`, `median`, `stdev`, `normalised`, `rank_raw`,
    `rank_normalised`, `outliers` and `sheets`: [{"sheet_id", "expert_id", "total", "z", "outlier"}]."""
    # A sheet whose expert later declared a conflict (the assignment ended) is kept, but out of the ranking.
    sheets = ScoreSheet.objects.filter(
        assignment__application__call=call,
        assignment__status=AssignmentStatus.ACTIVE,
        status=SheetStatus.SUBMITTED,
    ).order_by("assignment__application_id", "assignment__expert_id")
    by_app: dict[int, list[dict]] = {}
    per_expert: dict[int, list[dict]] = {}
    for sheet_id, expert_id, app_id, total in sheets.values_list(
        "pk", "assignment__expert_id", "assignment__application_id", "weighted_total"
    ):
        sheet = {"sheet_id": sheet_id, "expert_id": expert_id, "total": total, "z": None, "outlier": False}
        by_app.setdefault(app_id, []).append(sheet)
        per_expert.setdefault(expert_id, []).append(sheet)
    for expert_sheets in per_expert.values():
        if len(expert_sheets) < MIN_SHEETS_FOR_NORMALISATION:
            continue
        zs = _robust_z([s["total"] for s in expert_sheets])
        for i, sheet in enumerate(expert_sheets):
            sheet["z"] = zs[i]
    stats = {
        app_id: (avg, spread)
        for app_id, avg, spread in sheets.order_by()
        .values_list("assignment__application_id")
        .annotate(avg=models.Avg("weighted_total"), spread=models.StdDev("weighted_total"))
    }
    # Every application that ever had an expert (in application order), with its active assignments counted.
    assigned = (
        Assignment.objects.filter(application__call=call)
        .values_list("application_id")
        .annotate(n=models.Count("id", filter=Q(status=AssignmentStatus.ACTIVE)))
        .order_by("application_id")
    )
    distance = call.outlier_distance
    rows = []
    for app_id, n_assigned in assigned:
        app_sheets = by_app.get(app_id, [])
        totals = [s["total"] for s in app_sheets]
        row = {
            "application_id": app_id,
            "assigned": n_assigned,
            "submitted": len(app_sheets),
            "sheets": app_sheets,
            "outliers": 0,
            "mean": None,
            "median": None,
            "stdev": None,
            "normalised": None,
            "rank_raw": None,
            "rank_normalised": None,
        }
        if totals:
            avg, spread = stats[app_id]  # population standard deviation (STDDEV_POP)
            med = Decimal(str(median(totals)))
            row["mean"] = Decimal(avg).quantize(Decimal("0.01"))
            row["median"] = med.quantize(Decimal("0.01"))
            row["stdev"] = Decimal(spread).quantize(Decimal("0.01")) if len(totals) > 1 else Decimal("0")
            known = [s["z"] for s in app_sheets if s["z"] is not None]
            row["normalised"] = (sum(known) / len(known)).quantize(Decimal("0.001")) if known else None
            for sheet in app_sheets:
                sheet["outlier"] = abs(sheet["total"] - med) > distance
            row["outliers"] = sum(1 for s in app_sheets if s["outlier"])
        rows.append(row)
    _rank(rows, "mean", "rank_raw")
    _rank(rows, "normalised", "rank_normalised")
    rows.sort(key=lambda r: (r["rank_raw"] is None, r["rank_raw"] or 0, r["application_id"]))
    return rows


def sort_score_ranking(rows, by: str) -> list[dict]:
    """The ranking in the order of `by` ("raw" or "normalised"); unranked applications last, by number."""
    key = "rank_normalised" if by == "normalised" else "rank_raw"
    return sorted(rows, key=lambda r: (r[key] is None, r[key] or 0, r["application_id"]))


def score_rows(rows) -> list[dict]:
    """Ranking rows made ready to show: each with its `application` (pk, cluster_name, place, state_display) and,
    per sheet, the `sheet` (pk, expert_name, recommendation in words) with its total, z and outlier mark. Plain
    values from two narrow queries for any number of rows (no model instances); pass one page's rows."""
    rows = list(rows)
    states = dict(ApplicationState.choices)
    apps, sheets = _ranked_values(
        rows,
        ("pk", "state", "cluster__name", "cluster__division__name"),
        ("pk", "recommendation", "assignment__expert__user__full_name", "assignment__expert__user__username"),
    )
    recommend = dict(ScoreSheet._meta.get_field("recommendation").flatchoices)
    apps = {
        pk: SimpleNamespace(
            pk=pk,
            cluster_name=a["cluster__name"],
            place=f"{a['city']}{a['cluster__division__name']}",
            state_display=str(states.get(a["state"], a["state"])),
        )
        for pk, a in apps.items()
    }
    sheets = {
        pk: SimpleNamespace(
            pk=pk,
            expert_name=s["assignment__expert__user__full_name"] or s["assignment__expert__user__username"],
            recommendation=str(recommend.get(s["recommendation"], s["recommendation"])),
        )
        for pk, s in sheets.items()
    }
    out = []
    for r in rows:
        scores = [{**s, "sheet": sheets[s["sheet_id"]]} for s in r["sheets"]]
        out.append({**r, "application": apps[r["application_id"]], "scores": scores})
    return out


def _ranked_values(rows, app_fields, sheet_fields, *, applicant_name=None, employer=None) -> tuple[dict, dict]:
    """({application pk: values}, {sheet pk: values}) of these ranking rows, in two narrow queries (no model
    instances). Every application row also has its `city` ("" when none); `applicant_name` and `employer` are
    optional extra expressions of the application and the sheet."""
    extra_app = {"city": Coalesce("cluster__division__parent__name", models.Value(""))}
    if applicant_name is not None:
        extra_app["applicant_name"] = applicant_name
    extra_sheet = {"employer": employer} if employer is not None else {}
    apps = {
        a["pk"]: a
        for a in Application.objects.filter(pk__in=[r["application_id"] for r in rows]).values(*app_fields, **extra_app)
    }
    sheet_ids = [s["sheet_id"] for r in rows for s in r["sheets"]]
    sheets = {s["pk"]: s for s in ScoreSheet.objects.filter(pk__in=sheet_ids).values(*sheet_fields, **extra_sheet)}
    return apps, sheets


def call_score_table(call) -> list[dict]:
    """The whole ranking, every row made ready to show (`call_score_ranking` + `score_rows`)."""
    return score_rows(call_score_ranking(call))


def score_table_export_rows(call, rows) -> tuple[list[tuple], list[tuple]]:
    """The ranking as two tables of plain values for the Excel export, in two narrow queries (no instances):
    (one row per application, one row per submitted sheet). See `views.scoring.score_table_xlsx`."""
    apps, sheets = _ranked_values(
        rows,
        ("pk", "cluster__name", "cluster__division__name", "cluster__lead_industry"),
        (
            "pk",
            "recommendation",
            "submitted_at",
            "assignment__expert__user__full_name",
            "assignment__expert__user__username",
        ),
        applicant_name=Coalesce("applicant__name", models.Value("")),
        employer=Coalesce("assignment__expert__user__organisation__name", models.Value("")),
    )
    recommend = dict(ScoreSheet._meta.get_field("recommendation").flatchoices)
    summary, detail = [], []
    for r in rows:
        app = apps[r["application_id"]]
        names = []
        for s in r["sheets"]:
            sheet = sheets[s["sheet_id"]]
            name = sheet["assignment__expert__user__full_name"] or sheet["assignment__expert__user__username"]
            names.append(f"{name} {s['total']}" + ("（离群）" if s["outlier"] else ""))
            detail.append(
                (
                    app["pk"],
                    app["cluster__name"],
                    name,
                    sheet["employer"],
                    s["total"],
                    s["z"],
                    "离群" if s["outlier"] else "",
                    str(recommend.get(sheet["recommendation"], sheet["recommendation"])),
                    sheet["submitted_at"],
                )
            )
        summary.append(
            (
                r["rank_raw"],
                r["rank_normalised"],
                app["pk"],
                app["cluster__name"],
                f"{app['city']}{app['cluster__division__name']}",
                app["cluster__lead_industry"],
                app["applicant_name"],
                f"{r['submitted']}/{r['assigned']}",
                r["mean"],
                r["median"],
                r["stdev"],
                r["normalised"],
                r["outliers"],
                "；".join(names),
            )
        )
    return summary, detail


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


# ---------------------------------------------------------------- public notices (the pages and the API)


def public_notices():
    """Published, closed and concluded notices: never drafts."""
    return Notice.objects.exclude(status=NoticeStatus.DRAFT)


def notice_phase(notice, now) -> tuple[str, str]:
    """(code, label) of a notice as the public sees it."""
    if notice.status == NoticeStatus.CONCLUDED:
        return "concluded", "已公布认定名单"
    if notice.status == NoticeStatus.CLOSED or now > notice.deadline:
        return "ended", "公示期已结束"
    if now < notice.opens:
        return "upcoming", "即将开始"
    return "open", "公示中"


def notice_listed(notice):
    """The notice's clusters in list order, with their divisions (a fixed number of queries)."""
    return list(notice.applications.select_related("cluster__division__parent").order_by("cluster__division_id", "pk"))
