# 换届通 — two commands: `make run` (set up and serve) and `make test` (set up and test).
# Each setup step leaves a stamp in .make/ and runs again only when its inputs change.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
HOST ?= 127.0.0.1
PORT ?= 8000
PO := locale/zh_Hans/LC_MESSAGES/django.po
MO := locale/zh_Hans/LC_MESSAGES/django.mo

.PHONY: run test setup os-deps os-deps-test fonts migrate seed check lint format messages bench audit e2e clean worker beat

run: os-deps setup fonts migrate seed
	@echo
	@echo "换届通 is at http://$(HOST):$(PORT)/  (password of every demo account: huanjie-demo)"
	@scripts/run.sh $(PY) $(HOST):$(PORT)

test: os-deps-test setup fonts check
	$(PY) -m pytest -q $(PYTEST_ARGS)

setup: $(STAMPS)/venv $(STAMPS)/assets $(MO)

os-deps:
	@scripts/os-deps.sh run

os-deps-test:
	@scripts/os-deps.sh test

$(STAMPS)/venv: pyproject.toml
	@mkdir -p $(STAMPS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

$(STAMPS)/assets: package.json package-lock.json scripts/vendor-assets.sh
	@mkdir -p $(STAMPS)
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	scripts/vendor-assets.sh
	@touch $@

$(MO): $(PO) $(STAMPS)/venv
	$(PY) manage.py compilemessages -l zh_Hans -v 0
	@touch $@

# CJK font subsets for the PDF reports, prepared once (var/fonts, about a minute the first time)
fonts: setup
	$(PY) manage.py fonts_prepare

migrate: setup
	$(PY) manage.py migrate --noinput -v 0

seed: migrate
	$(PY) manage.py seed_demo

# The checks `make test` runs before the suite: lint, format, types (mypy strict), imports one
# way down the house (import-linter's layers), migrations in step, the production settings
# without a deploy warning, and a complete Chinese translation.
check: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports --no-logo --no-cache
	$(PY) manage.py makemigrations --check --dry-run -v 0
	DJANGO_SETTINGS_MODULE=config.settings.production \
	  SECRET_KEY=check-deploy-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ \
	  ALLOWED_HOSTS=huanjie.example DATABASE_URL=sqlite:///:memory: \
	  $(PY) manage.py check --deploy --fail-level WARNING
	msgfmt --check -o /dev/null $(PO)
	$(PY) scripts/check_translations.py

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Refresh the catalogue after adding msgids; then translate the new entries in $(PO).
messages: setup
	$(PY) manage.py makemessages -l zh_Hans --no-location --no-obsolete --no-wrap \
	  -i ".venv/*" -i "node_modules/*" -i "static/vendor/*" -i "staticfiles/*"

# Benchmarks: on demand, against PostgreSQL (DATABASE_URL) and never part of `make test`: the
# pytest benchmarks, then the load test (tests/bench/load.py: gunicorn on 127.0.0.1, 100 locust
# users for LOAD_ARGS' --run-time, default 180 s, in the database <name>_load). Both always run;
# either failing fails the target.
bench: setup $(STAMPS)/bench
	status=0; \
	RUN_BENCH=1 $(PY) -m pytest tests/bench -q -s $(PYTEST_ARGS) || status=1; \
	$(PY) tests/bench/load.py $(LOAD_ARGS) || status=1; \
	exit $$status

$(STAMPS)/bench: pyproject.toml $(STAMPS)/venv
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev,bench]"
	@touch $@

# Known vulnerabilities of every package installed in .venv (the project itself excepted), from
# PyPI's advisory data; --strict fails when a package could not be checked. See SECURITY.md.
audit: setup $(STAMPS)/audit
	$(VENV)/bin/pip-audit --skip-editable --strict --progress-spinner off

$(STAMPS)/audit: pyproject.toml $(STAMPS)/venv
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev,audit]"
	@touch $@

worker: setup
	$(VENV)/bin/celery -A config worker -l info

beat: setup
	$(VENV)/bin/celery -A config beat -l info

clean:
	rm -rf $(VENV) $(STAMPS) node_modules static/vendor staticfiles db.sqlite3 .test-media var
