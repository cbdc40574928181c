"""The expert-score ranking served from the cache, keyed by what it was computed from.

The ranking is relative (ranks, and each expert's robust z-scores over all their sheets), so computing it reads
every submitted sheet of the call (`selectors.call_score_ranking`, ~80 ms at 7,000 sheets). It changes only when
an assignment or a score sheet changes, and every such change is a logged transition or event, which bumps the
data version of its model (`core.cache.data_version`, `core.transitions`). So one page of the ranking (plain
numbers and ids, the names are loaded fresh for the page by `selectors.score_rows`) and the Excel workbook are
cached under that version: after a sheet is submitted, returned or an expert assigned, the next request
computes them again. The tokens and entries also expire, so a bump lost to a cache outage cannot keep a stale
ranking for longer than `RANKING_SECONDS`.
"""

from django.core.cache import cache
from django.core.paginator import Page, Paginator

from core.cache import data_version

from . import selectors

RANKING_SECONDS = 300
# What a cached ranking was computed from (score sheets, assignments) and, for the workbook, what it names.
RANKING_INPUTS = ("reviews.assignment", "reviews.scoresheet")
WORKBOOK_INPUTS = (*RANKING_INPUTS, "reviews.expertprofile")


def _base_key(call, labels) -> str:
    return f"score-ranking:v1:{call.pk}:{call.outlier_distance}:{data_version(*labels)}"


def cached_ranking(call) -> list[dict]:
    """`selectors.call_score_ranking(call)` as of the current scores (computed once per change)."""
    key = f"{_base_key(call, RANKING_INPUTS)}:all"
    return cache.get_or_set(key, lambda: selectors.call_score_ranking(call), RANKING_SECONDS)


def ranking_page(call, *, sort: str, page_number, per_page: int) -> tuple[Page, int]:
    """(one page of the ranking in the order of `sort`, the number of outlying sheets in the whole call).
    The page's rows are `call_score_ranking`'s plain rows; pass them to `selectors.score_rows` to show them."""
    base = _base_key(call, RANKING_INPUTS)
    meta_key = f"{base}:meta"
    requested = str(page_number) if str(page_number or "").isdigit() else "1"
    page_key = f"{base}:{sort}:{per_page}:{requested}"
    found = cache.get_many([meta_key, page_key])
    meta, rows = found.get(meta_key), found.get(page_key)
    ranking = None
    if meta is None:
        ranking = cached_ranking(call)
        meta = {"count": len(ranking), "outliers": sum(r["outliers"] for r in ranking)}
        cache.set(meta_key, meta, RANKING_SECONDS)
    # A paginator over the count alone: the page number is checked and clamped as on every other list.
    page = Paginator(range(meta["count"]), per_page).get_page(page_number)
    if rows is None or str(page.number) != requested:
        page_key = f"{base}:{sort}:{per_page}:{page.number}"
        rows = cache.get(page_key)
        if rows is None:
            if ranking is None:
                ranking = cached_ranking(call)
            ordered = selectors.sort_score_ranking(ranking, sort)
            rows = ordered[page.start_index() - 1 : page.end_index()] if meta["count"] else []
            cache.set(page_key, rows, RANKING_SECONDS)
    page.object_list = rows
    return page, meta["outliers"]


def ranking_workbook(call, build) -> bytes:
    """The ranking's Excel workbook: `build(summary_rows, detail_rows)` once per version of the scores and the
    experts. Cluster and applicant names of applications under expert review cannot change; a name changed
    later shows in the next workbook at the latest after RANKING_SECONDS."""
    key = f"{_base_key(call, WORKBOOK_INPUTS)}:xlsx"
    return cache.get_or_set(
        key, lambda: build(*selectors.score_table_export_rows(call, cached_ranking(call))), RANKING_SECONDS
    )
