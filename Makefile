# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make run   - set up .venv, load the sample data into an empty store, serve the app
#   make test  - set up .venv with the dev requirements and node_modules (axe-core, pinned in
#                package-lock.json, for the accessibility check) and run every test
# and one for a quick check while working:
#   make check - lint, format check, types and the tests without the browser
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
NPM ?= npm

.PHONY: run test check lint node bench bench-pages sample clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core exactly as package-lock.json pins it (tests/test_accessibility.py injects it)
node_modules/.installed: package.json package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

node: node_modules/.installed

run: $(VENV)/.installed
	$(BIN)/python -m pcp_data init
	$(BIN)/streamlit run dashboard.py --server.port $(PORT) --browser.gatherUsageStats false

test: $(VENV)/.installed-dev node_modules/.installed lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

check: $(VENV)/.installed-dev lint
	$(BIN)/python -m pytest -q -m "not browser and not slow" $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_import.py

bench-pages: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_pages.py

sample: $(VENV)/.installed
	$(BIN)/python sample_data/generate.py

clean:
	rm -rf $(VENV) data test-output .pytest_cache node_modules
