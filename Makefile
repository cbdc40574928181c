# Two commands: `make run` sets up and serves the portal with demo data; `make test` sets up and runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# One stamp per requirements file: each set re-installs when its file is newer than its stamp.
STAMP := $(VENV)/.requirements-installed
DEV_STAMP := $(VENV)/.requirements-dev-installed
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for `make test`: "auto" (one per core), a number, or 0 to run in one process without -n.
PYTEST_WORKERS ?= auto
PYTEST_XDIST := $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS))

.PHONY: run test setup setup-dev sysdeps sysdeps-test lint check audit migrate demo worker benchmark bench backup restore

# Runtime only (requirements.txt): run, migrate, demo, benchmark.
setup: $(STAMP)

# Runtime plus test and lint tools (requirements-dev.txt is constrained by requirements.txt): test, lint, check.
setup-dev: $(DEV_STAMP)

$(STAMP): requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $(STAMP)

# Installing both files also brings the runtime up to date, so its stamp is touched too.
$(DEV_STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	@touch $(STAMP) $(DEV_STAMP)

# System libraries for WeasyPrint and the Chinese font; installed when root, otherwise the apt-get line is printed.
sysdeps:
	@scripts/sysdeps.sh run

sysdeps-test:
	@scripts/sysdeps.sh test

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: sysdeps demo
	@scripts/run.sh $(HOST) $(PORT)

test: sysdeps-test setup-dev
	$(PY) -m pytest -m "e2e or worker or not (e2e or worker)" $(PYTEST_XDIST) $(PYTEST_ARGS)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo --cache-dir $(VENV)/.import_linter_cache

check: setup-dev
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	DJANGO_SETTINGS_MODULE=portal.settings.production SECRET_KEY=$$($(PY) -c 'import secrets;print(secrets.token_urlsafe(50))') \
	  ALLOWED_HOSTS=portal.example CACHE_URL=$${CACHE_URL:-redis://127.0.0.1:6379/1} \
	  $(PY) manage.py check --deploy --fail-level WARNING

benchmark: migrate
	$(PY) manage.py benchmark_queries

# Issue #17: seed PostgreSQL at national scale (BENCH_FACTOR, default 1; reused unless BENCH_RESEED=1), serve the portal
# under gunicorn with production settings, drive it from a second process and write docs/benchmarks.md. Every
# BENCH_* variable is listed in scripts/bench/run.sh and docs/benchmarks.md.
bench: setup-dev
	BENCH_FACTOR="$(BENCH_FACTOR)" BENCH_SMALL_FACTOR="$(BENCH_SMALL_FACTOR)" BENCH_RESEED="$(BENCH_RESEED)" \
	  BENCH_ONLY="$(BENCH_ONLY)" BENCH_REQUESTS="$(BENCH_REQUESTS)" scripts/bench/run.sh

# Known vulnerabilities in the pinned runtime dependencies (scripts/audit.sh: a finding fails, an unreachable
# vulnerability service only warns).
audit: setup-dev
	@scripts/audit.sh

# Database (pg_dump, or the SQLite file) and private files into var/backups/<time>/ (or BACKUP_DIR=...).
backup: setup
	$(PY) manage.py backup $(BACKUP_DIR)

# Restore a backup folder over the configured database and private files: make restore BACKUP=var/backups/<time>
restore: setup
	@test -n "$(BACKUP)" || { echo "用法：make restore BACKUP=var/backups/<时间>"; exit 2; }
	$(PY) manage.py restore $(BACKUP) --yes
	$(PY) manage.py verify_transition_log
