# The verbs of the project. `make demo` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
PYTHON3 ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PROTOS := $(shell find protos -name '*.proto')
KAFKA_STAMP := infra/kafka/libs/.resolved
EHF_STAMP := infra/ehf/assets/.extracted
# Set-up says what it does in a line and no more: no pip version notice, and not setuptools' warning
# about editable installs (it warns of a layout this project has on purpose: the package in the checkout).
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_WARN_SCRIPT_LOCATION := 1
PIP_QUIET := PYTHONWARNINGS="ignore:Editable installation" $(PY) -m pip install -q

.PHONY: help venv proto proto-check kafka-jars ehf-rules postgres pdf-tools browser demo up down test test-unit test-integration test-e2e lint bench lock clean

help:
	@echo "make demo    run the main scenario end to end (Kafka + three services), then stop"
	@echo "make test    run every test (unit, Kafka, PostgreSQL, e2e)"
	@echo "make up      start Kafka and the three services and leave them running; make down stops"
	@echo "make lint    ruff, mypy, buf lint and the import rules (lint-imports)"
	@echo "make bench   run the benchmarks (JSON reports under reports/)"
	@echo "make proto   regenerate the gRPC/protobuf modules in gen/"

venv: $(STAMP)

# Dependencies come from constraints.txt (exact versions); the gRPC stubs are generated here, so a fresh
# clone can never hold stale ones.
$(STAMP): pyproject.toml constraints.txt $(PROTOS)
	@echo "setting up $(VENV) (the first time takes a few minutes)"
	@test -x $(PY) || $(PYTHON3) -m venv $(VENV)
	@$(PIP_QUIET) --upgrade pip
	@$(PIP_QUIET) -c constraints.txt -e '.[dev]'
	@$(MAKE) --no-print-directory proto
	@$(PIP_QUIET) --no-deps -e .
	@touch $(STAMP)
	@echo "$(VENV) is ready; \`source $(VENV)/bin/activate\` puts propertytax on your PATH"

proto:
	@rm -rf gen && mkdir -p gen
	@PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(PY) -m grpc_tools.protoc -Iprotos --python_out=gen --grpc_python_out=gen \
		--mypy_out=quiet:gen --mypy_grpc_out=quiet:gen $(PROTOS)
	@find gen -type d -exec touch {}/__init__.py \;
	@rm -f gen/__init__.py
	@echo "gRPC modules generated in gen/"

kafka-jars: $(KAFKA_STAMP)

$(KAFKA_STAMP): infra/kafka/pom.xml
	@infra/kafka/fetch.sh

# The UBL 2.1 schemas and the EN 16931 and Peppol BIS Billing 3.0 rules for offline EHF validation.
ehf-rules: $(EHF_STAMP)

$(EHF_STAMP): infra/ehf/pom.xml infra/ehf/extract_assets.py
	@infra/ehf/fetch.sh

postgres:
	@infra/postgres/ensure.sh

# poppler-utils (pdftotext, pdffonts): the tests read the PDFs back as a reader shows them.
pdf-tools:
	@infra/pdf/ensure.sh

# Debian's chromium, headless: the tests load the inspection plan's offline HTML map in a real browser.
browser:
	@infra/browser/ensure.sh

demo: venv kafka-jars
	@$(PY) -m devstack demo

up: venv kafka-jars
	@$(PY) -m devstack up

down:
	-@$(PY) -m devstack down

test: venv kafka-jars postgres ehf-rules pdf-tools browser
	$(PY) -m pytest

# Every test carries the marker of its folder (tests/conftest.py), so these three together are `make test`.
# The unit tests read PDFs back with poppler's pdftotext, as `make test` does.
test-unit: venv pdf-tools
	$(PY) -m pytest -m unit

test-integration: venv kafka-jars postgres ehf-rules pdf-tools browser
	$(PY) -m pytest -m integration

test-e2e: venv kafka-jars postgres ehf-rules pdf-tools browser
	$(PY) -m pytest -m e2e

lint: venv
	$(PY) -m ruff check services devstack tests benchmarks infra tools
	$(PY) -m ruff format --check services devstack tests benchmarks infra tools
	$(PY) -m mypy
	$(VENV)/bin/lint-imports --no-logo
	cd protos && ../$(VENV)/bin/buf lint

bench: venv kafka-jars postgres
	$(PY) -m benchmarks

lock:
	$(PY) -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf gen var reports $(VENV)
