# eCésure — the two commands a newcomer needs:
#   make run    set up everything and run the portal (web + worker + dev mail sink)
#   make test   install what the tests need, run the suite on SQLite, then its database tests on PostgreSQL

# The first of Python 3.11, 3.12, 3.13 that runs (a pyenv shim may exist and not run).
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13; do $$p -c "" 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_POSTGRES_URL ?= postgres://ecesure:ecesure@127.0.0.1:5432/ecesure_tests
# Test processes (pytest-xdist): each has its own SQLite file or PostgreSQL database
# (<name>_gw0, <name>_gw1), Redis database and mail sink (tests/conftest.py). 0: one process.
TEST_WORKERS ?= 2
# PYTHONDONTWRITEBYTECODE (set on some machines) would make each test process rewrite the
# asserts of every test module again: ~5 s per process (docs/benchmarks.md, "Test suite").
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile
# The PostgreSQL run: the tests whose outcome can depend on the database. Pure tests and
# browser tests (what Chromium shows and does) run once, in the SQLite run; the same
# server paths are tested on PostgreSQL through HTTP (README, "The two commands").
POSTGRES_TESTS := database and not browser

.PHONY: run test test-sqlite test-postgres setup lint messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/python -m app.cli setup

run: $(STAMP)
	$(BIN)/python -m app.devserver

test: $(STAMP)
	bash scripts/test-deps.sh
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(STAMP)
	@echo "=== eCésure test suite on SQLite ==="
	env -u DATABASE_URL $(PYTEST)

test-postgres: $(STAMP)
	@echo "=== eCésure test suite on PostgreSQL ($(TEST_POSTGRES_URL)) ==="
	bash scripts/create-test-database.sh '$(TEST_POSTGRES_URL)'
	DATABASE_URL='$(TEST_POSTGRES_URL)' $(PYTEST) -m '$(POSTGRES_TESTS)'

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# The layers: no package cycle, the domain never imports the web layer (pyproject.toml)
	$(BIN)/lint-imports --no-cache
	@# Every supported Python this machine has compiles the code (3.13 refused a lone
	@# surrogate in a docstring that 3.11 accepted).
	@for p in python3.11 python3.12 python3.13 $$HOME/.pyenv/versions/3.1[123].*/bin/python3; do \
	  if $$p -c "" 2>/dev/null; then $$p -m compileall -q app workers tests || exit 1; fi; \
	done

messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o var/messages.pot --no-location --omit-header .
	$(BIN)/pybabel update -i var/messages.pot -d app/translations -l en --no-fuzzy-matching

clean:
	rm -rf $(VENV) var
