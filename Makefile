# Two commands on a fresh clone: `make demo` and `make test`.
# Each creates the virtualenv it needs (.venv) with the Python it finds.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# zonefix alone (what make demo needs); and with the test tools.
APP_STAMP := $(VENV)/.installed-app
STAMP := $(VENV)/.installed
SARIF_SCHEMA := .cache/sarif-schema-2.1.0.json

.PHONY: demo test lint typecheck bench fuzz grammar profiles clean sarif-schema ecosystem

$(APP_STAMP): pyproject.toml
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		--config-settings editable_mode=compat -e .
	touch $(APP_STAMP)

$(STAMP): pyproject.toml
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --config-settings editable_mode=compat -e '.[test]'
	touch $(APP_STAMP) $(STAMP)

demo: $(APP_STAMP)
	@echo '$$ zonefix --diff examples/db.example.net'
	@$(BIN)/zonefix --diff examples/db.example.net || true

test: $(STAMP) lint typecheck sarif-schema
	$(BIN)/pytest

# The schema tests/test_sarif.py validates against, from the npm registry;
# without npm that test is skipped (CI requires it).
sarif-schema:
	@[ -f $(SARIF_SCHEMA) ] || scripts/fetch-sarif-schema $(SARIF_SCHEMA) \
		|| echo "warning: could not fetch the SARIF schema; its test will be skipped"

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

# zonefix over the real-world zones of ../shared/realworld, against the
# reviewed snapshot tests/ecosystem/findings.tsv (--update to rewrite it).
ecosystem: $(STAMP)
	$(BIN)/python -m tests.ecosystem

# Regenerate zonefix/bind/syntax/_tables.py after editing grammars/zone.lark.
grammar: $(STAMP)
	$(BIN)/python -m zonefix.bind.syntax tables

# Regenerate zonefix/providers/_profiles.py after editing a profile's TOML.
profiles: $(STAMP)
	$(BIN)/python -m zonefix.providers.generate

# A million mutated fixtures over two cores (hours): what broke is in
# .cache/fuzz/failures.jsonl. FUZZ_INPUTS=100000 for a shorter run.
FUZZ_INPUTS ?= 1000000
FUZZ_JOBS ?= 2
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz --inputs $(FUZZ_INPUTS) --jobs $(FUZZ_JOBS) --out .cache/fuzz

# Issue 11's benchmarks and targets; 1M records take minutes:
# make bench BENCH_SIZES=1000,100000 (BENCH_ARGS: see benchmarks/bench.py -h).
BENCH_SIZES ?= 1000,100000,1000000
bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py --sizes $(BENCH_SIZES) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .cache build *.egg-info .mypy_cache .pytest_cache .ruff_cache
