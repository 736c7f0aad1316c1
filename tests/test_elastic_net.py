"""L1 and elastic-net fits: the optimum is scikit-learn's, zeros are exact, every road to it
(proximal Newton's two Hessians, gd and sgd's proximal steps, sparse, standardised) agrees.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler

from oneneuron import LogisticRegression
from oneneuron.objective import Objective
from oneneuron.penalties import ElasticNet
from oneneuron.solvers import ProxNewton, proxnewton, run
from oneneuron.solvers._cd import _kernel, _sweeps, cd_quadratic

from .conftest import datasets_for_oracle

ALPHA = 0.02


def sklearn_fit(X, y, sw, alpha, l1_ratio, fit_intercept=True):
    s = np.ones(len(y)) if sw is None else sw
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # saga's convergence chatter; tol is tight anyway
        return SkLogisticRegression(
            C=1.0 / (alpha * s.sum()),
            l1_ratio=l1_ratio,
            solver="saga",
            tol=1e-13,
            max_iter=50_000,
            fit_intercept=fit_intercept,
        ).fit(X, y, sample_weight=sw)


def objective_at(X, y01, sw, alpha, l1_ratio, coef, intercept):
    obj = Objective(X, y01, sw, penalty=ElasticNet(alpha, l1_ratio))
    return obj.loss(np.append(np.ravel(coef), intercept))


@pytest.mark.parametrize(
    ("name", "X", "y", "sw"), datasets_for_oracle(), ids=[c[0] for c in datasets_for_oracle()]
)
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
def test_proxnewton_matches_scikit_learn(name, X, y, sw, l1_ratio):
    sk = sklearn_fit(X, y, sw, ALPHA, l1_ratio)
    ours = LogisticRegression(alpha=ALPHA, l1_ratio=l1_ratio, tol=1e-10).fit(X, y, sw)
    assert ours.solver_ == "proxnewton" and ours.converged_
    y01 = (y == ours.classes_[1]).astype(float)
    j_sk = objective_at(X, y01, sw, ALPHA, l1_ratio, sk.coef_, sk.intercept_[0])
    j_us = objective_at(X, y01, sw, ALPHA, l1_ratio, ours.coef_, ours.intercept_[0])
    assert j_us <= j_sk * (1 + 1e-12)
    assert abs(j_us - j_sk) <= 1e-10 * j_sk
    np.testing.assert_array_equal(ours.coef_ == 0, sk.coef_ == 0)  # the same features out
    assert np.sum(ours.coef_ == 0) >= 1
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)


def test_sparse_float32_and_csc_reach_the_dense_optimum(cancer):
    X, y = cancer
    ref = LogisticRegression(alpha=ALPHA, l1_ratio=0.7, tol=1e-10).fit(X, y)
    for data in (sp.csr_matrix(X), sp.csc_matrix(X)):
        m = LogisticRegression(alpha=ALPHA, l1_ratio=0.7, tol=1e-10).fit(data, y)
        np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-9)
        np.testing.assert_array_equal(m.coef_ == 0, ref.coef_ == 0)
    m32 = LogisticRegression(alpha=ALPHA, l1_ratio=0.7, tol=1e-5).fit(X.astype(np.float32), y)
    j32 = objective_at(X, y, None, ALPHA, 0.7, m32.coef_, m32.intercept_[0])
    assert j32 - ref.history_["loss"][-1] <= 1e-6 * ref.history_["loss"][-1]


def test_standardize_penalises_the_standardised_weights():
    rng = np.random.default_rng(4)
    X = rng.standard_normal((300, 6)) * [1, 10, 0.1, 3, 100, 1] + [0, 5, 0, -2, 50, 1]
    y = (X @ [1, 0.1, 5, 0, 0.01, 0] + rng.logistic(size=300) > 1).astype(int)
    ours = LogisticRegression(alpha=ALPHA, l1_ratio=1.0, standardize=True, tol=1e-10).fit(X, y)
    sk = sklearn_fit(StandardScaler().fit_transform(X), y, None, ALPHA, 1.0)
    np.testing.assert_allclose(ours.coef_ * ours.x_scale_, sk.coef_, atol=1e-6)
    np.testing.assert_array_equal(ours.coef_ == 0, sk.coef_ == 0)


def test_no_intercept_matches_scikit_learn(small):
    X, y = small
    sk = sklearn_fit(X, y, None, ALPHA, 1.0, fit_intercept=False)
    ours = LogisticRegression(alpha=ALPHA, l1_ratio=1.0, fit_intercept=False, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(ours.coef_, sk.coef_, atol=1e-6)
    assert ours.intercept_[0] == 0.0


def _solve(X, y, l1_ratio=0.8, **solver):
    obj = Objective(X, y, penalty=ElasticNet(ALPHA, l1_ratio))
    return run(ProxNewton(**solver), obj, np.zeros(obj.n_params), tol=1e-10, max_iter=100)


def test_working_set_hessian_gives_the_same_optimum(cancer, monkeypatch):
    X, y = cancer
    full = _solve(X, y)
    monkeypatch.setattr(proxnewton, "FULL_HESSIAN_PARAMS", 0)  # Hessian of the working set
    calls = []
    real = Objective.hessian_block

    def counted(self, theta, cols, fraction=1.0):
        calls.append(len(cols))
        return real(self, theta, cols, fraction)

    monkeypatch.setattr(Objective, "hessian_block", counted)
    blocks = _solve(X, y)
    assert calls and max(calls) < X.shape[1]  # never the whole Hessian: working sets
    assert blocks.converged and full.converged
    np.testing.assert_allclose(blocks.theta, full.theta, atol=1e-9)


def test_working_sets_grow_from_the_worst_violators(cancer, monkeypatch):
    X, y = cancer
    monkeypatch.setattr(proxnewton, "FULL_HESSIAN_PARAMS", 0)  # working sets of a few
    obj = Objective(X, y, penalty=ElasticNet(ALPHA, 1.0))
    solver = ProxNewton()
    theta = np.zeros(obj.n_params)
    ev = solver.start(obj, theta)
    cols = solver.working_set(theta, ev)
    score = np.abs(ev.grad[:-1]) - ALPHA
    assert len(cols) == proxnewton.WS_START
    assert set(cols) == set(np.argsort(-score)[: proxnewton.WS_START])
    theta[[3, 7, 11]] = 0.5  # non-zero weights are always in, and the set is twice their number
    ev = obj.evaluate(theta, hessian=True)
    cols = solver.working_set(theta, ev)
    assert {3, 7, 11} <= set(cols) and len(cols) == max(proxnewton.WS_START, 6)
    full = ProxNewton()  # with the full Hessian: every violator at once
    monkeypatch.setattr(proxnewton, "FULL_HESSIAN_PARAMS", 500)
    ev = full.start(obj, np.zeros(obj.n_params))
    assert len(full.working_set(np.zeros(obj.n_params), ev)) == np.sum(score > 0)


def test_tall_data_subsample_the_hessian_and_still_converge():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((4000, 5))
    y = (X @ [1, -1, 0, 0, 0.5] + rng.logistic(size=4000) > 0).astype(float)
    assert proxnewton.hessian_fraction(4000, 6) < 1
    sub = _solve(X, y)
    exact = _solve(X, y, subsample=False)
    assert sub.converged and exact.converged
    np.testing.assert_allclose(sub.theta, exact.theta, atol=1e-9)


def test_start_hessian_from_fewer_rows_on_tall_data(monkeypatch):
    """On tall data in several blocks, the start's full Hessian (which only picks the
    first working set and step) comes from START_HESSIAN_ROWS_PER_PARAM rows per
    parameter, fewer than Newton's subsample; later ones use Newton's, and the optimum is
    the one of exact Hessians."""
    rng = np.random.default_rng(4)
    X = rng.standard_normal((20_000, 5)) @ rng.standard_normal((5, 5))
    y = (X @ [1, -1, 0, 0, 0.5] + rng.logistic(size=20_000) > 0).astype(float)
    fractions = []
    original = Objective.evaluate

    def spy(self, theta, hessian=False, **kw):
        if hessian:
            fractions.append(kw.get("hessian_fraction", 1.0))
        return original(self, theta, hessian, **kw)

    def solve(**solver):
        obj = Objective(X, y, penalty=ElasticNet(ALPHA, 1.0), block_rows=1000)
        return run(ProxNewton(**solver), obj, np.zeros(obj.n_params), tol=1e-10, max_iter=100)

    monkeypatch.setattr(Objective, "evaluate", spy)
    sub = solve()
    start = proxnewton.START_HESSIAN_ROWS_PER_PARAM * 6 / 20_000
    assert fractions[0] == pytest.approx(start)
    assert start < proxnewton.hessian_fraction(20_000, 6) < 1
    assert all(f == proxnewton.hessian_fraction(20_000, 6) for f in fractions[1:])
    fractions.clear()
    exact = solve(subsample=False)
    assert fractions and all(f == 1.0 for f in fractions)  # no subsample asked for: none
    assert sub.converged and exact.converged
    np.testing.assert_allclose(sub.theta, exact.theta, atol=1e-9)


def test_working_set_hessian_from_newtons_subsample_of_its_own_size(monkeypatch):
    """The Hessian of a working set of k weights comes from Newton's subsample for k + 1
    parameters (fewer rows than for all of them), and the optimum stays the exact one."""
    rng = np.random.default_rng(6)
    n, d = 40_000, 12
    X = rng.standard_normal((n, d))
    y = (X[:, :3] @ [1.5, -1.0, 0.5] + rng.logistic(size=n) > 0).astype(float)
    monkeypatch.setattr(proxnewton, "FULL_HESSIAN_PARAMS", 0)  # the working set's Hessian
    seen = []
    real = Objective.hessian_block

    def spy(self, theta, cols, fraction=1.0):
        seen.append((len(cols), fraction))
        return real(self, theta, cols, fraction)

    monkeypatch.setattr(Objective, "hessian_block", spy)

    def solve(**solver):
        obj = Objective(X, y, penalty=ElasticNet(0.02, 1.0), block_rows=2000)
        return run(ProxNewton(**solver), obj, np.zeros(obj.n_params), tol=1e-10, max_iter=100)

    sub = solve()
    assert seen and all(f == proxnewton.hessian_fraction(n, k + 1) for k, f in seen)
    assert any(f < proxnewton.hessian_fraction(n, d + 1) for _, f in seen)
    seen.clear()
    exact = solve(subsample=False)
    assert seen and all(f == 1.0 for _, f in seen)
    assert sub.converged and exact.converged
    np.testing.assert_allclose(sub.theta, exact.theta, atol=1e-9)


def test_proximal_gd_lands_on_exact_zeros_and_the_optimum(cancer):
    X, y = cancer
    exact = LogisticRegression(alpha=ALPHA, l1_ratio=1.0, tol=1e-10).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gd = LogisticRegression(
            solver="gd", alpha=ALPHA, l1_ratio=1.0, learning_rate=2.0, max_iter=3000
        ).fit(X, y)
    np.testing.assert_array_equal(gd.coef_ == 0, exact.coef_ == 0)
    assert gd.history_["loss"][-1] - exact.history_["loss"][-1] < 1e-6


def test_gd_step_is_a_gradient_step_then_a_soft_threshold(small):
    X, y = small
    rate = 0.8
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = LogisticRegression(
            solver="gd", alpha=0.05, l1_ratio=0.6, learning_rate=rate, max_iter=1, tol=None
        ).fit(X, y)
    obj = Objective(X, y, penalty=ElasticNet(0.05, 0.6))
    theta = np.zeros(obj.n_params) - rate * obj.gradient(np.zeros(obj.n_params))
    w = theta[:-1]
    theta[:-1] = np.sign(w) * np.maximum(np.abs(w) - rate * 0.05 * 0.6, 0.0)
    np.testing.assert_allclose(np.append(m.coef_, m.intercept_), theta, rtol=1e-13)
    assert np.any(m.coef_ == 0)


def test_proximal_sgd_gets_close_with_exact_zeros(cancer):
    X, y = cancer
    exact = LogisticRegression(alpha=0.05, l1_ratio=1.0, tol=1e-10).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = LogisticRegression(
            solver="sgd", alpha=0.05, l1_ratio=1.0, learning_rate=0.2, batch_size=64,
            max_iter=60, random_state=0,
        ).fit(X, y)  # fmt: skip
    assert m.history_["loss"][-1] - exact.history_["loss"][-1] < 3e-3
    # exact zeros, though noisier than the optimum's (a stochastic step can cross the kink)
    assert np.sum(m.coef_ == 0) >= np.sum(exact.coef_ == 0) // 2
    partial = LogisticRegression(alpha=0.05, l1_ratio=1.0, random_state=0)
    for _ in range(5):
        partial.partial_fit(X, y, classes=[0, 1])
    assert np.any(partial.coef_ == 0)


def test_the_optimum_satisfies_the_subgradient_conditions(cancer):
    X, y = cancer
    m = LogisticRegression(alpha=ALPHA, l1_ratio=0.5, tol=1e-9).fit(X, y)
    assert m.history_["grad_max"][-1] <= 1e-9
    obj = Objective(X, y, alpha=0.0)
    g = obj.gradient(np.append(m.coef_[0], m.intercept_))[:-1] + ALPHA * 0.5 * m.coef_[0]
    w, lam = m.coef_[0], ALPHA * 0.5
    np.testing.assert_allclose(g[w != 0], -lam * np.sign(w[w != 0]), atol=1e-9)
    assert np.all(np.abs(g[w == 0]) <= lam + 1e-9)


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_smooth_solvers_refuse_an_l1_part(small, solver):
    X, y = small
    with pytest.raises(ValueError, match=rf"solver='{solver}' needs a smooth penalty.*proxnewton"):
        LogisticRegression(solver=solver, l1_ratio=0.5).fit(X, y)
    LogisticRegression(solver=solver, l1_ratio=0.5, alpha=0.0).fit(X, y)  # no L1 part: fine


def test_bad_l1_ratio_names_the_range(small):
    X, y = small
    with pytest.raises(ValueError, match=r"l1_ratio must be a finite number >= 0 and <= 1"):
        LogisticRegression(l1_ratio=1.5).fit(X, y)


def test_summary_refuses_an_l1_model(small):
    X, y = small
    m = LogisticRegression(alpha=ALPHA, l1_ratio=1.0).fit(X, y)
    with pytest.raises(ValueError, match="L1 penalty.*refit the selected features"):
        m.summary(X, y)


# --------------------------------------------------------------- the inner solver
def _quadratic(m=12, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((3 * m, m))
    return A.T @ A / m + 0.01 * np.eye(m), rng.standard_normal(m), rng.standard_normal(m)


def test_cd_minimises_the_quadratic_model_with_l1():
    H, g, w = _quadratic()
    lam = np.full(len(g), 0.4)
    lam[-1] = 0.0  # an unpenalised coordinate (the intercept)
    d, sweeps = cd_quadratic(H, g, w, lam, tol=1e-12, max_sweeps=10_000)
    u = w + d
    c = g + H @ d  # the optimality conditions of the model
    np.testing.assert_allclose(c[u != 0], -lam[u != 0] * np.sign(u[u != 0]), atol=1e-10)
    assert np.all(np.abs(c[u == 0]) <= lam[u == 0] + 1e-10)
    assert np.any(u == 0) and sweeps < 10_000


def test_compiled_cd_is_the_python_loop():
    H, g, w = _quadratic(seed=1)
    lam = np.full(len(g), 0.2)
    d1, s1 = np.zeros_like(g), np.zeros_like(g)
    d2, s2 = np.zeros_like(g), np.zeros_like(g)
    n1 = _sweeps(H, g, w, lam, d1, s1, 1e-10, 500)
    n2 = _kernel()(H, g, w, lam, d2, s2, 1e-10, 500)
    assert n1 == n2
    np.testing.assert_allclose(d1, d2, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("standardize", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_wide_data_take_column_updates_to_the_same_optimum(
    monkeypatch, standardize, fit_intercept
):
    rng = np.random.default_rng(5)
    X = sp.random(400, 60, density=0.1, format="csr", random_state=5)
    X.data = rng.standard_normal(X.data.size) + 1.0  # non-zero means: centring matters
    y = (X @ rng.standard_normal(60) + rng.logistic(size=400) > 0).astype(int)
    kw = dict(alpha=0.01, l1_ratio=0.7, tol=1e-10, standardize=standardize,
              fit_intercept=fit_intercept)  # fmt: skip
    gram = LogisticRegression(**kw).fit(X, y)  # 61 parameters: the full Hessian
    monkeypatch.setattr(proxnewton, "FULL_HESSIAN_PARAMS", 0)
    calls = []
    real = proxnewton.cd_columns
    monkeypatch.setattr(proxnewton, "cd_columns", lambda *a, **k: calls.append(1) or real(*a, **k))
    columns = LogisticRegression(**kw).fit(X, y)
    assert calls and columns.converged_
    np.testing.assert_allclose(columns.coef_, gram.coef_, atol=1e-8)
    np.testing.assert_array_equal(columns.coef_ == 0, gram.coef_ == 0)


def test_compiled_column_cd_is_the_python_loop():
    from oneneuron.solvers._cd_columns import _column_kernel, _column_sweeps

    rng = np.random.default_rng(3)
    X = sp.random(50, 8, density=0.3, format="csc", random_state=3)
    args = (X.indptr, X.indices, X.data, np.arange(8), rng.random(8),
            1.0 / rng.uniform(0.5, 2, 8), rng.uniform(0.01, 0.25, 50), rng.standard_normal(9),
            np.append(rng.standard_normal(8), 0.0), np.append(np.full(8, 0.05), 0.0),
            np.full(8, 0.01))  # fmt: skip
    d1, r1, d2, r2 = np.zeros(9), np.zeros(50), np.zeros(9), np.zeros(50)
    n1 = _column_sweeps(*args, d1, r1, np.empty(X.nnz), True, 1e-9, 3000)
    n2 = _column_kernel()(*args, d2, r2, np.empty(X.nnz), True, 1e-9, 3000)
    assert n1 == n2 < 3000
    np.testing.assert_allclose(d1, d2, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("standardize", [False, True])
def test_working_set_hessian_is_the_objectives_hessian(standardize):
    rng = np.random.default_rng(8)
    X = rng.standard_normal((900, 7)) * [1, 3, 0.5, 2, 1, 4, 1] + [0, 2, -1, 5, 0, 1, 3]
    y = rng.random(900) < 0.4
    sw = rng.uniform(0.2, 3.0, 900)
    kw = dict(offset=X.mean(0), scale=X.std(0)) if standardize else {}
    obj = Objective(X, y, sw, penalty=ElasticNet(0.1, 0.5), block_rows=200, **kw)
    theta = rng.standard_normal(8) * 0.3
    cols = np.array([0, 2, 3, 6])
    idx = [*cols, 7]
    for fraction in (1.0, 0.25):  # the subsample: every block's first rows, reweighted
        full = obj.evaluate(theta, hessian=True, hessian_fraction=fraction).hess
        np.testing.assert_allclose(
            obj.hessian_block(theta, cols, fraction), full[np.ix_(idx, idx)], rtol=1e-10
        )


def test_features_with_large_means_converge_in_a_few_steps():
    """The intercept minimised out of the inner model: means of 100 (as in scikit-learn's
    estimator checks) next to the intercept made plain CD crawl for 100 iterations."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 2)) + 100.0
    y = (X[:, 0] - X[:, 1] + rng.logistic(size=80) > 0).astype(int)
    m = LogisticRegression(alpha=1e-3, l1_ratio=1.0, tol=1e-10).fit(X, y)
    assert m.converged_ and m.n_iter_ <= 10


def test_ill_conditioned_features_converge_in_a_few_steps():
    """CD's sign pattern finished by one solve (polish): raw breast cancer, whose features
    span six orders of magnitude, in 9 iterations (14 without)."""
    from sklearn.datasets import load_breast_cancer

    from oneneuron import alpha_max

    X, y = load_breast_cancer(return_X_y=True)
    m = LogisticRegression(alpha=1e-3 * alpha_max(X, y), l1_ratio=1.0, tol=1e-8).fit(X, y)
    assert m.converged_ and m.n_iter_ <= 10


def test_column_cd_minimises_the_model_of_the_explicit_matrix():
    """cd_columns against cd_quadratic on ``H = X~^T diag(h) X~ + diag(mu)`` written out."""
    from oneneuron.solvers._cd_columns import cd_columns

    rng = np.random.default_rng(4)
    X = sp.random(120, 9, density=0.3, format="csc", random_state=4)
    offset, scale = rng.uniform(-1, 1, 9), rng.uniform(0.5, 2.0, 9)
    h = rng.uniform(0.01, 0.25, 120) / 120
    mu = np.full(9, 0.01)
    Xt = np.c_[(X.toarray() - offset) / scale, np.ones(120)]  # the intercept last
    H = Xt.T @ (h[:, None] * Xt)
    H[np.arange(9), np.arange(9)] += mu
    g, w = rng.standard_normal(10) * 0.1, np.append(rng.standard_normal(9), 0.0)
    lam = np.append(np.full(9, 0.02), 0.0)
    ref, _ = cd_quadratic(H, g, w, lam, tol=1e-13, max_sweeps=100_000)
    got, _ = cd_columns(X, offset, scale, h, g, w[:9], lam[:9], mu, intercept=True,
                        tol=1e-13, max_sweeps=100_000)  # fmt: skip
    np.testing.assert_allclose(got, ref, atol=1e-9)


@pytest.mark.parametrize("standardize", [False, True])
def test_column_mode_keeps_the_logits_of_its_iterates(monkeypatch, standardize):
    """Sparse and wide: proximal Newton updates every row's logit by the step's change
    (from the CD sweeps) instead of reading X again; after each step they are the logits
    of the new iterate, read afresh."""
    from oneneuron.objective._directions import row_logits
    from oneneuron.solvers.proxnewton import ProxNewton

    monkeypatch.setattr(proxnewton, "FULL_HESSIAN_PARAMS", 0)
    rng = np.random.default_rng(11)
    X = sp.random(300, 40, density=0.15, format="csr", random_state=11)
    X.data = rng.standard_normal(X.data.size) + 0.5
    y = (X @ rng.standard_normal(40) + rng.logistic(size=300) > 0).astype(float)
    sw = rng.uniform(0.5, 2.0, 300)
    kw = dict(offset=np.asarray(X.mean(0)).ravel(), scale=np.full(40, 0.7)) if standardize else {}
    obj = Objective(X, y, sw, penalty=ElasticNet(0.02, 0.8), **kw)
    solver = ProxNewton()
    theta = np.zeros(41)
    ev = solver.start(obj, theta)
    assert solver._columns
    for _ in range(4):
        theta, ev = solver.step(obj, theta, ev)
        np.testing.assert_allclose(solver._rows[0], row_logits(obj, theta)[0], rtol=1e-10,
                                   atol=1e-12)  # fmt: skip


@pytest.mark.parametrize("layout", ["dense", "csr"])
@pytest.mark.parametrize("standardize", [False, True])
def test_row_logits_against_their_definition(layout, standardize):
    """Every row's logit ``(x - m) / s . w + b``: at zero weights (read without a
    product) and at any other theta."""
    from oneneuron.objective._directions import row_logits

    rng = np.random.default_rng(12)
    X = sp.random(50, 6, density=0.5, format="csr", random_state=12)
    X.data = rng.standard_normal(X.data.size) + 3.0
    y = (rng.random(50) < 0.5).astype(float)
    off, sc = (np.asarray(X.mean(0)).ravel(), np.full(6, 0.5)) if standardize else (None, None)
    obj = Objective(X if layout == "csr" else X.toarray(), y, offset=off, scale=sc)
    Xt = (X.toarray() - (0 if off is None else off)) / (1 if sc is None else sc)
    for w in (np.zeros(6), rng.standard_normal(6)):
        z, sign, weight = row_logits(obj, np.append(w, 0.37))
        np.testing.assert_allclose(z, Xt @ w + 0.37, rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(sign, 1 - 2 * y)
        assert weight is None


def test_a_sparse_iterate_takes_the_working_sets_hessian(monkeypatch):
    """Few parameters, so the first pass forms the full Hessian; once fewer than
    FULL_HESSIAN_FRACTION of the weights are non-zero, the passes skip it and the
    Hessian of the working set is formed instead: same optimum as always full."""
    from sklearn.datasets import load_breast_cancer

    from oneneuron import alpha_max

    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    alpha = 0.2 * alpha_max(X, y)
    monkeypatch.setattr(proxnewton, "FULL_HESSIAN_FRACTION", 0.0)  # always the full one
    always = _solve_at(X, y, alpha)
    monkeypatch.setattr(proxnewton, "FULL_HESSIAN_FRACTION", 0.25)
    blocks, passes = [], []
    real_block, real_eval = Objective.hessian_block, Objective.evaluate
    monkeypatch.setattr(
        Objective,
        "hessian_block",
        lambda self, *a: blocks.append(len(a[1])) or real_block(self, *a),
    )
    monkeypatch.setattr(Objective, "evaluate",
                        lambda self, t, **k: passes.append(k.get("hessian", False))
                        or real_eval(self, t, **k))  # fmt: skip
    adaptive = _solve_at(X, y, alpha)
    assert passes[0] and not all(passes) and blocks and max(blocks) < X.shape[1]
    assert np.count_nonzero(adaptive.theta[:-1]) < 0.25 * X.shape[1]
    assert adaptive.converged and always.converged
    np.testing.assert_allclose(adaptive.theta, always.theta, atol=1e-9)


def _solve_at(X, y, alpha):
    obj = Objective(X, y, penalty=ElasticNet(alpha, 1.0))
    return run(ProxNewton(), obj, np.zeros(obj.n_params), tol=1e-10, max_iter=100)
