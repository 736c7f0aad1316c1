"""The stable scalar functions and the pointwise loss, against exact references."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from oneneuron._numerics import log1pexp, log_sigmoid, logit, sigmoid
from oneneuron.loss import label_sign, loss, loss_gradient, loss_gradient_hessian

EXTREME = np.array([-1e308, -1e5, -800.0, -745.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0, 1e5, 1e308])


def test_no_overflow_and_right_limits():
    p = sigmoid(EXTREME)
    assert np.all((p >= 0) & (p <= 1))
    assert p[0] == 0.0 and p[-1] == 1.0 and p[6] == 0.5
    assert np.all(np.isfinite(log1pexp(EXTREME[1:-1])))
    np.testing.assert_allclose(log1pexp(np.array([800.0])), [800.0])
    np.testing.assert_allclose(log_sigmoid(np.array([-800.0])), [-800.0])


def test_against_extended_precision():
    z = np.linspace(-30, 30, 121)
    zl = z.astype(np.longdouble)
    ref = np.log1p(np.exp(zl))
    np.testing.assert_allclose(log1pexp(z), ref.astype(float), rtol=1e-14)
    np.testing.assert_allclose(sigmoid(z), expit(z), rtol=1e-15)


@pytest.mark.parametrize("y", [0.0, 1.0])
def test_loss_matches_naive_formula_where_it_is_safe(y):
    z = np.linspace(-8, 8, 81)  # beyond this the naive 1 - p loses digits
    s = label_sign(np.full_like(z, y))
    p = 1 / (1 + np.exp(-z))
    naive = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    np.testing.assert_allclose(loss(s, z), naive, rtol=1e-9)


def test_loss_is_exact_in_the_tails():
    # y = 1, z = 50: the loss is log1p(exp(-50)) ~ 1.9e-22; the naive form gives 0 or junk.
    s = label_sign(np.array([1.0, 0.0]))
    z = np.array([50.0, -50.0])
    np.testing.assert_allclose(loss(s, z), np.log1p(np.exp(-50.0)) * np.ones(2), rtol=1e-15)
    _, d = loss_gradient(s, z)
    # sigmoid(50) - 1 loses every digit in float64; s * sigmoid(s z) keeps them.
    np.testing.assert_allclose(d, [-expit(-50.0), expit(-50.0)], rtol=1e-15)


def test_derivatives_by_finite_differences():
    rng = np.random.default_rng(0)
    z = rng.normal(scale=4, size=50)
    s = label_sign(rng.integers(0, 2, size=50))
    eps = 1e-6
    value, d, h = loss_gradient_hessian(s, z)
    np.testing.assert_allclose(value, loss(s, z))
    np.testing.assert_allclose(d, (loss(s, z + eps) - loss(s, z - eps)) / (2 * eps), atol=1e-8)
    _, dp = loss_gradient(s, z + eps)
    _, dm = loss_gradient(s, z - eps)
    np.testing.assert_allclose(h, (dp - dm) / (2 * eps), atol=1e-8)


def test_logit_inverts_sigmoid():
    for p in [1e-12, 0.1, 0.5, 0.73, 1 - 1e-9]:
        assert sigmoid(np.array(logit(p)))[()] == pytest.approx(p, rel=1e-9)
    assert logit(0.0) == -np.inf and logit(1.0) == np.inf
    with pytest.raises(ValueError, match="1.5"):
        logit(1.5)


# ------------------------------------------------------------------------- softmax
def test_softmax_loss_against_scipy_and_finite_differences():
    from scipy.special import logsumexp
    from scipy.special import softmax as sp_softmax

    from oneneuron.loss import log_softmax, softmax, softmax_loss_gradient

    rng = np.random.default_rng(0)
    Z = rng.standard_normal((50, 4)) * 3
    codes = rng.integers(0, 4, 50)
    value, grad = softmax_loss_gradient(codes, Z)
    ref = logsumexp(Z, axis=1) - Z[np.arange(50), codes]
    np.testing.assert_allclose(value, ref, rtol=1e-13)
    np.testing.assert_allclose(softmax(Z), sp_softmax(Z, axis=1), rtol=1e-14)
    np.testing.assert_allclose(log_softmax(Z), np.log(sp_softmax(Z, axis=1)), rtol=1e-12)
    h = 1e-6
    for k in range(4):
        e = np.zeros(4)
        e[k] = h
        up, _ = softmax_loss_gradient(codes, Z + e)
        down, _ = softmax_loss_gradient(codes, Z - e)
        np.testing.assert_allclose(grad[:, k], (up - down) / (2 * h), rtol=1e-6, atol=1e-9)
    assert np.allclose(grad.sum(axis=1), 0.0)


def test_softmax_is_exact_for_extreme_logits():
    from oneneuron.loss import log_softmax, softmax, softmax_loss_gradient

    Z = np.array([[1000.0, 0.0, -1000.0], [-800.0, -800.0, -800.0], [1e300, -1e300, 0.0]])
    codes = np.array([2, 1, 0])
    value, grad = softmax_loss_gradient(codes, Z)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(grad))
    assert value[0] == 2000.0 and value[1] == pytest.approx(np.log(3)) and value[2] == 0.0
    p = softmax(Z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert np.isfinite(log_softmax(Z)[0, 2]) and log_softmax(Z)[0, 2] == -2000.0


def test_out_arguments_are_filled_and_returned():
    """sigmoid(z, out=) and log1pexp(z, out=) write into out (the kernels' buffers)."""
    from oneneuron._numerics import log1pexp

    z = np.array([-800.0, -3.0, 0.0, 2.5, 800.0])
    for f in (sigmoid, log1pexp):
        out = np.full_like(z, np.nan)
        got = f(z, out=out)
        assert got is out
        np.testing.assert_array_equal(out, f(z))


def test_label_sign_in_the_dtype_asked_for():
    from oneneuron.loss import label_sign

    for dtype in (np.float32, np.float64):
        s = label_sign(np.array([0, 1, 1]), dtype=dtype)
        assert s.dtype == dtype
        np.testing.assert_array_equal(s, [1.0, -1.0, -1.0])


def test_softmax_of_one_row_and_of_integer_logits():
    from oneneuron.loss import log_softmax, softmax

    p = softmax(np.array([1, 2, 3]))  # integers, one row: shape (K,)
    assert p.dtype == np.float64 and p.shape == (3,)
    np.testing.assert_allclose(p, np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum(), rtol=1e-15)
    np.testing.assert_allclose(log_softmax(np.array([1, 2, 3])), np.log(p), rtol=1e-14)
    Z = np.arange(24).reshape(2, 3, 4) % 5  # a stack of (n, K) arrays: along the last axis
    np.testing.assert_allclose(softmax(Z).sum(axis=-1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(softmax(Z)[1, 2], softmax(Z[1, 2]), rtol=1e-15)
