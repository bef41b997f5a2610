# ekyc: every target runs inside .venv, built from the pinned lock file on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CFN_LINT := $(VENV)/bin/cfn-lint -c I -a cfn_lint_serverless.rules --
# checkov pins boto3, packaging and networkx below our pins, so it lives in a venv of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV_VERSION := 3.3.30
CHECKOV := CKV_SKIP_PACKAGE_UPDATE_CHECK=true BC_SKIP_MAPPING=TRUE $(CHECKOV_VENV)/bin/checkov \
	--framework cloudformation --skip-download --compact --quiet
TEMPLATES := templates/ekyc.template.json

.DEFAULT_GOAL := help
PORT ?= 4566
REPEAT ?= 10
USERS ?= 200
DELAY_MS ?= 500
STACK ?= ekyc
REGION ?=
PARAMS ?=
FORCE ?=
DEPLOY := $(PY) -m scripts.deploy --stack $(STACK) $(if $(REGION),--region $(REGION)) \
	$(foreach p,$(PARAMS),--param $(p))

.PHONY: help install demo synth diagrams lint check-generated unit test local bench bench-cost \
	bench-latency bench-faces bench-ocr bench-burst test-sfn-local smoke deploy destroy outputs lock clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

install: $(VENV)/.installed ## Build .venv from requirements.lock; .venv/bin/ekyc

# --no-deps: the lock is the whole tree, and rapidocr's metadata would add opencv-python, which
# opencv-python-headless stands in for. The checkout itself goes in editable, also without
# dependencies, so .venv/bin/ekyc exists and runs this checkout's client.
$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.lock
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		-r requirements-checkov.lock
	touch $@

demo: install ## The whole chain on the embedded engine: deploy the stack, play a story
	$(PY) -m scripts.demo $(if $(COMPARE_MODE),--compare-mode $(COMPARE_MODE))

synth: install ## Generate the template, the ASL, the diagrams and the workshop guide
	$(PY) -m scripts.synth
	$(PY) -m generators.reference_docs

diagrams: install ## Draw statemachines/*.svg and *.mmd and write docs/workshop.md from the ASL
	$(PY) -m generators.diagrams
	$(PY) -m generators.workshop_guide

check-generated: install ## Fail if committed generated files differ from a fresh synth
	$(PY) -m generators.synth --check
	$(PY) -m generators.reference_docs --check

lint: install $(CHECKOV_VENV)/.installed ## ruff; cfn-lint; checkov; statelint; engine parser
	$(VENV)/bin/ruff check .
	$(CFN_LINT) $(TEMPLATES)
	@echo "cfn-lint: no findings in $(TEMPLATES)"
	$(CHECKOV) $(foreach t,$(TEMPLATES),-f $(t))
	$(PY) -m generators.validate_asl
	$(PY) -m generators.lint_error_names
	$(PY) -m generators.lint_template $(TEMPLATES)

unit: install ## Run the test suite only
	$(PY) -m pytest

test: lint check-generated unit ## Lint, drift check and tests: what CI runs

local: install ## Run the embedded engine on 127.0.0.1:PORT (default 4566) in the foreground
	PORT=$(PORT) $(PY) -m engine.server

bench: install ## Time every scenario REPEAT times on the embedded engine
	$(PY) -m bench.scenarios --repeat $(REPEAT)

bench-cost: install ## Price each flow per 1M verifications from counted usage; check the goals
	$(PY) -m bench.cost

bench-latency: install ## Time a selfie verification, ours vs the workshop's order (DELAY_MS)
	$(PY) -m bench.latency --delay-ms $(DELAY_MS)

bench-faces: install ## Face service speed, search scaling, calibration on ../shared/faces
	$(PY) -m bench.faces

bench-ocr: install ## Local AnalyzeID on 30 drawn ID cards: exact match per field, s per card
	$(PY) -m bench.ocr

bench-burst: install ## A burst of USERS users and one verification, face cache off vs on
	$(PY) -m bench.burst --users $(USERS)

test-sfn-local: install ## The scenario tests on Step Functions Local in Docker (not here: no Docker)
	bash scripts/test_sfn_local.sh

smoke: install ## Check a deployed STACK end to end (AWS, or the engine via AWS_ENDPOINT_URL)
	$(PY) -m scripts.smoke --stack $(STACK) $(if $(REGION),--region $(REGION))

deploy: install ## Create or update STACK (default ekyc) via a change set [REGION= PARAMS="K=V ..."]
	$(DEPLOY) deploy

outputs: install ## Print STACK's outputs
	$(DEPLOY) outputs

destroy: install ## Empty STACK's upload bucket (asks first unless FORCE=1) and delete STACK
	$(DEPLOY) destroy $(if $(FORCE),--force)

lock: ## Re-resolve pyproject.toml's pins into requirements.lock
	rm -rf /tmp/ekyc-lock && $(PYTHON) -m venv /tmp/ekyc-lock
	/tmp/ekyc-lock/bin/pip install --quiet --disable-pip-version-check '.[dev,faces,ocr]'
	/tmp/ekyc-lock/bin/pip freeze --exclude ekyc --exclude opencv-python > requirements.lock
	rm -rf /tmp/ekyc-lock build ekyc.egg-info
	rm -rf /tmp/ekyc-checkov-lock && $(PYTHON) -m venv /tmp/ekyc-checkov-lock
	/tmp/ekyc-checkov-lock/bin/pip install --quiet --disable-pip-version-check \
		checkov==$(CHECKOV_VERSION)
	/tmp/ekyc-checkov-lock/bin/pip freeze > requirements-checkov.lock
	rm -rf /tmp/ekyc-checkov-lock

clean: ## Remove the venv and caches
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
