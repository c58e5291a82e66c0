# Steady Ground: `make run` to try it, `make test` to check it. Needs python3 (3.11+) and make.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra arguments for both pytest runs, e.g. `make test PYTEST_ARGS="-x -k signup"`.
PYTEST_ARGS ?=

# Stamp files: pip runs again only when pyproject.toml changes (or the venv is new).
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: help run test lint bench faults venv api-check

help:
	@echo "make run    install, migrate, create demo accounts, serve on http://$(HOST):$(PORT)/"
	@echo "make test   install with the dev tools, run the tests, then the browser tests"
	@echo "make lint   ruff check and ruff format --check"
	@echo "make bench  run every benchmark in bench/, report in bench/results/ (BENCH_ARGS=\"--quick\")"
	@echo "make faults fault tests: Redis restarted, daphne killed, database down (tests/faults)"
	@echo "make api-check  schemathesis against a live server with demo data (scripts/api_fuzz.sh)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# constraints.txt pins every package to the versions the suite last passed with, so a new
# release elsewhere cannot change the app under us (autobahn 26 once turned every websocket
# close code into a server error). Refresh it on purpose: see README "Dependencies".
$(RUN_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -c constraints.txt -e .
	touch $@

$(DEV_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -c constraints.txt -e ".[dev]"
	touch $@ $(RUN_STAMP)

# The virtualenv with the dev tools (used by .ci/run).
venv: $(DEV_STAMP)

run: export DJANGO_DEBUG = 1
run: $(RUN_STAMP)
	mkdir -p "$${DJANGO_VAR_DIR:-var}"
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving Steady Ground on http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	$(BIN)/daphne -b $(HOST) -p $(PORT) community.asgi:application

# Two pytest runs: Playwright's event loop would upset the asyncio tests in a shared run.
# Both runs must collect tests: pytest's "no tests collected" (exit code 5) fails the target.
test: $(DEV_STAMP)
	$(BIN)/pytest --ignore=tests/e2e --ignore=tests/faults $(PYTEST_ARGS)
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Arguments for bench/run_all.py, e.g. `make bench BENCH_ARGS="--quick --only pipeline"`
# (--repeats N, --quick, --only NAME ...; see bench/README.md).
BENCH_ARGS ?=

bench: $(DEV_STAMP)
	DJANGO_DEBUG=1 $(BIN)/python bench/run_all.py $(BENCH_ARGS)

# Fault tests (tests/faults): two daphne processes, Redis and a throwaway PostgreSQL 15 of their
# own, with Redis restarted, a daphne killed and the database stopped under a busy room.
faults: $(DEV_STAMP)
	$(BIN)/pytest tests/faults -m faults $(PYTEST_ARGS)

# The API contract check of .ci/run: fresh demo data, a live daphne, schemathesis as a visitor,
# a member and a moderator. API_FUZZ_MAX_EXAMPLES, API_FUZZ_ROLES and API_FUZZ_SEED tune it.
api-check: $(DEV_STAMP)
	bash scripts/api_fuzz.sh
