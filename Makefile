# Two commands: `make run` (demo dashboard) and `make test` (the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
export UV_PROJECT_ENVIRONMENT := $(VENV)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test test-postgres bench env browser lint clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet
	touch $@

env: $(VENV)/.synced

# WeasyPrint needs Pango; the browser tests need Debian's Chromium and poppler for PDF checks.
browser:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null && \
	  ldconfig -p | grep -q libpango-1.0 || { \
	  echo "Installing chromium, poppler-utils and Pango (Debian packages)…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium poppler-utils libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; }

run: env browser
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py demo
	DJANGO_DEBUG=1 $(PY) manage.py rundemo

test: env browser
	$(PY) -m pytest -n 2 --dist loadfile -m "not slow" $(PYTEST_ARGS)

test-postgres: env browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
	  $(PY) -m pytest -n 2 --dist loadfile -m "not slow" $(PYTEST_ARGS)

# Scale measurements (100k invoices, 1M ledger lines): minutes, so not part of `make test`.
bench: env browser
	$(PY) -m pytest -m slow -s $(PYTEST_ARGS)

lint: env
	$(VENV)/bin/ruff check apps config tests

clean:
	rm -rf $(VENV) $(TOOLS) var
