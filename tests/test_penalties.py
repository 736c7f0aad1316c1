"""Penalty objects against their definitions: derivatives by finite differences, the
proximal step by direct minimisation, and the objective using them.

Parametrised over :data:`PENALTIES`: a new penalty class is tested here by adding one
entry.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from oneneuron.objective import Objective
from oneneuron.penalties import L2, Penalty

PENALTIES = {
    "l2": lambda: L2(0.7),
    "l2-weighted": lambda: L2(0.7, weights=np.array([1.0, 0.5, 2.0, 3.0])),
    "l2-zero": lambda: L2(0.0),
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


def test_gradient_is_the_derivative_of_the_value(penalty):
    np.testing.assert_allclose(penalty.gradient(W), central(penalty.value, W), rtol=1e-7, atol=1e-9)


def test_hessian_diagonal_is_the_derivative_of_the_gradient(penalty):
    for j in range(len(W)):
        e = np.zeros_like(W)
        e[j] = 1e-6
        fd = (penalty.gradient(W + e)[j] - penalty.gradient(W - e)[j]) / 2e-6
        assert penalty.hessian_diag(W)[j] == pytest.approx(fd, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("step", [0.1, 1.0, 7.0])
def test_prox_minimises_penalty_plus_distance(penalty, step):
    point = W + np.array([0.5, 0.1, -0.3, 0.0])

    def f(u):
        return penalty.value(u) + np.sum((u - point) ** 2) / (2 * step)

    ref = minimize(f, point, method="BFGS", options={"gtol": 1e-12}).x
    np.testing.assert_allclose(penalty.prox(point, step), ref, rtol=1e-6, atol=1e-8)


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
