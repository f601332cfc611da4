#!/usr/bin/env bash
# `make test-upgrade`: an older release's schema, populated with a small demo county by that
# release's own code, migrated forward by this checkout — no table and no row may be lost, and
# the models must match the migrated schema. Uses a throw-away git worktree and database.
# usage: tests/upgrade/upgrade.sh <git ref of the older release> [demo scale]
set -euo pipefail
from="${1:?usage: upgrade.sh <git ref> [scale]}"
scale="${2:-0.05}"
here="$(git rev-parse --show-toplevel)"
py="$here/.venv/bin/python"
work="$(mktemp -d)"
db="gg_upgrade_$$"
cleanup() {
  git -C "$here" worktree remove --force "$work/old" >/dev/null 2>&1 || true
  dropdb -h 127.0.0.1 -U postgres --if-exists "$db" || true
  rm -rf "$work"
}
trap cleanup EXIT

git -C "$here" worktree add --detach "$work/old" "$from" >/dev/null
createdb -h 127.0.0.1 -U postgres "$db"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" DEBUG=true DATABASE_AS=owner REDIS_URL=
count_rows() {
  "$py" - "$1" <<'PY'
import json, os, sys, psycopg2
with psycopg2.connect(os.environ["DATABASE_URL"]) as c, c.cursor() as cur:
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    counts = {}
    for (t,) in cur.fetchall():
        cur.execute(f'SELECT count(*) FROM "{t}"')
        counts[t] = cur.fetchone()[0]
json.dump(counts, open(sys.argv[1], "w"))
PY
}

echo "== $(git -C "$here" rev-parse --short "$from"): migrate and seed a demo county (scale $scale)"
(cd "$work/old" && VAR_DIR="$work/var-old" "$py" manage.py migrate --noinput -v0 \
  && VAR_DIR="$work/var-old" "$py" manage.py seed_demo --scale "$scale" >/dev/null)
count_rows "$work/before.json"

echo "== $(git -C "$here" rev-parse --short HEAD): migrate forward"
(cd "$here" && VAR_DIR="$work/var-new" "$py" manage.py migrate --noinput -v0 \
  && VAR_DIR="$work/var-new" "$py" manage.py makemigrations --check --dry-run -v0 \
  && VAR_DIR="$work/var-new" "$py" manage.py check -v0)
count_rows "$work/after.json"

"$py" - "$work/before.json" "$work/after.json" <<'PY'
import json, sys
before, after = (json.load(open(p)) for p in sys.argv[1:])
lost = {t: (n, after.get(t)) for t, n in before.items() if after.get(t, 0) < n}
if lost:
    sys.exit(f"upgrade lost data (table: rows before, after): {lost}")
dropped = sorted(t for t in before if t not in after)
print(f"upgrade kept every row: {len(before)} tables, {sum(before.values())} rows before, "
      f"{sum(after.values())} after; new tables: {len(set(after) - set(before))}; "
      f"empty tables dropped: {', '.join(dropped) or 'none'}")
PY
