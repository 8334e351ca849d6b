# Coaching ROI Workbook. `make demo` and `make test` bootstrap .venv on first use.
SHELL := /bin/bash
# The first interpreter on PATH that actually runs and is 3.11+ (pyenv shims may exist without one).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
  $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { command -v $$p; break; }; done)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
Q ?= demo
JOBS ?= auto

.DEFAULT_GOAL := help
.PHONY: help demo test lab report validate venv clean-outputs deck-images calibration

help: ## show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'
	@echo "  make report Q=<name>   run params/<name>.yaml (e.g. Q=2026Q3)"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11+ is needed: install it or set PYTHON=/path/to/python3.11"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Setting up $(VENV) (first time: a few minutes; pip shows each package as it goes) …"
	$(BIN)/python -m pip install --progress-bar on --upgrade pip
	$(BIN)/python -m pip install --progress-bar on -e ".[test]"
	@touch $(STAMP)
	@echo "$(VENV) is ready."

venv: $(STAMP) ## create/refresh the local virtual environment (.venv)

demo: $(STAMP) ## generate the demo team and run the demo quarter end to end -> outputs/demo/index.html
	$(BIN)/coaching-roi demo

test: $(STAMP) ## run the test suite (parallel)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup

calibration: $(STAMP) ## calibration study on planted teams (not in make test; about 1.5 h on 2 idle cores) -> benchmarks/results/
	$(BIN)/python benchmarks/calibration.py $(CALIBRATION_ARGS)

report: $(STAMP) ## run one quarter: make report Q=2026Q3 (reads params/$(Q).yaml)
	$(BIN)/coaching-roi run params/$(Q).yaml

validate: $(STAMP) ## check params/$(Q).yaml without running anything
	$(BIN)/coaching-roi validate params/$(Q).yaml

lab: $(STAMP) ## open JupyterLab on the notebooks (its kernels allocate memory as the run's do)
	$(BIN)/coaching-roi lab

deck-images: demo ## run the demo, then save slides 1 and 2 of its deck as docs/img/qbr_slide1.png, qbr_slide2.png
	@command -v pdftoppm >/dev/null || { echo "pdftoppm is needed (Debian/Ubuntu: apt-get install poppler-utils)"; exit 1; }
	@test -f outputs/demo/qbr_deck.pdf || { echo "outputs/demo/qbr_deck.pdf is missing: PDF slides need a Chromium (see README)"; exit 1; }
	mkdir -p docs/img
	pdftoppm -png -r 72 -f 2 -l 2 -singlefile outputs/demo/qbr_deck.pdf docs/img/qbr_slide1
	pdftoppm -png -r 72 -f 3 -l 3 -singlefile outputs/demo/qbr_deck.pdf docs/img/qbr_slide2

clean-outputs: ## remove outputs/ (rendered runs) and data/demo/
	rm -rf outputs data/demo
