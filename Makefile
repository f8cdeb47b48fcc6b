# Two commands: `make run` starts the app, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
DEMO_DIR ?= $(HOME)/sevis-demo-certs

.PHONY: run test lint typecheck unit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP_RUN)

# The demo certificates are written once; the browser opens in their folder.
run: $(STAMP_RUN)
	@$(BIN)/sevis-tui demo-certs --once "$(DEMO_DIR)"
	SEVIS_TUI_START_FOLDER="$(DEMO_DIR)" $(BIN)/sevis-tui $(ARGS)

# lint-imports: the layers of pyproject.toml's [tool.importlinter] (e.g. no Textual in the domain).
lint: $(STAMP_TEST)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: $(STAMP_TEST)
	$(BIN)/mypy --strict sevis_tui

unit: $(STAMP_TEST)
	$(BIN)/pytest -q

test: lint typecheck unit

bench: $(STAMP_RUN)
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info
