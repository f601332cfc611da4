"""Benchmark at the HTTP level: the real server (gunicorn, production settings) on the loopback,
a real load generator (wrk), each request side by side with a trivial authenticated DRF endpoint
on the same server (the framework's ceiling) and the same request's SQL replayed through
psycopg2 (the database's floor). Not collected by `make test`.

    make bench              # 1,000,000 cases (built the first time, then reused)
    make bench QUICK=1      # 100,000 cases, shorter runs
    .venv/bin/python tests/bench/bench_http.py --cases 100000 --seconds 4

The county is built by bench_incidents.py's seed into its own database (BENCH_DATABASE_URL,
default postgres://postgres@127.0.0.1:5432/grid_governance_bench_<cases>) and reused while it
holds that many cases. wrk is installed with apt-get when missing. Prints one table and writes
it as JSON to var/bench/http-<cases>.json: per request its queries, the floor, p50/p95 and
requests/s at 1 and 16 clients, and the web workers' peak memory (VmHWM).
"""

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_incidents  # noqa: E402

CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT", "ROLLBACK")
WORKERS = 2  # as `make serve` runs it


@dataclass
class Endpoint:
    name: str
    path: str
    who: str  # "county" or "township"
    auth: str = "token"  # "token" (API) or "session" (pages)
    method: str = "GET"
    body: dict | None = None
    kind: str = "read"  # "read", "write" or "ceiling"
    result: dict = field(default_factory=dict)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases in the county (default 1,000,000)")
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run (default 10)")
    parser.add_argument("--floor-runs", type=int, default=50, help="replays of each request's SQL (default 50)")
    parser.add_argument("--clients", default="1,16", help="concurrent clients per run (default 1,16)")
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the county's database first")
    parser.add_argument("--seed", type=int, default=2257)
    parser.add_argument("--households-per-grid", type=int, default=2)
    return parser.parse_args(argv)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("installing wrk (apt-get) …")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, capture_output=True)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, check=True, capture_output=True)
    return shutil.which("wrk")


def build_county(args, url: str) -> None:
    bench_incidents.prepare_database(url, args.fresh)
    bench_incidents.setup_django(url)
    from governance import bulk
    from incidents.models import Case

    seed_args = argparse.Namespace(
        scale=args.cases / 20_000, households_per_grid=args.households_per_grid, seed=args.seed
    )
    for line in bench_incidents.seed(seed_args):
        print(*line)
    bulk.analyze()
    have = Case.objects.count()
    if have < args.cases * 0.99:
        sys.exit(f"{url} holds {have:,} cases, not {args.cases:,}: use --fresh (or another BENCH_DATABASE_URL)")


def endpoints() -> list[Endpoint]:
    """The requests people and systems make, with ids from the county."""
    from grids.levels import AreaLevel
    from grids.models import Area
    from incidents.models import Case, Category

    township = Area.objects.get(code="411425200")
    grid = Area.objects.filter(level=AreaLevel.GRID, path__startswith=township.path).order_by("path").first()
    case = Case.objects.filter(township=township, status="closed").order_by("-id").first()
    intake = {
        "source": "hotline",
        "category": Category.objects.get(code="HJ01").id,
        "description": "压测：村民建筑材料堆放占道",
        "grid": grid.id,
        "reporter_name": "压测",
    }
    # a name from the county's own reports, not the intakes of earlier runs on the reused database
    name = (
        Case.objects.exclude(reporter_name__in=["", intake["reporter_name"]])
        .order_by("-id")
        .values_list("reporter_name", flat=True)
        .first()
    )
    return [
        Endpoint(
            "trivial DRF endpoint (GET /api/v1/me/)",
            "/api/v1/me/",
            "county",
            kind="ceiling",
        ),
        Endpoint("intake (POST /api/v1/cases/)", "/api/v1/cases/", "county", method="POST", body=intake, kind="write"),
        Endpoint("case list, county user, first page", "/api/v1/cases/", "county"),
        Endpoint("case list, county, desk filters", "/api/v1/cases/?status=dispatched&urgency=normal", "county"),
        Endpoint("case list, township user", "/api/v1/cases/", "township"),
        Endpoint("case detail", f"/api/v1/cases/{case.pk}/", "county"),
        Endpoint("dashboard", "/api/v1/oversight/dashboard/", "county"),
        Endpoint("map layer (overdue cases)", "/api/v1/oversight/map/cases/?overdue=true", "county"),
        Endpoint("inbox page, township user", "/inbox/", "township", auth="session"),
        Endpoint("desk page, county user", "/desk/", "county", auth="session"),
        Endpoint("search page (a reporter's name)", f"/search/?q={quote(name)}", "county", auth="session"),
        Endpoint(
            "export XLSX, township's open cases",
            f"/cases/export/desk/?township={township.id}&status=dispatched",
            "county",
            auth="session",
        ),
    ]


def credentials() -> dict:
    """An API token and a browser session for each user (the same database the server uses)."""
    from django.test import Client
    from knox.models import AuthToken

    from governance.models import User

    users = {"county": User.objects.get(username="zhihui"), "township": User.objects.get(username="town-411425200")}
    out = {}
    for who, user in users.items():
        client = Client()
        client.force_login(user)
        out[who] = {
            "token": AuthToken.objects.create(user)[1],
            "session": client.cookies[os.environ.get("SESSION_COOKIE_NAME", "sessionid")].value,
        }
    return out


def headers_for(endpoint: Endpoint, creds: dict) -> dict:
    if endpoint.auth == "token":
        headers = {"Authorization": f"Token {creds[endpoint.who]['token']}"}
    else:
        headers = {"Cookie": f"sessionid={creds[endpoint.who]['session']}"}
    if endpoint.body is not None:
        headers["Content-Type"] = "application/json"
    return headers


def capture(endpoint: Endpoint, creds: dict) -> list[tuple[str, object]]:
    """The request's SQL (statement, parameters), run in process and rolled back."""
    from django.db import connection, transaction
    from django.test import Client

    statements = []

    def keep(execute, sql, params, many, context):
        if not sql.lstrip().upper().startswith(CONTROL):
            statements.append((sql, params))
        return execute(sql, params, many, context)

    client = Client(
        HTTP_HOST="127.0.0.1",
        **{
            f"HTTP_{k.upper().replace('-', '_')}": v
            for k, v in headers_for(endpoint, creds).items()
            if k not in ("Cookie", "Content-Type")
        },
    )
    if endpoint.auth == "session":
        client.cookies["sessionid"] = creds[endpoint.who]["session"]
    with transaction.atomic():
        with connection.execute_wrapper(keep):
            if endpoint.method == "POST":
                response = client.post(
                    endpoint.path,
                    json.dumps(endpoint.body),
                    content_type="application/json",
                    HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
                )
            else:
                response = client.get(endpoint.path)
        transaction.set_rollback(True)
    if response.status_code not in (200, 201):
        sys.exit(f"{endpoint.name}: HTTP {response.status_code} in process")
    return statements


def floor(statements, runs: int) -> dict:
    """The same SQL through a bare psycopg2 connection: each run in a transaction rolled back."""
    from django.db import connection

    raw = connection.get_new_connection(connection.get_connection_params())
    times = []
    try:
        for _ in range(runs):
            started = time.perf_counter()
            with raw.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    if cursor.description:
                        cursor.fetchall()
            raw.rollback()
            times.append((time.perf_counter() - started) * 1000)
    finally:
        raw.close()
    times.sort()
    return {"p50_ms": round(statistics.median(times), 2), "p95_ms": round(times[int(len(times) * 0.95) - 1], 2)}


LUA = """
local counter = 0
local threads = {}
local state = tostring({}):sub(8)  -- differs between the threads' Lua states
setup = function(thread) table.insert(threads, thread) end
not_ok = 0
response = function(status, headers, body) if status ~= 200 and status ~= 201 then not_ok = not_ok + 1 end end
%(request)s
done = function(summary, latency, requests)
  local e = summary.errors
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("not_ok") or 0) end
  io.write(string.format('{"requests": %%d, "duration_us": %%d, "bad_status": %%d, "socket_errors": %%d, '
    .. '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d}\\n', summary.requests, summary.duration, bad,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""

# intake: a new Idempotency-Key on every request (a repeated key is answered from the first)
LUA_POST = """
request = function()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = string.format("%s-%%s-%%d", state, counter)
  return wrk.format()
end
"""


def run_wrk(wrk: str, base: str, endpoint: Endpoint, creds: dict, clients: int, seconds: int) -> dict:
    request = LUA_POST % f"bench-{uuid.uuid4().hex[:12]}" if endpoint.method == "POST" else ""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"request": request})
        if endpoint.body is not None:
            body = json.dumps(endpoint.body, ensure_ascii=False)
            script.write(f"wrk.method = 'POST'\nwrk.body = [==[{body}]==]\n")
    command = [wrk, f"-t{min(clients, 2)}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name]
    for name, value in headers_for(endpoint, creds).items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, base + endpoint.path], capture_output=True, text=True)
    os.unlink(script.name)
    last = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode or not last.startswith("{"):
        sys.exit(f"wrk failed on {endpoint.name}:\n{done.stdout}\n{done.stderr}")
    data = json.loads(last)
    return {
        "requests_per_s": round(data["requests"] / (data["duration_us"] / 1e6), 1),
        "p50_ms": round(data["p50_us"] / 1000, 1),
        "p95_ms": round(data["p95_us"] / 1000, 1),
        "p99_ms": round(data["p99_us"] / 1000, 1),
        "errors": data["bad_status"] + data["socket_errors"],
        "requests": data["requests"],
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict, port: int) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    log = BASE_DIR / "var" / "bench" / "gunicorn.log"
    server = subprocess.Popen(
        [
            str(gunicorn),
            "governance.wsgi",
            "--config",
            "python:governance.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--error-logfile",
            str(log),
        ],
        cwd=BASE_DIR,
        env=env,
    )
    # ready when a worker answers (the master listens at once; on a loaded machine the workers
    # take seconds to import Django, and a wrk run against them would count nothing)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5):  # nosec B310
                return server
        except urllib.error.HTTPError:  # a worker answered (503: no beat on the bench, say)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit(f"gunicorn did not answer /healthz within 3 minutes; see {log}")


def worker_peak_mb(server: subprocess.Popen) -> float:
    """The largest resident peak (VmHWM) among the master's worker processes."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    peaks = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return round(max(peaks), 1)


def verdicts(rows: list[Endpoint], ceiling: Endpoint, clients: list[int], peak_mb: float) -> list[str]:
    """The issue's targets on this machine, each met or its gap named."""
    top, lines = clients[-1], []
    ceiling_rps = ceiling.result[f"c{top}"]["requests_per_s"]
    for e in rows:
        if e.kind == "ceiling":
            continue
        r = e.result
        if e.kind == "write" or e.path.startswith("/api/v1/cases/") and e.path.count("/") == 4:
            share = r[f"c{top}"]["requests_per_s"] / ceiling_rps
            ok = share >= 0.25
            lines.append(
                f"{'met ' if ok else 'GAP '} {e.name}: {share:.0%} of the trivial endpoint's throughput (≥ 25%)"
            )
        if e.kind == "read" and 1 in clients:
            limit = 3 * r["floor"]["p95_ms"] + 10
            ok = r["c1"]["p95_ms"] <= limit
            lines.append(
                f"{'met ' if ok else 'GAP '} {e.name}: p95 {r['c1']['p95_ms']} ms ≤ 3 × floor + 10 = {limit:.1f} ms"
            )
        if "dashboard" in e.name and 1 in clients:
            ok = r["c1"]["p95_ms"] < 50
            lines.append(f"{'met ' if ok else 'GAP '} dashboard p95 {r['c1']['p95_ms']} ms < 50 ms")
        if r["queries"] > 15:
            lines.append(f"GAP  {e.name}: {r['queries']} queries (> 15)")
    lines.append(f"{'met ' if peak_mb < 200 else 'GAP '} web worker peak {peak_mb} MB (< 200 MB)")
    return lines


def main(argv=None):
    args = parse_args(argv)
    clients = [int(c) for c in args.clients.split(",")]
    url = os.environ.get("BENCH_DATABASE_URL") or (
        f"postgres://postgres@127.0.0.1:5432/grid_governance_bench_{args.cases}"
    )
    wrk = ensure_wrk()
    # production settings on plain HTTP (as `make serve`), for the server and the in-process capture
    os.environ.update(
        SECRET_KEY=uuid.uuid4().hex * 2,
        IDENTITY_KEY=uuid.uuid4().hex * 2,
        DEBUG="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        VAR_DIR=str(BASE_DIR / "var" / "bench"),
    )
    build_county(args, url)
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
    )
    from django.db import connection

    from incidents.models import Case

    cases = Case.objects.count()
    creds = credentials()
    rows = endpoints()
    for e in rows:
        statements = capture(e, creds)
        e.result["queries"] = len(statements)
        e.result["floor"] = floor(statements, args.floor_runs)
    connection.close()

    port = free_port()
    server = start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        for e in rows:  # one warm-up pass: imports, connections, caches
            run_wrk(wrk, base, e, creds, 1, 1)
        for n in clients:
            for e in rows:
                e.result[f"c{n}"] = run_wrk(wrk, base, e, creds, n, args.seconds)
                print(f"  {e.name:<48} {n:>2} clients  {e.result[f'c{n}']['requests_per_s']:>7} req/s", flush=True)
        peak = worker_peak_mb(server)
    finally:
        server.terminate()
        server.wait(timeout=30)

    ceiling = rows[0]
    top = clients[-1]
    header = (
        f"{'request':<48} {'queries':>7} {'floor p50/p95':>14} {'1 client p50/p95':>17} {'req/s':>7}"
        f" {f'{top} clients p50':>15} {'req/s':>7} {'of trivial':>10} {'errors':>6}"
    )
    table = [header, "-" * len(header)]
    for e in rows:
        r, c1, ct = e.result, e.result.get("c1", {}), e.result[f"c{top}"]
        table.append(
            f"{e.name:<48} {r['queries']:>7} {r['floor']['p50_ms']:>6.1f}/{r['floor']['p95_ms']:<7.1f}"
            f" {c1.get('p50_ms', 0):>8.1f}/{c1.get('p95_ms', 0):<8.1f} {c1.get('requests_per_s', 0):>7}"
            f" {ct['p50_ms']:>15.1f} {ct['requests_per_s']:>7}"
            f" {ct['requests_per_s'] / ceiling.result[f'c{top}']['requests_per_s']:>10.0%}"
            f" {c1.get('errors', 0) + ct['errors']:>6}"
        )
    load = os.getloadavg()
    checks = verdicts(rows, ceiling, clients, peak)
    print()
    print(
        f"{cases:,} cases · gunicorn {WORKERS} sync workers · wrk on the same {os.cpu_count()}-core machine"
        f" · load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} · times in ms"
    )
    print("\n".join(table))
    print(f"web worker peak memory (VmHWM): {peak} MB")
    print("\n".join(checks))
    out_dir = BASE_DIR / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    report = {
        "cases": cases,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_average": load},
        "server": {"gunicorn_workers": WORKERS, "settings": "DEBUG=false"},
        "seconds_per_run": args.seconds,
        "clients": clients,
        "worker_peak_mb": peak,
        "requests": [{"name": e.name, "method": e.method, "path": e.path, "user": e.who, **e.result} for e in rows],
        "targets": checks,
        "table": table,
    }
    path = out_dir / f"http-{args.cases}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"written to {path.relative_to(BASE_DIR)}")
    return report


if __name__ == "__main__":
    main()
