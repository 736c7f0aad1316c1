"""The compiled kernel against the NumPy path, and the NaN/inf check that rides on it."""

from __future__ import annotations

import numpy as np
import pytest

from oneneuron import LogisticRegression, _jit, _kernels
from oneneuron.objective import Objective

needs_numba = pytest.mark.skipif(not _kernels.available(), reason="Numba is not installed")


def _data(n, d, dtype=np.float64, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    X = (rng.standard_normal((n, d)) * scale).astype(dtype)
    y = rng.random(n) < 0.4
    return X, y, rng


@needs_numba
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(("n", "block_rows"), [(1, None), (7, None), (301, 64), (1000, 333)])
def test_kernel_matches_numpy_path(dtype, weighted, n, block_rows):
    """Same J, gradient, accuracy and (subsampled) Hessian, within rounding.

    Row counts that are not multiples of the kernel's 4-row unrolling or its tile.
    """
    X, y, rng = _data(n, 9, dtype)
    sw = rng.uniform(0.0, 3.0, n) if weighted else None
    theta = rng.standard_normal(10)
    kw = dict(alpha=0.1, block_rows=block_rows, threshold=0.3)
    fast = Objective(X, y, sw, accelerate=True, **kw)
    slow = Objective(X, y, sw, accelerate=False, **kw)
    assert fast._kernel is not None and slow._kernel is None
    rtol = 1e-12 if dtype == np.float64 else 2e-6
    for fraction in (1.0, 0.5):
        a = fast.evaluate(theta, hessian=True, hessian_fraction=fraction)
        b = slow.evaluate(theta, hessian=True, hessian_fraction=fraction)
        assert a.loss == pytest.approx(b.loss, rel=rtol)
        np.testing.assert_allclose(a.grad, b.grad, rtol=rtol, atol=rtol * np.abs(b.grad).max())
        np.testing.assert_allclose(a.hess, b.hess, rtol=rtol, atol=rtol * np.abs(b.hess).max())
        assert abs(a.n_correct - b.n_correct) <= (0 if dtype == np.float64 else 1)


@needs_numba
@pytest.mark.parametrize("layout", ["dense", "csr"])
def test_kernel_exp_is_libm_exp(layout):
    """The kernels' own exp(-|t|) (range reduction and a polynomial, so that it
    vectorises) equals libm's to within 2 ulps for every t: the normal range, the rows
    whose 2^k would be subnormal (|t| > 708, the scalar path), underflow, inf and NaN."""
    import scipy.sparse as sp

    t = np.concatenate(
        [
            np.linspace(-750.0, 750.0, 30001),
            [0.0, -0.0, 1e-300, 5e-324, 707.9, 708.0, 708.1, 744.0, 745.2, 746.0, 1e308],
            [np.inf, -np.inf, np.nan],
        ]
    )
    n = t.size
    X = t.reshape(-1, 1)
    sign = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    e = np.empty(n)
    args = (sign, np.empty(0), np.ones(1), 0.0, 0.0, 0.0, np.empty(1), e)
    if layout == "dense":
        _kernels.block_pass(X, *args, np.empty(0), np.empty(0))
    else:
        A = sp.csr_matrix(X)
        A.eliminate_zeros()
        _kernels.csr_pass(A.data, A.indices, A.indptr, *args, np.empty(0))
    with np.errstate(invalid="ignore"):
        expected = np.exp(-np.abs(t))
    finite = np.isfinite(t)
    np.testing.assert_array_equal(np.isnan(e), np.isnan(t))
    np.testing.assert_allclose(e[finite], expected[finite], rtol=2 * np.finfo(float).eps, atol=0)
    assert np.all(e[np.isinf(t)] == 0.0)


@needs_numba
def test_kernel_extreme_logits_are_exact():
    """|z| in the hundreds: e = exp(-|t|) underflows, loss and gradient stay exact."""
    X = np.array([[800.0], [-800.0], [40.0], [-40.0], [0.0]])
    y = np.array([0, 0, 1, 1, 1])
    theta = np.array([1.0, 0.0])
    a = Objective(X, y, accelerate=True).evaluate(theta)
    b = Objective(X, y, accelerate=False).evaluate(theta)
    # losses: 800, 0, exp(-40) (log1p), 40, log 2
    expected = (800.0 + np.log1p(np.exp(-40.0)) + 40.0 + np.log(2.0)) / 5
    assert a.loss == pytest.approx(expected, rel=1e-15)
    np.testing.assert_allclose(a.grad, b.grad, rtol=1e-15)
    assert a.n_correct == b.n_correct == 3  # z >= 0 is class 1: rows 1, 3 (z=40), 5 (z=0)


@pytest.mark.parametrize("accelerate", [False, *([True] if _kernels.available() else [])])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("theta0", ["zeros", "random"])
def test_nan_or_inf_in_X_is_named(accelerate, bad, theta0):
    X, y, rng = _data(200, 5)
    X[123, 3] = bad
    sw = np.ones(200)
    sw[123] = 0.0  # even a row that weighs nothing is checked
    theta = np.zeros(6) if theta0 == "zeros" else rng.standard_normal(6)
    word = "NaN" if np.isnan(bad) else "inf"
    with pytest.raises(ValueError, match=rf"{word} in column 3 \(first at row 123\)"):
        # the NumPy path checks here; the kernel's check rides on the first evaluation
        Objective(X, y, sw, accelerate=accelerate, check_finite=True).evaluate(theta)


@needs_numba
def test_deferred_check_runs_before_batches():
    """A batch (sgd) before any full pass still gets the full check."""
    X, y, _ = _data(50, 3)
    X[10, 1] = np.nan
    obj = Objective(X, y, accelerate=True, check_finite=True)
    with pytest.raises(ValueError, match="NaN in column 1"):
        obj.batch_evaluate(np.zeros(4), np.arange(5))  # rows 0-4 are finite


@needs_numba
def test_overflow_from_finite_X_is_not_reported_as_nan():
    X, y, _ = _data(50, 3)
    X[:, 0] = np.where(X[:, 0] > 0, 1e308, -1e308)  # finite, but 10 x overflows
    obj = Objective(X, y, accelerate=True, check_finite=True)
    ev = obj.evaluate(np.array([10.0, 0.0, 0.0, 0.0]))
    assert not np.isfinite(ev.loss)
    assert np.isfinite(obj.evaluate(np.zeros(4)).loss)


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "gd", "sgd"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_fit_names_the_bad_column(solver, bad):
    X, y, _ = _data(120, 4)
    X[77, 2] = bad
    word = "NaN" if np.isnan(bad) else "inf"
    with pytest.raises(ValueError, match=rf"X contains {word} in column 2 \(first at row 77\)"):
        LogisticRegression(solver=solver, random_state=0).fit(X, y)


@needs_numba
@pytest.mark.parametrize("solver", ["newton", "lbfgs", "gd"])
def test_fit_is_the_same_with_and_without_the_kernel(solver, monkeypatch):
    X, y, _ = _data(500, 6, seed=3)
    y = (X[:, 0] + 0.5 * X[:, 1] + np.random.default_rng(4).logistic(size=500)) > 0
    coefs = []
    for choice in ("numba", "numpy"):
        monkeypatch.setenv("ONENEURON_ACCELERATOR", choice)
        m = LogisticRegression(solver=solver, max_iter=200, learning_rate=0.5).fit(X, y)
        coefs.append(np.append(m.coef_[0], m.intercept_))
    np.testing.assert_allclose(coefs[0], coefs[1], rtol=1e-9, atol=1e-12)


def test_accelerator_switch(monkeypatch):
    monkeypatch.setenv("ONENEURON_ACCELERATOR", "numpy")
    assert not _kernels.wanted()
    assert Objective(np.eye(3), np.array([0, 1, 1]))._kernel is None
    monkeypatch.setenv("ONENEURON_ACCELERATOR", "gpu")
    with pytest.raises(ValueError, match="ONENEURON_ACCELERATOR='gpu'"):
        _kernels.wanted()
    monkeypatch.setenv("ONENEURON_ACCELERATOR", "numba")
    monkeypatch.setattr(_jit, "numba", None)  # where the kernels ask whether Numba is there
    with pytest.raises(ImportError, match="Numba is not installed"):
        _kernels.wanted()
    with pytest.raises(ImportError, match="accelerate=True needs Numba"):
        Objective(np.eye(3), np.array([0, 1, 1]), accelerate=True)


@needs_numba
def test_kernel_for_c_ordered_or_csr_rows():
    """Standardisation is a change of parameters, so it keeps the kernel; only
    F-ordered rows and float32 rows centred in a block copy go through NumPy."""
    X, y, _ = _data(30, 3)
    assert Objective(X, y, accelerate=True)._kernel is not None
    assert Objective(np.asfortranarray(X), y, accelerate=True)._kernel is None
    assert Objective(X, y, offset=X.mean(0), scale=X.std(0), accelerate=True)._kernel is not None
    X32 = X.astype(np.float32)
    assert Objective(X32, y, offset=X.mean(0), scale=X.std(0), accelerate=True)._kernel is None
    assert Objective(X32, y, scale=X.std(0), accelerate=True)._kernel is not None


def test_curvature_is_the_quadratic_form(cancer):
    X, y = cancer
    rng = np.random.default_rng(0)
    sw = rng.uniform(0.5, 2.0, len(y))
    obj = Objective(X, y, sw, alpha=0.01)
    theta, v = rng.standard_normal(31) * 0.1, rng.standard_normal(31)
    H = obj.evaluate(theta, hessian=True).hess
    assert obj.curvature(theta, v) == pytest.approx(v @ H @ v, rel=1e-12)
    # a strided subsample of the rows estimates it
    assert obj.curvature(theta, v, max_rows=200) == pytest.approx(v @ H @ v, rel=0.3)


@needs_numba
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("standardised", [False, True])
@pytest.mark.parametrize(("n", "block_rows"), [(7, None), (301, 64)])
def test_kernel_hessian_diagonal(dtype, weighted, standardised, n, block_rows):
    """The diagonal summed in the kernel's read equals the NumPy path's and the diagonal
    of the full Hessian; the loss and gradient of that pass are unchanged."""
    X, y, rng = _data(n, 9, dtype, scale=3.0)
    X += np.arange(9, dtype=dtype)  # columns with means, for the change of parameters
    sw = rng.uniform(0.0, 3.0, n) if weighted else None
    kw = dict(alpha=0.1, block_rows=block_rows)
    if standardised:
        kw.update(offset=X.mean(0, dtype=np.float64), scale=X.std(0, dtype=np.float64))
    fast = Objective(X, y, sw, accelerate=True, **kw)
    slow = Objective(X, y, sw, accelerate=False, **kw)
    theta = rng.standard_normal(10) * 0.3
    a = fast.evaluate(theta, diagonal=True)
    b = slow.evaluate(theta, diagonal=True)
    rtol = 1e-11 if dtype == np.float64 else 1e-5
    np.testing.assert_allclose(a.hess_diag, b.hess_diag, rtol=rtol)
    full = slow.evaluate(theta, hessian=True).hess
    exact = 1e-8 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(a.hess_diag, np.diag(full), rtol=exact)
    plain = fast.evaluate(theta)
    assert a.loss == plain.loss
    np.testing.assert_array_equal(a.grad, plain.grad)
