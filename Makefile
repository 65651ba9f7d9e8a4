# Every target sets up its own virtual environment, so a fresh clone needs only python3.11 and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test serve check lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/nexus-pm build

test: $(STAMP)
	$(BIN)/python -m pytest

serve: $(STAMP)
	$(BIN)/nexus-pm serve

check: $(STAMP)
	$(BIN)/nexus-pm validate
	$(BIN)/nexus-pm check

lint: $(STAMP)
	$(BIN)/ruff check nexus_pm tests bench
	$(BIN)/ruff format --check nexus_pm tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) site
