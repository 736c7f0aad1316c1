"""A library inside real programs: read-only installs, pickles, threads, notebooks, streams."""

from __future__ import annotations

import io
import os
import pickle
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import joblib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import oneneuron
from oneneuron import LogisticRegression, _blas, _jit, _kernels
from oneneuron.plotting import plot_examples, plot_training_curves

needs_numba = pytest.mark.skipif(not _kernels.available(), reason="Numba is not installed")


# ----------------------------------------------------------------- read-only installation
@needs_numba
def test_the_kernel_compiles_without_a_disk_cache_when_none_can_be_written(monkeypatch):
    """Numba raises RuntimeError ("no locator available") when it finds no directory to
    cache in: the kernel is then compiled in memory, on first use."""
    import numba

    real = numba.njit

    def njit(*args, cache=False, **kwargs):
        if cache:
            raise RuntimeError("cannot cache function: no locator available")
        return real(*args, cache=cache, **kwargs)

    monkeypatch.setattr(numba, "njit", njit)
    kernel = _jit._Kernel(_kernels._block_pass)
    none = (np.empty(0), np.empty(0))  # no diagonal sums
    X = np.arange(12.0).reshape(4, 3)
    sign = np.array([1.0, -1.0, 1.0, -1.0])
    out = kernel(X, sign, np.empty(0), np.ones(3), 0.0, 0.0, 0.0, np.empty(3), np.empty(4), *none)
    assert kernel._compiled is not None and np.isfinite(out[0])


@needs_numba
@pytest.mark.slow
def test_import_and_fit_from_a_read_only_installation(tmp_path):
    """A copy of the package where Numba can write no cache: ``__pycache__`` is a file
    (so even root cannot make the directory), NUMBA_CACHE_DIR and the user's cache
    directory lie under /dev/null. Import and a fit with the kernel both work."""
    package = tmp_path / "site" / "oneneuron"
    shutil.copytree(Path(oneneuron.__file__).parent, package, ignore=_no_caches)
    for folder in [package, *(p for p in package.rglob("*") if p.is_dir())]:
        (folder / "__pycache__").write_text("not a directory\n")
    code = (
        "import numpy as np, oneneuron\n"
        "from oneneuron import LogisticRegression, _kernels\n"
        "X = np.random.default_rng(0).standard_normal((50, 3)); y = X[:, 0] > 0\n"
        "m = LogisticRegression(alpha=1.0).fit(X, y)\n"
        "assert _kernels.block_pass._compiled._cache.__class__.__name__ == 'NullCache'\n"
        "print(oneneuron.__file__)\n"
    )
    env = dict(
        os.environ,
        PYTHONPATH=str(package.parent),
        PYTHONDONTWRITEBYTECODE="1",
        NUMBA_CACHE_DIR="/dev/null/numba",
        XDG_CACHE_HOME="/dev/null/cache",
        HOME="/dev/null/home",
        ONENEURON_ACCELERATOR="numba",
    )
    run = subprocess.run(
        [sys.executable, "-W", "error::RuntimeWarning", "-c", code],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == str(package / "__init__.py")


def _no_caches(folder, names):
    return [n for n in names if n == "__pycache__" or n.endswith((".nbi", ".nbc"))]


# ---------------------------------------------------------------------------------- pickle
@pytest.mark.parametrize("schedule", ["constant", "invscaling", "cosine"])
def test_pickle_and_joblib_after_partial_fit(small, schedule):
    X, y = small
    model = LogisticRegression(lr_schedule=schedule, momentum=0.5, random_state=0)
    model.partial_fit(X, y, classes=[0, 1])
    copies = [pickle.loads(pickle.dumps(model))]
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    copies.append(joblib.load(buffer))
    model.partial_fit(X, y)
    for copy in copies:
        copy.partial_fit(X, y)  # the schedule and momentum carry on where they were
        np.testing.assert_array_equal(copy.coef_, model.coef_)


# ---------------------------------------------------------------------------- BLAS threads
def _blas_threads():
    from threadpoolctl import threadpool_info

    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def test_blas_limits_survive_fits_in_several_threads():
    """Each fit holds BLAS to one thread; after fits that overlapped in time in four
    threads (the callbacks make them interleave) the limits are what they were."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    X = rng.standard_normal((20_000, 10))  # 1.6 MB: large enough to hold BLAS to one thread
    y = X[:, 0] + rng.standard_normal(20_000) > 0
    errors = []

    def fit(delay):
        def slow(record, theta):
            time.sleep(delay)

        try:
            LogisticRegression(solver="lbfgs").fit(X, y, callbacks=[slow])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    with threadpool_limits(limits=2, user_api="blas"):
        before = _blas_threads()
        threads = [threading.Thread(target=fit, args=(0.002 * (i + 1),)) for i in range(4)]
        for t in threads:
            t.start()
            time.sleep(0.01)
        fit(0.003)  # and one in the main thread, overlapping them
        for t in threads:
            t.join()
        assert not errors
        assert _blas_threads() == before


def test_the_first_user_saves_and_the_last_restores(monkeypatch):
    """The interleaving that pins a process: A enters, B enters, A leaves, B leaves. With
    a fake BLAS whose limit is one global number (what threadpoolctl sets)."""
    state = {"threads": 8}

    class Limiter:
        def __init__(self):
            self.saved = state["threads"]
            state["threads"] = 1

        def restore_original_limits(self):
            state["threads"] = self.saved

    class Controller:
        def limit(self, limits, user_api):
            return Limiter()

    monkeypatch.setattr(_blas, "_CONTROLLER", Controller())
    a, b = _blas.one_blas_thread(), _blas.one_blas_thread()
    a.__enter__()
    b.__enter__()
    a.__exit__(None, None, None)
    assert state["threads"] == 1  # B still works with one thread
    b.__exit__(None, None, None)
    assert state["threads"] == 8
    with _blas.one_blas_thread(), _blas.one_blas_thread():  # nested in one thread
        assert state["threads"] == 1
    assert state["threads"] == 8


def test_inference_and_the_objective_share_one_blas_helper():
    from oneneuron.inference import _design
    from oneneuron.objective import _parallel

    big = np.zeros((200_000, 1))
    assert type(_design.single_blas(big)) is type(_parallel.one_blas_thread())


# ---------------------------------------------------------------------------- partial_fit
def test_partial_fit_refuses_balanced_class_weights(small):
    X, y = small
    with pytest.raises(ValueError, match="class_weight='balanced' needs the class counts"):
        LogisticRegression(class_weight="balanced").partial_fit(X, y, classes=[0, 1])
    model = LogisticRegression().partial_fit(X, y, classes=[0, 1])
    model.set_params(class_weight="balanced")
    with pytest.raises(ValueError, match="compute_class_weight"):
        model.partial_fit(X, y)


def test_partial_fit_keeps_the_first_chunks_statistics(small):
    """Documented: the first call's x_mean_ and x_scale_ stay (they fix the coordinates
    of the SGD state and of the penalty)."""
    X, y = small
    model = LogisticRegression(standardize=True, random_state=0)
    model.partial_fit(X[:100], y[:100], classes=[0, 1])
    mean, scale = model.x_mean_.copy(), model.x_scale_.copy()
    np.testing.assert_allclose(mean, X[:100].mean(axis=0))
    model.partial_fit(X[100:] * 3 + 1, y[100:])
    np.testing.assert_array_equal(model.x_mean_, mean)
    np.testing.assert_array_equal(model.x_scale_, scale)
    assert "first call's column statistics" in LogisticRegression.partial_fit.__doc__


# ------------------------------------------------------------------------------ notebooks
def test_multi_panel_figures_are_not_pyplot_figures(small, tmp_path):
    """A notebook shows a returned figure, and pyplot's figures again at the end of the
    cell: a figure that pyplot does not manage is shown once."""
    X, y = small
    model = LogisticRegression().fit(X, y)
    plt.close("all")
    fig = plot_training_curves(model)
    grid = plot_examples(np.zeros((4, 8, 8)), np.zeros(4), n=4)
    assert plt.get_fignums() == []
    fig.savefig(tmp_path / "curves.png")
    grid.savefig(tmp_path / "grid.png")
    assert (tmp_path / "curves.png").stat().st_size > 1000
