# Satu Atap — two commands on a fresh machine: `make demo` and `make test`. Each does its own setup.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAUNCHER := deploy/neo4j-local/target/neo4j-local.jar
LAUNCHER_CDS := deploy/neo4j-local/target/neo4j-local.jsa
IMPORTER_CDS := deploy/neo4j-local/target/neo4j-import.jsa
ROUTER := deploy/router/node_modules/.bin/hive-gateway
WEB_STAMP := web/dist/.built
WEB_SOURCES := $(shell find web/src web/html -type f 2>/dev/null) web/build.mjs web/package.json web/tsconfig.json
PYTEST_ARGS ?=

.PHONY: demo test setup prereqs browser lint typecheck unit lock bench clean

demo: setup
	$(BIN)/ltsa demo

test: setup browser lint typecheck
	$(BIN)/python -m pytest -ra $(PYTEST_ARGS)

setup: prereqs $(STAMP) $(LAUNCHER) $(LAUNCHER_CDS) $(IMPORTER_CDS) $(ROUTER) $(WEB_STAMP)

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

# Class-data-sharing archives (graph/jvm_archive.py): one training run per launcher build, ~20 s in all,
# so every later Neo4j start and import loads its classes faster. A failed training only warns.
$(LAUNCHER_CDS): $(LAUNCHER) | $(STAMP)
	$(BIN)/python -c 'from graph.local_server import launcher_archive; launcher_archive()'

$(IMPORTER_CDS): $(LAUNCHER) | $(STAMP)
	$(BIN)/python -c 'from graph.bulk_import import importer_archive; importer_archive()'

# The federation router (Hive Gateway) and the pages, both from committed npm lockfiles.
$(ROUTER): deploy/router/package-lock.json
	scripts/npm-ci.sh deploy/router
	touch $@

web/node_modules/.package-lock.json: web/package-lock.json
	scripts/npm-ci.sh web

$(WEB_STAMP): web/node_modules/.package-lock.json web/package-lock.json $(WEB_SOURCES)
	cd web && npm run --silent typecheck && npm run --silent build
	touch $@

# Browser tests drive Debian's Chromium (a test tool's own browser download does not work offline).
browser:
	@if [ -x "$${LTSA_CHROMIUM:-/usr/bin/chromium}" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "missing prerequisite: chromium (Debian: sudo apt-get install chromium)" >&2; exit 1; fi

lint: $(STAMP) $(WEB_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	cd web && npm run --silent lint

typecheck: $(STAMP)
	$(BIN)/mypy

lock:
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt

bench: setup
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,bench]'

clean:
	rm -rf $(VENV) deploy/neo4j-local/target var .pytest_cache .mypy_cache .ruff_cache \
	  web/node_modules web/dist deploy/router/node_modules
