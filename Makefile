# casegraph — the two set-up commands are `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CG := $(BIN)/casegraph
STAMP := $(VENV)/.installed

.PHONY: install demo test lint typecheck eval soak train bench app db-start db-stop clean-db browser-deps

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "casegraph needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: install
	$(CG) db start
	$(CG) ingest data/sample
	@echo "casegraph app: http://localhost:$${CASEGRAPH_APP_PORT:-8501}"
	$(CG) app

# The suite on TEST_WORKERS parallel pytest-xdist workers, a file per worker at a time (module
# fixtures stay in one process), the files with slow tests first (tests/conftest.py, which also
# gives each worker its own throwaway Neo4j and ports).
TEST_WORKERS ?= 2
test: install browser-deps
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

lint: install
	$(BIN)/ruff check graph ingest tests bench app.py app_pages data/annotations
	$(BIN)/ruff format --check graph ingest tests bench app.py app_pages data/annotations

typecheck: install
	$(BIN)/mypy

eval: install
	$(BIN)/python -m ingest.evaluate

# The entity-kinds model (ingest/models/kinds.json), then the fact classifier that reads its
# entities (ingest/models/facts.json), from data/annotations and ../shared/data; deterministic.
train: install
	@start=$$(date +%s); $(BIN)/python -m ingest.training && \
	  echo "make train took $$(( $$(date +%s) - start )) s"

# casegraph extract over every text in ../shared/data; fails when any article fails.
soak: install
	$(BIN)/python -m bench.soak

bench: install
	$(BIN)/python -m bench.run

app: install
	$(CG) app

db-start: install
	$(CG) db start

db-stop: install
	$(CG) db stop

# The browser test drives Debian's Chromium; install it when it is missing (needs root or sudo).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing Debian's chromium for the browser test"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi
