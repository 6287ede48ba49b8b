# openskies: the two commands of the README are `make run` and `make test`.
# Everything a command needs is installed here, into .venv, from the package registries.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install lint format bench clean

run: install  ## Install and run the main job on the bundled data.
	$(BIN)/openskies treaty parties
	$(BIN)/openskies treaty quotas --year $$(date -u +%Y)

test: install  ## Install and run the whole test suite (ruff, then pytest).
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests
	$(BIN)/pytest -q

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "openskies needs Python 3.11 or newer (found: $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: install
	$(BIN)/ruff check .

format: install
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix .

bench: install  ## Benchmarks (not tests): see docs/benchmarks.md.
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/op/run.py --time-limit 1

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
