"""Property-based tests: any shape, any scale, any two labels, no warnings, exact invariants."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from oneneuron import LogisticRegression
from oneneuron._numerics import log1pexp, sigmoid
from oneneuron.objective import Objective

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LABELS = st.sampled_from([(0, 1), (-1, 1), ("no", "yes"), (False, True), (3, 10)])


@st.composite
def problems(draw):
    n = draw(st.integers(4, 60))
    d = draw(st.integers(1, 6))
    scale = draw(st.sampled_from([1e-3, 1.0, 1e3]))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * scale
    y01 = rng.integers(0, 2, size=n)
    y01[:2] = [0, 1]  # both classes present
    labels = draw(LABELS)
    y = np.array(labels, dtype=object if isinstance(labels[0], str) else None)[y01]
    if isinstance(labels[0], str):
        y = y.astype(str)
    return X, y, y01


@SETTINGS
@given(arrays(np.float64, st.integers(1, 50), elements=st.floats(-1e300, 1e300)))
def test_numerics_are_finite_and_bounded_for_any_finite_input(z):
    p = sigmoid(z)
    assert np.all((p >= 0) & (p <= 1))
    assert np.all(log1pexp(z) >= 0)
    assert np.all(np.isfinite(log1pexp(z)))


@SETTINGS
@given(problems(), st.sampled_from([1e-2, 1.0]))
def test_newton_optimum_is_stationary_for_any_problem(problem, alpha):
    X, y, y01 = problem
    m = LogisticRegression(alpha=alpha, standardize=True, tol=1e-9).fit(X, y)
    assert m.converged_
    assert set(np.unique(m.predict(X))) <= set(np.unique(y))
    assert m.predict(X).dtype == y.dtype
    proba = m.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # the unpenalised intercept balances predictions and labels exactly
    assert abs(proba[:, 1].sum() - y01.sum()) <= 1e-6 * len(y01)
    # and the optimum is the same as L-BFGS finds from scratch
    other = LogisticRegression(solver="lbfgs", alpha=alpha, standardize=True, tol=1e-9).fit(X, y)
    assert abs(other.history_["loss"][-1] - m.history_["loss"][-1]) <= 1e-10


@SETTINGS
@given(problems(), st.floats(1e-3, 10.0))
def test_objective_is_convex_along_random_lines(problem, alpha):
    X, _, y01 = problem
    obj = Objective(X, y01, alpha=alpha)
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, obj.n_params))
    ja, jb, jm = obj.loss(a), obj.loss(b), obj.loss((a + b) / 2)
    assert jm <= (ja + jb) / 2 + 1e-12 * max(1.0, abs(ja) + abs(jb))
