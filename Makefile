# Serverless Lab. `make lab` to learn, `make test` to check everything.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 4566
ENDPOINT := http://127.0.0.1:$(PORT)
STAMP := $(VENV)/.installed-stamp
# The offline account: dummy credentials only, never the host's real ones.
OFFLINE_ENV := env -u AWS_PROFILE AWS_ENDPOINT_URL=$(ENDPOINT) AWS_ACCESS_KEY_ID=testing \
	AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing AWS_DEFAULT_REGION=us-east-1 \
	AWS_REGION=us-east-1

.PHONY: install lab lab-aws demo test lint stop clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

lab: install
	$(BIN)/localaws start --port $(PORT)
	$(OFFLINE_ENV) $(BIN)/labcheck setup
	$(OFFLINE_ENV) $(BIN)/jupyter lab --notebook-dir=notebooks $(JUPYTER_ARGS)

lab-aws: install
	$(BIN)/jupyter lab --notebook-dir=notebooks $(JUPYTER_ARGS)

# The whole lab with the reference solution on a fresh localaws (port DEMO_PORT), graded and
# plotted; that localaws is stopped afterwards.
DEMO_PORT ?= 4599
demo: install
	env -u AWS_PROFILE $(BIN)/python -m solutions.demo --port $(DEMO_PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

stop:
	@if [ -x $(BIN)/localaws ]; then $(BIN)/localaws stop || true; fi

clean: stop
	rm -rf $(VENV) .localaws .localaws-demo .pytest_cache .mypy_cache .ruff_cache *.egg-info
