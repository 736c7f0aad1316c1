"""The objective: its value against the formula, its derivatives against finite differences."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from oneneuron import _kernels
from oneneuron.objective import Objective

OPTIONS = list(itertools.product([True, False], [0.0, 0.3], [False, True], [False, True]))
#: The compiled kernel (when Numba is installed) and the NumPy path.
ACCELERATE = [False, *([True] if _kernels.available() else [])]


def make(fit_intercept, alpha, weighted, standardised, block_rows=None, seed=0, accelerate=None):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, 4)) * [1.0, 3.0, 0.2, 5.0] + [0.0, 2.0, -1.0, 10.0]
    y = (rng.uniform(size=60) < 0.4).astype(float)
    sw = rng.uniform(0.2, 2.0, size=60) if weighted else None
    kw = {}
    if standardised:
        kw = dict(offset=X.mean(axis=0), scale=X.std(axis=0))
    obj = Objective(
        X,
        y,
        sw,
        alpha=alpha,
        fit_intercept=fit_intercept,
        block_rows=block_rows,
        accelerate=accelerate,
        **kw,
    )
    theta = rng.normal(scale=0.5, size=obj.n_params)
    return obj, theta, X, y, sw, kw


def reference_loss(theta, X, y, sw, alpha, fit_intercept, kw):
    """The docstring's formula, written the obvious way."""
    Xt = (X - kw["offset"]) / kw["scale"] if kw else X
    w = theta[:-1] if fit_intercept else theta
    b = theta[-1] if fit_intercept else 0.0
    z = Xt @ w + b
    per = np.logaddexp(0, z) - y * z
    s = np.ones_like(y) if sw is None else sw
    return (s @ per) / s.sum() + 0.5 * alpha * w @ w


@pytest.mark.parametrize("accelerate", ACCELERATE)
@pytest.mark.parametrize(("fit_intercept", "alpha", "weighted", "standardised"), OPTIONS)
def test_value_gradient_hessian(fit_intercept, alpha, weighted, standardised, accelerate):
    obj, theta, X, y, sw, kw = make(
        fit_intercept, alpha, weighted, standardised, block_rows=7, accelerate=accelerate
    )
    ev = obj.evaluate(theta, hessian=True)

    def f(t):
        return reference_loss(t, X, y, sw, alpha, fit_intercept, kw)

    assert ev.loss == pytest.approx(f(theta), rel=1e-13)
    np.testing.assert_allclose(ev.grad, approx_fprime(theta, f, 1e-7), rtol=1e-5, atol=1e-7)
    fd_hess = np.array(
        [approx_fprime(theta, lambda t, i=i: obj.gradient(t)[i], 1e-7) for i in range(obj.n_params)]
    )
    np.testing.assert_allclose(ev.hess, fd_hess, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ev.hess, ev.hess.T)
    assert np.all(np.linalg.eigvalsh(ev.hess) > -1e-12)
    v = np.random.default_rng(1).normal(size=obj.n_params)
    np.testing.assert_allclose(obj.hessian_product(theta)(v), ev.hess @ v, rtol=1e-12)


@pytest.mark.parametrize("accelerate", ACCELERATE)
@pytest.mark.parametrize("layout", ["dense", "csr", "float32", "csr-float32"])
@pytest.mark.parametrize(("fit_intercept", "alpha", "weighted", "standardised"), OPTIONS)
def test_given_logits_give_the_same_evaluation(
    fit_intercept, alpha, weighted, standardised, layout, accelerate
):
    """A solver that tracks the rows' logits hands them in (each block takes its own
    rows): J, gradient, accuracy and Hessian equal a plain evaluation's, over blocks."""
    import scipy.sparse as sp

    from oneneuron.objective._directions import row_logits

    _, theta, X, y, sw, kw = make(fit_intercept, alpha, weighted, standardised)
    dtype = np.float32 if layout.endswith("float32") else np.float64
    Xl = sp.csr_matrix(X.astype(dtype)) if layout.startswith("csr") else X.astype(dtype)
    obj = Objective(Xl, y, sw, alpha=alpha, fit_intercept=fit_intercept, block_rows=7,
                    accelerate=accelerate, **kw)  # fmt: skip
    z = row_logits(obj, theta)[0]
    a, b = obj.evaluate(theta, hessian=True), obj.evaluate(theta, hessian=True, logits=z)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    assert b.loss == pytest.approx(a.loss, rel=rtol)
    np.testing.assert_allclose(b.grad, a.grad, rtol=rtol, atol=rtol * 1e-2)
    np.testing.assert_allclose(b.hess, a.hess, rtol=rtol, atol=rtol * 1e-2)
    assert b.n_correct == a.n_correct
    # the logits are used, not recomputed: shifted ones give the loss of the shift
    shifted = obj.evaluate(theta, logits=z + 0.25)
    wb = np.append(theta[: obj.n_weights], (theta[-1] if fit_intercept else 0.0) + 0.25)
    ref = Objective(X, y, sw, alpha=alpha, fit_intercept=True, **kw).loss(wb)
    assert shifted.loss == pytest.approx(ref, rel=rtol)


def test_given_logits_are_checked():
    obj, theta, *_ = make(True, 0.0, False, False)
    with pytest.raises(ValueError, match=r"logits must have shape \(60,\); got \(59,\)"):
        obj.evaluate(theta, logits=np.zeros(59))


def test_blocks_do_not_change_the_result():
    a, theta, *_ = make(True, 0.1, True, True, block_rows=1)
    b, _, *_ = make(True, 0.1, True, True, block_rows=1000)
    ea, eb = a.evaluate(theta, hessian=True), b.evaluate(theta, hessian=True)
    assert ea.loss == pytest.approx(eb.loss, rel=1e-14)
    np.testing.assert_allclose(ea.grad, eb.grad, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ea.hess, eb.hess, rtol=1e-12, atol=1e-15)
    assert ea.n_correct == eb.n_correct


def test_accuracy_comes_with_the_pass():
    obj, theta, X, y, *_ = make(True, 0.0, False, False)
    z = X @ theta[:-1] + theta[-1]
    assert obj.evaluate(theta).n_correct == np.sum((z >= 0) == (y == 1))
    t = Objective(X, y, threshold=0.8)
    assert t.evaluate(theta).n_correct == np.sum((z >= np.log(4.0)) == (y == 1))


def test_mini_batches_are_unbiased():
    obj, theta, *_ = make(True, 0.2, True, False)
    full = obj.evaluate(theta).grad
    parts = np.array_split(np.arange(obj.n_samples), 6)
    mean = np.mean([obj.batch_evaluate(theta, rows).grad for rows in parts], axis=0)
    # equal-size batches: the average of the batch estimates is the full gradient up to
    # the unequal split sizes, so compare with the exact size-weighted average as well
    sized = sum(len(r) * obj.batch_evaluate(theta, r).grad for r in parts) / obj.n_samples
    np.testing.assert_allclose(sized, full, rtol=1e-12)
    np.testing.assert_allclose(mean, full, rtol=0.05)


def test_float32_data_stay_float32_and_agree():
    obj64, theta, X, y, sw, _ = make(True, 0.1, True, False)
    obj32 = Objective(X.astype(np.float32), y, sw, alpha=0.1)
    e64, e32 = obj64.evaluate(theta), obj32.evaluate(theta)
    assert e32.grad.dtype == np.float64
    assert e32.loss == pytest.approx(e64.loss, rel=1e-6)
    np.testing.assert_allclose(e32.grad, e64.grad, rtol=1e-4, atol=1e-6)


def test_zero_weights_equal_dropping_rows():
    _obj, theta, X, y, sw, _ = make(True, 0.1, True, False)
    sw = sw.copy()
    sw[::3] = 0.0
    keep = sw > 0
    a = Objective(X, y, sw, alpha=0.1).evaluate(theta, hessian=True)
    b = Objective(X[keep], y[keep], sw[keep], alpha=0.1).evaluate(theta, hessian=True)
    assert a.loss == pytest.approx(b.loss, rel=1e-14)
    np.testing.assert_allclose(a.grad, b.grad, rtol=1e-12)
    np.testing.assert_allclose(a.hess, b.hess, rtol=1e-12)


@pytest.mark.parametrize("accelerate", ACCELERATE)
@pytest.mark.parametrize(("fit_intercept", "alpha", "weighted", "standardised"), OPTIONS)
def test_line_minimum_against_scipy(fit_intercept, alpha, weighted, standardised, accelerate):
    """The exact step along a direction, against SciPy's bounded scalar minimiser."""
    from scipy.optimize import minimize_scalar

    obj, theta, *_ = make(
        fit_intercept, alpha, weighted, standardised, block_rows=7, accelerate=accelerate
    )
    p = -obj.gradient(theta) * 3.0
    t = obj.line_minimum(theta, p)
    ref = minimize_scalar(lambda s: obj.loss(theta + s * p), bounds=(0, 50), method="bounded")
    # t is found to about 1% (the next Newton direction corrects the rest)
    assert t == pytest.approx(ref.x, rel=0.03)
    assert obj.loss(theta + t * p) <= ref.fun + 1e-5 * abs(ref.fun)


@pytest.mark.parametrize("centred, scaled", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_the_change_of_parameters_round_trips_and_pulls_back_with_its_transpose(
    fit_intercept, centred, scaled
):
    """theta -> (w_raw, b_raw) -> theta, and gradients pulled back by A^T, with and without
    an intercept (found missing by make mutation: from_raw without an intercept)."""
    from oneneuron.objective import Standardization

    rng = np.random.default_rng(3)
    d = 4
    offset, scale = rng.normal(size=d), rng.uniform(0.5, 2, d)
    param = Standardization(
        offset if centred else None, scale if scaled else None, fit_intercept, d
    )
    theta = rng.normal(size=d + int(fit_intercept))
    w_raw, b_raw = param.raw(theta)
    back = param.from_raw(w_raw, b_raw)
    assert back.shape == theta.shape and back.dtype == np.float64
    np.testing.assert_allclose(back, theta, rtol=1e-13)
    A = param.matrix()
    g_raw, gb_raw = rng.normal(size=d), float(rng.normal())
    pulled = param.pull_gradient(g_raw, gb_raw)
    np.testing.assert_allclose(pulled, A.T @ np.append(g_raw, gb_raw), rtol=1e-13)
    assert pulled.shape == theta.shape
    # the matrix is the map itself: [w_raw, b_raw] = A theta
    np.testing.assert_allclose(A @ theta, np.append(w_raw, b_raw), rtol=1e-13, atol=1e-15)
    # a Hessian in theta's coordinates pushed to raw ones and pulled back is itself
    k = theta.size
    M = rng.normal(size=(k, k))
    H = M @ M.T
    raw = param.push_hessian(H)
    assert raw.shape == (k, k)
    np.testing.assert_allclose(A[:k].T @ raw @ A[:k], H, rtol=1e-12, atol=1e-12)
