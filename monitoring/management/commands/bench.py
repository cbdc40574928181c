"""Issue #17's benchmark: `python manage.py bench measure|report` (`make bench` runs both around gunicorn).

    bench measure --out var/bench/large.json   queries per page (test client), the daily sweep per kind of reminder,
                                               PDF render times, and the page plan for the load generator
    bench report --large L --small S --load LOAD --out docs/benchmarks.md
                                               PASS/FAIL against TARGETS, a profile of every FAIL

TARGETS is the one table of targets (issue #17); tune it here. The helpers live in scripts/bench/.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

TARGETS = {
    "baseline": {"label": "/healthz itself: the yardstick of the run"},
    "queries_flat": {"label": "queries per request do not grow with the data (small factor → large factor)"},
    "p95_x3": {"label": "p95 latency ≤ 3 × /healthz p95 in the same run", "max_ratio": 3.0},
    "rps_x07": {"label": "requests per second ≥ 0.7 × /healthz in the same run", "min_ratio": 0.7},
    "queries_20": {"label": "≤ 20 queries per request (province formal-review page)", "max_queries": 20},
    "pdf_1s": {"label": "application PDF (300 roster rows) renders in ≤ 1 s warm", "max_seconds": 1.0},
    "sweep_flat": {"label": "daily sweep: queries per kind of reminder equal at both factors"},
}


def _load(path):
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def page_verdict(page, large, small, load) -> dict:
    """One page's line: its numbers and PASS/FAIL against its target (and the no-growth check every page has)."""
    key, target = page["key"], page["target"]
    ql, qs = large["queries"].get(key, {}), (small.get("queries") or {}).get(key, {})
    run = (load.get("pages") or {}).get(key, {})
    p, h = run.get("page") or {}, run.get("healthz") or {}
    v = {
        "key": key,
        "label": page["label"],
        "role": page["role"],
        "target": target,
        "q_large": ql.get("queries"),
        "q_small": qs.get("queries"),
        "p50": p.get("p50_ms"),
        "p95": p.get("p95_ms"),
        "rps": p.get("rps"),
        "p95_ratio": p["p95_ms"] / h["p95_ms"] if p.get("p95_ms") and h.get("p95_ms") else None,
        "rps_ratio": p["rps"] / h["rps"] if p.get("rps") and h.get("rps") else None,
    }
    if key == "healthz":
        hz = [r["healthz"] for r in (load.get("pages") or {}).values() if r.get("healthz")]
        if hz:
            v["p50"] = sorted(x["p50_ms"] for x in hz)[len(hz) // 2]
            v["p95"] = sorted(x["p95_ms"] for x in hz)[len(hz) // 2]
            v["rps"] = sorted(x["rps"] for x in hz)[len(hz) // 2]
    problems = []
    status = ql.get("status")
    bad = {s: n for s, n in (run.get("statuses") or {}).items() if int(s) >= 400}
    if status and status >= 400 or bad or run.get("errors"):
        problems.append(f"HTTP {status} {bad or ''} {'; '.join(run.get('errors') or [])}".strip())
    if v["q_small"] is not None and v["q_large"] is not None and v["q_large"] > v["q_small"]:
        problems.append(f"queries grow {v['q_small']}→{v['q_large']}")
    t = TARGETS[target]
    missing = False
    if "max_ratio" in t:
        if v["p95_ratio"] is None:
            missing = True
        elif v["p95_ratio"] > t["max_ratio"]:
            problems.append(f"p95 {v['p95_ratio']:.1f}× healthz")
    if "min_ratio" in t:
        if v["rps_ratio"] is None:
            missing = True
        elif v["rps_ratio"] < t["min_ratio"]:
            problems.append(f"req/s {v['rps_ratio']:.2f}× healthz")
    if "max_queries" in t and (v["q_large"] or 0) > t["max_queries"]:
        problems.append(f"{v['q_large']} queries > {t['max_queries']}")
    v["result"] = "FAIL" if problems else ("NOT RUN" if missing else "PASS")
    v["why"] = f" ({'; '.join(problems)})" if problems else ""
    return v


def sweep_verdicts(large, small) -> list[dict]:
    rows = []
    for kind, m in (large.get("sweep") or {}).items():
        s = (small.get("sweep") or {}).get(kind, {})
        if "error" in m:
            rows.append(
                {"kind": kind, "q_small": None, "q_large": None, "seconds": None, "result": f"FAIL ({m['error']})"}
            )
            continue
        same = s.get("queries") == m["queries"] if s else None
        result = "PASS" if same else ("NOT RUN" if same is None else f"FAIL ({s.get('queries')}→{m['queries']})")
        rows.append(
            {
                "kind": kind,
                "q_small": s.get("queries"),
                "q_large": m["queries"],
                "seconds": m["seconds"],
                "result": result,
            }
        )
    return rows


def pdf_verdicts(large) -> list:
    limit = TARGETS["pdf_1s"]["max_seconds"]
    out = []
    for name, p in (large.get("pdf") or {}).items():
        if name.startswith("application"):
            p = {**p, "result": "PASS" if p["warm_s"] <= limit else f"FAIL (> {limit:g} s)"}
        else:
            p = {**p, "result": "— (no target)"}
        out.append((name, p))
    return out


class Command(BaseCommand):
    help = "基准测试（issue #17）：measure 统计查询数、定时任务和 PDF；report 对照目标写出 docs/benchmarks.md。"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["measure", "report"])
        parser.add_argument("--out", required=True)
        parser.add_argument("--large", help="report: the measure file of the large factor")
        parser.add_argument("--small", help="report: the measure file of the small factor")
        parser.add_argument("--load", help="report: the load generator's results")
        parser.add_argument("--skip", default="", help="measure: any of pdf,sweep")
        parser.add_argument("--only", default="", help="measure: comma-separated page keys")
        parser.add_argument("--no-profile", action="store_true", help="report: do not profile the FAILs")
        parser.add_argument("--strict", action="store_true", help="report: exit 1 when anything fails")

    def handle(self, *args, action, out, **options):
        if action == "measure":
            data = self.measure(skip=set(options["skip"].split(",")), only=options["only"])
        else:
            data = self.report(options)
        if action == "measure":
            with open(out, "w", encoding="utf-8") as f:
                json.dump(data, f, ensure_ascii=False, indent=1, default=str)
        else:
            with open(out, "w", encoding="utf-8") as f:
                f.write(data["markdown"])
            fails = data["fails"]
            self.stdout.write(f"{out}：{len(fails)} 项未达标" + (f"：{'、'.join(fails)}" if fails else "。"))
            if fails and options["strict"]:
                sys.exit(1)

    def measure(self, *, skip, only):
        from django.db.models import Count
        from django.utils import timezone

        from accounts.models import User
        from clusters.models import Application, Enterprise
        from reviews.models import Assignment
        from scripts.bench import measure, pages, plan

        marker = User.objects.filter(username=plan.MARKER_USERNAME).first()
        if marker is None:
            raise CommandError("数据库中没有 seed_scale 生成的基准数据：请先运行 seed_scale。")
        who = pages.users()
        page_list = pages.pages(who)
        if only:
            page_list = [p for p in page_list if p.key in set(only.split(",")) | {"healthz"}]
        self.stdout.write(f"查询统计：{len(page_list)} 个页面……")
        data = {
            "factor": float(marker.first_name or 0),
            "password": plan.PASSWORD,
            "usernames": {role: (u.username if u else None) for role, u in who.items()},
            "pages": [p.as_dict() for p in page_list],
            "queries": measure.query_counts(page_list, who),
            "cold": measure.cold_requests(page_list, who, pages.CACHED_PAGES),
            "totals": {
                "applications": Application.objects.count(),
                "roster_rows": Enterprise.objects.count(),
                "users": User.objects.count(),
                "assignments": Assignment.objects.count(),
                "states": dict(Application.objects.values_list("state").annotate(n=Count("id"))),
            },
        }
        if "sweep" not in skip:
            self.stdout.write("定时任务……")
            data["sweep"] = measure.sweep(timezone.localdate())
        if "pdf" not in skip:
            self.stdout.write("PDF……")
            data["pdf"] = measure.pdfs(pages.pdf_subjects())
        return data

    def report(self, options):
        from scripts.bench import measure, pages, report

        large, small, load = _load(options["large"]), _load(options["small"]), _load(options["load"])
        if not large:
            raise CommandError("--large 指向的测量结果不存在。")
        verdicts = [page_verdict(p, large, small, load) for p in large["pages"]]
        profiles = {}
        if not options["no_profile"]:
            who = pages.users()
            by_key = {p.key: p for p in pages.pages(who)}
            for v in verdicts:
                page = by_key.get(v["key"])
                if v["result"] == "FAIL" and page is not None:
                    try:
                        profiles[v["key"]] = measure.profile_page(page, who.get(page.role) if page.role else None)
                    except Exception as exc:  # noqa: BLE001 - the report says why a profile is missing
                        self.stderr.write(f"profile {v['key']}: {exc}")
        sweeps, pdfs = sweep_verdicts(large, small), pdf_verdicts(large)
        markdown = report.render(
            large=large,
            small=small,
            load=load,
            verdicts=verdicts,
            sweep_verdicts=sweeps,
            pdf_verdicts=pdfs,
            profiles=profiles,
            targets=TARGETS,
            command="make bench",
        )
        fails = [v["key"] for v in verdicts if v["result"] == "FAIL"]
        fails += [s["kind"] for s in sweeps if s["result"].startswith("FAIL")]
        fails += [name for name, p in pdfs if str(p["result"]).startswith("FAIL")]
        return {"markdown": markdown, "fails": fails}
