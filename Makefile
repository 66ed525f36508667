# Grantpath: `make run` serves the app with demo data, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app webapp

.PHONY: run test test-fast bench install install-test translations extract-messages serve db-upgrade clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

install-test: $(VENV)/.installed-test translations
	@if [ ! -x /usr/bin/chromium ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi
	@command -v pdftoppm >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q poppler-utils)

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations

instance/secret_key:
	@mkdir -p instance
	@$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))" > $@
	@chmod 600 $@

db-upgrade: install instance/secret_key
	$(FLASK) db upgrade

run: db-upgrade
	GRANTPATH_DEMO=1 $(FLASK) demo-data --if-empty
	GRANTPATH_DEMO=1 GRANTPATH_SESSION_COOKIE_SECURE=false GRANTPATH_REMEMBER_COOKIE_SECURE=false \
		$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install-test
	$(BIN)/pytest

test-fast: install-test
	$(BIN)/pytest -m "not browser" -x -q

bench: install-test
	@for b in bench/*.py; do [ -e "$$b" ] || continue; echo "== $$b"; $(BIN)/python $$b || exit 1; done

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output --omit-header .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete --omit-header

clean:
	rm -rf $(VENV) .pytest_cache
