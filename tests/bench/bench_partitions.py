"""Benchmark: is PostgreSQL declarative partitioning by month worth it for the case table and its
timeline (issue 21, point 3)? Not collected by `make test` (the file is not named test_*.py).

    .venv/bin/python tests/bench/bench_partitions.py [--cases 2000000] [--repeat 5] [--fresh]
    make bench-partitions PARTITION_ARGS="--cases 5000000"

In a scratch database (BENCH_PARTITIONS_URL, default
postgres://postgres@127.0.0.1:5432/gg_partitions_bench_<cases>; migrated once so that the
tables' DDL and the ORM's SQL are the platform's own) it builds two copies of `incidents_case`
and `incidents_caseevent`, filled set-based (INSERT … SELECT generate_series, never the ORM):

- schema `plain`: as today — the same columns and every index the migrations create (pg_indexes
  of the migrated public tables, replayed), primary keys on `id`, the timeline's foreign key to
  its case;
- schema `part`: both tables PARTITION BY RANGE (created_at), one partition per month (and two
  months ahead), the same indexes created on the parent (so on every partition), the primary
  keys and the unique case number widened with `created_at` (PostgreSQL requires a partitioned
  table's unique constraints to contain the partition key) and no foreign key from the timeline
  to its case (it could only reference (id, created_at), a column the timeline does not have).

The cases: --cases over the last 36 months (evenly spread, ids in time order as intake gives
them) in 11 counties, 199 townships, 4,834 villages and 40,000 grids (商丘市's shape), 5-8
timeline events each; about 1 % of the recent month still open, 0.2 % of older ones stuck open.

Then it replays the platform's hot reads — the SQL is captured from the real ORM code
(`incidents.selectors`, `incidents.api.filters.CaseFilter`, `incidents.reviews.daily` and
`.weekly`, `oversight.case_figures`) with `search_path` pointing at one copy, then run against each
copy with `SET search_path` — as EXPLAIN (ANALYZE, BUFFERS), warm (one run first), median of
--repeat runs of planning + execution; and the archiving of the oldest month: DELETE against
DETACH + DROP PARTITION (each in a transaction rolled back). It prints one table and writes
var/bench/partitions-<cases>.json with the plans' summaries, the sizes and the build times.

The load runs its PostgreSQL backend at nice 10 (renice of the backend's pid: the client's own
nice does not reach the server) so that the other users of the machine keep their share.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_incidents import BASE_DIR, prepare_database, psql_opts, setup_django  # noqa: E402

TABLES = ("incidents_case", "incidents_caseevent")
MONTHS = 36  # the time spread of the cases: three years, ending now
COUNTIES, TOWNSHIPS, VILLAGES, GRIDS = 11, 199, 4834, 40_000
# synthetic ids of the area tree (no foreign keys in the copies): grid g lies in village g % 4834,
# village v in township v % 199, township t in county t % 11
COUNTY0, TOWNSHIP0, VILLAGE0, GRID0 = 1, 1000, 10_000, 100_000
UNIT0_DEPT = 5000  # department units: 5000 + county * 10 + k; township units share the township's id
USER0_WORKER, USER0_OFFICER = 200_000, 300_000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2_000_000, help="cases (default 2,000,000)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="EXPLAIN ANALYZE runs per query and copy after a warming one (default 5; 3 above 10 s; above 30 s "
        "the warming run only)",
    )
    parser.add_argument("--only", default="", help="measure only the reads whose label contains this text")
    parser.add_argument("--fresh", action="store_true", help="drop the scratch database first")
    parser.add_argument("--drop", action="store_true", help="drop the scratch database at the end")
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------------------------
# the scratch database


def drop_database(url: str) -> None:
    from django.db import connections

    connections.close_all()
    cfg, opts, env = psql_opts(url)
    subprocess.run(["dropdb", "--if-exists", *opts, cfg["NAME"]], check=True, env=env)
    print(f"dropped database {cfg['NAME']}")


def renice_backend(cursor, niceness: int = 10) -> None:
    cursor.execute("SELECT pg_backend_pid()")
    pid = cursor.fetchone()[0]
    try:
        subprocess.run(["renice", "-n", str(niceness), "-p", str(pid)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        print(f"(could not renice the PostgreSQL backend {pid}: the load runs at normal priority)")


# ---------------------------------------------------------------------------------------------
# building the two copies

CASE_SELECT = f"""
WITH base AS (
    SELECT i,
           %(start)s::timestamptz + (%(span)s::interval * ((i - 1 + 0.5) / %(n)s::float8)) AS t,
           (i * 2654435761) %% {GRIDS} AS g,
           ((i * 2654435761) %% {GRIDS}) %% {VILLAGES} AS v
    FROM generate_series(1::bigint, %(n)s::bigint) AS i
), placed AS (
    SELECT b.*, b.v %% {TOWNSHIPS} AS tw, (b.v %% {TOWNSHIPS}) %% {COUNTIES} AS co,
           b.t + make_interval(hours => (4 + (i * 31) %% 236)::int) AS closes,
           b.t + make_interval(hours => (72 * (1 + i %% 3))::int) AS due
    FROM base b
), state AS (
    SELECT p.*,
           CASE
             WHEN i %% 100 = 50 THEN 'rejected'
             WHEN p.closes < %(now)s AND i %% 1000 >= 2 THEN 'closed'
             ELSE (ARRAY['reported','registered','dispatched','returned','accepted','in_progress',
                         'in_progress','disposed','verified','dispatched'])[1 + (i * 7) %% 10]
           END AS status
    FROM placed p
)
SELECT i, 'SJ' || to_char(t AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad(i::text, 9, '0'),
       (ARRAY['grid_app','grid_app','grid_app','hotline','walk_in','video','citizen','petition','open_api'])
         [1 + (i * 11) %% 9],
       CASE WHEN i %% 33 = 0 THEN 'urgent' ELSE 'normal' END,
       (ARRAY['楼道堆放杂物，存在消防隐患，请求清理','邻里因宅基地界限发生纠纷，需要调解',
              '路灯损坏，夜间出行不便','村内道路坑洼积水，影响通行','垃圾清运不及时，气味较大',
              '流动摊贩占道经营','河道漂浮物较多，需要打捞','独居老人家中无人应答，需要上门查看',
              '施工噪音扰民，夜间仍在作业','电动车楼道充电，存在安全隐患','小区门口违章停车堵塞通道',
              '农田灌溉用水分配发生争执'])[1 + (i * 5) %% 12] || '（' || g || '号网格）',
       '商丘市' || co || '县' || tw || '镇' || v || '村' || (i %% 200) || '号',
       34.2 + (g %% 1000) / 2000.0, 115.4 + (g / 1000) / 80.0, 'WGS84',
       '网格员' || g, '138' || lpad(g::text, 8, '0'),
       status, 5 + (i * 13) %% 4,
       CASE WHEN status IN ('reported','registered','rejected') THEN '' ELSE 'handle' END,
       CASE WHEN status IN ('reported','registered','rejected') THEN NULL ELSE due - interval '24 hours' END,
       CASE WHEN status IN ('reported','registered','rejected') THEN NULL ELSE due END,
       CASE WHEN status IN ('reported','registered','rejected') THEN NULL ELSE t + interval '2 hours' END,
       CASE WHEN status = 'closed' THEN closes END,
       CASE WHEN status = 'closed' THEN closes <= due END,
       i %% 97 = 0, CASE WHEN i %% 41 = 0 THEN 1 ELSE 0 END, CASE WHEN i %% 19 = 0 THEN 1 ELSE 0 END,
       CASE WHEN i %% 19 = 0 THEN 'yellow' ELSE '' END, i %% 29 = 0,
       CASE WHEN status = 'closed' THEN 'resolved' ELSE '' END,
       CASE WHEN status = 'closed' THEN '已现场处置，群众满意' ELSE '' END,
       NULL, CASE WHEN status = 'closed' THEN 1 + i %% 5 END,
       t, COALESCE(CASE WHEN status = 'closed' THEN closes END, t),
       {COUNTY0} + co, NULL, {GRID0} + g, NULL,
       CASE WHEN i %% 10 < 7 THEN {USER0_WORKER} + g END,
       {TOWNSHIP0} + tw, {VILLAGE0} + v, 1 + (i * 7919) %% 60,
       NULL,
       CASE WHEN status IN ('reported','registered','rejected') THEN NULL
            WHEN i %% 10 < 3 THEN {UNIT0_DEPT} + co * 10 + i %% 10 ELSE {TOWNSHIP0} + tw END,
       NULL
FROM state
"""

CASE_COLUMNS = """id, number, source, urgency, description, address, lat, lng, reported_crs, reporter_name,
reporter_phone, status, version, phase, warn_at, due_at, dispatched_at, closed_at, closed_on_time,
is_postponed, rework_count, urge_count, top_urge_grade, self_resolved, outcome, result,
pending_extension_until, satisfaction, created_at, updated_at, county_id, duplicate_of_id, grid_id,
possible_duplicate_of_id, reporter_id, township_id, village_id, category_id, dispatcher_unit_id,
handling_unit_id, suggested_unit_id"""

# the timeline: k-th of n events, spread from the report to the close (or up to five days, never
# past now); the actions follow the workflow's order, an urge now and then
EVENT_INSERT = """
INSERT INTO {schema}.incidents_caseevent (action, action_label, from_state, to_state, actor_role,
    actor_unit, note, data, created_at, actor_id, case_id, unit_id)
SELECT a.action, a.label, a.from_state, a.to_state,
       CASE WHEN k = 1 THEN '网格员' ELSE '指挥中心' END, '', '',
       CASE WHEN a.action = 'urge'
            THEN jsonb_build_object('grade', CASE WHEN c.id %% 3 = 0 THEN 'red' ELSE 'yellow' END)
            ELSE '{{}}'::jsonb END,
       LEAST(%(now)s::timestamptz, c.created_at
             + (COALESCE(c.closed_at, c.created_at + interval '5 days') - c.created_at)
             * ((k - 1)::float8 / (c.version - 1))),
       CASE WHEN k = 1 THEN c.reporter_id WHEN (c.id + k) %% 7 = 0 THEN NULL ELSE {officer0} + c.id %% 5000 END,
       c.id, CASE WHEN k >= 3 THEN c.handling_unit_id END
FROM {schema}.incidents_case c
CROSS JOIN LATERAL generate_series(1, c.version) AS k
CROSS JOIN LATERAL (
    SELECT (ARRAY['report','register','dispatch','accept','urge','dispose','verify','close'])[s] AS action,
           (ARRAY['上报','立案','派遣','签收','督办','处置','核查','结案'])[s] AS label,
           (ARRAY['','reported','registered','dispatched','accepted','accepted','disposed','verified'])[s]
             AS from_state,
           (ARRAY['reported','registered','dispatched','accepted','accepted','disposed','verified','closed'])[s]
             AS to_state
    FROM (SELECT CASE WHEN k = c.version THEN 8 ELSE LEAST(k, 7) END AS s) AS pick
) AS a
"""


def index_definitions(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX …) of every index the migrations made on public.<table>."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = %s ORDER BY indexname",
        [table],
    )
    return cursor.fetchall()


def month_starts(cursor, start, now) -> list:
    cursor.execute(
        "SELECT generate_series(date_trunc('month', %s::timestamptz AT TIME ZONE 'Asia/Shanghai'), "
        "date_trunc('month', %s::timestamptz AT TIME ZONE 'Asia/Shanghai') + interval '2 months', interval '1 month')",
        [start, now],
    )
    return [row[0] for row in cursor.fetchall()]


def create_partitions(cursor, table: str, months) -> None:
    for first in months:
        cursor.execute(
            f"CREATE TABLE part.{table}_p{first:%Y_%m} PARTITION OF part.{table} FOR VALUES FROM "
            f"(('{first:%Y-%m-%d}'::timestamp) AT TIME ZONE 'Asia/Shanghai') TO "
            f"((('{first:%Y-%m-%d}'::timestamp) + interval '1 month') AT TIME ZONE 'Asia/Shanghai')"
        )


def build(args, cursor, start, now) -> dict:
    """Both copies, each step timed (seconds)."""
    span = now - start
    steps: dict[str, float] = {}

    printed = set()

    def done():  # print the step just finished
        last = list(steps)[-1] if steps else None
        if last and last not in printed:
            printed.add(last)
            print(f"  {last:<44} {steps[last]:8.1f} s", flush=True)

    def step(name, sql, params=None):
        if name not in steps:
            done()
        began = time.monotonic()
        cursor.execute(sql, params)
        steps[name] = round(steps.get(name, 0.0) + time.monotonic() - began, 1)

    cursor.execute("SET maintenance_work_mem = '512MB'")
    cursor.execute("SET synchronous_commit = off")
    for schema in ("plain", "part", "ref"):
        cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        cursor.execute(f"CREATE SCHEMA {schema}")
    # the small tables the hot queries join (no foreign keys): categories, units, daily urges
    for table in ("incidents_category", "incidents_unit", "incidents_dailyurge"):
        cursor.execute(f"CREATE TABLE ref.{table} (LIKE public.{table} INCLUDING ALL)")
    cursor.execute(
        "INSERT INTO ref.incidents_category (id, code, name, handling_level, urgency, is_active, parent_id, "
        "default_unit_id) SELECT c, 'C' || c, '分类' || c, 'township', 'normal', true, "
        "CASE WHEN c > 10 THEN 1 + c % 10 END, NULL FROM generate_series(1, 60) c"
    )
    cursor.execute(
        "INSERT INTO ref.incidents_unit (id, kind, code, name, area_id) "
        f"SELECT {TOWNSHIP0} + t, 'township', 'town-' || t, '乡镇' || t, {TOWNSHIP0} + t "
        f"FROM generate_series(0, {TOWNSHIPS - 1}) t UNION ALL "
        f"SELECT {UNIT0_DEPT} + c * 10 + k, 'department', 'dept-' || c || '-' || k, '部门' || k, {COUNTY0} + c "
        f"FROM generate_series(0, {COUNTIES - 1}) c, generate_series(0, 9) k"
    )
    cursor.execute("ANALYZE ref.incidents_category, ref.incidents_unit, ref.incidents_dailyurge")

    print("plain (as today):", flush=True)
    for table in TABLES:
        cursor.execute(
            f"CREATE TABLE plain.{table} (LIKE public.{table} INCLUDING DEFAULTS INCLUDING IDENTITY "
            "INCLUDING CONSTRAINTS INCLUDING STORAGE)"
        )
    params = {"start": start, "span": span, "n": args.cases, "now": now}
    step("plain: cases", f"INSERT INTO plain.incidents_case ({CASE_COLUMNS}) {CASE_SELECT}", params)
    step("plain: events", EVENT_INSERT.format(schema="plain", officer0=USER0_OFFICER), {"now": now})
    for table in TABLES:
        for _name, definition in index_definitions(cursor, table):
            ddl = definition.replace(f" ON public.{table} ", f" ON plain.{table} ")
            step(f"plain: indexes of {table}", ddl)
        step(f"plain: indexes of {table}", f"ALTER TABLE plain.{table} ADD PRIMARY KEY USING INDEX {table}_pkey")
    step(
        "plain: event → case foreign key",
        "ALTER TABLE plain.incidents_caseevent ADD CONSTRAINT caseevent_case_fk FOREIGN KEY (case_id) "
        "REFERENCES plain.incidents_case (id) DEFERRABLE INITIALLY DEFERRED",
    )

    done()
    print("part (by month):", flush=True)
    months = month_starts(cursor, start, now)
    for table in TABLES:
        cursor.execute(
            f"CREATE TABLE part.{table} (LIKE public.{table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
            "INCLUDING STORAGE) PARTITION BY RANGE (created_at)"
        )
        create_partitions(cursor, table, months)
    step("part: cases", "INSERT INTO part.incidents_case SELECT * FROM plain.incidents_case")
    step("part: events", "INSERT INTO part.incidents_caseevent SELECT * FROM plain.incidents_caseevent")
    for table in TABLES:
        for name, definition in index_definitions(cursor, table):
            if name == f"{table}_pkey":
                ddl = f"ALTER TABLE part.{table} ADD PRIMARY KEY (id, created_at)"
            elif definition.startswith("CREATE UNIQUE INDEX"):  # the case number
                ddl = definition.replace(f" ON public.{table} ", f" ON part.{table} ").replace(")", ", created_at)", 1)
            else:
                ddl = definition.replace(f" ON public.{table} ", f" ON part.{table} ")
            step(f"part: indexes of {table}", ddl)
    step(
        "ANALYZE",
        "ANALYZE plain.incidents_case, plain.incidents_caseevent, part.incidents_case, part.incidents_caseevent",
    )
    done()
    cursor.execute("CREATE TABLE ref.bench_built (cases bigint, started timestamptz, now timestamptz, steps jsonb)")
    cursor.execute("INSERT INTO ref.bench_built VALUES (%s, %s, %s, %s)", [args.cases, start, now, json.dumps(steps)])
    return steps


def built(cursor, cases: int):
    cursor.execute("SELECT to_regclass('ref.bench_built') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return None
    cursor.execute("SELECT cases, started, now, steps FROM ref.bench_built")
    row = cursor.fetchone()
    return row if row and row[0] == cases else None


# ---------------------------------------------------------------------------------------------
# the hot reads, from the ORM


def hot_paths(now, sample: dict):
    """(label, callable running the platform's own ORM code) of every read measured."""
    import datetime as dt

    from django.db.models import Q
    from django.http import QueryDict
    from django.utils import timezone

    from grids.levels import AreaLevel
    from grids.models import Area
    from grids.scoping import Grant, scope_q
    from incidents.api.filters import CaseFilter
    from incidents.constants import UnitKind
    from incidents.models import Case, CaseEvent
    from incidents.reviews import daily, weekly
    from incidents.selectors import overdue
    from oversight import case_figures
    from oversight.scope import OversightScope

    county, township, case_id = sample["county"], sample["township"], sample["case_id"]
    list_related = ("category", "handling_unit", "possible_duplicate_of")  # incidents.selectors.cases_for

    def visible(grant: Grant, user_id: int, units: list[int]):
        # incidents.selectors.visibility_q for a user with one area grant and their units
        q = scope_q(Case, [grant]) | Q(reporter_id=user_id)
        if units:
            q |= Q(handling_unit_id__in=units)
        return Case.objects.filter(q).select_related(*list_related)

    county_cases = visible(Grant(county, AreaLevel.COUNTY, "4114"), 1, [])
    town_cases = visible(Grant(township, AreaLevel.TOWNSHIP, "41140000"), 2, [township])
    today = timezone.localdate(now)
    yesterday = today - dt.timedelta(days=1)
    month_ago, two_months_ago = today - dt.timedelta(days=30), today - dt.timedelta(days=60)

    def page(qs, before=None):  # incidents.views._page: keyset by id, newest first, 50 + 1
        if before:
            qs = qs.filter(pk__lt=before)
        return list(qs.order_by("-id")[:51])

    def desk(params):
        return page(CaseFilter(QueryDict(params), queryset=county_cases).qs)

    yesterday_end = timezone.make_aware(dt.datetime.combine(today, dt.time.min)) - dt.timedelta(seconds=1)
    week_start = weekly.last_week(now)
    w_start, w_end = weekly.week_bounds(week_start)
    county_scope = OversightScope(Area(id=county, level=AreaLevel.COUNTY, path="4114"))
    events = CaseEvent.objects.select_related("actor", "unit")
    return [
        ("county list, first page (desk, API)", lambda: page(county_cases)),
        ("county list, page 100 (keyset before=id)", lambda: page(county_cases, sample["county_page_100"])),
        ("county list, desk filters status+urgency", lambda: desk("status=dispatched&urgency=normal")),
        ("county list, reported 60-30 days ago", lambda: desk(f"created_from={two_months_ago}&created_to={month_ago}")),
        ("county list, overdue", lambda: page(overdue(county_cases, now))),
        ("township list, first page", lambda: page(town_cases)),
        ("case by id (detail, joins)", lambda: list(Case.objects.select_related(*list_related).filter(pk=case_id))),
        ("case's event log (detail prefetch)", lambda: list(events.filter(case_id__in=[case_id]))),
        # what partition-aware code could send (the case's report time carried along): not what the
        # platform does today, measured to see what pruning would give back
        (
            "(aware) case by id + report time",
            lambda: list(
                Case.objects.select_related(*list_related).filter(pk=case_id, created_at=sample["case_created_at"])
            ),
        ),
        (
            "(aware) event log from the report time",
            lambda: list(events.filter(case_id__in=[case_id], created_at__gte=sample["case_created_at"])),
        ),
        ("日清 figures by village, yesterday", lambda: list(daily._figures_by_village(yesterday, yesterday_end))),
        ("周评 case figures by village, last week", lambda: weekly._case_figures("village_id", w_start, w_end)),
        ("周评 event figures by village, last week", lambda: weekly._event_figures("village_id", w_start, w_end)),
        (
            "周评 event figures by department, last week",
            lambda: weekly._event_figures(
                "handling_unit_id", w_start, w_end, Q(case__handling_unit__kind=UnitKind.DEPARTMENT)
            ),
        ),
        ("dashboard headline, county (3 queries)", lambda: case_figures.headline(county_scope, now)),
        ("dashboard 30-day trend, county (2 queries)", lambda: case_figures.daily_trend(county_scope, now)),
        ("dashboard open by township, county", lambda: case_figures.open_by_area(county_scope, "township_id", now)),
    ]


def capture(fn, cursor_search_path: str) -> list[str]:
    """The case-table statements `fn` runs (SQL with its parameters, as sent)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with connection.cursor() as cursor:
        cursor.execute(f"SET search_path TO {cursor_search_path}")
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries if "incidents_case" in q["sql"]]


def explain(cursor, sql: str) -> dict:
    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
    result = cursor.fetchone()[0]
    doc = (json.loads(result) if isinstance(result, str) else result)[0]
    plan = doc["Plan"]
    relations, nodes = set(), []

    def walk(node):
        if "Relation Name" in node:
            relations.add(node["Relation Name"])
        nodes.append(node["Node Type"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan)
    return {
        "planning_ms": doc.get("Planning Time", 0.0),
        "execution_ms": doc.get("Execution Time", 0.0),
        "buffers": plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0),
        "read": plan.get("Shared Read Blocks", 0),
        "relations": len(relations),
        "top": plan["Node Type"],
        "nodes": nodes,
    }


def measure(label: str, statements: list[str], schemas, repeat: int) -> dict:
    """Median over `repeat` rounds; each round runs every copy in turn (so a change in the shared
    machine's load falls on both), each copy's statements summed."""
    from django.db import connection

    def run(cursor, schema) -> dict:
        cursor.execute(f"SET search_path TO {schema}, ref, public")
        total = {"planning_ms": 0.0, "execution_ms": 0.0, "buffers": 0, "read": 0, "relations": 0}
        for sql in statements:
            r = explain(cursor, sql)
            for key in total:
                total[key] += r[key]
        return total

    out = {"label": label, "statements": len(statements)}
    runs: dict[str, list[dict]] = {schema: [] for schema in schemas}
    with connection.cursor() as cursor:
        first = {schema: run(cursor, schema) for schema in schemas}  # warms the cache
        slowest = max(r["execution_ms"] for r in first.values())
        if slowest > 30_000:  # an aggregate over every case taking minutes: its first run is the measure
            runs = {schema: [r] for schema, r in first.items()}
        for _ in range(0 if slowest > 30_000 else min(repeat, 3) if slowest > 10_000 else repeat):
            for schema in schemas:
                runs[schema].append(run(cursor, schema))
    for schema, rows in runs.items():
        out[schema] = {
            "planning_ms": round(statistics.median(r["planning_ms"] for r in rows), 2),
            "execution_ms": round(statistics.median(r["execution_ms"] for r in rows), 2),
            "total_ms": round(statistics.median(r["planning_ms"] + r["execution_ms"] for r in rows), 2),
            "buffers": rows[-1]["buffers"],
            "read": rows[-1]["read"],
            "relations": rows[-1]["relations"],
            "runs": len(rows),
        }
    return out


def new_connection_plans(statements: list[str], schemas, repeat: int = 3) -> dict:
    """The first statement's planning time on a fresh connection (the relation cache empty: what a
    web worker pays once per connection, CONN_MAX_AGE = 60 s): median of `repeat` reconnects."""
    from django.db import connection

    out = {}
    for schema in schemas:
        times = []
        for _ in range(repeat):
            connection.close()
            with connection.cursor() as cursor:
                cursor.execute(f"SET search_path TO {schema}, ref, public")
                cursor.execute(f"EXPLAIN (SUMMARY, FORMAT JSON) {statements[0]}")
                result = cursor.fetchone()[0]
                times.append((json.loads(result) if isinstance(result, str) else result)[0]["Planning Time"])
        out[schema] = round(statistics.median(times), 1)
    return out


def archiving(cursor, start) -> list[dict]:
    """The oldest month out: DELETE from the plain tables against DETACH + DROP of its partitions,
    each timed inside a transaction that is rolled back (so the data stays for the next run)."""
    from django.db import connection

    cursor.execute(
        "SELECT date_trunc('month', %s::timestamptz AT TIME ZONE 'Asia/Shanghai'), "
        "(date_trunc('month', %s::timestamptz AT TIME ZONE 'Asia/Shanghai') + interval '1 month') "
        "AT TIME ZONE 'Asia/Shanghai'",
        [start, start],
    )
    first, until = cursor.fetchone()
    suffix = f"p{first:%Y_%m}"
    cursor.execute("SELECT COUNT(*) FROM part.incidents_case_" + suffix)
    month_rows = cursor.fetchone()[0]
    cursor.execute("SELECT COUNT(*) FROM part.incidents_caseevent_" + suffix)
    month_rows += cursor.fetchone()[0]
    results = []
    plans = {
        "plain": [
            (
                "DELETE FROM plain.incidents_caseevent WHERE case_id IN "
                "(SELECT id FROM plain.incidents_case WHERE created_at < %s)",
                [until],
            ),
            ("DELETE FROM plain.incidents_case WHERE created_at < %s", [until]),
        ],
        "part": [
            (f"ALTER TABLE part.incidents_caseevent DETACH PARTITION part.incidents_caseevent_{suffix}", None),
            (f"DROP TABLE part.incidents_caseevent_{suffix}", None),
            (f"ALTER TABLE part.incidents_case DETACH PARTITION part.incidents_case_{suffix}", None),
            (f"DROP TABLE part.incidents_case_{suffix}", None),
        ],
    }
    for schema, statements in plans.items():
        connection.set_autocommit(False)
        try:
            began = time.monotonic()
            rows = 0
            for sql, params in statements:
                cursor.execute(sql, params)
                rows += max(cursor.rowcount, 0)
            seconds = time.monotonic() - began
        finally:
            connection.rollback()
            connection.set_autocommit(True)
        rows = rows if schema == "plain" else month_rows  # DETACH and DROP report no row count
        results.append({"schema": schema, "seconds": round(seconds, 3), "rows": rows, "month": f"{first:%Y-%m}"})
    return results


def sizes(cursor) -> dict:
    """Heap (with TOAST) and index sizes of each copy: a partitioned table's are its partitions' sums."""
    out = {}
    for schema in ("plain", "part"):
        for table in TABLES:
            cursor.execute(
                """
                WITH leaves AS (
                    SELECT relid FROM pg_partition_tree(%s::regclass) WHERE isleaf
                    UNION ALL SELECT %s::regclass WHERE %s = 'plain'
                )
                SELECT COALESCE(SUM(pg_table_size(relid)), 0), COALESCE(SUM(pg_indexes_size(relid)), 0), COUNT(*)
                FROM leaves
                """,
                [f"{schema}.{table}", f"{schema}.{table}", schema],
            )
            heap, indexes, leaves = cursor.fetchone()
            cursor.execute("SELECT COUNT(*) FROM pg_index WHERE indrelid = %s::regclass", [f"{schema}.{table}"])
            out[f"{schema}.{table}"] = {
                "heap_mb": round(heap / 2**20),
                "indexes_mb": round(indexes / 2**20),
                "partitions": leaves if schema == "part" else 0,
                "index_count": cursor.fetchone()[0],
            }
    return out


def sample_ids(cursor) -> dict:
    cursor.execute("SET search_path TO plain, ref, public")
    cursor.execute("SELECT county_id FROM incidents_case ORDER BY id DESC LIMIT 1")
    county = cursor.fetchone()[0]
    cursor.execute("SELECT township_id FROM incidents_case WHERE county_id = %s ORDER BY id DESC LIMIT 1", [county])
    township = cursor.fetchone()[0]
    cursor.execute(
        "SELECT id FROM incidents_case WHERE county_id = %s ORDER BY id DESC "
        "OFFSET LEAST(5000, (SELECT COUNT(*) / 2 FROM incidents_case WHERE county_id = %s)) LIMIT 1",
        [county, county],
    )
    page_100 = cursor.fetchone()[0]
    cursor.execute(
        "SELECT id, created_at FROM incidents_case ORDER BY id LIMIT 1 OFFSET (SELECT COUNT(*) / 3 FROM incidents_case)"
    )
    case_id, created_at = cursor.fetchone()
    return {
        "county": county,
        "township": township,
        "county_page_100": page_100,
        "case_id": case_id,
        "case_created_at": created_at,
    }


def machine() -> dict:
    mem = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(int(mem) / 2**20, 1),
        "platform": platform.platform(),
        "load": os.getloadavg(),
    }


def main(argv=None) -> None:
    args = parse_args(argv)
    url = os.environ.get("BENCH_PARTITIONS_URL") or (
        f"postgres://postgres@127.0.0.1:5432/gg_partitions_bench_{args.cases}"
    )
    prepare_database(url, args.fresh)
    setup_django(url)
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        server += f", shared_buffers {cursor.fetchone()[0]}"
        previous = built(cursor, args.cases)
        if previous:
            _n, start, now, steps = previous
            steps = steps if isinstance(steps, dict) else json.loads(steps)
            print(f"the copies of {args.cases:,} cases exist (built {now:%Y-%m-%d %H:%M}): measuring only")
        else:
            now = timezone.now().replace(microsecond=0)
            local = timezone.localtime(now)
            first = local.replace(day=1, hour=0, minute=0, second=0) - dt.timedelta(days=1)
            for _ in range(MONTHS - 2):  # back to the first day of the month 35 months ago
                first = first.replace(day=1) - dt.timedelta(days=1)
            start = first.replace(day=1)
            print(f"building {args.cases:,} cases from {start:%Y-%m-%d} to {local:%Y-%m-%d %H:%M} (nice 10):")
            renice_backend(cursor)
            began = time.monotonic()
            steps = build(args, cursor, start, now)
            steps["total"] = round(time.monotonic() - began, 1)
            cursor.execute("UPDATE ref.bench_built SET steps = %s", [json.dumps(steps)])
        cursor.execute("SELECT COUNT(*) FROM plain.incidents_caseevent")
        n_events = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM plain.incidents_case WHERE status NOT IN ('closed', 'rejected')")
        n_open = cursor.fetchone()[0]
        sample = sample_ids(cursor)

    results = []
    for label, fn in hot_paths(now, sample):
        if args.only and args.only not in label:
            continue
        statements = capture(fn, "plain, ref, public")
        results.append(measure(label, statements, ("plain", "part"), args.repeat))
        r = results[-1]
        print(
            f"  {label:<44} plain {r['plain']['total_ms']:9.2f} ms   part {r['part']['total_ms']:9.2f} ms", flush=True
        )
    first_plan = new_connection_plans(capture(hot_paths(now, sample)[0][1], "plain, ref, public"), ("plain", "part"))
    print(
        f"  {'first plan on a new connection, county list':<44} plain {first_plan['plain']:9.2f} ms   "
        f"part {first_plan['part']:9.2f} ms"
    )
    with connection.cursor() as cursor:
        retention = archiving(cursor, start)
        table_sizes = sizes(cursor)

    report = {
        "cases": args.cases,
        "events": n_events,
        "open_cases": n_open,
        "months": MONTHS,
        "machine": {**machine(), "postgresql": server},
        "build_seconds": steps,
        "sizes": table_sizes,
        "queries": results,
        "archiving": retention,
        "first_plan_on_new_connection_ms": first_plan,
        "repeat": args.repeat,
    }
    out = BASE_DIR / "var" / "bench" / f"partitions-{args.cases}{'-only' if args.only else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str))
    print_report(report)
    print(f"\nwritten to {out}")
    if args.drop:
        drop_database(url)


def print_report(r: dict) -> None:
    m = r["machine"]
    print(
        f"\n{r['cases']:,} cases · {r['events']:,} events · {r['open_cases']:,} open · {r['months']} months · "
        f"{m['cpus']} cores, {m['memory_gb']} GB · PostgreSQL {m['postgresql']} · load {m['load'][0]:.1f}"
    )
    print(f"build: {r['build_seconds'].get('total', 0):,.0f} s in all (both copies)")
    print(
        f"\n{'query (median of ' + str(r['repeat']) + ', warm; plan + execution)':<48} {'plain ms':>10} "
        f"{'part ms':>10} {'part/plain':>10}  {'plan ms p/p':>13} {'buffers p/p':>15} {'tables p/p':>11}"
    )
    for q in r["queries"]:
        p, t = q["plain"], q["part"]
        ratio = t["total_ms"] / p["total_ms"] if p["total_ms"] else float("nan")
        label = q["label"] + (f" ({p['runs']} run)" if p.get("runs", 2) == 1 else "")
        print(
            f"{label:<48} {p['total_ms']:>10.2f} {t['total_ms']:>10.2f} {ratio:>9.2f}×  "
            f"{p['planning_ms']:>5.1f}/{t['planning_ms']:<7.1f} {p['buffers']:>7}/{t['buffers']:<7} "
            f"{p['relations']:>4}/{t['relations']:<4}"
        )
    fp = r["first_plan_on_new_connection_ms"]
    print(f"\nfirst plan on a new connection (county list): plain {fp['plain']} ms, part {fp['part']} ms")
    print("\narchiving the oldest month (rolled back):")
    for a in r["archiving"]:
        how = "DELETE cases + their events" if a["schema"] == "plain" else "DETACH + DROP both partitions"
        print(f"  {a['schema']:<6} {a['month']} {how:<30} {a['seconds']:>9.3f} s  {a['rows']:,} rows")
    print("\nsizes (MB):")
    for name, s in r["sizes"].items():
        print(f"  {name:<28} heap {s['heap_mb']:>7,}  indexes {s['indexes_mb']:>7,}  partitions {s['partitions']:>3}")


if __name__ == "__main__":
    main()
