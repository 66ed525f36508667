# Grantpath: `make run` serves the app with demo data, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app webapp
# Installs come from the lock files, which `make lock` writes from pyproject.toml. It keeps every pin
# that still fits; `make lock LOCK_ARGS=--upgrade` moves them all to the newest releases.
LOCK_ARGS ?=
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --custom-compile-command "make lock" $(LOCK_ARGS)

.PHONY: system-libs run test test-fast bench check-workflows install install-test lint format lock translations extract-messages serve db-upgrade clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check  # fails if pyproject.toml asks for something the lock lacks: run `make lock`
	touch $@

$(VENV)/.installed-test: requirements-test.lock pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $@

# WeasyPrint loads Pango and HarfBuzz's subsetter at run time; a machine without Chromium may lack them.
WEASYPRINT_LIBS := libpangoft2-1.0-0 libharfbuzz-subset0

install: $(VENV)/.installed translations system-libs

system-libs:
	@if ! /sbin/ldconfig -p | grep -q libharfbuzz-subset.so.0 || ! /sbin/ldconfig -p | grep -q libpangoft2-1.0.so.0; then \
		echo "Installing the libraries WeasyPrint needs: $(WEASYPRINT_LIBS)"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(WEASYPRINT_LIBS); \
	fi

install-test: $(VENV)/.installed-test translations system-libs
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi
	@command -v pdftoppm >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q poppler-utils)

# The test extra's pip install only (ruff comes with it): no browser, no apt.
lint: $(VENV)/.installed-test
	@status=0; \
	$(BIN)/ruff check . || status=1; \
	$(BIN)/ruff format --check . || status=1; \
	exit $$status

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

$(BIN)/uv: | $(BIN)/python
	$(BIN)/pip install --quiet 'uv>=0.5'

# The test lock is the whole resolution; the runtime lock is its subset, so both pin the same versions.
lock: | $(BIN)/uv
	$(UV_COMPILE) --extra test -o requirements-test.lock pyproject.toml
	$(UV_COMPILE) --constraint requirements-test.lock -o requirements.lock pyproject.toml

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations

instance/secret_key:
	@mkdir -p instance
	@$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))" > $@
	@chmod 600 $@

db-upgrade: install instance/secret_key
	$(FLASK) db upgrade

# The demo on http://127.0.0.1:$(PORT) through gunicorn (gunicorn.conf.py); `make run DEBUG=1`
# serves it through Flask's development server instead, reloading on every change.
DEMO_ENV := GRANTPATH_DEMO=1 GRANTPATH_SESSION_COOKIE_SECURE=false GRANTPATH_REMEMBER_COOKIE_SECURE=false
run: db-upgrade
	GRANTPATH_DEMO=1 $(FLASK) demo-data --if-empty
ifdef DEBUG
	$(DEMO_ENV) $(FLASK) run --debug --host 127.0.0.1 --port $(PORT)
else
	$(DEMO_ENV) $(BIN)/gunicorn -c gunicorn.conf.py --bind 127.0.0.1:$(PORT)
endif

# A deployment: the database at DATABASE_URL (and Redis at REDIS_URL, when set) brought up to date,
# then gunicorn on GRANTPATH_BIND (default 127.0.0.1:5000). No demo data, secure cookies.
serve: install
	$(FLASK) db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py

test: install-test
	$(BIN)/pytest

test-fast: install-test
	$(BIN)/pytest -m "not browser" -x -q

# The programme definitions only: no secret key, database or instance/ needed (WORKFLOWS=dir for another folder).
check-workflows: $(VENV)/.installed
	$(BIN)/python -m webapp.programmes.check $(if $(WORKFLOWS),--workflows $(WORKFLOWS))

bench: install-test
	@missed=""; for b in bench/[!_]*.py; do [ -e "$$b" ] || continue; echo "== $$b"; $(BIN)/python $$b || missed="$$missed $$b"; done; \
	if [ -n "$$missed" ]; then echo "goals missed in:$$missed"; exit 1; fi

# The throughput benchmark for ten minutes a page (half an hour in all), the workers' memory over the
# whole run held to its goal; PostgreSQL on this machine (BENCH_DATABASE_URL for another). Not in `make test`.
.PHONY: soak
soak: install-test
	$(BIN)/python bench/throughput.py --duration 600
	$(BIN)/python bench/autosave.py --seconds 600

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -o translations/messages.pot --no-location --sort-output --omit-header .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --omit-header

clean:
	rm -rf $(VENV) .pytest_cache
