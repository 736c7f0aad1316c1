"""Each solver feature tested directly, against a plain re-implementation or its definition.

Schedules, momentum (gd and sgd), mini-batches, Newton's decrement test, the subsampled
Hessian (rescaled, and used on tall data), the fallback solve of a singular Hessian,
L-BFGS's first step, the line searches and the precision stop. Each test is written so
that removing or breaking the feature makes it fail (see docs/testing.md).
"""

from __future__ import annotations

import collections
import math
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from oneneuron import LogisticRegression
from oneneuron.objective import Evaluation, Objective
from oneneuron.solvers import (
    LBFGS,
    SOLVERS,
    GradientDescent,
    Newton,
    StochasticGradientDescent,
    run,
)
from oneneuron.solvers import newton as newton_module
from oneneuron.solvers._linesearch import armijo
from oneneuron.solvers.schedules import SCHEDULES, make_schedule


def _data(n=200, d=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = (X @ rng.standard_normal(d) + rng.logistic(size=n) > 0).astype(float)
    return X, y


# ------------------------------------------------------------------------- schedules
def test_schedules_follow_their_formulas():
    lr, total = 0.4, 50
    const = make_schedule("constant", lr, total)
    inv = make_schedule("invscaling", lr, total)
    cos = make_schedule("cosine", lr, total)
    for step in (0, 1, 7, 25, 50, 80):
        assert const(step) == lr
        assert inv(step) == pytest.approx(lr / math.sqrt(1 + step))
        frac = min(step, total) / total
        assert cos(step) == pytest.approx(
            0.004 + 0.5 * (lr - 0.004) * (1 + math.cos(math.pi * frac))
        )
    assert cos(0) == pytest.approx(lr) and cos(total) == pytest.approx(0.01 * lr)
    assert set(SCHEDULES) == {"constant", "invscaling", "cosine"}


def _plain_gd(X, y, lr, steps, momentum=0.0, schedule="constant"):
    """The update written out: heavy ball ``v = m v - rate g; theta += v``."""
    obj = Objective(X, y)
    rate = make_schedule(schedule, lr, steps)
    theta, velocity = np.zeros(obj.n_params), np.zeros(obj.n_params)
    for t in range(steps):
        g = obj.gradient(theta)
        if momentum:
            velocity = momentum * velocity - rate(t) * g
            theta = theta + velocity
        else:
            theta = theta - rate(t) * g
    return theta


@pytest.mark.parametrize("schedule", list(SCHEDULES))
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_gd_takes_the_scheduled_steps_with_momentum(schedule, momentum):
    X, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = LogisticRegression(
            solver="gd", alpha=0.0, learning_rate=0.7, max_iter=12, momentum=momentum,
            lr_schedule=schedule, tol=None,
        ).fit(X, y)  # fmt: skip
    theta = _plain_gd(X, y, 0.7, 12, momentum, schedule)
    np.testing.assert_allclose(np.append(m.coef_[0], m.intercept_), theta, rtol=1e-12)
    # and the feature matters: without it the path differs
    if momentum or schedule != "constant":
        assert not np.allclose(theta, _plain_gd(X, y, 0.7, 12))


@pytest.mark.parametrize("schedule", ["constant", "invscaling"])
@pytest.mark.parametrize("momentum", [0.0, 0.8])
def test_sgd_epoch_is_shuffled_mini_batches_with_momentum(schedule, momentum):
    X, y = _data(n=103)
    obj = Objective(X, y, alpha=0.01)
    bs, lr, epochs = 10, 0.3, 2
    solver = StochasticGradientDescent(
        learning_rate=lr, batch_size=bs, momentum=momentum, lr_schedule=schedule,
        max_iter=epochs, rng=np.random.default_rng(5),
    )  # fmt: skip
    theta = np.zeros(obj.n_params)
    solver.start(obj, theta)
    for _ in range(epochs):
        theta, _ = solver.step(obj, theta, obj.evaluate(theta))
    # the same thing written out
    rng = np.random.default_rng(5)
    n_batches = -(-103 // bs)
    rate = make_schedule(schedule, lr, epochs * n_batches)
    ref, velocity, t = np.zeros(obj.n_params), np.zeros(obj.n_params), 0
    for _ in range(epochs):
        order = rng.permutation(103)
        for start in range(0, 103, bs):
            rows = np.sort(order[start : start + bs])
            Xb, yb = X[rows], y[rows]
            p = 1 / (1 + np.exp(-(Xb @ ref[:-1] + ref[-1])))
            g = np.append(Xb.T @ (p - yb), np.sum(p - yb)) / len(rows)
            g[:-1] += 0.01 * ref[:-1]
            velocity = momentum * velocity - rate(t) * g
            ref = ref + velocity
            t += 1
    np.testing.assert_allclose(theta, ref, rtol=1e-10, atol=1e-12)


def test_sgd_uses_the_batch_size():
    X, y = _data(n=101)
    obj = Objective(X, y)
    calls = []
    original = obj.block_evaluate

    def spy(theta, block):
        calls.append(block.n_rows)
        return original(theta, block)

    obj.block_evaluate = spy  # type: ignore[method-assign]
    solver = StochasticGradientDescent(batch_size=16, rng=np.random.default_rng(0))
    theta = np.zeros(obj.n_params)
    solver.start(obj, theta)
    solver.epoch(obj, theta)
    assert calls == [16] * 6 + [5]


# --------------------------------------------------------------------------- Newton
def test_newton_needs_the_decrement_as_well_as_the_gradient():
    """Small gradient, tiny curvature: far from the optimum by the decrement."""
    newton = Newton()
    g = np.array([1e-7, -1e-7])
    flat = Evaluation(1.0, g, 0, 10, hess=np.diag([1e-9, 1e-9]))
    steep = Evaluation(1.0, g, 0, 10, hess=np.eye(2))
    newton._cache = None
    assert not newton.converged(flat, tol=1e-6)  # g.H^-1.g / 2 = 1e-5 > tol
    assert newton.converged(steep, tol=1e-6)
    assert not newton.converged(Evaluation(1.0, g * 1e3, 0, 10, hess=np.eye(2)), tol=1e-6)


def test_fallback_solve_gives_the_minimum_norm_step():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 5))
    H = A.T @ A  # rank 3 of 5: Cholesky fails
    rhs = H @ rng.standard_normal(5)  # in the range of H
    x = newton_module.solve_psd(H, rhs)
    np.testing.assert_allclose(x, np.linalg.pinv(H) @ rhs, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(H @ x, rhs, rtol=1e-8, atol=1e-10)
    assert np.linalg.norm(x) > 0.1


def test_newton_converges_with_duplicated_features_and_no_penalty():
    X, y = _data()
    X = np.column_stack([X, X[:, 0]])  # a singular Hessian at alpha=0
    m = LogisticRegression(solver="newton", alpha=0.0, tol=1e-9).fit(X, y)
    assert m.converged_ and m.n_iter_ < 20
    ref = LogisticRegression(solver="newton", alpha=0.0, tol=1e-9).fit(X[:, :-1], y)
    np.testing.assert_allclose(m.coef_[0, 0] + m.coef_[0, -1], ref.coef_[0, 0], rtol=1e-6)


def test_subsampled_hessian_is_rescaled_to_estimate_the_full_one():
    X, y = _data(n=20_000, d=3)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, len(y))
    obj = Objective(X, y, sw, alpha=0.1, block_rows=1000)
    theta = np.array([0.3, -0.2, 0.1, 0.05])
    full = obj.evaluate(theta, hessian=True).hess
    part = obj.evaluate(theta, hessian=True, hessian_fraction=0.1)
    assert np.linalg.norm(part.hess - full) <= 0.05 * np.linalg.norm(full)
    assert part.loss == obj.evaluate(theta).loss  # loss and gradient stay exact


def test_newton_subsamples_the_hessian_on_tall_data_and_stays_exact(monkeypatch):
    X, y = _data(n=30_000, d=3)
    fractions = []
    original = Objective.evaluate

    def spy(self, theta, hessian=False, *, hessian_fraction=1.0):
        if hessian:
            fractions.append(hessian_fraction)
        return original(self, theta, hessian, hessian_fraction=hessian_fraction)

    monkeypatch.setattr(Objective, "evaluate", spy)
    m = LogisticRegression(solver="newton", alpha=1e-3, tol=1e-10).fit(X, y)
    assert fractions and max(fractions) < 0.5  # 30,000 rows, 4 parameters: a subsample
    monkeypatch.undo()
    ref = LogisticRegression(solver="lbfgs", alpha=1e-3, tol=1e-10).fit(X, y)
    assert m.converged_
    np.testing.assert_allclose(m.coef_, ref.coef_, rtol=1e-7, atol=1e-9)
    assert newton_module.hessian_fraction(400, 4) == 1.0  # small data: the whole Hessian


def test_newton_takes_the_exact_step_on_small_data(monkeypatch):
    """On nearly separable data the best first Newton step is longer than 1."""
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-2, 1, (50, 2)), rng.normal(2, 1, (50, 2))])
    y = np.repeat([0.0, 1.0], 50)
    obj = Objective(X, y, alpha=1e-4)
    newton = Newton()
    theta = np.zeros(3)
    ev = newton.start(obj, theta)
    steps = []
    original = obj.line_minimum
    obj.line_minimum = lambda *a, **k: steps.append(original(*a, **k)) or steps[-1]  # type: ignore[method-assign]
    new_theta, _ = newton.step(obj, theta, ev)
    p = newton.direction(ev)
    assert steps and steps[0] > 1.2
    np.testing.assert_allclose(new_theta, theta + steps[0] * p)


# --------------------------------------------------------------------------- L-BFGS
@pytest.mark.parametrize("precondition", [False, True])
def test_lbfgs_first_step_minimises_the_quadratic_model(precondition):
    X, y = _data()
    X = X * [1.0, 5.0, 0.3, 2.0]  # columns of different scales
    obj = Objective(X, y, alpha=0.05)
    lbfgs = LBFGS(precondition=precondition)
    theta = np.zeros(obj.n_params)
    ev = lbfgs.start(obj, theta)
    new_theta, _ = lbfgs.step(obj, theta, ev)
    g, H = ev.grad, obj.evaluate(theta, hessian=True).hess
    p = -g / np.diag(H) if precondition else -g  # the preconditioner: the diagonal of H
    t = -(g @ p) / (p @ H @ p)  # exact: 200 rows are fewer than the curvature sample
    np.testing.assert_allclose(new_theta, theta + t * p, rtol=1e-10)
    assert abs(t - 1.0) > 1e-3  # so a unit first step would differ


@pytest.mark.parametrize("precondition", [False, True])
def test_lbfgs_direction_satisfies_the_secant_equation(precondition):
    """The two-loop recursion's inverse-Hessian estimate maps the last y to the last s,
    whatever its initial matrix (gamma I, or gamma times the inverse diagonal)."""
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 4))
    H = A @ A.T + 4 * np.eye(4)
    lbfgs = LBFGS(memory=3)
    lbfgs._inv_diag = 1.0 / rng.uniform(0.5, 5.0, 4) if precondition else None
    lbfgs._pairs = collections.deque(maxlen=3)
    for _ in range(5):
        s = rng.standard_normal(4)
        yv = H @ s
        lbfgs._pairs.append((s, yv, 1.0 / (s @ yv)))
    s_last, y_last, _ = lbfgs._pairs[-1]
    np.testing.assert_allclose(lbfgs.direction(y_last), -s_last, rtol=1e-10)
    assert len(lbfgs._pairs) == 3  # the memory bound


def test_preconditioned_lbfgs_needs_far_fewer_iterations_on_badly_scaled_columns():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2000, 40)) * np.exp(rng.uniform(-3, 3, 40))
    y = X[:, :5] @ np.ones(5) / X[:, :5].std(0).mean() + rng.logistic(size=2000) > 0
    obj = Objective(X, y, alpha=1e-4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = run(LBFGS(precondition=False), obj, np.zeros(41), tol=1e-8, max_iter=3000)
        fast = run(LBFGS(), obj, np.zeros(41), tol=1e-8, max_iter=3000)
    assert fast.converged and fast.n_iter * 4 < plain.n_iter
    assert abs(fast.evaluation.loss - plain.evaluation.loss) <= 1e-10 * plain.evaluation.loss


# ------------------------------------------------------------------- line searches
def test_armijo_halves_until_sufficient_decrease():
    X, y = _data()
    obj = Objective(X, y, alpha=0.1)
    theta = np.zeros(obj.n_params)
    ev = obj.evaluate(theta)
    p = -ev.grad * 200  # far too long: J rises at t = 1
    new_theta, new_ev = armijo(obj, theta, ev, p)
    t = (new_theta - theta)[0] / p[0]
    assert t < 1 and math.log2(1 / t) == pytest.approx(round(math.log2(1 / t)))
    assert new_ev.loss <= ev.loss + 1e-4 * t * (ev.grad @ p)
    assert obj.loss(theta + 2 * t * p) > ev.loss + 1e-4 * 2 * t * (ev.grad @ p)


# ------------------------------------------------------------------- stopping rules
def test_float32_data_stop_at_their_precision_with_a_true_hint():
    X, y = _data(n=2000, d=8)
    with pytest.warns(ConvergenceWarning, match="precision of float32.*fit float64 data"):
        m = LogisticRegression(solver="newton", tol=1e-12, alpha=1e-3).fit(X.astype(np.float32), y)
    assert m.n_iter_ < 30
    ref = LogisticRegression(solver="newton", tol=1e-10, alpha=1e-3).fit(X, y)
    np.testing.assert_allclose(m.coef_, ref.coef_, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("solver", list(SOLVERS))
def test_every_solver_declares_its_facts(solver):
    cls = SOLVERS[solver]
    assert cls.name == solver
    assert cls.unit in ("iteration", "epoch")
    assert cls.default_max_iter >= 1 and cls.hint
    assert cls.exact == (solver in ("newton", "lbfgs", "newton-cg", "proxnewton"))
    assert cls.nonsmooth == (solver in ("gd", "sgd", "proxnewton"))
    built = cls.from_params(LogisticRegression().get_params(), 7, np.random.default_rng(0))
    assert isinstance(built, cls)
    if "max_iter" in cls.__dataclass_fields__:
        assert built.max_iter == 7


def test_gd_step_is_its_learning_rate_times_the_gradient():
    X, y = _data()
    obj = Objective(X, y, alpha=0.2)
    gd = GradientDescent(learning_rate=0.37)
    theta = np.full(obj.n_params, 0.1)
    ev = gd.start(obj, theta)
    new_theta, new_ev = gd.step(obj, theta, ev)
    np.testing.assert_allclose(new_theta, theta - 0.37 * ev.grad)
    assert new_ev.loss == obj.loss(new_theta)
