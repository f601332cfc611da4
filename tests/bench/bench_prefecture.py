"""Benchmark: a whole prefecture in one database beside the single county (issue 21, docs/scaling.md).

    make bench PREFECTURE=1                                        # 10,000,000 cases
    make bench PREFECTURE=1 PREFECTURE_ARGS="--cases 2000000"      # a smaller prefecture

The prefecture is 商丘市 as `seed_demo --prefecture 4114` builds it (11 county-level units, 199
townships, 4,834 villages, ≈ 17,500 base grids with two households each) with `--cases` cases
shared equally among its counties, built the first time in its own PostgreSQL database
(`BENCH_PREFECTURE_DATABASE_URL`, default `grid_governance_bench_prefecture_<cases>`). The
single county is `make bench`'s database (`BENCH_DATABASE_URL`, default
`grid_governance_bench_1000000`), built the same way when missing.

Each database is measured by a process of its own (this script with `--measure`), with the
production settings (`DEBUG=false`) and Django's test client in process — the whole request
through middleware, views and serializers, without a network — and the same requests:

- a county user's case list (虞城县's `zhihui`), first page and with the desk's filters;
- the county's dashboard, and in the prefecture the city's (`city-zhihui`), warm (the panels
  from the cache, as people meet it) and cold (the cache emptied before every call);
- the city's map layer of its counties and its case list;
- 日清 and 周评 for every county at once, each in a transaction rolled back (bench_rhythm.py).

It prints one table, checks the issue's targets (the city dashboard under 100 ms warm, a county
user's list within 20% of the single county's, 日清 for all counties under 60 s), gives the
share of the measured reads' statements that the router would send to a read replica
(`REPLICA_READ_VIEWS`; no standby is started at this size: its copy would not fit beside the
primary on this machine), and writes everything to `var/bench/prefecture-<cases>.json`.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_http  # noqa: E402
import bench_incidents  # noqa: E402
import bench_rhythm  # noqa: E402

BASE_DIR = bench_incidents.BASE_DIR
PREFECTURE = "4114"
SINGLE_COUNTY_CASES = 1_000_000
LIST_FILTERS = "?status=dispatched&urgency=normal"  # as make bench's "desk filters"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000_000, help="cases in the prefecture (default 10,000,000)")
    parser.add_argument("--runs", type=int, default=30, help="timed calls per request (default 30)")
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the prefecture's database first")
    parser.add_argument("--seed", type=int, default=2257)
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)  # one database, in a process of its own
    parser.add_argument("--kind", choices=("county", "prefecture"), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def build(url: str, *, kind: str, cases: int, seed: int) -> None:
    """The demo county or prefecture with `cases` cases, unless it is there already."""
    from demo import grids as grids_demo
    from demo import incidents as case_demo
    from governance import bulk
    from grids.levels import AreaLevel
    from grids.models import Area

    if grids_demo.is_loaded():
        return
    started = time.monotonic()
    grids_demo.seed(seed=seed, households_per_grid=2, prefecture=PREFECTURE if kind == "prefecture" else None)
    say(f"  {kind}: areas, people and households in {time.monotonic() - started:.0f} s")
    counties = list(Area.objects.filter(level=AreaLevel.COUNTY).order_by("code"))
    for county in counties:
        scale = cases / len(counties) / case_demo.DEFAULT_CASES
        counts = case_demo.seed_demo(county=county, seed=seed, scale=scale)
        say(f"  {county.name}: {counts['cases']:,} cases in {counts['seconds']:.0f} s")
    bulk.analyze()
    say(f"  {kind} built in {time.monotonic() - started:.0f} s")


def say(line: str) -> None:
    """Progress of a --measure process, whose standard output is its JSON answer."""
    print(line, file=sys.stderr, flush=True)


class Requests:
    """Timed requests through Django's test client, as a signed-in user."""

    def __init__(self, runs: int):
        from django.test import Client

        self.runs, self.clients, self.rows = runs, {}, []
        self.Client = Client

    def client(self, username: str):
        if username not in self.clients:
            from django.contrib.auth import get_user_model

            client = self.Client(HTTP_HOST="localhost")
            client.force_login(get_user_model().objects.get(username=username))
            self.clients[username] = client
        return self.clients[username]

    def measure(self, label: str, username: str, path: str, *, cold: bool = False) -> dict:
        from django.core.cache import cache
        from django.db import connection
        from django.urls import resolve

        client = self.client(username)
        if cold:
            cache.clear()
        else:
            client.get(path)  # the cache filled: the call counted below is a warm one, as the timed ones
        statements = []

        def count(execute, sql, params, many, context):
            if not sql.lstrip().upper().startswith(bench_http.CONTROL):
                statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):  # (the test client's request_started resets connection.queries)
            response = client.get(path)
        if response.status_code != 200:
            sys.exit(f"{label}: {path} answered {response.status_code}")
        times = []
        for _ in range(self.runs if not cold else max(3, self.runs // 6)):
            if cold:
                cache.clear()
            started = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        view = resolve(path.split("?")[0]).view_name
        row = {
            "label": label,
            "path": path,
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
            "queries": len(statements),
            "replica": view in _replica_views(),
        }
        self.rows.append(row)
        return row


def _replica_views() -> set:
    from django.conf import settings

    return settings.REPLICA_READ_VIEWS


def measure(args) -> dict:
    """One database's figures (run in a process of its own: one Django, one database)."""
    url, kind = args.measure, args.kind
    bench_incidents.prepare_database(url, fresh=args.fresh and kind == "prefecture")
    bench_incidents.setup_django(url)
    build(url, kind=kind, cases=args.cases if kind == "prefecture" else SINGLE_COUNTY_CASES, seed=args.seed)
    from django.db import connection
    from django.utils import timezone

    from grids.levels import AreaLevel
    from grids.models import Area
    from incidents.models import Case
    from incidents.reviews import daily, weekly

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    requests = Requests(args.runs)
    requests.measure("a county user's case list, first page", "zhihui", "/api/v1/cases/")
    requests.measure("a county user's case list, desk filters", "zhihui", f"/api/v1/cases/{LIST_FILTERS}")
    requests.measure("the county's dashboard, warm", "zhihui", "/api/v1/oversight/dashboard/")
    requests.measure("the county's dashboard, cold", "zhihui", "/api/v1/oversight/dashboard/", cold=True)
    if kind == "prefecture":
        requests.measure("the city's dashboard, warm", "city-zhihui", "/api/v1/oversight/dashboard/")
        requests.measure("the city's dashboard, cold", "city-zhihui", "/api/v1/oversight/dashboard/", cold=True)
        requests.measure(
            "the city's map layer of its counties", "city-zhihui", "/api/v1/oversight/map/areas/?level=county"
        )
        requests.measure("the city's case list, first page", "city-zhihui", "/api/v1/cases/")
    say(f"  {kind}: requests measured; 日清 and 周评 …")
    now = timezone.now()
    daily_s, daily_q, urged = bench_rhythm.timed_rolled_back(lambda: daily.run_daily_review(at=now))
    weekly_s, weekly_q, scores = bench_rhythm.timed_rolled_back(
        lambda: weekly.run_weekly_evaluation(at=now).scores.count()
    )
    return {
        "kind": kind,
        "database": url.rsplit("/", 1)[-1],
        "cases": Case.objects.count(),
        "counties": Area.objects.filter(level=AreaLevel.COUNTY).count(),
        "grids": Area.objects.filter(level=AreaLevel.GRID).count(),
        "requests": requests.rows,
        "daily": {"seconds": round(daily_s, 1), "queries": daily_q, "urged": urged},
        "weekly": {"seconds": round(weekly_s, 1), "queries": weekly_q, "scores": scores},
    }


def run_measure(url: str, kind: str, args) -> dict:
    command = [sys.executable, "-W", "ignore", __file__, "--measure", url, "--kind", kind,
               "--cases", str(args.cases), "--runs", str(args.runs), "--seed", str(args.seed)]
    if args.fresh:
        command.append("--fresh")
    output = subprocess.run(command, cwd=BASE_DIR, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(output.rsplit("\n@@", 1)[1])


def table(county: dict, prefecture: dict) -> list[str]:
    single = {r["label"]: r for r in county["requests"]}
    lines = [
        f"{'request':<42} {'single county p50/p95':>22} {'q':>3}   {'prefecture p50/p95':>19} {'q':>3}  replica",
        "-" * 102,
    ]
    for row in prefecture["requests"]:
        one = single.get(row["label"])
        left = f"{one['p50_ms']:>9.1f}/{one['p95_ms']:<7.1f}{one['queries']:>9}" if one else f"{'—':>22}{'':>4}"
        lines.append(
            f"{row['label']:<42} {left}   {row['p50_ms']:>9.1f}/{row['p95_ms']:<7.1f}{row['queries']:>6}"
            f"  {'yes' if row['replica'] else 'no'}"
        )
    for job, name in (("daily", "日清, every county (s)"), ("weekly", "周评, every county (s)")):
        lines.append(
            f"{name:<42} {county[job]['seconds']:>9.1f} s{'':<6}{county[job]['queries']:>9}"
            f"   {prefecture[job]['seconds']:>9.1f} s{'':<6}{prefecture[job]['queries']:>5}  no (writes)"
        )
    return lines


def verdicts(county: dict, prefecture: dict) -> list[str]:
    rows = {r["label"]: r for r in prefecture["requests"]}
    single = {r["label"]: r for r in county["requests"]}
    out = []

    def check(ok: bool, text: str):
        out.append(f"{'met' if ok else 'GAP'}  {text}")

    city = rows["the city's dashboard, warm"]["p50_ms"]
    check(city < 100, f"the city's dashboard warm: p50 {city:.1f} ms (< 100 ms)")
    for label in ("a county user's case list, first page", "a county user's case list, desk filters"):
        ours, theirs = rows[label]["p50_ms"], single[label]["p50_ms"]
        check(ours <= theirs * 1.2, f"{label}: p50 {ours:.1f} ms against {theirs:.1f} ms in the single county (≤ +20%)")
    daily_s = prefecture["daily"]["seconds"]
    check(daily_s < 60, f"日清 for all {prefecture['counties']} counties: {daily_s:.1f} s (< 60 s)")
    reads = prefecture["requests"]
    share = sum(r["queries"] for r in reads if r["replica"]) / max(1, sum(r["queries"] for r in reads))
    out.append(f"the replica's share: {share:.0%} of the measured reads' statements, in views the router sends to it")
    return out


def main(argv=None) -> None:
    args = parse_args(argv)
    os.environ.update(
        SECRET_KEY=uuid.uuid4().hex * 2,
        IDENTITY_KEY=uuid.uuid4().hex * 2,
        DEBUG="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
    )
    os.environ.pop("REDIS_URL", None)  # the cache in process, as make bench measures (a cold call empties it)
    if args.measure:
        result = measure(args)
        print("\n@@" + json.dumps(result, ensure_ascii=False))
        return
    started = time.monotonic()
    county_url = os.environ.get("BENCH_DATABASE_URL") or (
        f"postgres://postgres@127.0.0.1:5432/grid_governance_bench_{SINGLE_COUNTY_CASES}"
    )
    prefecture_url = os.environ.get("BENCH_PREFECTURE_DATABASE_URL") or (
        f"postgres://postgres@127.0.0.1:5432/grid_governance_bench_prefecture_{args.cases}"
    )
    print(f"the single county ({county_url.rsplit('/', 1)[-1]}) …", flush=True)
    county = run_measure(county_url, "county", args)
    print(f"the prefecture ({prefecture_url.rsplit('/', 1)[-1]}) …", flush=True)
    prefecture = run_measure(prefecture_url, "prefecture", args)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    head = (
        f"single county {county['cases']:,} cases · prefecture {prefecture['cases']:,} cases in "
        f"{prefecture['counties']} counties, {prefecture['grids']:,} grids · Django test client in process · "
        f"{os.cpu_count()} cores, load average {load} · times in ms"
    )
    lines = [head, *table(county, prefecture), *verdicts(county, prefecture)]
    print("\n".join(lines))
    out = BASE_DIR / "var" / "bench" / f"prefecture-{args.cases}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {"machine": platform.platform(), "cores": os.cpu_count(), "load": load, "county": county,
             "prefecture": prefecture, "table": lines, "seconds": round(time.monotonic() - started)},
            ensure_ascii=False,
            indent=1,
        )
    )
    print(f"written to {out.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
