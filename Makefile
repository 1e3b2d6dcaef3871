# Two commands on a fresh clone: `make demo` and `make test`.
# Each creates the virtualenv it needs (.venv) with the Python it finds.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench grammar clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --config-settings editable_mode=compat -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	@echo '$$ zonefix examples/db.example.net'
	@$(BIN)/zonefix examples/db.example.net || true

test: $(STAMP) lint typecheck
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Regenerate zonefix/syntax/_tables.py after editing grammars/zone.lark.
grammar: $(STAMP)
	$(BIN)/python -m zonefix.syntax tables

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_parse.py
	$(BIN)/python benchmarks/bench_many.py

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .pytest_cache .ruff_cache
