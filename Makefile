# Two commands do all the set-up: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra options for benchmarks/bench.py, e.g. BENCH_ARGS="--sizes 1000 --runs 1".
BENCH_ARGS ?=
SEARCH_BENCH_ARGS ?=
ANNOTATE_BENCH_ARGS ?=

.PHONY: serve site ingest test lint format golden bench clean

# The stamp files make pip run again only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The current Nu HTML Checker and axe-core, from the npm registry (scripts off: vnu-jar's
# postinstall would download a JDK; Java comes from Debian).
$(VENV)/.installed-npm: tests/support/npm/package.json $(VENV)/.installed
	mkdir -p $(VENV)/npm
	cp tests/support/npm/package.json $(VENV)/npm/package.json
	npm install --prefix $(VENV)/npm --ignore-scripts --no-audit --no-fund --silent
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $@

ingest: $(VENV)/.installed
	$(BIN)/marginalia ingest

# A seed that fails is reported and the rest goes on ('marginalia ingest' alone exits 1).
site: $(VENV)/.installed
	$(BIN)/marginalia ingest || echo "make: a seed failed to ingest (see above); building the others"
	$(BIN)/marginalia build

serve: $(VENV)/.installed
	$(BIN)/marginalia ingest || echo "make: a seed failed to ingest (see above); serving the others"
	$(BIN)/marginalia serve --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test $(VENV)/.installed-npm
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check generator tests
	$(BIN)/ruff format --check generator tests
	$(BIN)/lint-imports

format: $(VENV)/.installed-test
	$(BIN)/ruff format generator tests
	$(BIN)/ruff check --fix generator tests

golden: $(VENV)/.installed-test
	$(BIN)/python tests/golden_site.py

# Marginalia vs Hugo and Pelican on generated corpora (10,000 articles, 3 runs by default).
# Then search in Chromium against Pagefind, and a save in the browser editor at 10,000 articles.
bench: $(VENV)/.installed-bench $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)
	$(BIN)/python benchmarks/search_bench.py $(SEARCH_BENCH_ARGS)
	$(BIN)/python benchmarks/annotate_bench.py $(ANNOTATE_BENCH_ARGS)

clean:
	rm -rf site .cache .site.marginalia
