# Samsyn: the one entry point.
#
#   make demo   the app with demo data on http://127.0.0.1:$(PORT)/ (SQLite in var/)
#   make test   everything CI checks: lint, types, migrations, the suite on SQLite and PostgreSQL
#
# `make help` lists the rest.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.NOTPARALLEL:
MAKEFLAGS += --no-print-directory

PORT ?= 8000
DEMO_SEED ?= 1
DEMO_CHILDREN ?= 2500
BENCH_PUPILS ?= 50000
# Extra arguments for both pytest runs, e.g. make test-sqlite PYTEST_ARGS="-k consent -x"
PYTEST_ARGS ?=

VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP := $(PY) -m pip --disable-pip-version-check --no-input
STAMP := $(VENV)/.samsyn-installed
STAMP_DEV := $(VENV)/.samsyn-installed-dev

# Build steps that load settings need a secret key, but no real one.
CHECK_ENV := SAMSYN_TESTING=1
# Playwright's sync API and pytest-django's live_server share a thread with Django's ORM.
TEST_ENV := SAMSYN_TESTING=1 DJANGO_ALLOW_ASYNC_UNSAFE=true

.PHONY: help install install-dev demo serve demo-reset test test-sqlite test-postgres \
	lint format check-migrations messages chromium bench bench-attendance clean

help: ## Show this help
	@echo "Samsyn: make <target>"
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "} {printf "  %-18s %s\n", $$1, $$2}'
	@echo "Variables: PORT=$(PORT) DATABASE_URL PYTEST_ARGS DEMO_CHILDREN=$(DEMO_CHILDREN) VENV=$(VENV)"

# --- installing ------------------------------------------------------------------------------

# The virtualenv and the project, (re)installed when pyproject.toml is newer than the stamp.
$(STAMP): pyproject.toml
	@bash scripts/ensure-venv.sh "$(VENV)"
	$(PIP) install --quiet -e .
	@touch $@

$(STAMP_DEV): pyproject.toml
	@bash scripts/ensure-venv.sh "$(VENV)"
	$(PIP) install --quiet -e ".[dev]"
	@touch $@ $(STAMP)

install: $(STAMP) ## Create .venv and install Samsyn
install-dev: $(STAMP_DEV) ## Create .venv and install Samsyn with the dev tools

# --- the demo --------------------------------------------------------------------------------

demo: $(STAMP) messages ## Migrate, load demo data, serve on 127.0.0.1:PORT (default 8000)
	@mkdir -p "$${SAMSYN_VAR_DIR:-var}"
	SAMSYN_DEMO=1 $(BIN)/samsyn migrate --no-input
	SAMSYN_DEMO=1 $(BIN)/samsyn demo-data --seed $(DEMO_SEED) --children $(DEMO_CHILDREN)
	@echo "==> Samsyn (demo mode) on http://127.0.0.1:$(PORT)/  (Ctrl-C stops)"
	SAMSYN_DEMO=1 exec $(BIN)/samsyn runserver --insecure --noreload 127.0.0.1:$(PORT)

serve: $(STAMP) messages ## Serve the demo without reloading data (after make demo)
	@echo "==> Samsyn (demo mode) on http://127.0.0.1:$(PORT)/  (Ctrl-C stops)"
	SAMSYN_DEMO=1 exec $(BIN)/samsyn runserver --insecure --noreload 127.0.0.1:$(PORT)

demo-reset: ## Delete the demo's SQLite database (var/samsyn.sqlite3)
	rm -f var/samsyn.sqlite3 var/samsyn.sqlite3-wal var/samsyn.sqlite3-shm

# --- checks ----------------------------------------------------------------------------------

# Fails at the first failing step; `make -k test` carries on to show every failure.
test: install-dev chromium lint check-migrations messages test-sqlite test-postgres ## Everything CI runs

chromium: ## Install Debian's chromium for the browser tests when it is missing
	@bash scripts/ensure-chromium.sh

lint: $(STAMP_DEV) ## ruff check, ruff format --check, mypy
	@echo "==> ruff check"
	$(BIN)/ruff check .
	@echo "==> ruff format --check"
	$(BIN)/ruff format --check .
	@echo "==> mypy samsyn"
	$(CHECK_ENV) $(BIN)/mypy samsyn

format: $(STAMP_DEV) ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: $(STAMP) ## Fail when a model change has no migration
	@echo "==> makemigrations --check"
	$(CHECK_ENV) DATABASE_URL=sqlite://:memory: $(BIN)/samsyn makemigrations --check --dry-run

messages: $(STAMP) ## Compile translations (.po -> .mo)
	@bash scripts/compile-messages.sh "$(BIN)"

test-sqlite: $(STAMP_DEV) messages ## The pytest suite on SQLite
	@echo
	@echo "================================ [1/2] pytest on SQLite ================================"
	env -u DATABASE_URL $(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(STAMP_DEV) messages ## The pytest suite on PostgreSQL (throwaway cluster unless DATABASE_URL)
	@echo
	@echo "============================== [2/2] pytest on PostgreSQL =============================="
	$(TEST_ENV) $(PY) scripts/pg_throwaway.py -- $(BIN)/pytest $(PYTEST_ARGS)

bench: $(STAMP_DEV) messages ## Run every bench/bench_*.py (PostgreSQL: a throwaway cluster)
	@shopt -s nullglob; scripts=(bench/bench_*.py); \
	for script in "$${scripts[@]}"; do echo "==> $$script"; \
	  $(CHECK_ENV) $(PY) scripts/pg_throwaway.py -- $(PY) "$$script"; done

bench-attendance: $(STAMP_DEV) messages ## Attendance at scale (BENCH_PUPILS=50000)
	$(CHECK_ENV) BENCH_PUPILS=$(BENCH_PUPILS) $(PY) scripts/pg_throwaway.py -- \
	  $(PY) bench/bench_attendance.py

clean: ## Remove caches and build output (keeps .venv and var/)
	rm -rf .mypy_cache .ruff_cache .pytest_cache build dist
	find samsyn scripts -name __pycache__ -type d -prune -exec rm -rf {} +
