# Two commands do all setup: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HASH := $(shell sha1sum pyproject.toml | cut -c1-12)
STAMP := $(VENV)/.installed-$(HASH)
DEV_STAMP := $(VENV)/.installed-dev-$(HASH)
PORT ?= 8501
# Private by default: the app listens on loopback only. A shared deployment opts in with an address
# (e.g. MOCKSIM_SERVER_ADDRESS=0.0.0.0) and must configure sign-in (st.login): see docs/DEPLOY.md.
ADDRESS ?= $(or $(MOCKSIM_SERVER_ADDRESS),127.0.0.1)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run serve test test-fast setup setup-dev index lint pytest screenshots bench check-llm clean

run: setup index serve

serve:
	MOCKSIM_SERVER_ADDRESS=$(ADDRESS) $(BIN)/streamlit run mocksim_server.py --server.headless true \
		--server.port $(PORT) --server.address $(ADDRESS) --browser.gatherUsageStats false

test: setup-dev lint pytest

setup: $(STAMP)
setup-dev: $(DEV_STAMP)

$(VENV)/bin/python:
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e .
	rm -f $(VENV)/.installed-*
	touch $@

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@ $(STAMP)

index: setup
	$(BIN)/mocksim index

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Test files run side by side on up to 4 workers (pytest-xdist; 2 on a 2-core machine), the longest first
# (tests/conftest.py); a file's tests stay on one worker, so its module fixtures (a server, a browser) are made once.
WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n < 4 ? n : 4 )))
XDIST := -n $(WORKERS) --dist loadfile --no-loadscope-reorder

pytest: setup-dev
	bash scripts/test-services.sh $(BIN)/pytest $(XDIST)

# The fast lane while you work: everything not marked slow, property tests on the small "fast" hypothesis profile
# (tests/conftest.py). `make test` (what CI runs) is still the whole suite with every fixed input replayed.
test-fast: setup-dev
	MOCKSIM_TEST_HYPOTHESIS=fast bash scripts/test-services.sh $(BIN)/pytest $(XDIST) -m "not slow"

# Refresh the README's screenshots (artifacts/*.png): the browser tests take them only when asked.
screenshots: setup-dev
	MOCKSIM_SCREENSHOTS=1 $(BIN)/pytest tests/test_e2e_browser.py

bench: setup-dev
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

# LLM mode against a real llama.cpp server on loopback (not part of `make test`; the first run builds
# llama-cpp-python, about 11-20 minutes on 2 cores, cached under the data dir). Prints JSON.
check-llm: setup-dev
	bash scripts/check-llm.sh

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache artifacts
