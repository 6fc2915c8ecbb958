# zorginkoop tasks. `make demo` and `make test` are the README's two commands.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-postgres lint typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

## Install, build the Lekstroom demo region in zorginkoop.sqlite and show the 2020 table.
demo: $(STAMP)
	$(BIN)/zorginkoop demo

## Install and run the whole test suite (PostgreSQL tests run when ZORGINKOOP_TEST_POSTGRES_URL is set).
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -n 2 -q

## The same suite against the local PostgreSQL server (fails when it cannot be reached).
test-postgres: $(STAMP)
	ZORGINKOOP_TEST_POSTGRES_URL=$${ZORGINKOOP_TEST_POSTGRES_URL:-postgresql+psycopg://root@127.0.0.1:5432/test} \
		$(BIN)/pytest -n 2 -q -m postgres

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) zorginkoop.sqlite .pytest_cache .mypy_cache .ruff_cache
