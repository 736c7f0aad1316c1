"""Gaps in the solvers' tests found by mutation testing (docs/testing.md, "Mutation
testing"): each test holds a path the other tests did not reach to its definition or to
a reference written out in full."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from oneneuron.solvers._cd import cd_quadratic
from oneneuron.solvers._cd_columns import cd_columns


def _column_model(seed=4, n=120, d=9, h_scale=1.0, lam_value=0.02):
    """A sparse model ``H = X~^T diag(h) X~ + diag(mu)`` (intercept last) and the same H
    written out, for cd_columns against cd_quadratic; with a larger ``lam_value``, every
    other weight starts at zero (and most stay there)."""
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=0.3, format="csc", random_state=seed)
    offset, scale = rng.uniform(-1, 1, d), rng.uniform(0.5, 2.0, d)
    h = h_scale * rng.uniform(0.01, 0.25, n) / n
    mu = np.full(d, 0.01)
    Xt = np.c_[(X.toarray() - offset) / scale, np.ones(n)]
    H = Xt.T @ (h[:, None] * Xt)
    H[np.arange(d), np.arange(d)] += mu
    g, w = rng.standard_normal(d + 1) * 0.1, np.append(rng.standard_normal(d), 0.0)
    lam = np.append(np.full(d, lam_value), 0.0)
    if lam_value > 0.02:
        w[:d:2] = 0.0
    return X, offset, scale, h, mu, H, g, w, lam


@pytest.mark.parametrize("sweeps", [1, 3])
def test_column_cd_sweeps_are_the_quadratic_cd_sweeps(sweeps):
    """Coordinate descent is its update rule: a sweep of cd_columns (the model read from
    X's columns) moves every coordinate as a sweep of cd_quadratic on the written-out H,
    so after 1 or 3 sweeps (neither converged) they are at the same point."""
    X, offset, scale, h, mu, H, g, w, lam = _column_model()
    ref, n_ref = cd_quadratic(H, g, w, lam, tol=0.0, max_sweeps=sweeps)
    got, n_got = cd_columns(X, offset, scale, h, g, w[:-1], lam[:-1], mu, intercept=True,
                            tol=0.0, max_sweeps=sweeps)  # fmt: skip
    assert n_ref == n_got == sweeps
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-14)


def test_column_cd_without_curvature_leaves_the_intercept():
    """Every curvature weight zero (saturated probabilities): no information on the
    intercept, which stays; the weights minimise ``g.d + mu d^2 / 2 + lam |w + d|``, as
    cd_quadratic finds on the same (diagonal) H."""
    X, offset, scale, h, mu, H, g, w, lam = _column_model(h_scale=0.0)
    ref, _ = cd_quadratic(H, g, w, lam, tol=1e-12, max_sweeps=1000)
    got, _ = cd_columns(X, offset, scale, h, g, w[:-1], lam[:-1], mu, intercept=True,
                        tol=1e-12, max_sweeps=1000)  # fmt: skip
    assert got[-1] == 0.0
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-15)


def test_column_cd_converts_csr_columns():
    """CSR (or float32) columns are converted: the same step as from float64 CSC."""
    X, offset, scale, h, mu, _, g, w, lam = _column_model()
    X.data = np.round(X.data * 8) / 8  # exact in float32
    kw = dict(intercept=True, tol=1e-12, max_sweeps=1000)
    ref, _ = cd_columns(X, offset, scale, h, g, w[:-1], lam[:-1], mu, **kw)
    for other in (X.tocsr(), X.astype(np.float32), X.tocsr().astype(np.float32)):
        got, _ = cd_columns(other, offset, scale, h, g, w[:-1], lam[:-1], mu, **kw)
        np.testing.assert_array_equal(got, ref)


def test_early_stopping_counts_records_without_improvement():
    """Stop once the validation loss has not improved by ``tol`` for ``patience`` records;
    keep the weights of the lowest loss and their iteration (the first of equal ones)."""
    from oneneuron.solvers.callbacks import EarlyStopping

    stop = EarlyStopping(patience=2, tol=0.1)
    assert stop.best is None and stop.best_iteration == -1 and stop.best_loss == np.inf
    losses = [1.0, 0.95, 0.8, 0.8, 0.75, 0.9]
    #  0.95: lower, but not by tol (1 record); 0.8: by tol (0); 0.8 again: not lower (1);
    #  0.75: lower, not by tol (2: stop)
    expected = [False, False, False, False, True, True]
    for i, (loss, stops) in enumerate(zip(losses, expected, strict=True)):
        assert stop({"iteration": i, "val_loss": loss}, np.full(2, float(i))) is stops
    assert stop.best_loss == 0.75 and stop.best_iteration == 4
    np.testing.assert_array_equal(stop.best, [4.0, 4.0])
    assert stop.since == 3
    equal = EarlyStopping(patience=5, tol=0.0)
    for i in range(3):
        equal({"iteration": i, "val_loss": 0.5}, np.full(2, float(i)))
    assert equal.best_iteration == 0 and equal.since == 2


@pytest.mark.parametrize("lam_value", [0.0, 0.02])
def test_inner_step_with_k_intercepts_minimises_the_model(lam_value):
    """K = 3 intercepts minimised out as a block (the Schur complement): the step is the
    model's minimiser over every coordinate, as coordinate descent on the whole model
    finds it (and ``-H^-1 g`` without an L1 part)."""
    from oneneuron.solvers.proxnewton import inner_step

    rng = np.random.default_rng(12)
    A = rng.normal(size=(60, 9))  # 6 weights, then 3 intercepts
    A[:, 6:] += 1.0
    H = A.T @ A / 60 + 0.01 * np.eye(9)
    g = rng.normal(size=9) * 0.3
    w = np.append(rng.normal(size=6), np.zeros(3))
    lam = np.append(np.full(6, lam_value), np.zeros(3))
    step_w, step_b = inner_step(H, g, w[:6], lam[:6], 1e-13, 100_000, n_intercepts=3)
    if lam_value == 0.0:
        ref = -np.linalg.solve(H, g)
    else:
        ref, _ = cd_quadratic(H, g, w, lam, tol=1e-13, max_sweeps=100_000)
    np.testing.assert_allclose(np.append(step_w, step_b), ref, atol=1e-9)


def _model_violation(H, g, w, lam, d):
    """The model's minimum-norm subgradient at the step d, per coordinate."""
    c, u = g + H @ d, w + d
    return np.where(u != 0, np.abs(c + lam * np.sign(u)), np.maximum(np.abs(c) - lam, 0.0))


@pytest.mark.parametrize("lam_value", [0.02, 0.1])
@pytest.mark.parametrize("tol", [1e-4, 1e-7])
def test_column_cd_stops_at_tol_and_counts_its_sweeps(tol, lam_value):
    """Sweeps stop once the model's minimum-norm subgradient is within tol (checked on
    the written-out H, up to the last sweep's own moves), and the count returned is the
    number taken: as many sweeps, capped, give the same step; one fewer does not."""
    X, offset, scale, h, mu, H, g, w, lam = _column_model(lam_value=lam_value)
    args = (X, offset, scale, h, g, w[:-1], lam[:-1], mu)
    d, n = cd_columns(*args, intercept=True, tol=tol, max_sweeps=10_000)
    assert 1 < n < 10_000
    assert _model_violation(H, g, w, lam, d).max() <= 10 * tol
    again, m = cd_columns(*args, intercept=True, tol=tol, max_sweeps=n)
    assert m == n
    np.testing.assert_array_equal(again, d)
    fewer, m = cd_columns(*args, intercept=True, tol=tol, max_sweeps=n - 1)
    assert m == n - 1 and not np.array_equal(fewer, d)


def test_column_cd_skips_an_empty_column_without_l2():
    """A column of zeros and no L2 part (``mu = 0``): no curvature, so its weight does not
    move, as in cd_quadratic on the written-out H."""
    X, offset, scale, h, mu, H, g, w, lam = _column_model()
    X = X.tolil()
    X[:, 4] = 0.0
    X = X.tocsc()
    offset[4], mu[:] = 0.0, 0.0
    Xt = np.c_[(X.toarray() - offset) / scale, np.ones(X.shape[0])]
    H = Xt.T @ (h[:, None] * Xt)
    ref, _ = cd_quadratic(H, g, w, lam, tol=1e-12, max_sweeps=10_000)
    got, _ = cd_columns(X, offset, scale, h, g, w[:-1], lam[:-1], mu, intercept=True,
                        tol=1e-12, max_sweeps=10_000)  # fmt: skip
    assert got[4] == 0.0
    np.testing.assert_allclose(got, ref, rtol=1e-8, atol=1e-12)


def test_inner_step_with_one_intercept_by_default():
    """``inner_step`` takes one intercept by default: without an L1 part the step is
    ``-H^-1 g``."""
    from oneneuron.solvers.proxnewton import inner_step

    rng = np.random.default_rng(13)
    A = rng.normal(size=(40, 5))
    A[:, 4] = 1.0
    H, g = A.T @ A / 40 + 0.01 * np.eye(5), rng.normal(size=5)
    step_w, step_b = inner_step(H, g, rng.normal(size=4), np.zeros(4), 1e-14, 100_000)
    np.testing.assert_allclose(np.append(step_w, step_b), -np.linalg.solve(H, g), rtol=1e-8)


@pytest.mark.parametrize("scale", [1.0, 1e-14])
def test_solve_psd_of_a_singular_hessian_is_the_minimum_norm_solution(scale):
    """A Hessian with a zero first row and column (a column of zeros with alpha = 0, at
    any scale): the minimum-norm solution, as the pseudo-inverse gives it; a zero
    Hessian gives a zero step."""
    from oneneuron.solvers.newton import solve_psd

    rng = np.random.default_rng(14)
    A = rng.normal(size=(30, 4))
    A[:, 0] = 0.0
    H, rhs = scale * (A.T @ A), rng.normal(size=4)
    x = solve_psd(H, rhs)
    np.testing.assert_allclose(x, np.linalg.pinv(H) @ rhs, rtol=1e-8)
    np.testing.assert_array_equal(solve_psd(np.zeros((3, 3)), np.ones(3)), np.zeros(3))


def test_newton_converges_on_half_the_decrement():
    """Newton stops when ``max |g| <= tol`` and the decrement ``g.H^-1.g / 2 <= tol``."""
    from oneneuron.objective import Evaluation
    from oneneuron.solvers import Newton

    newton = Newton()
    newton._cache = None
    g = np.array([0.1, -0.1])
    for h, converged in ((0.011, True), (0.0099, False)):  # decrement / 2: 0.909, 1.01
        ev = Evaluation(1.0, g, 0, 10, hess=np.diag([h, h]))
        assert newton.converged(ev, tol=1.0) is converged
    assert not newton.converged(Evaluation(1.0, g, 0, 10, hess=np.eye(2)), tol=0.09)


def test_lbfgs_keeps_memory_pairs():
    """``memory``: the directions use the last ``memory`` pairs only, so one pair and
    twenty take different paths from the third iteration on."""
    from oneneuron.objective import Objective
    from oneneuron.solvers import LBFGS, run

    rng = np.random.default_rng(15)
    X = rng.normal(size=(200, 6)) * [1, 2, 3, 0.5, 1, 4]
    y = (X @ rng.normal(size=6) + rng.logistic(size=200) > 0).astype(float)
    obj = Objective(X, y, alpha=1e-3)
    paths = []
    for memory in (1, 20):
        records = run(LBFGS(memory=memory), obj, np.zeros(7), tol=None, max_iter=6).records
        paths.append([r["loss"] for r in records])
    assert paths[0][:3] == paths[1][:3]
    assert paths[0][3:] != paths[1][3:]


def test_inner_step_without_intercept_curvature():
    """Every curvature weight zero (``H_bb = 0``): no information on the intercept, the
    whole model by coordinate descent (which leaves it)."""
    from oneneuron.solvers.proxnewton import inner_step

    rng = np.random.default_rng(16)
    H = np.diag(np.append(rng.uniform(0.5, 1.0, 4), 0.0))
    g, w = rng.normal(size=5), rng.normal(size=4)
    lam = np.full(4, 0.1)
    step_w, step_b = inner_step(H, g, w, lam, 1e-13, 1000)
    ref, _ = cd_quadratic(H, g, np.append(w, 0.0), np.append(lam, 0.0), tol=1e-13)
    np.testing.assert_allclose(np.append(step_w, step_b), ref, rtol=1e-12)
    assert step_b == 0.0


def test_model_value_is_its_definition():
    from oneneuron.solvers._cd import model_value

    rng = np.random.default_rng(17)
    A = rng.normal(size=(8, 4))
    H, g, w, lam, d = (
        A.T @ A,
        rng.normal(size=4),
        rng.normal(size=4),
        rng.random(4),
        rng.normal(size=4),
    )
    q = g @ d + 0.5 * d @ H @ d + np.sum(lam * np.abs(w + d))
    assert model_value(H, g, w, lam, d) == pytest.approx(q, rel=1e-14)


def test_polish_finishes_what_cd_started():
    """Three CD sweeps on an ill-conditioned model find the sign pattern but not the
    minimiser; the linear solve on that face does (against CD run to 1e-12)."""
    from oneneuron.solvers._cd import polish

    rng = np.random.default_rng(18)
    A = rng.normal(size=(50, 6))
    A[:, 1] = A[:, 0] + 0.1 * rng.normal(size=50)  # nearly collinear: CD crawls
    H = A.T @ A / 50
    g, w = rng.normal(size=6) * 0.5, np.array([0.5, -0.3, 0.1, 0.2, -0.1, 0.1])
    lam = np.array([0.05, 0.05, 1.0, 0.05, 1.0, 0.0])
    g[2] = g[4] = 0.01  # a weight stays at zero: the face has a fixed coordinate
    ref, _ = cd_quadratic(H, g, w, lam, tol=1e-12, max_sweeps=100_000)
    assert np.any(w + ref == 0)
    rough, _ = cd_quadratic(H, g, w, lam, tol=0.0, max_sweeps=3)
    assert np.array_equal(w + rough == 0, w + ref == 0)
    assert np.abs(rough - ref).max() > 1e-4
    np.testing.assert_allclose(polish(H, g, w, lam, rough), ref, atol=1e-9)


def test_proxnewton_moves_the_intercept_alone():
    """alpha above alpha_max: every weight is optimal at zero from the start, so the
    working set holds the intercept alone, which still moves to the weighted log-odds
    (scikit-learn's and the definition's optimum)."""
    from oneneuron import LogisticRegression

    rng = np.random.default_rng(19)
    X = rng.normal(size=(200, 5))
    y = (rng.random(200) < 0.3).astype(int)
    sw = rng.uniform(0.5, 2.0, size=200)
    m = LogisticRegression(alpha=10.0, l1_ratio=1.0, solver="proxnewton", tol=1e-10)
    m.fit(X, y, sample_weight=sw)
    p = sw @ y / sw.sum()
    assert m.converged_
    np.testing.assert_array_equal(m.coef_, 0.0)
    assert m.intercept_[0] == pytest.approx(np.log(p / (1 - p)), rel=1e-9)


def test_proxnewton_line_search_that_finds_no_decrease_says_so():
    """A direction the model predicts to descend but J rises along (a gradient of the
    wrong sign): every halving fails, and the solver stops at the data's precision with
    the reason the ConvergenceWarning gives."""
    from oneneuron.objective import Evaluation, Objective
    from oneneuron.penalties import L1
    from oneneuron.solvers import ProxNewton, StopSolver

    rng = np.random.default_rng(20)
    X = rng.normal(size=(100, 3))
    y = (X[:, 0] + rng.logistic(size=100) > 0).astype(float)
    obj = Objective(X, y, penalty=L1(0.01))
    theta = np.array([0.3, -0.2, 0.1, 0.05])
    solver = ProxNewton()
    ev = solver.start(obj, theta)
    wrong = Evaluation(ev.loss, -ev.grad, ev.n_correct, ev.n_samples)
    with pytest.raises(StopSolver, match=r"^line search found no decrease \(optimum reached "):
        solver._line_search(obj, theta, wrong, ev.grad)
    try:
        solver._line_search(obj, theta, wrong, ev.grad)
    except StopSolver as exc:
        assert exc.precision is True


def test_quadratic_cd_skips_a_coordinate_without_curvature_and_counts_sweeps():
    """A coordinate with ``H_jj = 0`` (and a zero row) does not move; the others reach
    ``-H^-1 g`` of the rest (no L1 part). The count returned is the sweeps taken: capped
    there, the same step; one fewer, another."""
    rng = np.random.default_rng(21)
    A = rng.normal(size=(30, 4))
    A[:, 1] = 0.0
    H, g, w, lam = A.T @ A / 30, rng.normal(size=4), rng.normal(size=4), np.zeros(4)
    g[1] = 0.0  # (a column of zeros has no gradient either)
    d, n = cd_quadratic(H, g, w, lam, tol=1e-10, max_sweeps=10_000)
    rest = [0, 2, 3]
    assert d[1] == 0.0
    np.testing.assert_allclose(d[rest], -np.linalg.solve(H[np.ix_(rest, rest)], g[rest]), rtol=1e-8)
    again, m = cd_quadratic(H, g, w, lam, tol=1e-10, max_sweeps=n)
    assert m == n and np.array_equal(again, d)
    fewer, m = cd_quadratic(H, g, w, lam, tol=1e-10, max_sweeps=n - 1)
    assert m == n - 1 and not np.array_equal(fewer, d)


def test_choose_solver_for_l1_by_classes_and_size():
    """A non-smooth penalty: proximal Newton for two classes whatever the size; for K
    classes up to ``max_hessian`` parameters (it forms the full Hessian), else gd."""
    from oneneuron.solvers import choose_solver

    assert choose_solver(100, 6000, smooth=False) == "proxnewton"
    assert choose_solver(100, 6000, smooth=False, n_classes=2) == "proxnewton"
    assert choose_solver(100, 5000, smooth=False, n_classes=3) == "proxnewton"
    assert choose_solver(100, 5001, smooth=False, n_classes=3) == "gd"
    assert choose_solver(100, 400, smooth=False, n_classes=3, max_hessian=300) == "gd"
    assert choose_solver(1000, 200) == "newton"  # up to NEWTON_MAX_PARAMS parameters
    assert choose_solver(1000, 201) == "lbfgs"


def test_armijo_refuses_an_ascent_direction():
    """A direction along which J rises (``g.p > 0``, however slightly): no search, the
    solver stops with the reason."""
    from oneneuron.objective import Objective
    from oneneuron.solvers import StopSolver
    from oneneuron.solvers._linesearch import armijo

    rng = np.random.default_rng(23)
    X = rng.normal(size=(50, 3))
    obj = Objective(X, (rng.random(50) < 0.5).astype(float), alpha=0.1)
    theta = np.full(4, 0.2)
    ev = obj.evaluate(theta)
    direction = 1e-3 * ev.grad / (ev.grad @ ev.grad)  # g.p = 1e-3
    with pytest.raises(StopSolver, match="^not a descent direction") as info:
        armijo(obj, theta, ev, direction)
    assert info.value.precision


def test_proxnewton_k_classes_with_a_sparse_iterate_on_tall_data():
    """K = 3 classes, an L1 penalty that keeps few weights, 4,000 rows (the Hessian from a
    subsample of them): proximal Newton forms the K-class Hessian at every evaluation
    (it has no working-set Hessian for K classes) and reaches the optimum, where the
    minimum-norm subgradient vanishes."""
    from oneneuron.objective import Objective
    from oneneuron.penalties import L1
    from oneneuron.solvers import ProxNewton, run

    rng = np.random.default_rng(22)
    X = rng.normal(size=(4000, 8))
    codes = np.argmax(X[:, :3] * 2 + rng.gumbel(size=(4000, 3)), axis=1)
    obj = Objective(X, codes, n_classes=3, penalty=L1(0.05))
    result = run(ProxNewton(), obj, np.zeros(obj.n_params), tol=1e-8, max_iter=100)
    assert result.converged and result.evaluation.grad_max <= 1e-8
    nonzero = np.count_nonzero(result.theta[: obj.n_weights])
    assert 0 < nonzero < 0.25 * obj.n_weights


def test_cosine_schedule_ends_at_its_floor_over_the_epochs_batches():
    """Half a cosine from the rate to 1% of it over ``total_steps`` (one step too); sgd's
    horizon is every batch of every epoch: ``max_iter * ceil(n / batch_size)``."""
    from oneneuron.objective import Objective
    from oneneuron.solvers import StochasticGradientDescent
    from oneneuron.solvers.schedules import make_schedule

    one = make_schedule("cosine", 0.5, 1)
    assert one(0) == 0.5 and one(1) == pytest.approx(0.005, rel=1e-12)
    rng = np.random.default_rng(24)
    obj = Objective(rng.normal(size=(100, 2)), (rng.random(100) < 0.5).astype(float))
    sgd = StochasticGradientDescent(learning_rate=0.5, batch_size=64, lr_schedule="cosine",
                                    max_iter=3)  # fmt: skip
    sgd.start(obj, np.zeros(3))
    assert sgd._rate(5) > 0.005 and sgd._rate(6) == pytest.approx(0.005, rel=1e-12)
