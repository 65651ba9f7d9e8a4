# Thin wrappers: tasks.py creates .venv and installs the project, so `make` is optional.
PYTHON ?= python3

.PHONY: site test serve check lint clean

site test serve check lint:
	$(PYTHON) tasks.py $@

clean:
	rm -rf .venv site
