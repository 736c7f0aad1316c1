"""The compiled K-output kernel (``_kernels_softmax``) against the NumPy path, its oracle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import oneneuron
from oneneuron import LogisticRegression, _kernels_softmax
from oneneuron.objective import Objective

needs_numba = pytest.mark.skipif(not _kernels_softmax.available(), reason="Numba is not installed")


def _data(n, d, K, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)).astype(dtype)
    W = rng.standard_normal((K, d))
    y = np.argmax(X @ W.T + rng.gumbel(size=(n, K)), axis=1)
    return X, y, rng


@pytest.fixture
def spy(monkeypatch):
    """Counts the kernel's calls (so a test cannot pass by taking NumPy twice)."""
    calls = []
    real = _kernels_softmax.softmax_rows

    def counted(*args):
        calls.append(args[0].shape)
        return real(*args)

    monkeypatch.setattr(_kernels_softmax, "softmax_rows", counted)
    return calls


def _both(monkeypatch, spy, make, theta, **kw):
    """One evaluation with the kernel, one without, of the objective ``make()``."""
    out = {}
    for choice in ("numba", "numpy"):
        monkeypatch.setenv("ONENEURON_ACCELERATOR", choice)
        before = len(spy)
        out[choice] = make().evaluate(theta, **kw)
        assert (len(spy) > before) == (choice == "numba")
    return out["numba"], out["numpy"]


def _close(a, b, rtol, exact_count=True):
    assert a.loss == pytest.approx(b.loss, rel=rtol)
    np.testing.assert_allclose(a.grad, b.grad, rtol=rtol, atol=rtol * np.abs(b.grad).max())
    if exact_count:
        assert a.n_correct == b.n_correct
    else:  # float32: a logit within rounding of its row's maximum may flip the argmax
        assert abs(a.n_correct - b.n_correct) <= 2


@needs_numba
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize(("n", "block_rows"), [(1, None), (7, None), (301, 64), (1000, 333)])
def test_kernel_matches_numpy_path(monkeypatch, spy, dtype, weighted, sparse, n, block_rows):
    """J, gradient, accuracy and the Hessian's diagonal within rounding of the NumPy
    path: dense or CSR rows, weights, float32, blocks of odd sizes."""
    K, d = 4, 6
    X, y, rng = _data(n, d, K, dtype)
    if sparse:
        X[rng.random(X.shape) < 0.6] = 0
        X = sp.csr_matrix(X)
    sw = rng.uniform(0.0, 3.0, n) if weighted else None
    theta = rng.standard_normal(K * d + K)

    def make():
        return Objective(X, y, sw, alpha=0.1, block_rows=block_rows, n_classes=K)

    rtol = 1e-12 if dtype == np.float64 else 2e-5
    a, b = _both(monkeypatch, spy, make, theta, diagonal=True)
    _close(a, b, rtol, exact_count=dtype == np.float64)
    np.testing.assert_allclose(a.hess_diag, b.hess_diag, rtol=rtol * 10)
    a, b = _both(monkeypatch, spy, make, theta)
    _close(a, b, rtol, exact_count=dtype == np.float64)


@needs_numba
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_kernel_with_standardised_rows_or_no_intercept(monkeypatch, spy, fit_intercept):
    """float32 rows centred in a block copy, and a model without intercepts (b = 0)."""
    X, y, rng = _data(200, 5, 3, np.float32, seed=1)
    X += 50.0
    X64 = X.astype(np.float64)
    theta = rng.standard_normal(3 * 5 + (3 if fit_intercept else 0))

    def make():
        return Objective(
            X, y, alpha=0.01, offset=X64.mean(0), scale=X64.std(0),
            fit_intercept=fit_intercept, n_classes=3,
        )  # fmt: skip

    a, b = _both(monkeypatch, spy, make, theta)
    _close(a, b, 2e-5, exact_count=False)


@needs_numba
def test_kernel_ties_and_extreme_logits(monkeypatch, spy):
    """Tied logits predict the first class (np.argmax's choice); logits in the
    thousands neither overflow nor lose the loss (log-sum-exp)."""
    X = np.array([[0.0], [0.0], [0.0], [1000.0], [-1000.0], [3.0]])
    y = np.array([0, 1, 2, 1, 0, 0])
    tied = np.zeros(6)  # W = 0, b = 0: every logit ties
    a, b = _both(monkeypatch, spy, lambda: Objective(X, y, n_classes=3), tied)
    assert a.n_correct == b.n_correct == 3  # the rows of class 0 (the first maximum)
    assert a.loss == pytest.approx(np.log(3.0), rel=1e-15)
    theta = np.array([1.0, 0.0, -1.0, 0.0, 0.0, 0.0])  # z = (x, 0, -x)
    a, b = _both(monkeypatch, spy, lambda: Objective(X, y, n_classes=3), theta)
    x = X[:, 0]
    Z = np.stack([x, 0 * x, -x], axis=1)
    top = Z.max(axis=1)
    exact = top + np.log(np.exp(Z - top[:, None]).sum(axis=1)) - Z[np.arange(6), y]
    assert a.loss == pytest.approx(exact.mean(), rel=1e-14)
    assert np.isfinite(a.grad).all()
    _close(a, b, 1e-14)


@needs_numba
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["lbfgs", "gd", "sgd"])
def test_fit_is_the_same_with_and_without_the_kernel(monkeypatch, spy, solver):
    """(Newton's passes form the Hessian: they take the NumPy path either way.)"""
    X, y, _ = _data(400, 5, 4, seed=3)
    coefs = []
    for choice in ("numba", "numpy"):
        monkeypatch.setenv("ONENEURON_ACCELERATOR", choice)
        m = LogisticRegression(
            solver=solver, alpha=1e-3, max_iter=100, learning_rate=0.5, random_state=0
        )
        m.fit(X, y)
        coefs.append(np.append(m.coef_, m.intercept_))
    assert spy  # the kernel ran in the first fit
    np.testing.assert_allclose(coefs[0], coefs[1], rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize(
    "accelerator", ["numpy", *(["numba"] if _kernels_softmax.available() else [])]
)
def test_small_blocks_in_one_thread_chunks_give_the_same_sums(monkeypatch, accelerator):
    """A small dense block is fed to BLAS in row chunks (one BLAS thread each): the same
    J, gradient, accuracy and diagonal as in one piece."""
    from oneneuron.objective import _softmax_blocks

    monkeypatch.setenv("ONENEURON_ACCELERATOR", accelerator)
    X, y, rng = _data(3000, 30, 10, seed=7)
    sw = rng.uniform(0.5, 2.0, 3000)
    theta = rng.standard_normal(10 * 31) * 0.3
    assert _softmax_blocks._one_thread_rows(X, np.zeros((10, 30))) == 873  # 4 chunks
    chunks = []
    real = _softmax_blocks._block_logits
    monkeypatch.setattr(
        _softmax_blocks,
        "_block_logits",
        lambda ws, X, *a, **k: chunks.append(len(X)) or real(ws, X, *a, **k),
    )
    a = Objective(X, y, sw, alpha=0.1, n_classes=10).evaluate(theta, diagonal=True)
    assert chunks == [873, 873, 873, 381]
    monkeypatch.setattr(_softmax_blocks, "ONE_THREAD_GEMM", 10**12)
    b = Objective(X, y, sw, alpha=0.1, n_classes=10).evaluate(theta, diagonal=True)
    assert chunks[4:] == [3000]
    _close(a, b, 1e-12)
    np.testing.assert_allclose(a.hess_diag, b.hess_diag, rtol=1e-12)


def test_accelerator_switch_turns_the_kernel_off(monkeypatch):
    """``ONENEURON_ACCELERATOR=numpy`` never calls the kernel, Numba or not."""
    calls = []
    monkeypatch.setattr(_kernels_softmax, "softmax_rows", lambda *a: calls.append(a))
    monkeypatch.setenv("ONENEURON_ACCELERATOR", "numpy")
    X, y, _ = _data(50, 3, 3)
    ev = Objective(X, y, n_classes=3).evaluate(np.zeros(12))
    assert not calls
    assert ev.loss == pytest.approx(np.log(3.0))


@needs_numba
def test_objective_accelerate_decides_for_k_outputs_too(monkeypatch, spy):
    """``Objective(accelerate=...)`` turns the K-output kernel on or off as it does the
    two-class kernels, over ONENEURON_ACCELERATOR's default."""
    monkeypatch.setenv("ONENEURON_ACCELERATOR", "auto")
    X, y, _ = _data(200, 4, 3)
    theta = np.random.default_rng(1).standard_normal(15) * 0.3
    off = Objective(X, y, n_classes=3, accelerate=False).evaluate(theta)
    assert spy == []
    on = Objective(X, y, n_classes=3, accelerate=True).evaluate(theta)
    assert spy
    _close(on, off, 1e-12)


@needs_numba
@pytest.mark.slow
def test_kernel_compiles_in_memory_on_a_read_only_installation(tmp_path):
    """As the two-class kernels (tests/test_programs.py): a copy of the package where
    Numba can write no cache still fits K classes with the kernel, compiled in memory."""
    package = tmp_path / "site" / "oneneuron"
    shutil.copytree(
        Path(oneneuron.__file__).parent,
        package,
        ignore=lambda _, names: [
            n for n in names if n == "__pycache__" or n.endswith((".nbi", ".nbc"))
        ],
    )
    for folder in [package, *(p for p in package.rglob("*") if p.is_dir())]:
        (folder / "__pycache__").write_text("not a directory\n")
    code = (
        "import numpy as np\n"
        "from oneneuron import LogisticRegression, _kernels_softmax as k\n"
        "X = np.random.default_rng(0).standard_normal((60, 3)); y = np.arange(60) % 3\n"
        "LogisticRegression(alpha=1.0, solver='lbfgs').fit(X, y)\n"
        "for f in (k.shift_rows, k.finish_rows):\n"
        "    assert f._compiled._cache.__class__.__name__ == 'NullCache'\n"
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
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
