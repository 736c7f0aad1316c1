"""Gaps in the training loop's tests found by mutation testing (docs/testing.md,
"Mutation testing"): the driver's rules (stop at tol, at max_iter, after ``STALLS`` steps
without measurable progress, after ``RISES`` steps of a diverging loss, on a callback;
what is recorded, printed and warned) held to their definitions with a scripted solver
whose every step is known in advance."""

from __future__ import annotations

import re
import sys
import time
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from oneneuron.objective import Evaluation, Objective
from oneneuron.solvers import StopSolver, iterate, run
from oneneuron.solvers._driver import RISES, STALLS, _progressed, _Rising


def _objective(dtype=np.float64):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2)).astype(dtype)
    return Objective(X, (rng.random(20) < 0.5).astype(float), alpha=0.1)


def _evaluation(loss, grad_max, n_correct=3):
    return Evaluation(float(loss), np.array([grad_max, -grad_max / 2]), n_correct, 4)


class Scripted:
    """A solver whose evaluations are given: ``losses[0]``/``grads[0]`` at the start, then
    one pair per step; each step adds 1 to theta. ``fail`` at a step: raise that
    exception there (an ``Exception`` instance) or compute an overflow (``"overflow"``)."""

    name = "scripted"
    hint = "the scripted hint"
    hint_standardized = "the scripted hint, standardised"

    def __init__(self, losses, grads, exact=True, fail=None):
        self.losses, self.grads, self.exact = list(losses), list(grads), exact
        self.fail = fail or {}
        self.steps = 0

    def start(self, objective, theta):
        return _evaluation(self.losses[0], self.grads[0])

    def step(self, objective, theta, evaluation):
        self.steps += 1
        failure = self.fail.get(self.steps)
        if isinstance(failure, Exception):
            raise failure
        if failure == "overflow":
            np.exp(np.array([1000.0]))  # raises under the driver's errstate
        if failure == "invalid":
            np.array([np.inf]) - np.inf  # so does an invalid operation
        i = min(self.steps, len(self.losses) - 1)
        return theta + 1.0, _evaluation(self.losses[i], self.grads[i])

    def converged(self, evaluation, tol):
        return evaluation.grad_max <= tol


def _run(solver, *, tol=1e-3, max_iter=50, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = run(solver, _objective(), np.zeros(3), tol=tol, max_iter=max_iter, **kwargs)
    return result, [w for w in caught if issubclass(w.category, ConvergenceWarning)]


def test_stops_at_tol_without_a_warning():
    """The gradient halves each step: it is below tol=0.01 after 7 steps (1/128)."""
    grads = [0.5**k for k in range(20)]
    losses = [1.0 - 0.01 * k for k in range(20)]
    result, warned = _run(Scripted(losses, grads), tol=0.01)
    assert (result.n_iter, result.converged, result.stop_reason) == (7, True, "tol")
    assert result.evaluation.grad_max == 0.5**7 and not warned
    np.testing.assert_array_equal(result.theta, np.full(3, 7.0))
    assert [r["iteration"] for r in result.records] == list(range(8))
    assert [r["loss"] for r in result.records] == losses[:8]
    assert [r["grad_max"] for r in result.records] == grads[:8]
    assert all(r["accuracy"] == 0.75 for r in result.records)
    times = [r["time"] for r in result.records]
    assert times[0] >= 0 and times == sorted(times)


def test_converged_at_the_start_takes_no_step():
    result, warned = _run(Scripted([1.0], [1e-5]), tol=1e-4)
    assert (result.n_iter, result.converged, result.stop_reason) == (0, True, "tol")
    assert len(result.records) == 1 and not warned


def test_max_iter_warns_with_the_solver_hint():
    """Steady progress that never reaches tol: exactly max_iter steps, then the warning."""
    grads = [0.9**k for k in range(40)]
    losses = [1.0 - 0.01 * k for k in range(40)]
    result, warned = _run(Scripted(losses, grads), tol=1e-9, max_iter=12)
    assert (result.n_iter, result.converged, result.stop_reason) == (12, False, "max_iter")
    assert len(result.records) == 13
    assert len(warned) == 1
    message = str(warned[0].message)
    assert "reached max_iter=12" in message and "the scripted hint" in message


def test_fixed_budget_runs_max_iter_steps_and_never_warns():
    """tol=None: exactly max_iter steps, no convergence test (even at a zero gradient),
    no stall rule (the loss never moves), no warning."""
    solver = Scripted([1.0], [0.0])
    result, warned = _run(solver, tol=None, max_iter=STALLS + 5)
    assert solver.steps == result.n_iter == STALLS + 5
    assert (result.converged, result.stop_reason) == (False, "max_iter") and not warned
    assert result.converged is False and result.evaluation.loss == 1.0
    np.testing.assert_array_equal(result.theta, np.full(3, STALLS + 5.0))


def test_stalls_stop_an_exact_solver_at_its_precision():
    """No measurable progress (J and the gradient unchanged): stopped after ``STALLS``
    steps in a row, reported as the precision of float64."""
    solver = Scripted([1.0], [0.1])
    seen = []
    result, warned = _run(
        solver, tol=1e-6, max_iter=100, callbacks=[lambda r, t: seen.append(r["iteration"])]
    )
    assert seen == list(range(STALLS + 1))
    assert solver.steps == result.n_iter == STALLS
    assert [r["iteration"] for r in result.records] == list(range(STALLS + 1))
    assert result.stop_reason == "no measurable progress in J or its gradient"
    assert not result.converged and len(warned) == 1
    assert "stopped at the precision of float64" in str(warned[0].message)


def test_stall_count_restarts_after_progress():
    """Progress (the gradient halved) at step STALLS - 1 restarts the count from there:
    the run stops STALLS steps later, not at step STALLS."""
    k = STALLS - 1
    grads = [0.1] * k + [0.04] * 50
    result, _ = _run(Scripted([1.0] * len(grads), grads), tol=1e-6, max_iter=100)
    assert result.n_iter == k + STALLS


def test_stalls_are_measured_from_the_last_progress():
    """Each step lowers J by 0.6 of the noise: never measurable step to step, but the
    reference stays where progress was last made, so every second step is progress
    (1.2 noise below it) and the run goes on to max_iter."""
    noise = 4.0 * np.finfo(np.float64).eps * 2.0
    losses = [2.0 - 0.6 * noise * k for k in range(60)]
    result, _ = _run(Scripted(losses, [0.1] * 60), tol=1e-6, max_iter=40)
    assert (result.n_iter, result.stop_reason) == (40, "max_iter")


def test_a_fixed_step_method_has_no_stall_rule():
    solver = Scripted([1.0], [0.1], exact=False)
    result, _ = _run(solver, tol=1e-6, max_iter=STALLS + 5)
    assert result.n_iter == STALLS + 5 and result.stop_reason == "max_iter"


@pytest.mark.parametrize(("loss", "scale"), [(0.5, 1.0), (-3.0, 3.0), (40.0, 40.0)])
def test_progress_is_j_below_its_rounding_noise_or_the_gradient_halved(loss, scale):
    """``_progressed``: J lower than the reference by more than 4 eps max(|J|, 1) (eps of
    the data's dtype), or the gradient at most half the reference's."""
    for dtype in (np.float64, np.float32):
        obj = _objective(dtype)
        noise = 4.0 * np.finfo(dtype).eps * scale
        ref = _evaluation(loss, 1.0)
        assert _progressed(obj, ref, _evaluation(loss - 1.1 * noise, 1.0))
        assert not _progressed(obj, ref, _evaluation(loss - 0.9 * noise, 1.0))
        assert not _progressed(obj, ref, _evaluation(loss, 1.0))
        assert _progressed(obj, ref, _evaluation(loss, 0.5))
        assert not _progressed(obj, ref, _evaluation(loss, 0.51))
    # "lower by more than the noise": exactly the noise below is no progress
    exact = _evaluation(0.5 - 4.0 * np.finfo(np.float64).eps, 1.0)
    assert exact.loss == 0.5 - 4.0 * np.finfo(np.float64).eps
    assert not _progressed(_objective(), _evaluation(0.5, 1.0), exact)
    # float32's noise is far above float64's: a step measurable in float64 is not in float32
    step = 100 * np.finfo(np.float64).eps * scale
    ref = _evaluation(loss, 1.0)
    assert _progressed(_objective(), ref, _evaluation(loss - step, 1.0))
    assert not _progressed(_objective(np.float32), ref, _evaluation(loss - step, 1.0))


@pytest.mark.parametrize(("start", "bound"), [(0.5, 1.5), (3.0, 6.0), (-2.0, 0.0)])
def test_rising_counts_steps_above_start_plus_max_start_1(start, bound):
    """``_Rising``: a loss above ``start + max(|start|, 1)`` for ``RISES`` steps in a row;
    a step at or below the bound restarts the count, and the worst loss of the rise."""
    rising = _Rising(start)
    assert (rising.start, rising.bound, rising.count, rising.worst) == (start, bound, 0, start)
    for i in range(RISES - 1):
        assert not rising.up(bound + 1 + i)
        assert rising.count == i + 1 and rising.worst == bound + 1 + i
    assert not rising.up(bound)  # not above: the count restarts
    assert (rising.count, rising.worst) == (0, start)
    ups = [rising.up(bound + 0.5) for _ in range(RISES)]
    assert ups == [False] * (RISES - 1) + [True] and rising.worst == bound + 0.5
    assert rising.up(bound + 0.25) and rising.worst == bound + 0.5


@pytest.mark.parametrize("tol", [1e-6, None])
def test_a_diverging_fixed_step_method_stops_and_warns(tol):
    """gd/sgd whose loss stays above ``start + max(start, 1)`` for RISES steps: stopped
    there (even with a fixed budget) with a ConvergenceWarning that says by how much."""
    losses = [0.5, 1.0, 2.0, 3.0, 5.0, 4.0, 9.0, 7.0, 8.0]
    solver = Scripted(losses, [1.0] * len(losses), exact=False)
    seen = []
    result, warned = _run(
        solver, tol=tol, max_iter=100, callbacks=[lambda r, t: seen.append(r["iteration"])]
    )
    assert seen == list(range(RISES + 2))
    assert solver.steps == result.n_iter == 1 + RISES  # the first step is below 1.5
    assert len(result.records) == RISES + 2 and result.records[-1]["loss"] == 9.0
    assert [r["iteration"] for r in result.records] == list(range(RISES + 2))
    np.testing.assert_array_equal(result.theta, np.full(3, 1.0 + RISES))
    assert result.evaluation.loss == 9.0 and result.converged is False
    assert not result.converged
    assert result.stop_reason == "diverged: the loss rose from 0.5 to 9"
    assert len(warned) == 1
    message = str(warned[0].message)
    assert "'scripted' diverged" in message and "from 0.5 to as much as 9" in message
    assert f"above 1.5 for {RISES} iterations" in message and "iteration 6" in message
    assert "lower learning_rate or set standardize=True" in message


@pytest.mark.parametrize("standardized", [False, True])
def test_the_divergence_warning_names_the_rate_and_the_remedy(standardized):
    """The remedies of a diverging method: a lower rate (naming the solver's rate), and
    standardised features unless they already are."""
    losses = [0.5] + [9.0] * 10
    solver = Scripted(losses, [1.0] * 11, exact=False)
    solver.learning_rate = 0.25
    obj = _objective()
    if standardized:
        obj = Objective(obj.source, alpha=0.1, offset=np.zeros(2), scale=np.ones(2))
    with pytest.warns(ConvergenceWarning) as caught:
        run(solver, obj, np.zeros(3), tol=None, max_iter=20)
    message = str(caught[0].message)
    assert "lower learning_rate (it is 0.25)" in message
    assert ("standardize=True" in message) is not standardized


def test_an_exact_solver_is_never_stopped_as_diverging():
    losses = [0.5] + [9.0] * 20
    solver = Scripted(losses, [1.0] * 21, exact=True)
    result, _ = _run(solver, tol=1e-6, max_iter=RISES + 2)
    assert result.stop_reason != "max_iter" or result.n_iter == RISES + 2
    assert not result.stop_reason.startswith("diverged")


@pytest.mark.parametrize("exact", [True, False])
@pytest.mark.parametrize("how", ["overflow", "invalid", "inf loss", "nan theta"])
def test_overflow_raises_naming_the_iteration(exact, how):
    """A step that overflows (FloatingPointError under the driver's errstate), returns an
    infinite J or non-finite parameters: FloatingPointError naming the solver and step."""
    losses, grads = [1.0, 0.9, 0.8, 0.7], [1.0] * 4
    fail = {}
    if how in ("overflow", "invalid"):
        fail = {3: how}
    elif how == "inf loss":
        losses[3] = np.inf

    class Broken(Scripted):
        def step(self, objective, theta, evaluation):
            theta, ev = super().step(objective, theta, evaluation)
            return (theta * np.nan if how == "nan theta" and self.steps == 3 else theta), ev

    with pytest.raises(FloatingPointError, match="'scripted' .*at iteration 3"):
        _run(Broken(losses, grads, exact=exact, fail=fail), tol=1e-6)


@pytest.mark.parametrize("exact", [True, False])
def test_the_overflow_error_gives_the_hint_for_standardised_features(exact):
    """In standardised coordinates the hint is the solver's standardised one (an exact
    solver) or a lower rate alone (a fixed-step method): standardising is done."""
    obj = _objective()
    obj = Objective(obj.source, alpha=0.1, offset=np.zeros(2), scale=np.ones(2))
    solver = Scripted([1.0, 0.9, np.inf], [1.0] * 3, exact=exact)
    with pytest.raises(FloatingPointError) as raised:
        run(solver, obj, np.zeros(3), tol=1e-6, max_iter=10)
    message = str(raised.value)
    assert "standardize=True" not in message
    assert ("the scripted hint, standardised" in message) is exact


@pytest.mark.parametrize("precision", [True, False, None])
def test_stop_solver_ends_the_run_with_its_reason(precision):
    """StopSolver's reason is the stop reason; ``precision`` (False unless given) says the
    warning is about the data's precision."""
    grads = [1.0, 0.9, 0.8, 0.7]
    stop = (
        StopSolver("boxed in") if precision is None else StopSolver("boxed in", precision=precision)
    )
    assert stop.precision is bool(precision) and str(stop) == "boxed in"
    solver = Scripted([1.0, 0.9, 0.8, 0.7], grads, fail={3: stop})
    result, warned = _run(solver, tol=1e-6)
    assert (result.n_iter, result.stop_reason, result.converged) == (2, "boxed in", False)
    assert len(result.records) == 3 and len(warned) == 1
    message = str(warned[0].message)
    if precision:
        assert "stopped at the precision of float64" in message
    else:
        assert "stopped: boxed in" in message


def test_stop_solver_at_a_converged_point_is_converged():
    """After StopSolver, convergence is tested once more: a point where
    ``converged(evaluation, tol)`` holds is converged, without a warning."""

    class LateConvergence(Scripted):
        def converged(self, evaluation, tol):
            return self.steps >= 2 and evaluation.grad_max <= tol

    solver = LateConvergence([1.0, 0.9], [1.0, 0.5], fail={2: StopSolver("done")})
    result, warned = _run(solver, tol=0.6)
    assert (result.n_iter, result.stop_reason, result.converged) == (1, "done", True)
    assert not warned


@pytest.mark.parametrize("at", [0, 3])
def test_a_callback_stops_training_without_a_warning(at):
    """Callbacks see every record and theta; any one returning True stops the run there
    (a stop the user asked for is not a convergence failure)."""
    seen = []

    def watch(record, theta):
        seen.append((record["iteration"], theta.copy()))
        return None

    def stop(record, theta):
        return record["iteration"] == at

    solver = Scripted([1.0 - 0.1 * k for k in range(10)], [1.0] * 10)
    result, warned = _run(solver, callbacks=[watch, stop], tol=1e-6)
    assert (result.n_iter, result.stop_reason, result.converged) == (at, "callback", False)
    assert solver.steps == at and not warned
    assert [i for i, _ in seen] == list(range(at + 1))
    for i, theta in seen:
        np.testing.assert_array_equal(theta, np.full(3, float(i)))


def test_a_callback_stopping_the_diverged_step_keeps_the_divergence():
    losses = [0.5] + [9.0] * 20
    solver = Scripted(losses, [1.0] * 21, exact=False)
    result, warned = _run(solver, callbacks=[lambda r, t: r["iteration"] == RISES], tol=None)
    assert result.n_iter == RISES and result.stop_reason.startswith("diverged")
    assert len(warned) == 1


def test_monitor_fields_join_every_record():
    def monitor(theta):
        return {"val_loss": float(theta[0]) * 2, "val_accuracy": 0.5}

    solver = Scripted([1.0 - 0.1 * k for k in range(10)], [1.0] * 10)
    result, _ = _run(solver, monitor=monitor, tol=None, max_iter=4)
    assert [r["val_loss"] for r in result.records] == [0.0, 2.0, 4.0, 6.0, 8.0]


@pytest.mark.parametrize(
    ("max_iter", "every", "printed"),
    [(5, 2, [0, 2, 4, 5]), (8, 4, [0, 4, 8]), (3, 1, [0, 1, 2, 3])],
)
def test_verbose_prints_every_print_every_and_the_last(capsys, max_iter, every, printed):
    """verbose=1: a line every ``print_every`` iterations, and the last one always, once."""
    solver = Scripted([1.0 - 0.1 * k for k in range(10)], [1.0] * 10)
    result, _ = _run(
        solver,
        tol=None,
        max_iter=max_iter,
        verbose=1,
        print_every=every,
        monitor=lambda theta: {"val_loss": 0.25, "val_accuracy": 1.0},
    )
    lines = capsys.readouterr().out.splitlines()
    assert [int(re.search(r"iteration (\d+):", s).group(1)) for s in lines] == printed
    for line, i in zip(lines, printed, strict=True):
        record = result.records[i]
        assert line.startswith("scripted iteration")
        assert f"cost {record['loss']:.6g}" in line and "accuracy 0.7500" in line
        assert line.endswith(", val_loss 0.25, val_accuracy 1")


def test_verbose_alone_prints_every_record(capsys):
    """``print_every`` is 1 unless given, for run and iterate alike."""
    solver = Scripted([1.0 - 0.1 * k for k in range(10)], [1.0] * 10)
    _run(solver, tol=None, max_iter=3, verbose=1)
    assert len(capsys.readouterr().out.splitlines()) == 4
    steps = iterate(
        Scripted([1.0, 0.9], [1.0, 0.9]), _objective(), np.zeros(3), tol=None, max_iter=3, verbose=1
    )
    assert len(list(steps)) == 4
    assert len(capsys.readouterr().out.splitlines()) == 4


def test_record_times_are_seconds_since_the_start():
    solver = Scripted([1.0 - 0.1 * k for k in range(10)], [1.0] * 10)
    before = time.perf_counter()
    result, _ = _run(solver, tol=None, max_iter=5)
    elapsed = time.perf_counter() - before
    times = [r["time"] for r in result.records]
    assert 0 <= times[0] and times == sorted(times) and times[-1] <= elapsed


def test_silent_by_default(capsys):
    _run(Scripted([1.0, 0.9], [1.0, 0.9]), tol=None, max_iter=3)
    list(iterate(Scripted([1.0, 0.9], [1.0, 0.9]), _objective(), np.zeros(3), tol=None, max_iter=3))
    assert capsys.readouterr().out == ""


def test_theta0_is_copied_to_float64():
    """The run starts from a float64 copy: the caller's theta0 is never changed."""
    seen = []

    class InPlace(Scripted):
        def step(self, objective, theta, evaluation):
            seen.append(theta.dtype)
            theta += 1.0
            return super().step(objective, theta - 1.0, evaluation)

    theta0 = np.zeros(3, dtype=np.float32)
    result = run(InPlace([1.0], [1.0]), _objective(), theta0, tol=None, max_iter=2)
    assert not theta0.any() and seen == [np.float64, np.float64]
    assert result.theta.dtype == np.float64
    np.testing.assert_array_equal(result.theta, np.full(3, 2.0))


def test_iterate_yields_each_record_and_returns_the_result():
    solver = Scripted([1.0 - 0.1 * k for k in range(10)], [1.0] * 10)
    steps = iterate(solver, _objective(), np.zeros(3), tol=None, max_iter=3)
    got = []
    with pytest.raises(StopIteration) as done:
        while True:
            got.append(next(steps))
    assert [(r["iteration"], t[0]) for r, t in got] == [(0, 0.0), (1, 1.0), (2, 2.0), (3, 3.0)]
    assert done.value.value.n_iter == 3


@pytest.mark.skipif(
    "mutmut" in sys.modules, reason="mutmut's trampolines add frames between fit and the driver"
)
def test_warnings_point_at_the_callers_line():
    """``stacklevel``: the ConvergenceWarning of ``fit`` and of ``fit_iter`` names the line
    of the code that called them (this file), not the library."""
    from oneneuron import LogisticRegression

    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 3))
    y = (X[:, 0] + rng.logistic(size=40) > 0).astype(int)
    with pytest.warns(ConvergenceWarning) as caught:
        LogisticRegression(solver="gd", max_iter=2).fit(X, y)
    assert caught[0].filename == __file__
    with pytest.warns(ConvergenceWarning) as caught:
        for _ in LogisticRegression(solver="gd", max_iter=2).fit_iter(X, y):
            pass
    assert caught[0].filename == __file__
    diverging = LogisticRegression(solver="gd", learning_rate=1e10, alpha=1.0)
    with pytest.warns(ConvergenceWarning, match="diverged") as caught:
        diverging.fit(X, y)
    assert caught[0].filename == __file__
    with pytest.warns(ConvergenceWarning, match="diverged") as caught:
        for _ in diverging.fit_iter(X, y):
            pass
    assert caught[0].filename == __file__
