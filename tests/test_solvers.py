"""Every solver reaches the same optimum, and it is scikit-learn's.

Parametrised over the registry: a solver added to ``SOLVERS`` is tested here.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from oneneuron import LogisticRegression
from oneneuron.objective import Objective
from oneneuron.solvers import SOLVERS, choose_solver

from .conftest import datasets_for_oracle

EXACT = [name for name, cls in SOLVERS.items() if cls.exact]
# Fixed-step solvers with settings that get them close on a well-conditioned problem (an
# exact solver needs none).
SETTINGS = {
    "gd": dict(learning_rate=1.0, max_iter=5000),
    "sgd": dict(
        learning_rate=0.5, batch_size=32, lr_schedule="invscaling", max_iter=300, random_state=0
    ),
}


def objective_value(X, y01, sw, alpha, coef, intercept):
    theta = np.append(np.ravel(coef), intercept)
    return Objective(X, y01, sw, alpha=alpha).loss(theta)


@pytest.mark.parametrize(
    ("name", "X", "y", "sw"), datasets_for_oracle(), ids=[c[0] for c in datasets_for_oracle()]
)
@pytest.mark.parametrize("solver", EXACT)
def test_exact_solvers_match_scikit_learn(name, X, y, sw, solver):
    alpha = 1e-3
    s = np.ones(len(y)) if sw is None else sw
    sk = SkLogisticRegression(
        C=1.0 / (alpha * s.sum()), solver="newton-cholesky", tol=1e-12, max_iter=1000
    ).fit(X, y, sample_weight=sw)
    ours = LogisticRegression(solver=solver, alpha=alpha, tol=1e-10).fit(X, y, sample_weight=sw)
    assert ours.converged_
    y01 = (y == ours.classes_[1]).astype(float)
    j_sk = objective_value(X, y01, sw, alpha, sk.coef_, sk.intercept_[0])
    j_us = objective_value(X, y01, sw, alpha, ours.coef_, ours.intercept_[0])
    assert j_us <= j_sk * (1 + 1e-8)
    assert abs(j_us - j_sk) <= 1e-8 * abs(j_sk)
    np.testing.assert_allclose(ours.coef_, sk.coef_, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(SOLVERS, 2)))
def test_every_pair_of_solvers_agrees(a, b, cancer):
    X, y = cancer
    alpha = 0.05  # well conditioned, so that the fixed-step solvers get close too
    fits = {}
    for name in (a, b):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            kw = dict(SETTINGS.get(name, {}))
            fits[name] = LogisticRegression(solver=name, alpha=alpha, tol=1e-9, **kw).fit(X, y)
    exact = a in EXACT and b in EXACT
    ja, jb = (fits[n].history_["loss"][-1] for n in (a, b))
    assert abs(ja - jb) <= (1e-12 if exact else 1e-4) * ja
    np.testing.assert_allclose(fits[a].coef_, fits[b].coef_, atol=1e-6 if exact else 0.02)


@pytest.mark.parametrize("solver", list(SOLVERS))
def test_intercept_makes_mean_prediction_equal_mean_label(solver, imbalanced):
    X, y = imbalanced
    sw = np.random.default_rng(0).uniform(0.5, 2.0, size=len(y))
    kw = dict(SETTINGS.get(solver, {}))
    if solver == "sgd":
        pytest.skip("stochastic: the invariant holds only at the exact optimum")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = LogisticRegression(solver=solver, alpha=0.1, tol=1e-10, **kw).fit(X, y, sw)
    p = m.predict_proba(X)[:, 1]
    # dJ/db = sum s (p - y) / sum s = 0 at the optimum
    assert abs(sw @ p - sw @ y) <= (1e-8 if solver in EXACT else 1e-3) * sw.sum()


@pytest.mark.parametrize("solver", list(SOLVERS))
def test_same_random_state_same_weights(solver, small):
    X, y = small
    kw = dict(SETTINGS.get(solver, {}), random_state=7, max_iter=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = LogisticRegression(solver=solver, **kw).fit(X, y)
        b = LogisticRegression(solver=solver, **kw).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.history_["loss"], b.history_["loss"])


def test_sgd_seed_changes_the_path(small):
    X, y = small
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = LogisticRegression(solver="sgd", random_state=1, max_iter=3).fit(X, y)
        b = LogisticRegression(solver="sgd", random_state=2, max_iter=3).fit(X, y)
    assert not np.array_equal(a.coef_, b.coef_)


@pytest.mark.parametrize("solver", list(SOLVERS))
def test_separable_data_stay_finite_and_warn(solver):
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-3, 0.5, size=(40, 2)), rng.normal(3, 0.5, size=(40, 2))])
    y = np.repeat([0, 1], 40)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m = LogisticRegression(solver=solver, alpha=0.0, random_state=0).fit(X, y)
    assert np.all(np.isfinite(m.coef_)) and np.isfinite(m.intercept_[0])
    assert any("separable" in str(w.message) for w in caught)
    assert m.score(X, y) == 1.0


def test_not_converging_warns_with_a_hint(cancer):
    X, y = cancer
    with pytest.warns(ConvergenceWarning, match=r"max_iter=3 .*raise max_iter"):
        m = LogisticRegression(solver="gd", max_iter=3).fit(X, y)
    assert not m.converged_ and m.n_iter_ == 3 and len(m.history_) == 4


def test_newton_stops_on_gradient_not_coefficients(cancer):
    X, y = cancer
    m = LogisticRegression(solver="newton", alpha=1e-3, tol=1e-10).fit(X, y)
    assert m.converged_ and m.history_["grad_max"][-1] <= 1e-10
    assert m.n_iter_ < 20  # quadratic convergence


def test_gd_is_exactly_the_seed_update(small):
    X, y = small
    lr = 0.3
    with pytest.warns(ConvergenceWarning):
        m = LogisticRegression(solver="gd", alpha=0.0, learning_rate=lr, max_iter=2, tol=0)
        m.fit(X, y)
    W, b = np.zeros(X.shape[1]), 0.0
    for _ in range(2):
        A = 1 / (1 + np.exp(-(X @ W + b)))
        W, b = W - lr * X.T @ (A - y) / len(y), b - lr * np.mean(A - y)
    np.testing.assert_allclose(m.coef_[0], W, rtol=1e-13)
    assert m.intercept_[0] == pytest.approx(b, rel=1e-13)


def test_callback_can_stop_and_sees_records(small):
    X, y = small
    seen = []

    def cb(record, theta):
        seen.append(record["iteration"])
        return record["iteration"] == 3

    m = LogisticRegression(solver="gd", max_iter=50).fit(X, y, callbacks=[cb])
    assert seen == [0, 1, 2, 3] and m.n_iter_ == 3 and m.stop_reason_ == "callback"


def test_auto_picks_newton_for_few_features_and_lbfgs_for_many():
    assert choose_solver(1000, 10) == "newton"
    assert choose_solver(1000, 5000) == "lbfgs"
    assert choose_solver(1000, 10, smooth=False) == "proxnewton"
    assert choose_solver(10**6, 5000, in_memory=False, smooth=False) == "proxnewton"
