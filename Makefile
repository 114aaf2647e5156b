# Two entry points for a fresh clone: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench fuzz clean-venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,neural,dask,datatrove,hf]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/mtrepair clean seeds/

test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks fuzz
	$(BIN)/mypy
	$(BIN)/mtrepair glossary check
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks fuzz

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_clean.py

# Fuzz every target (fuzz/targets.py) for FUZZ_SECONDS of wall clock; failing inputs
# go to tests/fuzz_regressions/, replayed by `make test`. See fuzz/README.md.
FUZZ_SECONDS ?= 600
FUZZ_ENGINE ?= auto
FUZZ_FLAGS ?=
FUZZ_STAMP := $(VENV)/.fuzz-installed

# atheris (coverage-guided) when the platform has a wheel; Hypothesis alone otherwise.
$(FUZZ_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,fuzz]' || echo "atheris not installable here: fuzzing with Hypothesis only"
	touch $(FUZZ_STAMP)

fuzz: $(FUZZ_STAMP)
	$(BIN)/python -m fuzz.run --seconds $(FUZZ_SECONDS) --engine $(FUZZ_ENGINE) $(FUZZ_FLAGS)

clean-venv:
	rm -rf $(VENV)
