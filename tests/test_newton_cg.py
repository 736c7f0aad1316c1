"""Newton-CG: the sampled Hessian's products and diagonal, truncated CG, and the solver.

Oracles: central differences of the exact gradient (the Hessian's products), the Hessian
of the objective built on the sample's rows alone (a sample), ``np.linalg.solve`` (CG),
scikit-learn's multinomial and binary optima (the solver).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from oneneuron import LogisticRegression
from oneneuron.data import make_source
from oneneuron.objective import Objective
from oneneuron.solvers import NewtonCG, choose_solver, run
from oneneuron.solvers.newton_cg import MIN_ROWS, sample_rows, truncated_cg


def _data(n=300, d=4, K=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * np.linspace(0.5, 3.0, d) + np.linspace(0.0, 2.0, d)
    W = rng.standard_normal((K, d))
    y = np.argmax(X @ W.T + rng.gumbel(size=(n, K)), axis=1)
    if K == 2:
        y = (y == 1).astype(int)
    sw = rng.uniform(0.3, 2.0, n)
    return X, y, sw


FORMS = {
    "dense": lambda X: X,
    "float32": lambda X: X.astype(np.float32),
    "csr": lambda X: sp.csr_matrix(X),
}


def _objective(X, y, sw, K, standardize, form):
    kw = {}
    if standardize:
        kw = dict(offset=X.mean(axis=0), scale=X.std(axis=0))
    return Objective(FORMS[form](X), y, sw, alpha=0.05, n_classes=K, **kw)


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("standardize", [False, True])
@pytest.mark.parametrize("K", [2, 3])
def test_every_row_gives_the_exact_hessian(K, standardize, form):
    """With every row in the sample: products equal central differences of the gradient
    and the full Hessian's, and the diagonal equals the full Hessian's."""
    X, y, sw = _data(K=K)
    obj = _objective(X, y, sw, K, standardize, form)
    rng = np.random.default_rng(1)
    theta = rng.standard_normal(obj.n_params) * 0.3
    hessp, diag = obj.sampled_hessian(obj.source.strided(10**6)).at(theta)
    full = obj.evaluate(theta, hessian=True).hess
    rtol = 1e-4 if form == "float32" else 1e-9
    np.testing.assert_allclose(diag, np.diag(full), rtol=rtol)
    for _ in range(3):
        v = rng.standard_normal(obj.n_params)
        hv = hessp(v)
        np.testing.assert_allclose(hv, full @ v, rtol=rtol, atol=rtol * np.abs(hv).max())
        # float32 rows: a gradient good to ~1e-7 needs a wider difference
        eps, fd_tol = (1e-2, 1e-3) if form == "float32" else (1e-5, 1e-4)
        fd = (obj.gradient(theta + eps * v) - obj.gradient(theta - eps * v)) / (2 * eps)
        np.testing.assert_allclose(hv, fd, rtol=fd_tol, atol=fd_tol * np.abs(hv).max())


@pytest.mark.parametrize("K", [2, 3])
def test_a_sample_is_the_hessian_of_its_rows(K):
    """Every 7th row: the loss part is the sample's own (weighted mean) Hessian, the
    penalty's is the whole objective's."""
    X, y, sw = _data(n=700, K=K)
    obj = Objective(X, y, sw, alpha=0.05, n_classes=K)
    rows = np.arange(0, 700, 7)
    sample = make_source(X[rows], y[rows], sw[rows], n_classes=K).strided(10**6)
    theta = np.random.default_rng(2).standard_normal(obj.n_params) * 0.3
    hessp, diag = obj.sampled_hessian(sample).at(theta)
    own = Objective(X[rows], y[rows], sw[rows], alpha=0.05, n_classes=K)
    expected = own.evaluate(theta, hessian=True).hess
    v = np.random.default_rng(3).standard_normal(obj.n_params)
    np.testing.assert_allclose(hessp(v), expected @ v, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(diag, np.diag(expected), rtol=1e-10)


def _spd(p=12, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((p, p))
    H = A @ A.T + 0.1 * np.eye(p) + np.diag(np.linspace(1.0, 50.0, p))
    return H, rng.standard_normal(p)


def test_cg_solves_a_positive_definite_system():
    H, g = _spd()
    p = truncated_cg(lambda v: H @ v, g, np.diag(H), 1e-12, 100)
    np.testing.assert_allclose(p, np.linalg.solve(H, -g), rtol=1e-9)


def _counted(H):
    """``v -> H v``, and the list its calls are counted in."""
    calls = []

    def hessp(v):
        calls.append(1)
        return H @ v

    return hessp, calls


def test_cg_stops_at_the_first_residual_below_the_forcing_term():
    H, g = _spd(p=40, seed=1)
    hessp, calls = _counted(H)
    for rtol in (0.5, 1e-2, 1e-6):
        calls.clear()
        p = truncated_cg(hessp, g, np.diag(H), rtol, 100)
        n = len(calls)
        assert np.linalg.norm(H @ p + g) <= rtol * np.linalg.norm(g)
        # one product fewer does not reach it: CG stopped at the first iterate that did
        q = truncated_cg(lambda v: H @ v, g, np.diag(H), rtol, n - 1)
        assert np.linalg.norm(H @ q + g) > rtol * np.linalg.norm(g)


def test_cg_keeps_to_its_product_budget_and_to_descent():
    H, g = _spd(p=30, seed=2)
    hessp, calls = _counted(H)
    p = truncated_cg(hessp, g, np.diag(H), 1e-14, 3)
    assert len(calls) == 3 and g @ p < 0


def test_cg_at_negative_curvature_returns_a_descent_direction():
    g = np.array([1.0, -2.0, 0.5])
    H = -np.eye(3)  # no positive curvature at all: the preconditioned steepest descent
    diag = np.array([2.0, 4.0, 1.0])
    p = truncated_cg(lambda v: H @ v, g, diag, 1e-8, 10)
    np.testing.assert_allclose(p, -g / diag)
    # curvature lost after a first step: the solution so far, still a descent direction
    H2 = np.diag([1.0, -1.0, 1.0])
    p2 = truncated_cg(lambda v: H2 @ v, g, np.ones(3), 1e-12, 10)
    assert g @ p2 < 0 and np.all(np.isfinite(p2))


def test_cg_with_a_zero_diagonal_entry_stays_finite():
    H = np.diag([2.0, 0.0, 3.0]) + 1e-3 * np.eye(3)
    g = np.array([1.0, 1.0, 1.0])
    p = truncated_cg(lambda v: H @ v, g, np.array([2.0, 0.0, 3.0]), 1e-10, 50)
    np.testing.assert_allclose(p, np.linalg.solve(H, -g), rtol=1e-6)


def _sk_objective(coef, intercept, classes, X, y, sw, alpha):
    obj = Objective(X, np.searchsorted(classes, y), sw, alpha=alpha, n_classes=len(classes))
    return obj.loss(np.concatenate([np.ravel(coef), np.ravel(intercept)]))


@pytest.mark.parametrize("K", [2, 4])
@pytest.mark.parametrize("standardize", [False, True])
def test_a_subsampled_hessian_still_reaches_the_exact_optimum(K, standardize):
    """More rows than the sample (every k-th row): J is scikit-learn's optimum's (with
    standardize=True, of scikit-learn fitted on the standardised columns)."""
    n = 3 * MIN_ROWS
    X, y, sw = _data(n=n, d=5, K=K, seed=4)
    alpha = 1e-3
    model = LogisticRegression(
        solver="newton-cg", alpha=alpha, tol=1e-9, standardize=standardize
    ).fit(X, y, sample_weight=sw)
    assert model.converged_
    assert sample_rows(X.shape[1] * K + K) < n  # the Hessian came from a sample
    Z = (X - model.x_mean_) / model.x_scale_ if standardize else X
    sk = SkLogisticRegression(C=1.0 / (alpha * sw.sum()), tol=1e-12, max_iter=10_000)
    sk.fit(Z, y, sample_weight=sw)
    coef = model.coef_ * model.x_scale_ if standardize else model.coef_
    intercept = model.intercept_ + (model.coef_ @ model.x_mean_ if standardize else 0.0)
    ours = _sk_objective(coef, intercept, model.classes_, Z, y, sw, alpha)
    theirs = _sk_objective(sk.coef_, sk.intercept_, sk.classes_, Z, y, sw, alpha)
    assert abs(ours - theirs) <= 1e-9 * abs(theirs)


def test_the_sample_is_drawn_once_per_fit():
    X, y, sw = _data(n=2000, K=3)
    source = make_source(X, y, sw, n_classes=3)
    calls = []
    strided = source.strided

    def counted(max_rows):
        calls.append(max_rows)
        return strided(max_rows)

    source.strided = counted
    obj = Objective(source, alpha=0.01)
    result = run(NewtonCG(), obj, np.zeros(obj.n_params), tol=1e-10, max_iter=50)
    assert result.converged and result.n_iter > 2
    assert calls == [sample_rows(obj.n_params)]


def test_auto_takes_newton_cg_for_many_classes_on_tall_data_only():
    rows = sample_rows(510)
    assert choose_solver(8 * rows, 510, n_classes=10) == "newton-cg"
    assert choose_solver(8 * rows - 1, 510, n_classes=10) == "lbfgs"
    assert choose_solver(10**6, 510, n_classes=2) == "lbfgs"  # two classes: unchanged
    assert choose_solver(10**6, 101, n_classes=2) == "newton"
    assert choose_solver(10**6, 510, n_classes=10, smooth=False) == "proxnewton"
