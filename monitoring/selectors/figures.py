"""The figures of the province's pages and the dashboard, served from the cache and keyed by what they were
computed from.

Counting the warnings (reports joined to their plan targets and certifications), the certifications by place,
industry, year and status, the reports owed and submitted, and the indicator sums each read every certification or
report of the province (~3–7 ms each at national scale), on pages staff open all day. They change only when a
certification, a cluster or a report does:

- Every change of a certification (certified, imported, expiring, expired, revoked, renewed) and of a report
  (created, submitted, verified, returned) is a logged transition or event, which bumps its model's data version
  (`core.cache.data_version`, `core.transitions`); so is a change of a certified cluster accepted through a change
  report (`clusters.services.certifications.cluster_apply_change`). A reported report is frozen, and the plan
  targets it is judged against (the certified application's) no longer change.
- Two inputs change without a log entry: a cluster's basic data (its owner's edits before any review or
  certification, `clusters.services.clusters.cluster_update`, and an administrator's in the admin) and the
  administrative divisions (names, levels, parents: the admin). `stamp()` reads both in one cheap query (with the number and highest id of reports and certifications,
  against rows written without the services), and every figure is keyed by it too.

So each figure is keyed by the data versions of INPUTS, the stamp where it needs it, the user's scope (the
province, or one city) and its filters (year, programme, deadline); after the next change the next request computes
it again. The tokens and the entries also expire (FIGURES_SECONDS), so a bump lost to a cache outage cannot keep a
figure stale for long. Lists show names read fresh; Excel exports of lists are computed fresh, never from here."""

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection

from accounts.models import Division
from clusters.models import Certification, Cluster
from core.cache import data_version

from ..constants import REPORTED_STATES
from ..models import AnnualReport
from . import cities, dashboard
from .warnings import behind_row, missed_progress

FIGURES_SECONDS = 300
# The models whose logged changes the figures are computed from.
INPUTS = ("clusters.certification", "clusters.cluster", "monitoring.annualreport")


def scope_key(user) -> str:
    """Who the figures are scoped to (`jurisdiction_q`): the province, or one authority's division."""
    if not (user.is_authenticated and user.is_active):
        return "none"
    if user.is_province:
        return "province"
    division = user.division
    return f"{user.role}:{division.code}:{division.level}" if division is not None else f"{user.role}:-"


def stamp() -> str:
    """What the figures read that changes without a log entry, in one query: the clusters (how many, the latest
    `updated_at`: every save sets it) and a digest of the divisions (code, level, parent, name); and, as a guard
    for rows written without the services (data imports, fixtures), how many reports and certifications there
    are and their highest ids."""
    quote = connection.ops.quote_name
    counted = " || '/' || ".join(
        f"(SELECT count(*) || '/' || coalesce(max(id), 0) FROM {quote(model._meta.db_table)})"
        for model in (AnnualReport, Certification)
    )
    sql = (
        f"SELECT (SELECT count(*) || '/' || coalesce(max(updated_at)::text, '') FROM {quote(Cluster._meta.db_table)}),"
        " (SELECT md5(string_agg(code || '|' || level || '|' || coalesce(parent_id, '') || '|' || name, ','"
        f" ORDER BY code)) FROM {quote(Division._meta.db_table)}), {counted}"
    )
    if connection.vendor != "postgresql":
        return _portable_stamp()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        clusters, divisions, rows = cursor.fetchone()
    return f"{clusters}|{divisions}|{rows}"


def _portable_stamp() -> str:
    """`stamp()` through the ORM, for the SQLite of development (a few queries instead of one)."""
    from django.db.models import Count, Max

    parts = [Cluster.objects.aggregate(n=Count("id"), last=Max("updated_at"))]
    divisions = Division.objects.order_by("code").values_list("code", "level", "parent_id", "name")
    parts.append(hashlib.md5(repr(list(divisions)).encode(), usedforsecurity=False).hexdigest())
    parts += [model.objects.aggregate(n=Count("id"), last=Max("id")) for model in (AnnualReport, Certification)]
    return repr(parts)


def cached(entries: dict[str, tuple[tuple, Callable, bool]]) -> dict:
    """{name: (key parts, compute, stamped)} -> {name: value}: one round trip for the data versions, one for the
    entries (and the stamp's query when an entry is stamped); only the missing entries are computed and stored."""
    version = data_version(*INPUTS)
    stamped = stamp() if any(s for _p, _c, s in entries.values()) else ""
    keys = {}
    for name, (parts, _compute, is_stamped) in entries.items():
        raw = repr((name, parts, version, stamped if is_stamped else ""))
        keys[name] = f"monitoring-figures:v1:{name}:{hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()}"
    found = cache.get_many(list(keys.values()))
    out, missing = {}, {}
    for name, key in keys.items():
        if key in found:
            out[name] = found[key]
        else:
            out[name] = missing[key] = entries[name][1]()
    if missing:
        cache.set_many(missing, FIGURES_SECONDS)
    return out


# ---------------------------------------------------------------- the warnings of a year


def compute_warning_index(report_year: int) -> dict:
    """The year's warnings in the whole province: {"ids": report ids (sorted), "behind": report id -> the plan
    targets it missed (`behind_row`s, in target order)}. Two queries: the flagged reports, the missed targets."""
    missed = (
        missed_progress()
        .filter(report__report_year=report_year, report__state__in=REPORTED_STATES)
        .select_related("target")
        .order_by("report_id", "target_id")
    )
    behind: dict[int, list] = {}
    for p in missed:
        behind.setdefault(p.report_id, []).append(behind_row(p))
    flagged = AnnualReport.objects.filter(report_year=report_year, state__in=REPORTED_STATES, flag_count__gt=0)
    ids = sorted(set(flagged.values_list("pk", flat=True)) | set(behind))
    return {"ids": ids, "behind": behind}


def warning_index_entry(report_year: int) -> tuple:
    return (report_year,), lambda: compute_warning_index(report_year), True


def warning_index(report_year: int) -> dict:
    return cached({"warnings": warning_index_entry(report_year)})["warnings"]


# ---------------------------------------------------------------- the pages


def province_figures(report_year: int) -> dict:
    """The province's overview of a year: {"city_counts": `province_city_counts`, "warnings": the index}."""
    return cached(
        {
            "city_counts": ((report_year,), lambda: cities.province_city_counts(report_year), True),
            "warnings": warning_index_entry(report_year),
        }
    )


def dashboard_figures(user, programme, report_year: int, deadlines) -> dict:
    """The dashboard's figures computed from every certification or report in the user's scope: {"certs":
    `certification_summary`, "report_counts": `report_counts`, "indicators": `indicator_rows`, "warnings": the
    year's index}."""
    scope = scope_key(user)
    period = (programme.start_year, programme.end_year, programme.target)
    due_end = deadlines.cluster_due_end.isoformat()
    return cached(
        {
            "certs": ((scope, period), lambda: dashboard.certification_summary(user, programme), True),
            "report_counts": (
                (scope, report_year, due_end),
                lambda: dashboard.report_counts(user, report_year, deadlines),
                True,
            ),
            "indicators": ((scope,), lambda: dashboard.indicator_rows(user), True),
            "warnings": warning_index_entry(report_year),
        }
    )
