"""Penalty objects against their definitions: derivatives by finite differences, the
proximal step by direct minimisation, and the objective using them.

Parametrised over :data:`PENALTIES`: a new penalty class is tested here by adding one
entry.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from oneneuron.objective import Objective
from oneneuron.penalties import L1, L2, ElasticNet, Penalty, make_penalty

PENALTIES = {
    "l2": lambda: L2(0.7),
    "l2-weighted": lambda: L2(0.7, weights=np.array([1.0, 0.5, 2.0, 3.0])),
    "l2-zero": lambda: L2(0.0),
    "l1": lambda: L1(0.7),
    "elastic-net": lambda: ElasticNet(0.7, 0.3),
    "elastic-net-weighted": lambda: ElasticNet(0.7, 0.6, weights=np.array([1.0, 0.5, 2.0, 3.0])),
}
W = np.array([0.3, -1.2, 0.0, 2.5])


@pytest.fixture(params=list(PENALTIES))
def penalty(request) -> Penalty:
    return PENALTIES[request.param]()


def central(f, x, h=1e-6):
    """Central finite differences of a scalar function."""
    out = np.empty_like(x)
    for j in range(len(x)):
        e = np.zeros_like(x)
        e[j] = h
        out[j] = (f(x + e) - f(x - e)) / (2 * h)
    return out


def smooth_value(penalty, w):
    """The penalty less its L1 part ``sum_j lambda_j |w_j|``: what ``gradient`` differentiates."""
    return penalty.value(w) - penalty.l1_strength(len(w)) @ np.abs(w)


def test_gradient_is_the_derivative_of_the_value(penalty):
    def f(w):
        return smooth_value(penalty, w)

    np.testing.assert_allclose(penalty.gradient(W), central(f, W), rtol=1e-7, atol=1e-9)


def test_hessian_diagonal_is_the_derivative_of_the_gradient(penalty):
    for j in range(len(W)):
        e = np.zeros_like(W)
        e[j] = 1e-6
        fd = (penalty.gradient(W + e)[j] - penalty.gradient(W - e)[j]) / 2e-6
        assert penalty.hessian_diag(W)[j] == pytest.approx(fd, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("step", [0.1, 1.0, 7.0])
def test_prox_minimises_penalty_plus_distance(penalty, step):
    point = W + np.array([0.5, 0.1, -0.3, 0.0])
    # the penalties are separable: minimise coordinate by coordinate (exact at the kinks)
    ref = np.empty_like(point)
    for j in range(len(point)):

        def f(u, j=j):
            v = point.copy()
            v[j] = u
            return penalty.value(v) + (u - point[j]) ** 2 / (2 * step)

        ref[j] = minimize_scalar(f, bracket=(-10, 10), tol=1e-12).x
    np.testing.assert_allclose(penalty.prox(point, step), ref, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("step", [0.05, 0.5, 3.0])
def test_prox_nonsmooth_is_the_prox_of_the_l1_part(penalty, step):
    point = W + np.array([0.5, 0.1, -0.3, 0.0])
    lam = penalty.l1_strength(len(point))
    expected = np.sign(point) * np.maximum(np.abs(point) - step * lam, 0.0)
    np.testing.assert_array_equal(penalty.prox_nonsmooth(point, step), expected)
    if penalty.smooth:
        assert not np.any(lam)


def test_optimality_is_the_minimum_norm_subgradient(penalty):
    w = np.array([0.3, 0.0, 0.0, -2.5])
    grad = np.array([0.2, 0.1, -3.0, 0.4, 0.05])  # the last entry: an intercept
    lam = penalty.l1_strength(4)
    got = penalty.optimality(w, grad)
    if penalty.smooth:
        np.testing.assert_array_equal(got, grad)
        return
    # at w_j != 0 the subdifferential is one point; at 0 the interval [g - lam, g + lam]
    expected = grad.copy()
    expected[[0, 3]] += lam[[0, 3]] * np.sign(w[[0, 3]])
    for j in (1, 2):
        expected[j] = grad[j] - np.clip(grad[j], -lam[j], lam[j])
    np.testing.assert_allclose(got, expected, rtol=1e-15)
    assert got[-1] == grad[-1]  # the intercept is never penalised


def test_value_and_flags():
    assert L2(0.5).value(np.array([3.0, 4.0])) == pytest.approx(0.25 * 25)
    assert L2(1.0).value(np.array([3.0, 4.0])) == pytest.approx(12.5)
    assert L2(2.0, weights=np.array([2.0, 1.0])).value(np.array([1.0, 1.0])) == 5.0
    assert L2(0.0).is_zero and not L2(1e-12).is_zero
    assert L2(1.0).smooth
    g = np.array([0.1, -0.2])
    np.testing.assert_array_equal(L2(1.0).optimality(W[:2], g), g)  # smooth: the gradient


def test_objective_adds_the_penalty_on_the_weights_only():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((50, 4)), rng.random(50) < 0.5
    theta = rng.standard_normal(5)
    plain = Objective(X, y, alpha=0.0).evaluate(theta, hessian=True)
    pen = L2(0.7, weights=np.array([1.0, 0.5, 2.0, 3.0]))
    with_pen = Objective(X, y, penalty=pen).evaluate(theta, hessian=True)
    w = theta[:-1]
    assert with_pen.loss == pytest.approx(plain.loss + pen.value(w), rel=1e-14)
    np.testing.assert_allclose(with_pen.grad[:-1], plain.grad[:-1] + pen.gradient(w))
    assert with_pen.grad[-1] == plain.grad[-1]  # the intercept is never penalised
    np.testing.assert_allclose(
        np.diag(with_pen.hess)[:-1], np.diag(plain.hess)[:-1] + pen.hessian_diag(w)
    )
    assert with_pen.hess[-1, -1] == plain.hess[-1, -1]


def test_elastic_net_value_follows_scikit_learns_convention():
    w = np.array([1.0, -2.0, 0.0])
    pen = ElasticNet(0.5, 0.25)
    assert pen.value(w) == pytest.approx(0.5 * (0.25 * 3.0 + 0.75 / 2 * 5.0))
    assert L1(0.5).value(w) == pytest.approx(1.5)
    assert not L1(0.5).smooth and ElasticNet(0.5, 0.0).smooth and ElasticNet(0.0, 1.0).smooth
    assert isinstance(make_penalty(0.5, 0.0), L2)  # l1_ratio=0 is today's model, bit for bit
    assert isinstance(make_penalty(0.5, 0.3), ElasticNet)
    with pytest.raises(ValueError, match=r"l1_ratio must be in \[0, 1\]; got 1.5"):
        ElasticNet(1.0, 1.5)


def test_objective_reports_the_minimum_norm_subgradient():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((60, 4)), rng.random(60) < 0.5
    theta = np.array([0.5, 0.0, -0.2, 0.0, 0.1])
    pen = ElasticNet(0.3, 0.5)
    ev = Objective(X, y, penalty=pen).evaluate(theta)
    smooth = Objective(X, y, alpha=0.0).evaluate(theta)
    np.testing.assert_allclose(ev.grad[:-1], smooth.grad[:-1] + pen.gradient(theta[:-1]))
    np.testing.assert_allclose(ev.optimality, pen.optimality(theta[:-1], ev.grad))
    assert ev.grad_max == pytest.approx(np.max(np.abs(ev.optimality)))


@pytest.mark.parametrize("alpha", [0.5, 1.0])
def test_weighted_penalties_follow_their_definition(alpha):
    """omega scales each coefficient in both parts: alpha (r sum omega |w| + (1 - r)/2
    sum (omega w)^2), through every constructor (found missing by make mutation)."""
    omega = np.array([1.0, 0.5, 2.0, 3.0])

    def defined(r):
        return alpha * (r * np.sum(omega * np.abs(W)) + (1 - r) / 2 * np.sum((omega * W) ** 2))

    for r in (0.0, 0.3, 1.0):
        for pen in (ElasticNet(alpha, r, weights=omega), make_penalty(alpha, r, omega)):
            assert pen.value(W) == pytest.approx(defined(r), rel=1e-14)
            np.testing.assert_allclose(pen.l1_strength(4), alpha * r * omega)
            np.testing.assert_allclose(pen.gradient(W), alpha * (1 - r) * omega**2 * W)
            np.testing.assert_allclose(pen.hessian_diag(W), alpha * (1 - r) * omega**2)
    assert L1(alpha, weights=omega).value(W) == pytest.approx(defined(1.0), rel=1e-14)
    assert ElasticNet(alpha, 0.3).value(W) == pytest.approx(
        alpha * (0.3 * np.abs(W).sum() + 0.35 * W @ W), rel=1e-14
    )
    assert isinstance(make_penalty(alpha), L2)  # the default l1_ratio is 0: ridge
