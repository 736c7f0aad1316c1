"""The compiled helpers of small fits (line search sums, standardised Hessian rows, column
maxima) against the NumPy path they replace, and against definitions."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from oneneuron import LogisticRegression, _kernels, _kernels_small
from oneneuron.loss import loss_terms_into
from oneneuron.objective import Objective
from oneneuron.objective._line import line_minimum

needs_numba = pytest.mark.skipif(not _kernels.available(), reason="Numba is not installed")


def _numpy_line_sums(sign, z, u, su, suu, t):
    n = sign.shape[0]
    value, dl, d2l, t_, e_ = np.empty((5, n))
    loss_terms_into(sign, u * t + z, value, dl, d2l, (t_, e_, np.empty(n, dtype=bool)))
    return float(dl @ su), float(d2l @ suu)


@needs_numba
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("t", [0.0, 0.37, 1.0, 3.5])
def test_line_sums_match_loss_terms(weighted, t):
    """Slope and curvature sums equal NumPy's :func:`loss_terms_into`, including logits
    far in both tails (exp(-|t|) underflows) and exactly zero."""
    rng = np.random.default_rng(1)
    n = 257
    sign = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    z = rng.standard_normal(n) * 3
    z[:6] = [800.0, -800.0, 40.0, -40.0, 0.0, 1e-300]
    u = rng.standard_normal(n)
    u[:6] = 0.0
    s = rng.uniform(0.1, 3.0, n) if weighted else np.ones(n)
    su, suu = s * u, s * u * u
    got = _kernels_small.line_sums(sign, z, u, su, suu, t)
    want = _numpy_line_sums(sign, z, u, su, suu, t)
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-300)


@needs_numba
def test_line_sums_against_finite_differences():
    """The sums are the first and second derivatives of ``sum s loss(z + t u)`` in t."""
    rng = np.random.default_rng(2)
    n = 50
    sign = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    z, u = rng.standard_normal(n), rng.standard_normal(n)
    s = rng.uniform(0.5, 2.0, n)

    def f(t):
        return float(s @ np.logaddexp(0.0, sign * (z + t * u)))

    t, h = 0.3, 1e-5
    slope, curv = _kernels_small.line_sums(sign, z, u, s * u, s * u * u, t)
    assert slope == pytest.approx((f(t + h) - f(t - h)) / (2 * h), rel=1e-7)
    assert curv == pytest.approx((f(t + h) - 2 * f(t) + f(t - h)) / h**2, rel=1e-4)


@needs_numba
@pytest.mark.parametrize("offset", [False, True])
@pytest.mark.parametrize("scale", [False, True])
def test_scaled_rows_equal_numpy_ops(offset, scale):
    """``sqrt(h) (x - m) (1 / s)`` with the intercept column, bit for bit in float64."""
    rng = np.random.default_rng(3)
    r, d = 37, 6
    X = rng.standard_normal((r, d)) * 5 + 2
    m = X.mean(0) if offset else None
    sc = X.std(0) if scale else None
    sh = np.sqrt(rng.random(r))
    S = np.full((r, d + 1), np.nan)
    none = np.empty(0)
    inv = None if sc is None else 1.0 / sc
    _kernels_small.scaled_rows(X, none if m is None else m, none if inv is None else inv, sh, S)
    want = X.copy()
    if m is not None:
        want = want - m
    if inv is not None:
        want = want * inv
    want = want * sh[:, None]
    np.testing.assert_array_equal(S[:, :d], want)
    np.testing.assert_array_equal(S[:, d], sh)


@needs_numba
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("weighted", [False, True])
def test_standardised_hessian_and_line_minimum_match_numpy_path(dtype, weighted):
    """An objective with a change of parameters: the same Hessian and line minimum with
    the compiled helpers as on the NumPy path."""
    rng = np.random.default_rng(4)
    n, d = 203, 7
    X = rng.standard_normal((n, d)) * rng.uniform(0.1, 30, d) + rng.uniform(-5, 5, d)
    X = X.astype(dtype)
    y = rng.random(n) < 0.3
    sw = rng.uniform(0.2, 2.0, n) if weighted else None
    kw = dict(alpha=0.05, offset=X.mean(0, dtype=np.float64), scale=X.std(0, dtype=np.float64))
    fast = Objective(X, y, sw, accelerate=True, **kw)
    slow = Objective(X, y, sw, accelerate=False, **kw)
    theta = rng.standard_normal(d + 1)
    p = -slow.evaluate(theta).grad * 10  # a descent direction, its minimum near t = 1
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    a = fast.evaluate(theta, hessian=True)
    b = slow.evaluate(theta, hessian=True)
    np.testing.assert_allclose(a.hess, b.hess, rtol=rtol, atol=rtol * np.abs(b.hess).max())
    ta, tb = line_minimum(fast, theta, p), line_minimum(slow, theta, p)
    assert ta == pytest.approx(tb, rel=1e-9 if dtype == np.float64 else 1e-4)
    # and the step is J's minimum along p (to the 1% the search stops at)
    best = minimize_scalar(lambda t: slow.loss(theta + t * p), bounds=(0, 50), method="bounded")
    assert ta == pytest.approx(best.x, rel=2e-2)


@needs_numba
def test_small_fit_same_with_and_without_numba(monkeypatch):
    """A standardised Newton fit on a small set: same coefficients either way."""
    rng = np.random.default_rng(5)
    X = rng.standard_normal((300, 5)) * [1, 10, 100, 0.1, 3] + 4
    y = (X[:, 0] + 0.02 * X[:, 1] + rng.standard_normal(300)) > 4
    monkeypatch.setenv("ONENEURON_ACCELERATOR", "numba")
    a = LogisticRegression(solver="newton", alpha=1e-3).fit(X, y)
    monkeypatch.setenv("ONENEURON_ACCELERATOR", "numpy")
    b = LogisticRegression(solver="newton", alpha=1e-3).fit(X, y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-9)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-9)


def _absmax_cases():
    rng = np.random.default_rng(7)
    X = rng.standard_normal((301, 9)) * np.logspace(-3, 3, 9)
    X[4, 2], X[8, 5], X[9, 5], X[10, 6] = np.nan, np.inf, 1.0, -np.inf
    X[:, 7] = -0.0  # a column of negative zeros
    X[11, 8] = np.nan  # NaN before a larger value: still NaN
    X[12, 8] = 1e300
    return X


@needs_numba
@pytest.mark.parametrize("layout", ["C", "F", "strided"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_column_absmax_matches_numpy(layout, dtype):
    """Every column's largest |x| equals NumPy's ``max(max x, -min x)``, NaN and inf
    kept, for C, Fortran and row-strided layouts, float32 read into float64 maxima."""
    with np.errstate(over="ignore"):  # 1e300 is inf in float32
        X = _absmax_cases().astype(dtype)
    X = {"C": X, "F": np.asfortranarray(X), "strided": X[::3]}[layout]
    start = np.full(X.shape[1], 0.5)  # maxima are taken with what out holds
    got = start.copy()
    _kernels_small.column_absmax(X, got)
    with np.errstate(invalid="ignore"):
        want = np.maximum(start, np.maximum(X.max(axis=0), -X.min(axis=0)))
    np.testing.assert_array_equal(got, want)


@needs_numba
def test_csr_column_absmax_matches_numpy():
    """The CSR variant equals ``np.maximum.at`` over the stored values, duplicates,
    explicit zeros, NaN and inf included."""
    import scipy.sparse as sp

    X = sp.random(200, 30, density=0.1, format="csr", random_state=3) * 5 - 2.0 * sp.eye(200, 30)
    X = sp.csr_matrix(X)
    X.data[[0, 5, 9]] = [np.nan, np.inf, -np.inf]
    values, columns = np.array([3.0, -7.0, 0.0]), np.array([4, 4, 6])
    dup = sp.csr_matrix((values, columns, np.array([0, 3])), (1, 30))
    X = sp.vstack([X, dup], format="csr")  # column 4 stored twice in the last row
    got = np.zeros(30)
    _kernels_small.csr_column_absmax(X.data, X.indices, got)
    want = np.zeros(30)
    with np.errstate(invalid="ignore"):
        np.maximum.at(want, X.indices, np.abs(X.data))
    np.testing.assert_array_equal(got, want)
    assert got[4] >= 7.0


@pytest.mark.parametrize("accelerator", ["numba", "numpy"])
def test_sample_absmax_same_either_way(monkeypatch, accelerator):
    """``_scaling.sample_absmax`` of dense and CSR sources: the exact column maxima of a
    small source (every row is the sample), compiled or not."""
    import scipy.sparse as sp

    from oneneuron import _scaling
    from oneneuron.data import make_source

    if accelerator == "numba" and not _kernels.available():
        pytest.skip("Numba is not installed")
    monkeypatch.setenv("ONENEURON_ACCELERATOR", accelerator)
    X = _absmax_cases()
    X = X[np.isfinite(X).all(axis=1)]
    y = np.arange(X.shape[0]) % 2
    want = np.abs(X).max(axis=0)
    for data in (X, np.asfortranarray(X), sp.csr_matrix(X)):
        got = _scaling.sample_absmax(make_source(data, y, None))
        np.testing.assert_array_equal(got, want)
