# openskies: the two commands of the README are `make run` and `make test`.
# Everything a command needs is installed here, into .venv and web/node_modules, from the
# package registries; a browser for the browser tests comes from Debian's packages.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WEB    := src/openskies/web/static/index.html
PORT   ?= 8000

.PHONY: run test unit integration browser-test typecheck install web browser lint format bench bench-api wrk clean

run: install web  ## Install, build the web app, seed a demo and serve it on SQLite.
	$(BIN)/openskies treaty parties
	$(BIN)/openskies demo --port $(PORT)

test: install web browser lint typecheck  ## Install everything; linters, mypy, then every test.
	node --test web/test/
	$(BIN)/pytest -q

unit: install  ## The unit tests only (no database server, no browser): the everyday loop.
	$(BIN)/pytest -q tests/unit

integration: install web  ## API, CLI and database tests (PostgreSQL with OPENSKIES_TEST_DATABASE_URL).
	$(BIN)/pytest -q tests/integration tests/e2e

browser-test: install web browser  ## The web app in Debian's Chromium, driven by Playwright.
	node --test web/test/
	$(BIN)/pytest -q tests/browser

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "openskies needs Python 3.11 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m openskies.planning.optimiser.warm_up  # compile the solver's loops once
	touch $(STAMP)

web: $(WEB)  ## The web app: Leaflet from npm (lockfile), copied with the app into static/.

$(WEB): web/package-lock.json web/build.mjs $(wildcard web/src/*)
	@command -v npm >/dev/null || { echo "the web app needs Node.js 20+ and npm"; exit 1; }
	npm ci --prefix web --no-audit --no-fund --loglevel=error
	node web/build.mjs

browser:  ## Debian's Chromium for the browser tests (Playwright drives it; no download).
	@test -x /usr/bin/chromium || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
		else echo "no /usr/bin/chromium and no root apt-get: browser tests will be skipped"; fi; }

typecheck: install  ## mypy --strict over src (the configuration is in pyproject.toml).
	$(BIN)/mypy

lint: install web  ## ruff (rules, formatting); ESLint and tsc --checkJs for web/src.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests
	npm --prefix web run --silent lint

format: install
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix .

bench: install  ## Benchmarks (not tests): see docs/benchmarks.md.
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/op/run.py --time-limit 1

bench-api: install wrk  ## API reads with wrk beside a bare FastAPI endpoint (docs/benchmarks.md).
	$(BIN)/python benchmarks/api/wrk_bench.py

wrk:  ## Debian's wrk, for the API benchmark.
	@command -v wrk >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
		else echo "wrk is needed: apt-get install wrk"; exit 1; fi; }

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis web/node_modules src/openskies/web/static
