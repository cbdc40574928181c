"""docs/benchmarks.md from the measurements (JSON files written by `bench measure` and the load generator) and the
verdicts `bench report` computed against its TARGETS."""

import datetime as dt


def _f(value, fmt="{:.0f}", missing="—"):
    return missing if value is None else fmt.format(value)


def render(*, large, small, load, verdicts, sweep_verdicts, pdf_verdicts, profiles, targets, command) -> str:
    lf, sf = large.get("factor"), small.get("factor") if small else None
    lines = [
        "# Benchmarks (issue #17)",
        "",
        f"Written by `make bench` on {dt.datetime.now():%Y-%m-%d %H:%M}; do not edit by hand. Command: `{command}`.",
        "",
        f"Data: `seed_scale --factor {lf}` ({large.get('totals', {})}); query counts also at factor {sf or '—'}. "
        f"Portal under gunicorn ({load.get('workers_n', 2)} sync workers, production settings, DEBUG off) on loopback; "
        f"the load generator (scripts/bench/loadgen.py, a second process) runs {load.get('concurrency')} logged-in "
        f"clients per page, each alternating the page and /healthz {load.get('requests')} times, so every ratio "
        "compares the page with /healthz measured in the same moments. The machine has 2 cores shared with other "
        "work: absolute milliseconds vary between runs, ratios much less.",
        "",
        "## Targets",
        "",
        "| target | meaning |",
        "|---|---|",
    ]
    for key, t in targets.items():
        lines.append(f"| `{key}` | {t['label']} |")
    lines += [
        "",
        "Every page is also held to `queries_flat`: its queries per request must not grow from the small factor to the "
        "large one (an N+1 shows as growth).",
        "",
        "## Pages",
        "",
        f"| page | role | queries @{sf} | queries @{lf} | p50 ms | p95 ms | p95 ÷ healthz | req/s | req/s ÷ healthz "
        "| target | result |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for v in verdicts:
        lines.append(
            f"| {v['label']} | {v['role'] or '匿名'} | {_f(v['q_small'])} | {_f(v['q_large'])} | {_f(v['p50'])} | "
            f"{_f(v['p95'])} | {_f(v['p95_ratio'], '{:.2f}')} | {_f(v['rps'], '{:.1f}')} | "
            f"{_f(v['rps_ratio'], '{:.2f}')} | `{v['target']}` | **{v['result']}**{v['why']} |"
        )
    cold = large.get("cold") or {}
    if cold:
        labels = {v["key"]: v["label"] for v in verdicts}
        warm = large.get("queries") or {}
        lines += [
            "",
            "## Cached pages: the first request after a change",
            "",
            "The ranking and its Excel workbook (computed from every score sheet of the call), a city's recommendation "
            "summary workbook and the province's monitoring figures (warnings, reports, certifications) are served "
            "from the cache until a record they "
            "are computed from changes (`reviews.ranking`, `monitoring.selectors.figures`; every logged change "
            "bumps the data version of its model). The table above measures them as users meet them between "
            "changes; this one times, in-process, the one request after each change that computes them again.",
            "",
            "| page | cold ms | cold queries | warm ms | warm queries |",
            "|---|---:|---:|---:|---:|",
        ]
        for key, c in cold.items():
            w = warm.get(key, {})
            lines.append(
                f"| {labels.get(key, key)} | {_f(c.get('ms'))} | {_f(c.get('queries'))} | {_f(w.get('ms'))} | "
                f"{_f(w.get('queries'))} |"
            )
    lines += ["", "## PDF rendering (in-process, WeasyPrint)", "", "| document | first render s | warm s | KB | result |",
              "|---|---:|---:|---:|---|"]  # fmt: skip
    for name, p in pdf_verdicts:
        lines.append(f"| {name} | {p['first_s']:.2f} | {p['warm_s']:.2f} | {p['bytes'] / 1024:.0f} | {p['result']} |")
    lines += ["", "## Daily sweep (each run rolled back)", "",
              f"| kind | queries @{sf} | queries @{lf} | seconds @{lf} | result |", "|---|---:|---:|---:|---|"]  # fmt: skip
    for s in sweep_verdicts:
        lines.append(
            f"| {s['kind']} | {_f(s['q_small'])} | {_f(s['q_large'])} | {_f(s['seconds'], '{:.2f}')} | **{s['result']}** |"
        )
    workers = load.get("workers") or {}
    lines += ["", "## Gunicorn workers", ""]
    if workers:
        lines.append("| worker pid | RSS MB at end | peak RSS MB (VmHWM) |")
        lines.append("|---|---:|---:|")
        for pid, w in sorted(workers.items()):
            lines.append(f"| {pid} | {w.get('VmRSS')} | {w.get('VmHWM')} |")
    else:
        lines.append("Not measured (no gunicorn pid).")
    fails = [v for v in verdicts if v["result"] == "FAIL"]
    lines += ["", "## What limits each FAIL", ""]
    if not fails:
        lines.append("No page failed its target.")
    for v in fails:
        prof = profiles.get(v["key"])
        lines += [f"### {v['label']} — {v['why'].strip(' ()') or 'FAIL'}", ""]
        if not prof:
            lines += ["(no profile)", ""]
            continue
        lines.append(
            f"One request in-process at factor {lf}: {prof['ms']:.0f} ms, {prof['queries']} queries taking "
            f"{prof['db_ms']:.0f} ms in the database."
        )
        lines += ["", "| project function (cProfile) | calls | cumulative ms | own ms |", "|---|---:|---:|---:|"]
        for f in prof["functions"]:
            lines.append(f"| `{f['func']}` | {f['calls']} | {f['cum_ms']} | {f['own_ms']} |")
        lines += ["", "| query shape | times | ms |", "|---|---:|---:|"]
        for q in prof["top_queries"]:
            sql = q["sql"].replace("|", "\\|")
            lines.append(f"| `{sql[:220]}` | {q['count']} | {q['ms']} |")
        lines.append("")
    lines += [
        "",
        "## How to run",
        "",
        "```sh",
        "make bench                                  # factor 1 (reuses the seeded databases)",
        "BENCH_FACTOR=0.1 BENCH_SMALL_FACTOR=0.01 make bench   # quick run while developing",
        "BENCH_RESEED=1 make bench                   # drop and re-seed both databases",
        "```",
        "",
        "Variables (environment): `BENCH_FACTOR` (1), `BENCH_SMALL_FACTOR` (0.1), `BENCH_RESEED` (0), `BENCH_DB` "
        "(portal_bench), `BENCH_SMALL_DB` (portal_bench_small), `BENCH_PG` (postgres://postgres@127.0.0.1:5432), "
        "`BENCH_REDIS` (redis://127.0.0.1:6379/8), `BENCH_PORT` (8765), `BENCH_CONCURRENCY` (2), `BENCH_REQUESTS` (30), "
        "`BENCH_ONLY` (page keys), `BENCH_OUT` (docs/benchmarks.md). Targets are the `TARGETS` table in "
        "monitoring/management/commands/bench.py.",
        "",
    ]
    return "\n".join(lines)
