# Satu Atap — two commands on a fresh machine: `make demo` and `make test`. Each does its own setup.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAUNCHER := deploy/neo4j-local/target/neo4j-local.jar
PYTEST_ARGS ?=

.PHONY: demo test setup prereqs lint typecheck unit lock bench clean

demo: setup
	$(BIN)/ltsa demo

test: setup lint typecheck
	$(BIN)/python -m pytest -ra $(PYTEST_ARGS)

setup: prereqs $(STAMP) $(LAUNCHER)

prereqs:
	@PYTHON=$(PYTHON) scripts/check-prereqs.sh

# Installs are reproducible: every package pinned in constraints.txt (regenerate with `make lock`).
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

$(LAUNCHER): deploy/neo4j-local/pom.xml $(shell find deploy/neo4j-local/src -name '*.java')
	cd deploy/neo4j-local && mvn -B -q package -DskipTests

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

lock:
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

bench: setup
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'

clean:
	rm -rf $(VENV) deploy/neo4j-local/target var .pytest_cache .mypy_cache .ruff_cache
