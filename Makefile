# The two commands a newcomer needs: `make run` (demo county, served) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
REQ_HASH := $(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(REQ_HASH)
# The demo runs with DEBUG on (plain HTTP on localhost) unless the caller says otherwise.
RUN_ENV := DEBUG=$${DEBUG:-true}
# On PostgreSQL, migrations, the demo load and the role grants run as the tables' owner; the web
# server and the worker as the application role `manage.py db_app_role` prepares (docs/security.md).
OWNER_ENV := $(RUN_ENV) DATABASE_AS=owner

.PHONY: install run migrate demo serve test test-fast lint bench clean

install: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*; touch $@

migrate: install
	$(OWNER_ENV) $(PY) manage.py migrate --noinput -v0
	$(OWNER_ENV) $(PY) manage.py db_app_role -v0

demo: migrate
	$(OWNER_ENV) $(PY) manage.py seed_demo

run: demo
	@$(RUN_ENV) $(PY) manage.py collectstatic --noinput -v0
	@$(MAKE) --no-print-directory serve

# Web server and Celery worker (with beat) together; Ctrl-C stops both.
serve:
	@mkdir -p var/log
	@APP_DB="$$($(OWNER_ENV) $(PY) manage.py db_app_role --print-env)" || exit 1; \
	if [ -n "$$APP_DB" ]; then export "$$APP_DB"; fi; \
	trap 'kill 0' EXIT INT TERM; \
	$(RUN_ENV) $(VENV)/bin/celery -A governance worker --beat --concurrency 1 --loglevel INFO \
	  --schedule var/celerybeat-schedule --logfile var/log/celery.log & \
	$(RUN_ENV) $(PY) manage.py demo_banner --url http://$(HOST):$(PORT)/; \
	$(RUN_ENV) $(VENV)/bin/gunicorn governance.wsgi --config python:governance.gunicorn_conf \
	  --bind $(HOST):$(PORT) --workers 2 --access-logfile var/log/access.log

test: install
	@.ci/ensure-services
	@.ci/ensure-chromium
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run -v0
	$(PY) -m pytest -n 2 --dist loadfile -q

lint: install
	$(VENV)/bin/ruff check .

# Demo county with 20,000 × scale cases on PostgreSQL, then list/overdue/COUNT timings
# (docs/performance.md). E.g. make bench BENCH_ARGS="--scale 50 --fresh"
bench: install
	@.ci/ensure-services
	$(PY) tests/bench/bench_incidents.py $(BENCH_ARGS)
	$(PY) tests/bench/bench_rhythm.py $(BENCH_ARGS)

clean:
	rm -rf var/ .pytest_cache
