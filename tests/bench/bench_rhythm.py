"""Benchmark: the daily review (日清) and the weekly evaluation (周评) on the demo county with
20,000 × scale cases (the database bench_incidents.py builds; see its docstring).

    .venv/bin/python tests/bench/bench_rhythm.py [--scale 50] [--fresh]
    make bench-jobs BENCH_ARGS="--scale 50 --fresh"

Each job runs inside a transaction that is rolled back, so every run sees the same data (the
daily review's first run on a day urges every overdue case; that is the run timed here).
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_incidents  # noqa: E402


def timed_rolled_back(fn):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic():
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            result = fn()
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, len(ctx.captured_queries), result


def main(argv=None) -> None:
    args = bench_incidents.parse_args(argv)
    url = bench_incidents.os.environ.get("DATABASE_URL") or bench_incidents.DEFAULT_URL
    bench_incidents.prepare_database(url, fresh=False)  # `make bench-jobs` ran bench_incidents (and --fresh) first
    bench_incidents.setup_django(url)
    bench_incidents.seed(args)
    from django.db import connection
    from django.utils import timezone

    from incidents.models import Case
    from incidents.reviews import daily, weekly

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    now = timezone.now()
    print(f"\n{Case.objects.count():,} cases in the database")
    print(f"{'job':<40} {'seconds':>8} {'queries':>8}  result")
    seconds, n, urged = timed_rolled_back(lambda: daily.run_daily_review(at=now))
    print(f"{'daily review (日清), first run of a day':<40} {seconds:>8.2f} {n:>8}  {urged:,} cases urged")
    seconds, n, scores = timed_rolled_back(lambda: weekly.run_weekly_evaluation(at=now).scores.count())
    print(f"{'weekly evaluation (周评)':<40} {seconds:>8.2f} {n:>8}  {scores:,} scores")


if __name__ == "__main__":
    main()
