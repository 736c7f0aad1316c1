# oneneuron: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
JOBS ?= 2

.PHONY: demo test lint typecheck unit bench planted planted-penalties mutation clean playground browser

$(STAMP): pyproject.toml requirements/lock.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements/lock.txt -e ".[test,lint,parquet,fast,dask,onnx]"
	touch $(STAMP)

demo: $(STAMP)
	MPLBACKEND=Agg $(VENV)/bin/oneneuron demo --out demo-report

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# The browser tests drive Debian's chromium (Playwright's own download cannot work here):
# install it when it is missing and we may (root, or sudo without a password); otherwise
# those tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=sudo; \
	  else echo "make: no chromium and no root to install it: the browser tests will skip"; exit 0; fi; \
	  echo "make: installing Debian's chromium for the browser tests"; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null \
	    || echo "make: could not install chromium: the browser tests will skip"; }

unit: $(STAMP) browser
	MPLBACKEND=Agg $(PY) -m pytest -n $(JOBS) --dist loadgroup -q
	# again without the compiled kernel: the NumPy path is what users without Numba run
	ONENEURON_ACCELERATOR=numpy MPLBACKEND=Agg $(PY) -m pytest -n $(JOBS) -q \
		tests/test_objective.py tests/test_solvers.py tests/test_estimator.py \
		tests/test_sklearn_checks.py tests/test_properties.py

test: lint unit

planted: $(STAMP)
	# each known solver bug planted in turn must make a test fail
	$(PY) tools/planted_bugs.py

planted-penalties: $(STAMP)
	# the same for the penalties, proximal Newton, the path, CV and Firth's estimator
	$(PY) tools/planted_bugs_penalties.py

# mutation testing of the core (pyproject's [tool.mutmut]: hours on 2 cores; not in CI);
# the score is killed / all, and docs/testing.md lists the equivalent survivors. One BLAS
# thread per mutant process: JOBS processes of two OpenBLAS threads each on JOBS cores
# took twice the wall time (measured under load).
mutation: $(STAMP)
	$(PY) -m pip install --quiet -c requirements/lock.txt -e ".[mutation]"
	rm -rf mutants
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 ONENEURON_ACCELERATOR=numpy MPLBACKEND=Agg \
		$(PY) -m mutmut run --max-children $(JOBS)
	$(PY) -m mutmut results

playground: $(STAMP)
	$(VENV)/bin/oneneuron playground

bench: $(STAMP)
	$(PY) -m pip install --quiet -c requirements/lock.txt -e ".[bench]"
	MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=1000000000000 $(PY) benchmarks/run.py
	# L1 and elastic net against liblinear, saga and skglm; Firth and summary() ratios
	$(PY) benchmarks/penalties.py
	$(PY) benchmarks/inference.py
	# multinomial (K = 10) against scikit-learn's lbfgs, newton-cholesky and saga
	$(PY) benchmarks/multinomial.py
	# streamed Parquet against pyarrow alone (a file twice what the fit may hold)
	$(PY) benchmarks/streams.py
	# Dask on a 2-worker LocalCluster against dask-ml's lbfgs, newton and admm
	$(PY) benchmarks/dask_bench.py
	$(PY) benchmarks/playground.py

clean:
	rm -rf $(VENV) demo-report .pytest_cache .mypy_cache .ruff_cache
