"""In-process measurements (Django's test client, not gunicorn): queries per request, a profile of a slow page,
the daily sweep per kind of reminder, PDF render times. Nothing here writes to the database for good: every
measurement that could is rolled back."""

import cProfile
import io
import pstats
import re
import statistics
import time

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext


class _Rollback(Exception):
    pass


def _client(user):
    from django.conf import settings

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # A page that raises is recorded as a 500 (with the error), not the end of the run.
    client = Client(HTTP_X_FORWARDED_PROTO="https", secure=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def query_counts(pages, who, *, repeat=3) -> dict:
    """{page key: {"queries", "status", "ms", "bytes"}} after one warm-up request per page (caches as in steady
    state); ms is the median of `repeat` requests in this process."""
    clients, out = {}, {}
    for page in pages:
        client = clients.get(page.role)
        if client is None:
            client = clients[page.role] = _client(who.get(page.role) if page.role else None)
        try:
            client.get(page.url)
        except Exception as exc:  # noqa: BLE001 - e.g. a model whose migration has not landed yet
            out[page.key] = {"queries": None, "status": 500, "ms": None, "bytes": 0, "error": str(exc)[:200]}
            continue
        times = []
        for _i in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(page.url)
                times.append((time.perf_counter() - started) * 1000)
        body = getattr(response, "content", b"") if not getattr(response, "streaming", False) else b""
        exc = getattr(response, "exc_info", None)
        out[page.key] = {
            "error": f"{exc[0].__name__}: {exc[1]}"[:200] if exc else "",
            "queries": len(ctx.captured_queries),
            "status": response.status_code,
            "ms": round(statistics.median(times), 1),
            "bytes": len(body),
        }
    return out


def cold_requests(pages, who, inputs: dict) -> dict:
    """{page key: {"ms", "queries"}} of the first request after the data a cached page is computed from changed
    (its data versions bumped, as a submitted score sheet bumps them): what a user pays once per change."""
    from core.cache import bump_data_version

    out = {}
    for page in pages:
        labels = inputs.get(page.key)
        if not labels:
            continue
        client = _client(who.get(page.role) if page.role else None)
        client.get(page.url)  # the session and per-user caches warm, as in query_counts
        times, counts = [], []
        for _i in range(3):
            bump_data_version(*labels)
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                client.get(page.url)
                times.append((time.perf_counter() - started) * 1000)
            counts.append(len(ctx.captured_queries))
        out[page.key] = {"ms": round(statistics.median(times), 1), "queries": max(counts)}
    return out


_LITERALS = re.compile(r"'(?:[^']|'')*'|\b\d+\b")


def top_queries(captured, limit=5) -> list[dict]:
    """The captured SQL grouped by shape (literals and numbers blanked): count and total ms, costliest first."""
    groups: dict = {}
    for q in captured:
        shape = _LITERALS.sub("?", q["sql"])
        shape = re.sub(r"IN \((?:\?, )*\?\)", "IN (…)", shape)
        g = groups.setdefault(shape, {"sql": shape[:300], "count": 0, "ms": 0.0})
        g["count"] += 1
        g["ms"] += float(q.get("time") or 0) * 1000
    ranked = sorted(groups.values(), key=lambda g: (-g["ms"], -g["count"]))
    return [{**g, "ms": round(g["ms"], 1)} for g in ranked[:limit]]


def profile_page(page, user, *, limit=8) -> dict:
    """One request under cProfile: the project's functions by cumulative time, and the top queries."""
    client = _client(user)
    client.get(page.url)
    prof = cProfile.Profile()
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        prof.enable()
        client.get(page.url)
        prof.disable()
        elapsed = (time.perf_counter() - started) * 1000
    stream = io.StringIO()
    stats = pstats.Stats(prof, stream=stream)
    ours = []
    for (filename, line, func), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():
        if "/site-packages/" in filename or filename.startswith("<") or "/scripts/bench/" in filename:
            continue
        if "/work/" not in filename and "/main/" not in filename:
            continue
        short = filename.split("/main/", 1)[-1]
        ours.append(
            {
                "func": f"{short}:{line} {func}",
                "calls": ncalls,
                "cum_ms": round(cumtime * 1000, 1),
                "own_ms": round(tottime * 1000, 1),
            }
        )
    ours.sort(key=lambda r: -r["cum_ms"])
    return {
        "ms": round(elapsed, 1),
        "queries": len(ctx.captured_queries),
        "db_ms": round(sum(float(q.get("time") or 0) for q in ctx.captured_queries) * 1000, 1),
        "functions": ours[:limit],
        "top_queries": top_queries(ctx.captured_queries),
    }


def _rolled_back(fn):
    """Run fn() in a transaction that is rolled back; returns (result, queries, seconds)."""
    result = None
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        try:
            with transaction.atomic():
                result = fn()
                raise _Rollback
        except _Rollback:
            pass
        seconds = time.perf_counter() - started
    return result, len(ctx.captured_queries), round(seconds, 3)


def sweep(today) -> dict:
    """The daily sweep by kind of reminder: the annual-report sweep on the days that send each kind, the city
    deadline reminder two days before the call's deadline, the notice closing, and the whole registered sweep
    today. Each run is rolled back."""
    import datetime as dt

    from django.utils.module_loading import import_string

    from core.sweeps import registered

    out = {}
    try:
        from monitoring.deadlines import current_report_year, deadlines_for

        d = deadlines_for(current_report_year(today))
        days = {
            "cluster_30": d.cluster_due - dt.timedelta(days=20),
            "cluster_7": d.cluster_due - dt.timedelta(days=5),
            "cluster_1": d.cluster_due - dt.timedelta(days=1),
            "cluster_overdue+city_7": d.city_due - dt.timedelta(days=5),
            "city_1": d.city_due - dt.timedelta(days=1),
            "city_overdue": d.city_due + dt.timedelta(days=1),
        }
        sweep_fn = import_string("monitoring.services.sweep.annual_report_sweep")
        for kind, day in days.items():
            result, queries, seconds = _rolled_back(lambda day=day: sweep_fn(today=day))
            out[f"annual_report:{kind}"] = {"queries": queries, "seconds": seconds, "result": str(result)[:200]}
    except Exception as exc:  # noqa: BLE001 - monitoring's sweep is being reshaped: say so in the report
        out["annual_report"] = {"error": f"{exc.__class__.__name__}: {exc}"}
    from django.utils import timezone

    from clusters.models import Call

    call = Call.objects.order_by("-year").first()
    runs = {
        "notices_close_due(+10d)": lambda: import_string("reviews.services.notices.notices_close_due")(
            now=timezone.now() + dt.timedelta(days=10)
        ),
        "daily_sweep(today)": lambda: {p.rsplit(".", 1)[-1]: str(import_string(p)())[:80] for p in registered()},
    }
    if call is not None:
        runs["city_deadline_reminder"] = lambda: import_string(
            "reviews.services.recommendations.remind_city_deadlines"
        )(now=call.city_deadline - dt.timedelta(days=2))
    for kind, fn in runs.items():
        try:
            result, queries, seconds = _rolled_back(fn)
            out[kind] = {"queries": queries, "seconds": seconds, "result": str(result)[:300]}
        except Exception as exc:  # noqa: BLE001
            out[kind] = {"error": f"{exc.__class__.__name__}: {exc}"[:200]}
    return out


def pdfs(subjects, *, warm=3) -> dict:
    """Render times: the first render in this process (WeasyPrint's import and fonts included) and the median of
    the warm ones, for the application versions and a certificate; the files are not stored."""
    from clusters.models import ApplicationVersion
    from clusters.services import version_render_pdf
    from reviews.services import render_certificate_pdf

    def version(v):
        def job():
            # The service's own path (template, context, storage), on a copy whose PDF is forgotten in memory; the
            # stored file and the row's update are undone afterwards.
            copy = ApplicationVersion.objects.select_related("application").get(pk=v.pk)
            copy.pdf = ""
            size, name = 0, ""
            try:
                with transaction.atomic():
                    version_render_pdf(version=copy)
                    name, size = copy.pdf.name, copy.pdf.size
                    raise _Rollback
            except _Rollback:
                pass
            if name:
                copy.pdf.storage.delete(name)
            return size

        return job

    jobs = {}
    if subjects.get("small"):
        jobs[f"application_{len(subjects['small'].snapshot.get('enterprises', []))}_rows"] = version(subjects["small"])
    if subjects.get("big"):
        jobs[f"application_{len(subjects['big'].snapshot.get('enterprises', []))}_rows"] = version(subjects["big"])
    if subjects.get("certificate"):
        jobs["certificate"] = lambda: render_certificate_pdf(subjects["certificate"])
    out = {}
    for name, job in jobs.items():
        times, size = [], 0
        for _i in range(warm + 1):
            started = time.perf_counter()
            result = job()
            size = result if isinstance(result, int) else len(result)
            times.append(time.perf_counter() - started)
        out[name] = {"first_s": round(times[0], 3), "warm_s": round(statistics.median(times[1:]), 3), "bytes": size}
    return out
