# Two commands do all the set-up on a fresh machine with Python 3.11 and make:
#   make demo   the main job: the demo trial (simulated province, every run-test, appendices in reports/out/)
#   make test   lint, type-check and run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Python's default: compiled modules are kept in __pycache__ (git ignores it). A machine that sets this variable
# made every process compile the project's modules again (the suite starts a few hundred: axes, hosts, consoles).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: demo test lint type pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/lienthong demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

type: $(STAMP)
	$(BIN)/mypy

# One pytest worker per core, a test file per worker at a time (its module fixtures stay shared), in the order
# tests/conftest.py gives them (slow files first, those that read the demo trial last).
pytest: $(STAMP)
	$(BIN)/pytest -q -n auto --dist loadfile --no-loadscope-reorder

test: lint type pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/validate_throughput.py
	$(BIN)/python benchmarks/axis_cycles.py --agencies 32 --duration 15
	$(BIN)/python benchmarks/signing_throughput.py
	$(BIN)/python benchmarks/console_pages.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
