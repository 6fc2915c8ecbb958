# zorginkoop tasks. `make run` and `make test` are the README's two commands.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run demo test test-postgres lint typecheck bench clean browser pdf-libs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

DB_FILE ?= zorginkoop.sqlite
HOST    ?= 127.0.0.1
PORT    ?= 8000

## Install, build the demo region when there is none, make one demo account per role (passwords
## printed once) and serve the web application and the API at http://$(HOST):$(PORT).
run: $(STAMP) pdf-libs
	@test -f $(DB_FILE) || $(BIN)/zorginkoop demo --db sqlite:///$(DB_FILE)
	@$(BIN)/zorginkoop users demo --db sqlite:///$(DB_FILE)
	$(BIN)/zorginkoop serve --db sqlite:///$(DB_FILE) --host $(HOST) --port $(PORT)

## Debian's chromium for the browser tests (Playwright drives it; its own download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "installing Debian's chromium for the browser tests (apt-get)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

## Debian's pango for WeasyPrint (the account report's PDF); fonts so the PDF has its text.
pdf-libs:
	@{ ldconfig -p | grep -q libpangoft2-1.0.so.0 && ldconfig -p | grep -q libharfbuzz-subset.so.0 && fc-list | grep -qi dejavu; } || { \
		echo "installing Debian's pango and DejaVu fonts for the PDF reports (apt-get)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null; }

## Install, build the Lekstroom demo region in zorginkoop.sqlite and show the 2020 table.
demo: $(STAMP)
	$(BIN)/zorginkoop demo

## Install and run the whole test suite (PostgreSQL tests run when ZORGINKOOP_TEST_POSTGRES_URL is set).
test: $(STAMP) browser pdf-libs
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	ZORGINKOOP_REQUIRE_BROWSER=1 $(BIN)/pytest -n 2 -q

## The same suite against the local PostgreSQL server (fails when it cannot be reached).
test-postgres: $(STAMP) browser pdf-libs
	ZORGINKOOP_TEST_POSTGRES_URL=$${ZORGINKOOP_TEST_POSTGRES_URL:-postgresql+psycopg://root@127.0.0.1:5432/test} \
		ZORGINKOOP_REQUIRE_BROWSER=1 $(BIN)/pytest -n 2 -q -m postgres

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) zorginkoop.sqlite .pytest_cache .mypy_cache .ruff_cache
