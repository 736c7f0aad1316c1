"""The one training loop: stopping, ConvergenceWarning, history and callbacks for every solver.

A solver only knows how to take a step on an :class:`~oneneuron.objective.Objective`;
this module decides when to stop, what is recorded, and what the user is told.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from sklearn.exceptions import ConvergenceWarning

from ..objective import Evaluation, Objective
from ._stop_messages import not_converged, overflowed, remedies

__all__ = ["Callback", "Result", "Solver", "StopSolver", "iterate", "run"]

Array = NDArray[np.floating]
#: ``callback(record, theta) -> bool | None``; returning True stops training.
Callback = Callable[[dict[str, Any], Array], "bool | None"]


class StopSolver(Exception):
    """Raised by a solver that can make no further progress (the reason is the message).

    ``precision=True`` says why: J can no longer decrease by more than its rounding noise
    in the data's floating-point type.
    """

    def __init__(self, message: str, *, precision: bool = False) -> None:
        super().__init__(message)
        self.precision = precision


class Solver(Protocol):
    """What the driver needs of an algorithm."""

    name: str
    exact: bool  # converges to the optimum (not a fixed-step or stochastic method)
    hint: str  # what to try when it stops before tol

    def start(self, objective: Objective, theta: Array) -> Evaluation: ...

    def step(
        self, objective: Objective, theta: Array, evaluation: Evaluation
    ) -> tuple[Array, Evaluation]: ...

    def converged(self, evaluation: Evaluation, tol: float) -> bool: ...


@dataclass
class Result:
    """What a training run produced."""

    theta: Array
    evaluation: Evaluation
    n_iter: int
    converged: bool
    stop_reason: str
    records: list[dict[str, Any]] = field(default_factory=list)


def run(
    solver: Solver,
    objective: Objective,
    theta0: Array,
    *,
    tol: float | None,
    max_iter: int,
    monitor: Callable[[Array], dict[str, Any]] | None = None,
    callbacks: Sequence[Callback] = (),
    verbose: int = 0,
    print_every: int = 1,
) -> Result:
    """Train ``theta`` from ``theta0`` until ``max |grad| <= tol`` or ``max_iter`` steps.

    Parameters
    ----------
    solver : Solver
    objective : Objective
    theta0 : ndarray of shape (n_params,)
    tol : float or None
        Stop when the solver reports convergence (at least ``max |dJ/dtheta| <= tol``).
        None runs exactly ``max_iter`` steps with no convergence test and no warning
        (a fixed training budget, as in the seeds).
    max_iter : int
        Most steps (iterations, or epochs for "sgd").
    monitor : callable, optional
        ``monitor(theta) -> dict`` of extra fields for each history record
        (validation metrics, weight snapshots).
    callbacks : sequence of callables
        Called as ``callback(record, theta) -> bool`` after each record; True stops training.
    verbose : int
        1 prints the cost every ``print_every`` records (the seeds' ``print_cost``).

    Returns
    -------
    Result
        The history holds ``n_iter + 1`` records: the start and one per step.
    """
    steps = iterate(
        solver,
        objective,
        theta0,
        tol=tol,
        max_iter=max_iter,
        monitor=monitor,
        callbacks=callbacks,
        verbose=verbose,
        print_every=print_every,
        stacklevel=4,
    )
    with objective.single_blas():
        while True:
            try:
                next(steps)
            except StopIteration as done:
                result: Result = done.value
                return result


def iterate(
    solver: Solver,
    objective: Objective,
    theta0: Array,
    *,
    tol: float | None,
    max_iter: int,
    monitor: Callable[[Array], dict[str, Any]] | None = None,
    callbacks: Sequence[Callback] = (),
    verbose: int = 0,
    print_every: int = 1,
    stacklevel: int = 3,
) -> Generator[tuple[dict[str, Any], Array], None, Result]:
    """:func:`run` one step at a time: yields ``(record, theta)`` after the start and after
    each step, and returns the :class:`Result` (``StopIteration.value``) at the end.

    Closing the generator stops training where it is.
    """
    theta: Array = np.array(theta0, dtype=np.float64)
    start = time.perf_counter()
    evaluation = solver.start(objective, theta)
    records: list[dict[str, Any]] = []

    def record(iteration: int) -> dict[str, Any]:
        rec: dict[str, Any] = {
            "iteration": iteration,
            "loss": evaluation.loss,
            "accuracy": evaluation.accuracy,
            "grad_max": evaluation.grad_max,
            "time": time.perf_counter() - start,
        }
        if monitor is not None:
            rec.update(monitor(theta))
        records.append(rec)
        if verbose and (iteration % print_every == 0):
            _print(solver.name, rec)
        return rec

    def stops(rec: dict[str, Any]) -> bool:
        return any(bool(cb(rec, theta)) for cb in callbacks)

    stop_reason = "max_iter"
    diverged = ""  # the warning's text, once gd or sgd has diverged
    at_precision = False
    stalls = 0
    rising = _Rising(evaluation.loss)  # a fixed-step method whose loss climbs and stays up
    reference = evaluation  # the last point where an exact solver made measurable progress
    rec = record(0)
    stopped = stops(rec)
    yield rec, theta
    n_iter = 0
    if stopped:
        stop_reason = "callback"
    while not stopped:
        if tol is not None and solver.converged(evaluation, tol):
            stop_reason = "tol"
            break
        if n_iter >= max_iter:
            break
        try:
            with np.errstate(over="raise", invalid="raise"):
                theta, evaluation = solver.step(objective, theta, evaluation)
        except StopSolver as exc:
            stop_reason = str(exc)
            at_precision = exc.precision
            break
        except FloatingPointError:
            theta = np.full_like(theta, np.nan)
        n_iter += 1
        if not (np.all(np.isfinite(theta)) and np.isfinite(evaluation.loss)):
            raise FloatingPointError(overflowed(solver, objective, n_iter)) from None
        if not solver.exact and rising.up(evaluation.loss):
            diverged = _diverged(solver, objective, n_iter, rising)
            stop_reason = f"diverged: the loss rose from {rising.start:.4g} to {rising.worst:.4g}"
            rec = record(n_iter)
            stopped = stops(rec)
            yield rec, theta
            break
        if solver.exact and tol is not None:
            if _progressed(objective, reference, evaluation):
                reference, stalls = evaluation, 0
            else:
                stalls += 1
            if stalls >= STALLS:
                stop_reason, at_precision = "no measurable progress in J or its gradient", True
                rec = record(n_iter)
                stopped = stops(rec)
                yield rec, theta
                break
        rec = record(n_iter)
        stopped = stops(rec)
        yield rec, theta
        if stopped:
            stop_reason = "callback"
    if verbose and n_iter % print_every != 0:
        _print(solver.name, records[-1])  # always show where training ended
    if diverged:  # said even for a fixed budget: the model is worse than where it started
        warnings.warn(diverged, ConvergenceWarning, stacklevel=stacklevel)
        return Result(theta, evaluation, n_iter, False, stop_reason, records)
    if tol is None:
        return Result(theta, evaluation, n_iter, False, stop_reason, records)
    converged = stop_reason == "tol" or solver.converged(evaluation, tol)
    if not converged and stop_reason != "callback":
        warnings.warn(
            not_converged(solver, objective, evaluation, tol, max_iter, stop_reason, at_precision),
            ConvergenceWarning,
            stacklevel=stacklevel,
        )
    return Result(theta, evaluation, n_iter, converged, stop_reason, records)


#: An exact solver stops after this many steps in a row without measurable progress.
STALLS = 10
#: gd and sgd have diverged when their loss stays this many steps above
#: ``start + max(start, 1)`` (a stable run never rises above its start; this is more than
#: a nat worse than it, and at least twice as bad): training stops there with a
#: ConvergenceWarning that says what helps (``stop_reason`` "diverged: ...").
RISES = 5


class _Rising:
    """Counts the steps in a row whose loss is well above the starting loss."""

    def __init__(self, start: float) -> None:
        self.start = float(start)
        self.bound = self.start + max(abs(self.start), 1.0)
        self.count = 0
        self.worst = self.start

    def up(self, loss: float) -> bool:
        """Record the loss of one more step; True once it has stayed up :data:`RISES` steps."""
        self.count = self.count + 1 if loss > self.bound else 0
        self.worst = max(self.worst, loss) if self.count else self.start
        return self.count >= RISES


def _diverged(solver: Solver, objective: Objective, n_iter: int, rising: _Rising) -> str:
    return (
        f"solver {solver.name!r} diverged: its loss rose from {rising.start:.4g} to as much "
        f"as {rising.worst:.4g} and stayed above {rising.bound:.4g} for {RISES} iterations "
        f"(training stopped at iteration {n_iter}; the model is worse than where it "
        f"started); {remedies(solver, objective)}"
    )


def _progressed(objective: Objective, reference: Evaluation, now: Evaluation) -> bool:
    """Measurable progress since ``reference``: J lower by more than its rounding noise,
    or the gradient at most half as large. Once the optimum is reached to the data's
    precision (float32 data have a gradient noise floor well above a tight tol), steps
    make neither, and the solver is stopped instead of wandering to max_iter."""
    noise = 4.0 * objective.eps * max(abs(reference.loss), 1.0)
    return now.loss < reference.loss - noise or now.grad_max <= 0.5 * reference.grad_max


def _print(name: str, rec: dict[str, Any]) -> None:
    """One line of the cost as it trains (the seeds' ``print_cost``)."""
    extra = "".join(f", {k} {rec[k]:.6g}" for k in ("val_loss", "val_accuracy") if k in rec)
    print(
        f"{name} iteration {rec['iteration']}: cost {rec['loss']:.6g}, "
        f"accuracy {rec['accuracy']:.4f}{extra}",
        flush=True,
    )
