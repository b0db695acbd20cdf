# Two entry points: `make demo` (set up, load versions/, show a diff, serve the UI) and
# `make test` (set up with test extras, lint, run the whole suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= tracker.db
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: demo test lint format bench browser clean

$(BIN)/tracker: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: $(BIN)/tracker
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

demo: $(BIN)/tracker
	$(BIN)/tracker --db $(DB) import versions
	$(BIN)/tracker --db $(DB) list
	$(BIN)/tracker --db $(DB) diff peace-plan us-28 framework-20 --changes-only
	$(BIN)/tracker --db $(DB) serve --host $(HOST) --port $(PORT)

# The browser tests drive Debian's chromium; install it when missing (needs root/apt).
browser:
	@test -x /usr/bin/chromium || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

# mypy reads its settings (tracker/ and web/, stubs, per-module exceptions) from pyproject.toml.
lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.test-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# TRACKER_BROWSER_TESTS=1: here the browser tests must run (a missing chromium fails them);
# a plain `pytest` elsewhere skips them when there is no chromium.
test: $(VENV)/.test-installed browser lint
	TRACKER_BROWSER_TESTS=1 $(BIN)/pytest

bench: $(VENV)/.test-installed
	$(BIN)/python bench/diff_bench.py
	$(BIN)/python bench/history_bench.py
	$(BIN)/python bench/reparse_bench.py
	$(BIN)/python bench/real_align.py
	$(BIN)/python bench/load_bench.py
	$(BIN)/python bench/terms_bench.py
	$(BIN)/python bench/page_bench.py

clean:
	rm -rf $(VENV) test-artifacts .pytest_cache .mypy_cache
