# Two commands for a fresh machine with only Python 3 and pip:
#   make demo   runs the integration story against the embedded sandbox
#   make test   runs ruff, mypy --strict, the generated-code drift checks and pytest
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck drift pytest generate bench bench-fleet bench-fleet-celery cassettes docs clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/freshbooks demo

test: $(STAMP)
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks
	$(BIN)/mypy --strict src
	$(BIN)/python scripts/generate.py --check
	$(BIN)/python scripts/unasync.py --check
	$(BIN)/python -m pytest
	$(MAKE) docs

# The docs site (mkdocs.yml): guides and the API reference from the docstrings, warnings as
# errors, offline (no --quiet: it would hide the warnings --strict counts). HTML in site/.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

generate: $(STAMP)
	$(BIN)/python scripts/generate.py
	$(BIN)/python scripts/unasync.py

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m benchmarks

bench-fleet: $(STAMP)
	$(BIN)/python -m benchmarks.bench_fleet

bench-fleet-celery: $(STAMP)
	$(BIN)/python -m benchmarks.bench_fleet --celery

cassettes: $(STAMP)
	$(BIN)/python scripts/record_cassettes.py

clean:
	rm -rf $(VENV)
