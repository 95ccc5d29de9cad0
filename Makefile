# Serverless Lab. `make lab` to learn, `make test` to check everything.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# localaws's port: empty for the default (4566 when free, else a free one, recorded in
# .localaws/); a number, or auto, to choose.
PORT ?=
PORT_OPTION := $(if $(PORT),--port $(PORT),)
STAMP := $(VENV)/.installed-stamp
OPEN_WELCOME := --LabApp.default_url=/lab/tree/00-welcome/00-welcome.ipynb
# JupyterLab refuses to start as root (containers, fresh VMs) without this; it still listens
# on localhost only. The user id as Jupyter itself reads it.
AS_ROOT := $(if $(filter 0,$(shell $(PYTHON) -c 'import os; print(os.geteuid())')),--allow-root,)
# The offline account: this user's localaws, its endpoint and owner's credentials as
# `localaws env` prints them (never the host's real ones). Put it first on a recipe line.
OFFLINE_ENV = eval "$$($(BIN)/localaws env)" &&

.PHONY: install workspace lab lab-aws instructor demo test lint chromium samcli cdk deploy-tools \
	test-deploy-tools stop clean

# constraints.txt pins moto, boto3, botocore and awscli exactly (see the file).
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip setuptools
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# The browser test (tests/browser/) drives Debian's chromium through Playwright; Playwright's
# own browser downloads are not used. Installs it with apt-get (sudo when not root) if missing;
# CHROMIUM=/path/to/chrome uses another Chromium instead.
chromium:
	@if [ -n "$(CHROMIUM)" ] || command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=; \
	elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
	else echo "make: chromium is missing and this is not root (no sudo either):" \
		"install Debian's chromium package, then run make again." >&2; exit 1; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
		echo "make: chromium is missing and there is no apt-get:" \
			"install Chromium and put \`chromium\` on PATH (or set CHROMIUM=/path)." >&2; exit 1; fi; \
	echo "Installing Debian's chromium for the browser test (apt-get)..."; \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		chromium >/dev/null || \
	{ echo "make: could not install chromium with apt-get (see above)." >&2; exit 1; }

# The deploy tools the end-to-end tests drive (tests/functional/test_sam_cli.py, test_cdk_cli.py):
# SAM CLI in a virtualenv of its own (its pins would fight awscli v1's exact botocore pin and
# ours), the CDK CLI from npm in a project-local folder, and the Python CDK library in a
# virtualenv of its own for the CDK app. Each is installed once: a second run finds its stamp.
SAMCLI_VERSION := 1.170.0
SAMCLI_VENV := .venv-samcli
SAMCLI_STAMP := $(SAMCLI_VENV)/.installed-$(SAMCLI_VERSION)
CDK_CLI_VERSION := 2.1148.1
CDK_LIB_VERSION := 2.275.0
CONSTRUCTS_VERSION := 10.8.1
CDK_DIR := .cdk-cli
CDK_STAMP := $(CDK_DIR)/.installed-$(CDK_CLI_VERSION)-$(CDK_LIB_VERSION)

$(SAMCLI_STAMP):
	@rm -rf $(SAMCLI_VENV)
	$(PYTHON) -m venv $(SAMCLI_VENV)
	$(SAMCLI_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		aws-sam-cli==$(SAMCLI_VERSION)
	@touch $@

samcli: $(SAMCLI_STAMP)

# npm comes from Debian's nodejs and npm packages (apt-get, sudo when not root) when missing.
$(CDK_STAMP):
	@if ! command -v npm >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ]; then sudo=; \
		elif command -v sudo >/dev/null 2>&1; then sudo=sudo; \
		else echo "make: npm is missing and this is not root (no sudo either):" \
			"install Debian's nodejs and npm packages, then run make again." >&2; exit 1; fi; \
		if ! command -v apt-get >/dev/null 2>&1; then \
			echo "make: npm is missing and there is no apt-get: install Node.js 18+ with npm." >&2; \
			exit 1; fi; \
		echo "Installing Debian's nodejs and npm for the CDK test (apt-get)..."; \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			nodejs npm >/dev/null || \
		{ echo "make: could not install nodejs and npm with apt-get (see above)." >&2; exit 1; }; \
	fi
	@rm -rf $(CDK_DIR)
	npm install --silent --no-audit --no-fund --prefix $(CDK_DIR) aws-cdk@$(CDK_CLI_VERSION)
	$(PYTHON) -m venv $(CDK_DIR)/venv
	$(CDK_DIR)/venv/bin/python -m pip install --quiet --disable-pip-version-check \
		aws-cdk-lib==$(CDK_LIB_VERSION) constructs==$(CONSTRUCTS_VERSION)
	@touch $@

cdk: $(CDK_STAMP)

deploy-tools: samcli cdk

# The SAM and CDK end-to-end tests alone.
test-deploy-tools: install deploy-tools
	$(BIN)/pytest tests/functional/test_sam_cli.py tests/functional/test_cdk_cli.py

# The learner's copy of the course (no solutions, no hidden tests) in WORKSPACE, made with
# nbgrader's generate step; a second run keeps every notebook the learner changed and puts a
# newer version beside it. JupyterLab opens it without the instructor's tools.
WORKSPACE ?= workspace
# Terminals in JupyterLab get the project's tools (labcheck, localaws, aws) first on PATH,
# after the user's own ~/.bashrc (learner_jupyter/terminal.bashrc).
LEARNER_CONFIG := $(CURDIR)/labcheck/workspace/learner_jupyter
LEARNER_JUPYTER := env JUPYTER_CONFIG_PATH=$(LEARNER_CONFIG) PATH="$(CURDIR)/$(BIN):$$PATH" \
	SERVERLESS_LAB_BIN=$(CURDIR)/$(BIN) SERVERLESS_LAB_TERMINAL_RC=$(LEARNER_CONFIG)/terminal.bashrc

workspace: install
	$(BIN)/labcheck workspace --into $(WORKSPACE)

lab: workspace
	$(BIN)/localaws start $(PORT_OPTION)
	$(OFFLINE_ENV) $(BIN)/labcheck setup
	$(OFFLINE_ENV) $(LEARNER_JUPYTER) $(BIN)/jupyter lab --notebook-dir=$(WORKSPACE) \
		$(OPEN_WELCOME) $(AS_ROOT) $(JUPYTER_ARGS)

lab-aws: workspace
	$(LEARNER_JUPYTER) $(BIN)/jupyter lab --notebook-dir=$(WORKSPACE) $(OPEN_WELCOME) \
		$(AS_ROOT) $(JUPYTER_ARGS)

# The instructor's view: the source notebooks (solutions, hidden tests) and nbgrader's
# formgrader, offline like `make lab`.
instructor: install
	$(BIN)/localaws start $(PORT_OPTION)
	$(OFFLINE_ENV) $(BIN)/labcheck setup
	$(OFFLINE_ENV) $(BIN)/jupyter lab --notebook-dir=. $(AS_ROOT) $(JUPYTER_ARGS)

# The whole lab with the reference solution on a fresh localaws (port DEMO_PORT), graded and
# plotted; that localaws is stopped afterwards.
DEMO_PORT ?= 4599
demo: install
	env -u AWS_PROFILE $(BIN)/python -m solutions.demo --port $(DEMO_PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint chromium deploy-tools
	$(BIN)/pytest

stop:
	@if [ -x $(BIN)/localaws ]; then $(BIN)/localaws stop || true; fi

clean: stop
	rm -rf $(VENV) $(SAMCLI_VENV) $(CDK_DIR) .localaws .localaws-demo .pytest_cache .mypy_cache .ruff_cache *.egg-info
