# Two commands: `make run` starts the app, `make test` runs every check.
# Both install exactly the lock (requirements/*.lock, every package pinned with its hashes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_LOCK := requirements/run.lock
DEV_LOCK := requirements/dev.lock
BUILD_LOCK := requirements/build.lock
TOOLS_LOCK := requirements/tools.lock
STAMP_RUN := $(VENV)/.installed-run
STAMP_TEST := $(VENV)/.installed-test
DEMO_DIR ?= $(HOME)/sevis-demo-certs
# pytest workers: the Pilot and tmux tests wait on the terminal more than on the CPU.
# loadgroup: tests marked with one xdist_group (a fixed path they share) run in one worker.
WORKERS ?= 4
PYTEST_PARALLEL = -n $(WORKERS) --dist loadgroup
# Hash-checked installs only; no build isolation (the build backend is in the lock too).
PIP_LOCKED := -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps
PIP_PROJECT := -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation

.PHONY: run test lint typecheck unit bench clean lock lock-files lock-check test-latest dist dist-check

# A lock older than pyproject.toml's dependencies stops every install with one line.
lock-check:
	@$(PYTHON) scripts/lock_digest.py check $(RUN_LOCK) $(DEV_LOCK) $(BUILD_LOCK)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP_RUN): pyproject.toml $(RUN_LOCK) $(BUILD_LOCK) | lock-check $(BIN)/python
	$(BIN)/python $(PIP_LOCKED) -r $(RUN_LOCK) -r $(BUILD_LOCK)
	$(BIN)/python $(PIP_PROJECT) -e .
	touch $@

$(STAMP_TEST): pyproject.toml $(DEV_LOCK) | lock-check $(BIN)/python
	$(BIN)/python $(PIP_LOCKED) -r $(DEV_LOCK)
	$(BIN)/python $(PIP_PROJECT) -e .
	touch $@ $(STAMP_RUN)

# The demo certificates are written once; the browser opens in their folder.
run: lock-check $(STAMP_RUN)
	@$(BIN)/sevis-tui demo-certs --once "$(DEMO_DIR)"
	SEVIS_TUI_START_FOLDER="$(DEMO_DIR)" $(BIN)/sevis-tui $(ARGS)

# lint-imports: the layers of pyproject.toml's [tool.importlinter] (e.g. no Textual in the domain).
# The package root holds only the entry points; every other module lives in its layer's package.
lint: lock-check $(STAMP_TEST)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	@stray=$$(ls sevis_tui/*.py | grep -vE '/(__init__|__main__|cli)\.py$$' || true); \
	if [ -n "$$stray" ]; then \
		echo "sevis_tui/ holds only __init__, __main__ and cli; file these in a package: $$stray"; \
		exit 1; \
	fi

typecheck: lock-check $(STAMP_TEST)
	$(BIN)/mypy --strict sevis_tui

unit: lock-check $(STAMP_TEST)
	$(BIN)/pytest -q $(PYTEST_PARALLEL)

test: lint typecheck unit

bench: $(STAMP_RUN)
	for b in benchmarks/*.py; do $(BIN)/python $$b || exit 1; done

# Refresh the lock from pyproject.toml, then run the whole suite against it. Pins move only
# when asked: `make lock UPGRADE=1` (every package) or `make lock UPGRADE=cryptography`.
LOCK_TOOLS := build/lock-tools
UV_COMPILE = $(LOCK_TOOLS)/bin/uv pip compile --quiet --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command "make lock" \
	$(if $(filter 1,$(UPGRADE)),--upgrade,$(if $(UPGRADE),--upgrade-package $(UPGRADE)))
lock: lock-files
	$(MAKE) test

lock-files:
	$(PYTHON) -m venv $(LOCK_TOOLS)
	$(LOCK_TOOLS)/bin/python $(PIP_LOCKED) -r $(TOOLS_LOCK)
	$(PYTHON) scripts/lock_digest.py build-requires > $(LOCK_TOOLS)/build.in
	$(UV_COMPILE) pyproject.toml $(LOCK_TOOLS)/build.in --all-extras -o $(DEV_LOCK)
	$(UV_COMPILE) pyproject.toml -c $(DEV_LOCK) -o $(RUN_LOCK)
	$(UV_COMPILE) $(LOCK_TOOLS)/build.in -c $(DEV_LOCK) -o $(BUILD_LOCK)
	$(PYTHON) scripts/lock_digest.py write $(RUN_LOCK) $(DEV_LOCK) $(BUILD_LOCK)
	rm -f $(STAMP_RUN) $(STAMP_TEST)

# Tomorrow's versions: a throwaway environment with the newest releases pyproject.toml allows,
# and the suite run against it. Not part of `make test`; drift shows here before a user sees it.
LATEST := build/latest
test-latest:
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade \
		--upgrade-strategy eager -e '.[test]'
	@$(LATEST)/bin/python -m pip list --format=freeze | grep -iE '^(cryptography|textual|httpx)=='
	$(LATEST)/bin/pytest -q $(PYTEST_PARALLEL)

# The offline install: the project's wheel and a wheelhouse of every locked run-time package
# for Linux x86_64, CPython 3.11 to 3.13. `dist-check` installs it with the network off.
DIST := dist
PLATFORMS := manylinux2014_x86_64 manylinux_2_17_x86_64 manylinux_2_24_x86_64 \
	manylinux_2_28_x86_64 manylinux_2_31_x86_64 manylinux_2_34_x86_64 linux_x86_64
dist: lock-check $(STAMP_TEST)
	rm -rf $(DIST)
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation -w $(DIST) .
	for v in 3.11 3.12 3.13; do \
		$(BIN)/python -m pip download --quiet --disable-pip-version-check --require-hashes \
			--no-deps --only-binary=:all: --python-version $$v --implementation cp \
			$(foreach p,$(PLATFORMS),--platform $(p)) -d $(DIST) -r $(RUN_LOCK) || exit 1; \
	done
	cp packaging/INSTALL.txt $(DIST)/INSTALL.txt
	du -sh $(DIST)

dist-check: dist
	scripts/offline_install_check.sh $(DIST)

clean:
	rm -rf $(VENV) build dist *.egg-info
