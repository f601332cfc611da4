# The two commands a newcomer needs: `make run` (demo county, served) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
REQ_HASH := $(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(REQ_HASH)
# The demo runs with DEBUG off, so people meet the Chinese error pages, never Django's technical
# page; plain HTTP on localhost is allowed by turning off the HTTPS-only cookies and redirect, and
# its keys are random ones kept under var/ (created once by `make keys`; back them up with the data)
# unless the environment sets SECRET_KEY / IDENTITY_KEY (an installation's /etc/grid-governance/env).
DEMO_KEYS := var/secret_key var/identity_key
RUN_ENV := DEBUG=$${DEBUG:-false} SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" \
  IDENTITY_KEY="$${IDENTITY_KEY:-$$(cat var/identity_key)}" \
  SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0
# On PostgreSQL, migrations, the demo load and the role grants run as the tables' owner; the web
# server and the worker as the application role `manage.py db_app_role` prepares (docs/security.md).
OWNER_ENV := $(RUN_ENV) DATABASE_AS=owner

.PHONY: install lock audit keys run migrate demo serve test test-fast test-upgrade lint bench bench-http bench-sqlite bench-prefecture bench-jobs bench-partitions backup restore clean

install: $(STAMP)

keys: $(DEMO_KEYS)

$(DEMO_KEYS):
	@mkdir -p var
	@umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check --require-hashes -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*; touch $@

# Dependencies: edit the top-level pins in requirements.in (the platform) or requirements-dev.in
# (tests and tools), then `make lock` writes requirements*.txt — every package, transitive ones
# too, pinned with its hashes (pip-tools) — and `make install` installs exactly those.
LOCK := CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile -q --generate-hashes --strip-extras \
  --no-emit-index-url --no-emit-find-links
lock:
	@test -x $(VENV)/bin/pip-compile || $(PY) -m pip install -q pip-tools
	$(LOCK) -o requirements.txt requirements.in
	$(LOCK) -o requirements-dev.txt requirements-dev.in

# Security checks (docs/security.md): bandit on the production code and, with its own explained
# skips, the demo app (also in make test: tests/governance/test_supply_chain.py); pip-audit of
# the locked requirements, which needs its vulnerability database (PyPI's JSON API or OSV) —
# --strict fails when it cannot be reached instead of reporting nothing found.
audit: install
	$(VENV)/bin/bandit -q -c pyproject.toml -r .
	$(VENV)/bin/bandit -q -r demo -s B101,B311,B105,B404,B603
	$(VENV)/bin/pip-audit --strict --disable-pip --require-hashes --progress-spinner off -r requirements-dev.txt

migrate: install keys
	$(OWNER_ENV) $(PY) manage.py migrate --noinput -v0
	$(OWNER_ENV) $(PY) manage.py db_app_role -v0

demo: migrate
	$(OWNER_ENV) $(PY) manage.py seed_demo

run: demo
	@$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0
	@$(MAKE) --no-print-directory serve

# Web server and Celery worker (with beat) together, their output in var/log/; the banner with the
# address and the demo accounts stays on screen; Ctrl-C stops both (demo/management/commands/serve_demo.py).
serve: keys
	@APP_DB="$$($(OWNER_ENV) $(PY) manage.py db_app_role --print-env)" || exit 1; \
	if [ -n "$$APP_DB" ]; then export "$$APP_DB"; fi; \
	$(RUN_ENV) exec $(PY) manage.py serve_demo --host $(HOST) --port $(PORT)

test: install
	@.ci/ensure-services
	@.ci/ensure-chromium
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) -m pytest -n 2 --dist loadfile -q

# An older release's populated schema migrated forward by this checkout, losing no row
# (docs/operations.md). E.g. make test-upgrade UPGRADE_FROM=v1.2
UPGRADE_FROM ?= $(shell git describe --tags --abbrev=0 2>/dev/null || echo HEAD~25)
test-upgrade: install
	@.ci/ensure-services
	tests/upgrade/upgrade.sh $(UPGRADE_FROM)

# Backups of a PostgreSQL installation: database, uploaded files, the keys kept under var/
# (docs/operations.md). make backup [BACKUP_ARGS="--to /backup/grid"]
backup: install keys
	$(OWNER_ENV) $(PY) manage.py backup $(BACKUP_ARGS)

# make restore BACKUP=<folder> into the empty database DATABASE_URL names [RESTORE_ARGS=--force]
restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<YYYYMMDD-HHMMSS>"; exit 2; }
	@mkdir -p var; for key in secret_key identity_key; do \
	  if [ ! -e var/$$key ] && [ -e "$(BACKUP)/keys/$$key" ]; then cp -p "$(BACKUP)/keys/$$key" var/; fi; done
	@$(MAKE) --no-print-directory keys
	$(OWNER_ENV) $(PY) manage.py restore "$(BACKUP)" $(RESTORE_ARGS)
	$(OWNER_ENV) $(PY) manage.py db_app_role -v0

lint: install
	$(VENV)/bin/ruff check .

# The HTTP benchmark (docs/performance.md, tests/bench/bench_http.py): the 1,000,000-case county
# built once in its own database, gunicorn with production settings on the loopback, wrk at 1 and
# 16 clients, each request beside a trivial DRF endpoint and its own SQL through psycopg2; one table,
# JSON in var/bench/. QUICK=1: 100,000 cases, shorter runs. More options: HTTP_ARGS="--fresh …".
# The full `make bench` then runs bench-sqlite: every page a user opens on the embedded default
# (SQLite, the demo county as `make run` loads it) timed against 1 s (tests/bench/bench_sqlite.py;
# SQLITE_ARGS="--judge cpu" on a shared machine, "--fresh" to load it again). Each part alone:
# make bench-http, make bench-sqlite.
BENCH_HTTP := $(if $(QUICK),--cases 100000 --seconds 5 --floor-runs 30,)
# PREFECTURE=1: instead, the whole prefecture (商丘市, 10,000,000 cases, built the first time) beside
# the single county — city dashboard, a county user's list, 日清 and 周评 for all counties
# (docs/scaling.md, tests/bench/bench_prefecture.py); PREFECTURE_ARGS="--cases 2000000" for a smaller one.
bench: $(if $(PREFECTURE),bench-prefecture,bench-http $(if $(QUICK),,bench-sqlite))

bench-prefecture: install
	@.ci/ensure-services
	$(PY) -W ignore tests/bench/bench_prefecture.py $(PREFECTURE_ARGS)

bench-http: install
	@.ci/ensure-services
	$(PY) -W ignore::UserWarning tests/bench/bench_http.py $(BENCH_HTTP) $(HTTP_ARGS)

bench-sqlite: install
	$(PY) -W ignore tests/bench/bench_sqlite.py $(SQLITE_ARGS)

# 日清 and 周评 on 20,000 × scale cases, and the list/overdue/COUNT query timings
# (docs/performance.md). E.g. make bench-jobs BENCH_ARGS="--scale 50 --fresh"
bench-jobs: install
	@.ci/ensure-services
	$(PY) tests/bench/bench_incidents.py $(BENCH_ARGS)
	$(PY) tests/bench/bench_rhythm.py $(BENCH_ARGS)

# Partitioning by month, measured before it is done (docs/scaling.md#partitioning,
# tests/bench/bench_partitions.py): in a scratch database, the case table and its timeline twice —
# as today and PARTITION BY RANGE (created_at) by month — filled set-based, the platform's hot reads
# (SQL from the ORM) on both with EXPLAIN (ANALYZE, BUFFERS), archiving by DELETE against DROP
# PARTITION, the sizes; JSON in var/bench/. Runs at nice 10. E.g. make bench-partitions
# PARTITION_ARGS="--cases 5000000 --repeat 7" (default 2,000,000 cases; --drop removes the database).
bench-partitions: install
	@.ci/ensure-services
	nice -n 10 $(PY) tests/bench/bench_partitions.py $(PARTITION_ARGS)

clean:
	rm -rf var/ .pytest_cache
