"""A bounded load generator on loopback, standard library only (no locust, no new dependency).

    python -m scripts.bench.loadgen --plan var/bench/large.json --base http://127.0.0.1:8765 --out var/bench/load.json

For each page of the plan: `--concurrency` threads, each with its own keep-alive connection and a session logged in
through the login page as the page's role, alternate one request of the page and one of /healthz, `--requests`
times (after `--warmup` unrecorded rounds), within `--max-seconds`. It records both latencies, so each page is
compared with /healthz measured in the same moments. Requests carry X-Forwarded-Proto: https, as the intranet's TLS
proxy sends it (production settings trust it), so the secure session cookie and CSRF checks work as in production.
Only 127.0.0.1 / localhost / ::1 are accepted as targets.
"""

import argparse
import http.client
import json
import re
import statistics
import sys
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Session:
    def __init__(self, base: str):
        parts = urllib.parse.urlsplit(base)
        if parts.hostname not in LOOPBACK:
            raise SystemExit(f"refusing a non-loopback target: {parts.hostname}")
        self.host, self.port = parts.hostname, parts.port or 80
        self.origin = f"https://{self.host}:{self.port}"
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def request(self, method, path, body=None, headers=None):
        path = urllib.parse.quote(path, safe="/?&=%:+,")
        hdrs = {"Host": f"{self.host}:{self.port}", "X-Forwarded-Proto": "https", "Referer": self.origin + path}
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        hdrs.update(headers or {})
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt == 2:
                    raise
        for header in resp.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        return resp.status, data, resp.headers

    def login(self, username, password):
        status, body, _h = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not token:
            raise RuntimeError(f"login page answered {status}")
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()}
        )
        status, _body, headers = self.request(
            "POST", "/accounts/login/", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} failed ({status})")


def percentile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarise(latencies, concurrency):
    if not latencies:
        return {}
    mean = statistics.fmean(latencies)
    return {
        "n": len(latencies),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "mean_ms": round(mean * 1000, 1),
        # closed loop: what `concurrency` clients get per second from requests of this kind alone
        "rps": round(concurrency / mean, 1) if mean else None,
    }


def drive(base, page, credentials, *, concurrency, requests, warmup, max_seconds):
    page_lat, health_lat, statuses, errors = [], [], {}, []
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds

    def worker():
        try:
            s = Session(base)
            if page["role"]:
                s.login(*credentials[page["role"]])
            for i in range(warmup + requests):
                if time.monotonic() > deadline:
                    break
                for path, sink in ((page["url"], page_lat), ("/healthz", health_lat)):
                    started = time.perf_counter()
                    status, _body, _h = s.request("GET", path)
                    elapsed = time.perf_counter() - started
                    if i >= warmup:
                        with lock:
                            sink.append(elapsed)
                            if path == page["url"]:
                                statuses[status] = statuses.get(status, 0) + 1
        except Exception as exc:  # noqa: BLE001 - reported per page, the run goes on
            with lock:
                errors.append(f"{exc.__class__.__name__}: {exc}")

    threads = [threading.Thread(target=worker) for _i in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        "page": summarise(page_lat, concurrency),
        "healthz": summarise(health_lat, concurrency),
        "statuses": statuses,
        "errors": errors[:3],
    }


def worker_rss(master_pid: int) -> dict:
    """Current and peak RSS (VmRSS, VmHWM) of the gunicorn master's children, in MB."""
    out = {}
    try:
        children = open(f"/proc/{master_pid}/task/{master_pid}/children").read().split()
    except OSError:
        return out
    for pid in children:
        try:
            status = open(f"/proc/{pid}/status").read()
        except OSError:
            continue
        fields = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.M))
        out[pid] = {k: round(int(v) / 1024, 1) for k, v in fields.items()}
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plan", required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=90)
    parser.add_argument("--gunicorn-pid", type=int, default=0)
    parser.add_argument("--only", default="", help="comma-separated page keys")
    args = parser.parse_args(argv)
    plan = json.load(open(args.plan, encoding="utf-8"))
    credentials = {role: (u, plan["password"]) for role, u in plan["usernames"].items() if u}
    only = {k for k in args.only.split(",") if k}
    results, rss_peak = {}, {}
    for page in plan["pages"]:
        if not page.get("load", True) or page["key"] == "healthz" or (only and page["key"] not in only):
            continue
        started = time.monotonic()
        results[page["key"]] = drive(
            args.base,
            page,
            credentials,
            concurrency=args.concurrency,
            requests=args.requests,
            warmup=args.warmup,
            max_seconds=args.max_seconds,
        )
        r = results[page["key"]]
        print(
            f"{page['key']:28} p50 {r['page'].get('p50_ms')} ms  p95 {r['page'].get('p95_ms')} ms  "
            f"healthz p95 {r['healthz'].get('p95_ms')} ms  {r['statuses']}  {time.monotonic() - started:.0f}s",
            file=sys.stderr,
        )
        if args.gunicorn_pid:
            rss_peak = worker_rss(args.gunicorn_pid) or rss_peak
    out = {"pages": results, "workers": rss_peak, "concurrency": args.concurrency, "requests": args.requests}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
