# oneneuron: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JOBS ?= 2

.PHONY: demo test lint typecheck unit bench planted clean

$(STAMP): pyproject.toml requirements/lock.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements/lock.txt -e ".[test,lint,parquet,fast,dask]"
	touch $(STAMP)

demo: $(STAMP)
	MPLBACKEND=Agg $(VENV)/bin/oneneuron demo --out demo-report

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

unit: $(STAMP)
	MPLBACKEND=Agg $(PY) -m pytest -n $(JOBS) -q
	# again without the compiled kernel: the NumPy path is what users without Numba run
	ONENEURON_ACCELERATOR=numpy MPLBACKEND=Agg $(PY) -m pytest -n $(JOBS) -q \
		tests/test_objective.py tests/test_solvers.py tests/test_estimator.py \
		tests/test_sklearn_checks.py tests/test_properties.py

test: lint unit

planted: $(STAMP)
	# each known solver bug planted in turn must make a test fail
	$(PY) tools/planted_bugs.py

bench: $(STAMP)
	MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1000000000000 $(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) demo-report .pytest_cache .mypy_cache .ruff_cache
