# UMKM Bazaar Portal. Two commands do everything on a fresh machine:
#   make run    set up, migrate, load area + demo data, serve on http://127.0.0.1:8000
#   make test   set up, lint, check migrations, run the whole test suite
# Without DATABASE_URL both use an embedded Postgres kept in .pgdata/ (git-ignored).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
EMBEDDED_PGPORT ?= 54329

# An interpreter >= 3.12: the one .python-version selects through pyenv, or any on PATH,
# or the system's own (Debian 13 ships /usr/bin/python3.13).
PYTHON ?= $(shell for c in python3.13 python3.12 python3 /usr/bin/python3.13 /usr/bin/python3.12 \
	$$(command -v pyenv >/dev/null && ls -d "$$(pyenv root)"/versions/3.1[2-9]*/bin/python3 2>/dev/null); do \
	"$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo "$$c"; break; }; done)

ifeq ($(strip $(DATABASE_URL)),)
export DATABASE_URL := postgres://postgres@127.0.0.1:$(EMBEDDED_PGPORT)/umkm
EMBEDDED := 1
endif
export EMBEDDED_PGPORT
# Development mode for the server, the worker and the set-up; the tests run under production
# settings whatever this says (tests/settings.py forces DEBUG=0 with test keys).
export DEBUG ?= 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help run test setup venv db migrate messages compilemessages lint format check pytest \
	seed lock clean-db stop-db e2e-deps backup restore worker screenshots

help:
	@echo "make run    - the portal with demo data on http://$(HOST):$(PORT)"
	@echo "make test   - lint, migration check and the whole test suite"
	@echo "make worker - the background job worker (exports, large imports)"
	@echo "make screenshots - refresh the README's pictures in docs/screenshots/"
	@echo "make lint | format | messages | lock | backup | restore BACKUP=dir | stop-db | clean-db"

$(BIN)/.installed: pyproject.toml requirements.lock requirements-dev.lock
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found (tried pyenv, python3.13, python3.12, python3)"; exit 1; }
	@echo "Creating $(VENV) with $$($(PYTHON) --version)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	@touch $@

venv: $(BIN)/.installed

db: venv
ifeq ($(EMBEDDED),1)
	@$(PY) -m config.dbserver start
endif
	@$(PY) -m config.dbserver ensure-db

compilemessages: venv
	@$(MANAGE) compilemessages --ignore '.venv' --ignore 'var' -v 0

setup: db compilemessages
	@$(MANAGE) migrate --noinput -v 0

run: setup
	@$(MANAGE) seed_demo --if-empty
	@$(MANAGE) demo_accounts
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl-C to stop)"
	@$(MANAGE) runserver $(HOST):$(PORT)

# The background worker (exports, large imports), as production runs it (deploy/umkm-worker.service).
# Jobs wait for it when the server runs with TASKS_BACKEND=database (the default with DEBUG off):
# `TASKS_BACKEND=database make run` in one terminal, `make worker` in another. With DEBUG on
# and no TASKS_BACKEND, jobs run inside the request and no worker is needed.
worker: export TASKS_BACKEND := database
worker: setup
	$(MANAGE) db_worker --queue-name default --interval 1 --no-reload

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check $$(git ls-files 'templates/*.html' '*/templates/*.html')

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml $$(git ls-files 'templates/*.html' '*/templates/*.html')

check: setup
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check

# The tests see a "replica" database alias: a second connection to the test database
# (TEST MIRROR), so the replica router is exercised on every run.
# A test run leaves the checkout as it found it: .ci/tree-check fails the run, listing the
# files, when a test changed a tracked file or left a new file outside the git-ignored folders.
TESTS_ENV = DATABASE_REPLICA_URL="$${DATABASE_REPLICA_URL:-$$DATABASE_URL}" DEBUG=0
# Two pytest-xdist workers, one per core of the 2-core machines we and CI run on (each has its
# own test database, <name>_gw0 and _gw1): the suite takes about half as long as in one
# process. PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2
pytest: db compilemessages e2e-deps
	@.ci/tree-check snapshot var/tree-before-pytest
	$(TESTS_ENV) $(BIN)/pytest --create-db -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
	@.ci/tree-check compare var/tree-before-pytest

test: lint check pytest

# The browser tests (tests/e2e, see docs/TESTING.md) drive Debian's Chromium through Playwright:
# `playwright install` downloads do not work here. Install the distribution's package when we can
# (root with apt-get); otherwise say so loudly: pytest then skips the browser tests, except under
# CI=true where a missing Chromium fails the run.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
e2e-deps:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo ">>> Chromium not found at $(CHROMIUM): installing Debian's chromium for the browser tests (apt-get, a few minutes)"; \
		log=$$(mktemp); \
		if { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				--no-install-recommends chromium fonts-liberation; } >"$$log" 2>&1 \
				&& [ -x "$(CHROMIUM)" ]; then \
			echo ">>> Installed $$($(CHROMIUM) --version 2>/dev/null)"; \
		else \
			tail -n 20 "$$log"; \
			echo "!!! apt-get could not install chromium at $(CHROMIUM): the browser tests will be SKIPPED (FAIL under CI=true)"; \
		fi; \
		rm -f "$$log"; \
	else \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
		echo "!!! Chromium is missing at $(CHROMIUM) and cannot be installed here (needs root + apt-get)."; \
		echo "!!! The browser tests (tests/e2e) will be SKIPPED; under CI=true they FAIL."; \
		echo "!!! Install it with: sudo apt-get install chromium   (or set CHROMIUM=/path/to/chromium)"; \
		echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"; \
	fi

# The browser tests write their screenshots under var/screenshots/ (git-ignored), so that
# `make test` never dirties the checkout. This target runs the journeys that take them and
# copies the pictures the README shows into docs/screenshots/: commit those that changed.
SCREENSHOT_TESTS = $(shell grep -lw screenshot tests/e2e/test_*.py)
README_SCREENSHOTS = $(sort $(shell grep -o 'docs/screenshots/[A-Za-z0-9_-]*\.png' README.md))
screenshots: db compilemessages e2e-deps
	rm -rf var/screenshots
	CI=true $(TESTS_ENV) $(BIN)/pytest --create-db -m e2e $(SCREENSHOT_TESTS)
	@for picture in $(README_SCREENSHOTS); do \
		taken=var/screenshots/$$(basename $$picture); \
		test -f $$taken || { echo "!!! $$taken was not written: no journey takes it any more?"; exit 1; }; \
		cp $$taken $$picture; \
	done
	@echo "README pictures refreshed; changed:"; git status --short docs/screenshots

# Update the Indonesian catalogue after adding strings: then translate the empty msgstr.
messages: venv
	$(MANAGE) makemessages -l id --no-location --no-obsolete \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*'

# Regenerate the pinned versions from pyproject.toml's ranges: requirements.lock for servers
# (the dependencies alone), requirements-dev.lock for development and tests (those pins plus
# the [dev] extras, installed under the production pins as constraints, so both agree).
FREEZE = .lockenv/bin/pip freeze --exclude-editable --exclude umkm-bazaar-portal | LC_ALL=C sort
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet --disable-pip-version-check -e .
	$(FREEZE) > .lockenv/production.txt
	.lockenv/bin/pip install --quiet --disable-pip-version-check -e '.[dev]' -c .lockenv/production.txt
	{ echo "# Production: the portal's own dependencies (pyproject.toml [project] dependencies), pinned."; \
	  echo "# Servers install this (docs/DEPLOY.md); make test and make run install requirements-dev.lock."; \
	  echo "# Regenerate both with \`make lock\`."; cat .lockenv/production.txt; } > requirements.lock
	{ echo "# Development and tests: production's pins plus the [dev] extras of pyproject.toml (pytest,"; \
	  echo "# Playwright, ruff, moto, ...), pinned. make run / make test install this; servers never do."; \
	  echo "# Regenerate both with \`make lock\`."; echo "-r requirements.lock"; \
	  $(FREEZE) | grep -vxFf .lockenv/production.txt; } > requirements-dev.lock
	rm -rf .lockenv

# Backups: pg_dump (custom format) + uploaded files (local folders or the S3 buckets, through
# the portal's storages), in var/backups/ (or BACKUP_DIR).
# On a server built by docs/DEPLOY.md the venv was made by hand (no .installed stamp) and
# DATABASE_URL names the real database: then these use that venv as it is, and need no
# Python >= 3.12 on PATH (Debian 12's python3 is 3.11).
BACKUP_DIR ?= var/backups
SERVER_VENV := $(if $(EMBEDDED),,$(wildcard $(PY)))
backup: $(if $(SERVER_VENV),,db)
	$(PY) -m config.backup create --dir $(BACKUP_DIR)

# make restore BACKUP=var/backups/umkm-20261129-120000 [RESTORE_DATABASE_URL=postgres://...]
# Restores into an EMPTY database (default: DATABASE_URL) and checks the row counts.
restore: $(if $(SERVER_VENV),,db)
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/umkm-..."; exit 2; }
	$(PY) -m config.backup restore $(BACKUP) $(if $(RESTORE_DATABASE_URL),--database-url $(RESTORE_DATABASE_URL))

stop-db:
	@$(PY) -m config.dbserver stop

clean-db: stop-db
	rm -rf .pgdata
