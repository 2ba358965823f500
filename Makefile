# petseg: `make demo` (the main job) and `make test` (the whole suite) work on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.petseg-installed

.PHONY: install browser slurm demo test test-fast lint format bench clean

$(STAMP): pyproject.toml requirements.txt hatch_build.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install petseg with its pinned stack

browser:  ## Debian's headless chromium + chromium-driver for the review page's browser test
	bash .ci/install_chromium.sh

slurm:  ## Debian's slurm-wlm + munge for the single-node Slurm test (tests/tools/test_slurm.py)
	bash .ci/install_slurm.sh

demo: install  ## the end-to-end demo on generated data (CPU, minutes)
	$(VENV)/bin/petseg demo

test: install browser slurm lint  ## the whole test suite, slow end-to-end checks included (what CI runs)
	$(PY) -m pytest

test-fast: install  ## the quick tests only (skips the `slow` marker)
	$(PY) -m pytest -m "not slow"

OXFORD ?= $(wildcard ../shared/oxford_pet_sample)
bench: install  ## speed/quality benchmarks (< 20 min on 2 cores): work_dirs/benchmarks/*.json + summary
	$(PY) benchmarks/run_all.py $(if $(OXFORD),--oxford $(OXFORD))

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:  ## remove caches (keeps .venv, data/ and work_dirs/)
	rm -rf .pytest_cache .ruff_cache build dist *.egg-info
