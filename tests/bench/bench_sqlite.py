"""Benchmark of the embedded default: every page on SQLite at demo scale opens in under 1 s.

    make bench-sqlite                           # the demo county as `make run` loads it (scale 1)
    .venv/bin/python tests/bench/bench_sqlite.py [--scale 1] [--fresh] [--repeat 3]

Builds (the first time) or reuses the demo county in its own SQLite file under
var/bench/sqlite-<scale>/ (`manage.py seed_demo --scale N`, exactly what `make run` does without
DATABASE_URL), with the embedded default's other parts too: the file cache, no Redis. Then every
route of the permission matrix (tests/matrix/table.py) a user opens with GET — pages, the map's
and dashboard's layers, figures, exports, the API's lists and details — is requested in process
through the whole middleware stack with production settings (DEBUG=false), as each demo role
that may open it (the role's holder with the widest area: the county's operator, the first
township's officer, its first village's head …), on a record of that role's area. Each request's
server time is measured `--repeat` times: the first on a cold cache (the dashboard's figures,
each panel's), then warm. A page passes when its slowest run is under `--limit-ms` (1000).

Prints one line per (route, role) over a fifth of the limit, every failure, and writes everything to
var/bench/sqlite-<scale>.json. Not part of `make test` (times belong here, not in the tests).
"""

import argparse
import json
import logging
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
JUDGED = "wall"  # or "cpu" (--judge cpu): the server thread's CPU time, SQLite's included
LEVELS = ["county", "township", "village", "grid", "micro_grid"]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="seed_demo --scale (default 1, as make run)")
    parser.add_argument("--fresh", action="store_true", help="delete the SQLite file and load the county again")
    parser.add_argument("--repeat", type=int, default=3, help="requests per (route, role), the first cold")
    parser.add_argument("--limit-ms", type=float, default=1000.0, help="the target per page (default 1000 ms)")
    parser.add_argument("--only", default="", help="only routes whose name contains this text")
    parser.add_argument(
        "--judge",
        choices=["wall", "cpu"],
        default="wall",
        help="judge each page by its wall time (default) or by the CPU time of the request's thread, SQLite's"
        " work included (what the wall time would be on an idle machine: use it on a shared one)",
    )
    parser.add_argument("--kind", choices=["all", "pages", "api"], default="all", help="pages, API routes or both")
    parser.add_argument("--var-dir", default="", help="default var/bench/sqlite-<scale>")
    return parser.parse_args(argv)


def key_file(var_dir: Path, name: str) -> str:
    path = var_dir / name
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def setup(args) -> Path:
    """The embedded default's settings (SQLite, file cache, filesystem broker), DEBUG off."""
    var_dir = Path(args.var_dir) if args.var_dir else BASE_DIR / "var" / "bench" / f"sqlite-{args.scale:g}"
    if args.fresh and var_dir.exists():
        shutil.rmtree(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    for name in ("REDIS_URL", "MIGRATION_DATABASE_URL", "DATABASE_AS", "DATABASE_APP_USER"):
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="governance.settings",
        VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir / 'db.sqlite3'}",
        DEBUG="false",
        SECRET_KEY=key_file(var_dir, "secret_key"),
        IDENTITY_KEY=key_file(var_dir, "identity_key"),
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
    )
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)
    for name in ("django.request", "governance.errors"):  # a failure is a row with its status, not a page of traceback
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return var_dir


def _static_is_stale() -> bool:
    from django.conf import settings

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    newest = max(p.stat().st_mtime for p in (BASE_DIR / "static").rglob("*") if p.is_file())
    return newest > manifest.stat().st_mtime


def build(args) -> dict:
    from django.core.management import call_command

    from demo import grids as county_demo

    call_command("migrate", verbosity=0)
    if _static_is_stale():  # DEBUG=false serves the manifest's names (compressing takes a minute: once)
        call_command("collectstatic", interactive=False, verbosity=0)
    if county_demo.is_loaded():
        print(f"demo county already loaded in {os.environ['DATABASE_URL']} (use --fresh to load it again)")
        return {}
    print(f"loading the demo county at scale {args.scale:g} (seed_demo) …", flush=True)
    started = time.monotonic()
    call_command("seed_demo", scale=args.scale, verbosity=0)
    seconds = round(time.monotonic() - started, 1)
    print(f"loaded in {seconds} s", flush=True)
    return {"seed_demo_seconds": seconds}


def holders() -> dict:
    """role → (user, area): the demo's holder of each role with the widest area (county first,
    then the lowest code), so each page is measured over the most data the role can see."""
    from grids.models import Assignment

    best = {}
    for a in Assignment.objects.filter(end_date__isnull=True, user__is_active=True).select_related("user", "area"):
        rank = (LEVELS.index(a.area.level), a.area.code, a.user.username)
        if a.role not in best or rank < best[a.role][0]:
            best[a.role] = (rank, a.user, a.area)
    return {role: (user, area) for role, (_rank, user, area) in best.items()}


# Routes that answer 404 for some records: the records they open.
PREFER = {"disputes:petition-reply": {"reply_text__gt": ""}}


def pick(label: str, area, prefer: dict | None = None):
    """A record of model `label` inside `area` (the most recent one), or any for configuration."""
    from django.apps import apps

    from grids.models import Area
    from incidents.constants import UnitKind

    model = apps.get_model(label)
    rows = model._default_manager.filter(**(prefer or {})).order_by("-pk")
    fields = getattr(model, "area_fields", {})
    above = [area.path[:i] for i in range(Area.steplen, len(area.path) + 1, Area.steplen)] if area else []
    if area is not None and area.level in fields:
        rows = rows.filter(**{fields[area.level]: area.pk})
    elif area is not None and fields:  # held above the user's level (a township's policy): the user's own
        level = next(lvl for lvl in ("village", "township", "county") if lvl in fields)
        rows = rows.filter(**{fields[level]: Area.objects.filter(level=level, path__in=above).first()})
    elif label == "incidents.Unit" and area is not None:  # a department or the centre above the user,
        # which every role may open (incidents.selectors.units_for); a township's unit only its own area
        rows = rows.filter(area__path__in=above, kind__in=[UnitKind.DEPARTMENT, UnitKind.COMMAND_CENTRE])
    elif label == "grids.Area" and area is not None:
        rows = rows.filter(path__startswith=area.path).order_by("-level", "-pk")
    elif label == "grids.Assignment" and area is not None:
        rows = rows.filter(area__path__startswith=area.path)
    elif label == "governance.User" and area is not None:
        rows = rows.filter(assignments__area__path__startswith=area.path)
    if label == "incidents.Case":  # a closed case: the whole timeline
        return rows.filter(status="closed").first() or rows.first()
    return rows.first()


EXTRA = [
    # (url name or label, path, role): what a page loads on its own, or a route the matrix lists
    # under roles() because only some records open it
    ("incidents:export desk (XLSX)", "/cases/export/desk/", "command_operator"),
    ("oversight-map-areas township", "/api/v1/oversight/map/areas/?level=township", "command_operator"),
    ("oversight-map-areas grid", "/api/v1/oversight/map/areas/?level=grid", "command_operator"),
    ("oversight-map-cases overdue", "/api/v1/oversight/map/cases/?overdue=true", "command_operator"),
    ("incidents:search a name", "/search/?q=%E7%8E%8B", "command_operator"),
    ("home as grid worker", "/", "grid_worker"),
    ("home as township officer", "/", "township_officer"),
    ("home as village head", "/", "village_head"),
]


def requests_to_make(only: str, kind: str = "all"):
    """(label, path, role, user, area) for every GET route of the matrix as every role in its `ok`."""
    from django.urls import NoReverseMatch

    from oversight import panels
    from tests.matrix.harness import routes, url
    from tests.matrix.table import MATRIX, PUBLIC, SIGNED_IN

    who = holders()
    all_routes = routes()
    out, skipped = [], []
    for name, entry in MATRIX.items():
        if entry.method != "GET" or name == "admin:*" or (only and only not in name):
            continue
        if entry.ok == PUBLIC:
            role_names = [None]
        elif entry.ok == SIGNED_IN:
            role_names = sorted(who)
        else:
            role_names = sorted(r for r in entry.ok if r in who)
        route = all_routes[name]
        if kind != "all" and (kind == "api") != route.pattern.startswith(("api/", "open311/")):
            continue
        if not role_names:
            skipped.append((name, "no role opens it by its URL alone"))
            continue
        keys = [dict(entry.args)]
        if name == "oversight:panel":
            keys = [{"key": p.key} for p in panels.registered()]
        for role in role_names:
            user, area = who[role] if role else (None, None)
            for kwargs in keys:
                kwargs = dict(kwargs)
                if entry.obj:
                    obj = pick(entry.obj, area, PREFER.get(name))
                    if obj is None:
                        skipped.append((f"{name} as {role}", f"no {entry.obj} in {area}"))
                        continue
                    param = next(p for p in route.params if p not in kwargs)
                    kwargs[param] = obj.pk
                try:
                    path = url(route, kwargs)
                except NoReverseMatch as exc:
                    skipped.append((name, str(exc)))
                    continue
                query = entry.query
                if callable(query):
                    grid = pick("grids.Area", area)
                    query = f"lat={grid.center_lat}&lng={grid.center_lng}"
                label = name if name != "oversight:panel" else f"{name} {kwargs['key']}"
                out.append((label, path + (f"?{query}" if query else ""), role, user, area))
    for label, path, role in EXTRA:
        if kind != "all" and (kind == "api") != path.startswith("/api/"):
            continue
        if role in who and (not only or only in label):
            out.append((label, path, role, *who[role]))
    return out, skipped


def measure(items, repeat: int, limit_ms: float):
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    count = [0]

    def counting(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    clients = {}
    results = []
    read_through = set()  # the routes whose download has been read to its end (by its first, widest, role)
    cache.clear()  # the first run of each page on a cold cache
    for label, path, role, user, area in items:
        client = clients.get(role)
        if client is None:
            client = clients[role] = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
            if user is not None:
                client.force_login(user)
        runs, status, queries, size, streaming = [], None, 0, 0, False
        for i in range(repeat):
            count[0] = 0
            started, started_cpu = time.perf_counter(), time.thread_time()
            read_all = True
            with connection.execute_wrapper(counting):
                response = client.get(path)
                streaming = response.streaming
                if streaming:  # a download: its first byte, then (once per route) the whole of it
                    chunks = iter(response.streaming_content)
                    first = next(chunks, b"")
                    first_byte = (time.perf_counter() - started, time.thread_time() - started_cpu)
                    read_all = i == 0 and label not in read_through
                    if read_all:
                        size = len(first) + sum(len(chunk) for chunk in chunks)
                        read_through.add(label)
                    response.close()
                else:
                    size = len(response.content)
            whole = (time.perf_counter() - started, time.thread_time() - started_cpu)
            runs.append((whole, first_byte if streaming else whole, read_all))
            status = response.status_code
            if read_all or not runs[:-1]:  # a page's warm count, a download's whole one
                queries = count[0]
        wall = [r[0][0] * 1000 for r in runs if r[2]] or [runs[0][1][0] * 1000]
        cpu = [r[0][1] * 1000 for r in runs if r[2]] or [runs[0][1][1] * 1000]
        row = {
            "route": label,
            "path": path,
            "role": role or "anonymous",
            "user": user.username if user else "",
            "area": area.name if area else "",
            "status": status,
            "queries": queries,
            "bytes": size,
            "first_ms": round(wall[0], 1),
            "median_ms": round(statistics.median(wall), 1),
            "max_ms": round(max(wall), 1),
            "cpu_first_ms": round(cpu[0], 1),
            "cpu_max_ms": round(max(cpu), 1),
            "streaming": streaming,
        }
        if streaming:  # judged by its first byte: the download has begun (its length is the data's)
            row["first_byte_max_ms"] = round(max(r[1][0] for r in runs) * 1000, 1)
            row["cpu_first_byte_max_ms"] = round(max(r[1][1] for r in runs) * 1000, 1)
        prefix = "first_byte_max_ms" if streaming else "max_ms"
        row["judged_ms"] = row[f"cpu_{prefix}" if JUDGED == "cpu" else prefix]
        row["ok"] = status < 400 and row["judged_ms"] < limit_ms
        results.append(row)
        if not row["ok"] or row["judged_ms"] >= limit_ms / 5:
            mark = "SLOW" if row["judged_ms"] >= limit_ms else ("HTTP" if status >= 400 else "    ")
            download = (
                f" first byte {row['first_byte_max_ms']:.0f} ms (cpu {row['cpu_first_byte_max_ms']:.0f}),"
                if streaming
                else ""
            )
            print(
                f"{mark} cpu {row['cpu_max_ms']:>6.0f} ms  wall {row['max_ms']:>6.0f} ms"
                f" (first {row['first_ms']:.0f}),{download} {queries:>4} q  {status}  {label} as {row['role']}  {path}",
                flush=True,
            )
    return results


def main(argv=None):
    global JUDGED
    args = parse_args(argv)
    JUDGED = args.judge
    var_dir = setup(args)
    built = build(args)
    from incidents.models import Case

    cases = Case.objects.count()
    items, skipped = requests_to_make(args.only, args.kind)
    print(f"{cases:,} cases on SQLite · {len(items)} requests × {args.repeat} · limit {args.limit_ms:.0f} ms")
    started = time.monotonic()
    results = measure(items, args.repeat, args.limit_ms)
    slow = [r for r in results if r["judged_ms"] >= args.limit_ms]
    failed = [r for r in results if r["status"] >= 400]
    slowest = sorted(results, key=lambda r: -r["judged_ms"])[:15]
    print()
    print("slowest:")
    for r in slowest:
        print(
            f"  {r['judged_ms']:>6.0f} ms ({args.judge}{', first byte' if r['streaming'] else ''})"
            f"  cpu {r['cpu_max_ms']:>6.0f} ms  wall {r['max_ms']:>6.0f} ms {r['queries']:>4} q"
            f"  {r['route']} as {r['role']}"
        )
    print(
        f"\n{len(results)} requests in {time.monotonic() - started:.0f} s: "
        f"{'met' if not slow else 'GAP'} — {len(slow)} over {args.limit_ms:.0f} ms, {len(failed)} answered ≥ 400"
        f"; median {statistics.median(r['median_ms'] for r in results):.0f} ms"
    )
    for name, why in skipped:
        print(f"  not measured: {name} ({why})")
    out = BASE_DIR / "var" / "bench" / f"sqlite-{args.scale:g}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "cases": cases,
                "scale": args.scale,
                "at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_average": os.getloadavg()},
                "database": str(var_dir / "db.sqlite3"),
                **built,
                "limit_ms": args.limit_ms,
                "judged_by": args.judge,
                "repeat": args.repeat,
                "over_limit": len(slow),
                "errors": len(failed),
                "requests": results,
                "not_measured": skipped,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
    print(f"written to {out.relative_to(BASE_DIR)}")
    return 1 if failed else 0  # a page over the limit is a GAP line, as in bench_http.py


if __name__ == "__main__":
    sys.exit(main())
