# Two commands for a newcomer: `make run` (the app with demo data) and `make test`.
# Needs only Python 3.11 and make. Set DATABASE_URL / CELERY_BROKER_URL to use
# PostgreSQL / Redis; without them: SQLite in the project folder and in-process tasks.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# `PORT=8100 make run` (or `make run PORT=8100`): the development server's port.
PORT ?= 8000

.PHONY: run serve test browser lint format messages audit bench clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_regions
	$(PY) manage.py seed_demo
	PORT=$(PORT) ./scripts/serve.sh

# The production setup on this machine: gunicorn + Celery worker + beat (Procfile),
# DEBUG off, against PostgreSQL and Redis. docs/deployment.md.
# PROCESSES="web beat" starts only those Procfile entries (the fault script runs the
# worker on its own so it can kill and restart it).
serve: $(VENV)/.runtime
	./scripts/serve-prod.sh $(PROCESSES)

# One test process per core, at most four (pytest-xdist); TEST_PROCESSES=0: no parallel run.
TEST_PROCESSES ?= auto
test: $(VENV)/.dev
	$(PY) manage.py makemigrations --check --dry-run --settings=pkh.settings.test
	$(VENV)/bin/pytest -n $(TEST_PROCESSES) --maxprocesses=4 $(PYTEST_ARGS)

# Only the tests that drive headless Chromium: the journeys in e2e/ and each app's
# test_browser.py. A failure leaves screenshots and page HTML in artifacts/browser/.
browser: $(VENV)/.dev
	$(VENV)/bin/pytest -m browser $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Known vulnerabilities in the pinned requirements (pip-audit; see docs/security.md).
audit: $(VENV)/.dev
	./scripts/audit_deps.sh

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Regenerate the English catalogue from the Indonesian UI strings, then compile it.
messages: $(VENV)/.dev
	$(PY) manage.py makemessages -l en --no-location --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles db.sqlite3*
