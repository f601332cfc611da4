"""Benchmark: the demo county with DEFAULT_CASES × scale cases on PostgreSQL, and the queries
case lists depend on. Not collected by `make test` (the file is not named test_*.py).

    .venv/bin/python tests/bench/bench_incidents.py [--scale 5] [--fresh] [--repeat 20]
    make bench-jobs BENCH_ARGS="--scale 50 --fresh"

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/grid_governance_bench) is created
with createdb when missing, migrated, and seeded once; later runs only time the queries.
`--fresh` drops the database first: the case timeline is append-only on PostgreSQL (a trigger
refuses DELETE), so another scale needs another database.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/grid_governance_bench"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=5.0, help="cases = 20,000 × scale (default 5: 100,000)")
    parser.add_argument("--households-per-grid", type=int, default=2, help="households per base grid (default 2)")
    parser.add_argument("--seed", type=int, default=2257)
    parser.add_argument("--repeat", type=int, default=20, help="runs per query (default 20)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    return parser.parse_args(argv)


def psql_opts(url: str):
    """(the URL's settings, the PostgreSQL tools' connection options, their environment)."""
    import environ

    cfg = environ.Env.db_url_config(url)
    if cfg["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("The benchmark needs PostgreSQL (DATABASE_URL=postgres://…).")
    opts = ["-h", str(cfg["HOST"] or "127.0.0.1"), "-p", str(cfg["PORT"] or 5432), "-U", cfg["USER"] or "postgres"]
    return cfg, opts, {**os.environ, "PGPASSWORD": cfg["PASSWORD"] or ""}


def prepare_database(url: str, fresh: bool) -> None:
    cfg, opts, env = psql_opts(url)
    if fresh:
        subprocess.run(["dropdb", "--if-exists", *opts, cfg["NAME"]], check=True, env=env)
    exists = subprocess.run(
        ["psql", *opts, "-d", "postgres", "-Atc", f"SELECT 1 FROM pg_database WHERE datname = '{cfg['NAME']}'"],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["createdb", *opts, cfg["NAME"]], check=True, env=env)
        print(f"created database {cfg['NAME']}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
    os.environ.setdefault("VAR_DIR", str(BASE_DIR / "var" / "bench"))
    os.environ["DEBUG"] = "false"  # DEBUG keeps every query's SQL in memory
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(args) -> list[tuple[str, str]]:
    from demo import grids as grids_demo
    from demo import incidents as demo
    from grids.models import Area

    if grids_demo.is_loaded():
        print("demo county already loaded: timing the queries only (use --fresh to seed again)")
        return []
    started = time.monotonic()
    grids_demo.seed(seed=args.seed, households_per_grid=args.households_per_grid)
    area_seconds = time.monotonic() - started
    county = Area.objects.get(code=grids_demo.COUNTY_CODE)
    counts = demo.seed_demo(county=county, seed=args.seed, scale=args.scale, log=print)
    s = counts["seconds"]
    return [
        ("county, people, households", f"{area_seconds:.1f} s"),
        ("cases", f"{counts['cases']:,} in {s:.1f} s = {counts['cases'] / s:,.0f} cases/s"),
        ("case events", f"{counts['events']:,} = {counts['events'] / s:,.0f} rows/s"),
    ]


def timed(fn, repeat: int) -> tuple[float, float, int]:
    fn()  # warm the cache and the plan
    runs, rows = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = fn()
        runs.append((time.perf_counter() - started) * 1000)
    runs.sort()
    return statistics.median(runs), runs[min(len(runs) - 1, int(len(runs) * 0.95))], rows


def plan_of(qs) -> str:
    """The index the planner picks (or the scan type), from EXPLAIN."""
    for line in qs.explain().splitlines():
        for word in ("Index Only Scan using", "Index Scan using", "Bitmap Index Scan on", "Seq Scan on"):
            if word in line:
                rest = line.split(word, 1)[1].split()[0]
                return f"{word.split()[0].lower()} {rest}"
    return ""


def queries(repeat: int) -> list[tuple[str, int, float, float, str]]:
    from django.db import connection
    from django.utils import timezone

    from incidents.constants import OPEN_STATES
    from incidents.models import Case, CaseEvent

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE incidents_case")
        cursor.execute("ANALYZE incidents_caseevent")
    now = timezone.now()
    rows = Case.objects.select_related("category", "township", "village", "grid", "handling_unit")
    township_id = Case.objects.order_by("id").values_list("township_id", flat=True).first()
    in_township = rows.filter(township_id=township_id).order_by("id")
    middle = in_township.values_list("id", flat=True)[Case.objects.filter(township_id=township_id).count() // 2]
    overdue = rows.filter(status__in=OPEN_STATES, due_at__lt=now).order_by("due_at", "id")
    case_id = Case.objects.filter(township_id=township_id).values_list("id", flat=True).first()
    timeline = CaseEvent.objects.filter(case_id=case_id).order_by("created_at", "id")
    half = Case.objects.filter(township_id=township_id).count() // 2
    checks = [
        ("township list, first page of 50 (keyset)", in_township[:50], lambda: len(list(in_township[:50]))),
        (
            "township list, page in the middle (keyset id > x)",
            in_township.filter(id__gt=middle)[:50],
            lambda: len(list(in_township.filter(id__gt=middle)[:50])),
        ),
        (
            "township list, same page by OFFSET",
            in_township[half : half + 50],
            lambda: len(list(in_township[half : half + 50])),
        ),
        ("overdue, first page of 50 by due_at", overdue[:50], lambda: len(list(overdue[:50]))),
        ("overdue, COUNT", overdue, lambda: overdue.count()),
        ("one case's timeline", timeline, lambda: len(list(timeline))),
        ("COUNT(*) of all cases", Case.objects.all(), lambda: Case.objects.count()),
    ]
    results = []
    for label, qs, fn in checks:
        median, p95, n = timed(fn, repeat)
        results.append((label, n, median, p95, plan_of(qs)))
    return results


def main(argv=None) -> None:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    prepare_database(url, args.fresh)
    setup_django(url)
    from incidents.models import Case, CaseEvent

    seeded = seed(args)
    print()
    for label, value in seeded:
        print(f"{label:<28} {value}")
    print(f"{'in the database':<28} {Case.objects.count():,} cases, {CaseEvent.objects.count():,} events")
    print(f"\n{'query':<52} {'rows':>6} {'median ms':>10} {'p95 ms':>8}  plan")
    for label, n, median, p95, plan in queries(args.repeat):
        print(f"{label:<52} {n:>6} {median:>10.2f} {p95:>8.2f}  {plan}")


if __name__ == "__main__":
    main()
