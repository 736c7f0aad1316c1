"""The run of a fit: the plan (checked input, source, scaling, solver, starting point) and
the bookkeeping afterwards. No maths: the objective and solvers do that. The input checks
are :mod:`._fit_checks`'s, the map between theta and ``coef_`` :mod:`._coefficients`'s,
the objective and solver from the parameters :mod:`._solver_setup`'s, the bookkeeping
after a run :mod:`._finish`'s, partial_fit :mod:`._partial_fit`'s; their names are
importable from here as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import _scaling
from ._coefficients import parametrization, set_scaling, store, to_theta
from ._finish import RankDeficientWarning, finish
from ._fit_checks import (
    SPARSE_FORMATS,
    _check_all_finite,
    check_eval_set,
    check_multiclass,
    check_X,
    check_Xy,
    external_source,
    n_outputs,
    weights,
)
from ._params import check_params
from ._partial_fit import sgd_epoch
from ._solver_setup import make_solver, max_iter, objective
from ._validation import as_generator, encode_labels, holdout_split
from .data import Source, make_source
from .objective import Objective, Standardization
from .penalties import make_penalty
from .solvers import SOLVERS, Callback, choose_solver
from .solvers.callbacks import EarlyStopping

if TYPE_CHECKING:
    from .estimator import LogisticRegression

__all__ = [
    "Plan",
    "RankDeficientWarning",
    "SPARSE_FORMATS",
    "check_X",
    "check_Xy",
    "check_multiclass",
    "finish",
    "make_solver",
    "max_iter",
    "objective",
    "parametrization",
    "plan",
    "set_scaling",
    "sgd_epoch",
    "store",
    "to_theta",
    "weights",
]


Array = NDArray[np.floating]


#: Newton forms a p x p Hessian; above this many parameters it is refused (use "lbfgs").
NEWTON_HESSIAN_MAX_PARAMS = 5000


@dataclass
class Plan:
    """A checked training run: what :func:`~oneneuron.solvers.run` takes, and its context."""

    name: str
    unit: str
    objective: Objective
    stopper: EarlyStopping | None
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    param: Standardization
    #: a row's weight as the user gave it over its weight in the fit (a power of two:
    #: the fit normalises the weights; J does not depend on it, the likelihood does)
    weight_unit: float = 1.0


# ----------------------------------------------------------------------------- runs
def plan(
    est: LogisticRegression,
    X: ArrayLike,
    y: ArrayLike | None,
    sample_weight: ArrayLike | None,
    coef_init: ArrayLike | None,
    intercept_init: float | ArrayLike | None,
    eval_set: tuple[ArrayLike, ArrayLike] | None,
    callbacks: Sequence[Callback],
) -> Plan:
    """Check the input and build everything a training run needs."""
    check_params(est.get_params(deep=False))
    chosen = est.solver
    needs_rng = bool(est.early_stopping) or (chosen != "auto" and SOLVERS[chosen].uses_rng)
    rng = as_generator(est.random_state) if needs_rng else None
    external = external_source(est, X, y, sample_weight)
    weight_unit = 1.0  # a source's weights are the user's
    if external is not None:
        source = external
        held_out = None if eval_set is None else check_eval_set(est, *eval_set)
    else:
        Xc, yc = check_Xy(est, X, y, reset=True)
        est.classes_, y01 = encode_labels(yc)
        check_multiclass(est, len(est.classes_))
        sw, weight_unit = weights(est, yc, y01, sample_weight)
        held_out = None if eval_set is None else check_eval_set(est, *eval_set)
        if est.early_stopping:
            _check_all_finite(Xc)  # before the split, so the error names rows of X
            assert rng is not None
            Xc, X_val, y01, y_val, sw = holdout_split(Xc, y01, sw, est.validation_fraction, rng)
            held_out = (X_val, y_val)
        source = make_source(Xc, y01, sw, n_classes=len(est.classes_))
    n_params = (source.n_features + int(est.fit_intercept)) * n_outputs(est)
    smooth = make_penalty(est.alpha, est.l1_ratio).smooth
    name = (
        chosen
        if chosen != "auto"
        else choose_solver(
            source.n_samples,
            n_params,
            in_memory=source.in_memory or source.distributed,
            smooth=smooth,
            n_classes=len(est.classes_),
            max_hessian=NEWTON_HESSIAN_MAX_PARAMS,
        )
    )
    if not (smooth or SOLVERS[name].nonsmooth):
        valid = ", ".join(["auto", *(k for k, cls in SOLVERS.items() if cls.nonsmooth)])
        raise ValueError(
            f"solver={name!r} needs a smooth penalty; with l1_ratio={est.l1_ratio:g} "
            f"(an L1 part) use one of: {valid}"
        )
    if SOLVERS[name].needs_rows and not source.in_memory and not source.shuffles:
        raise ValueError(
            f"solver={name!r} draws random rows, which {type(source).__name__} data cannot "
            "hand out; use 'lbfgs', 'newton' or 'gd'"
        )
    multi_full = name == "proxnewton" and len(est.classes_) > 2  # K outputs: full Hessian
    if (SOLVERS[name].forms_hessian or multi_full) and n_params > NEWTON_HESSIAN_MAX_PARAMS:
        raise ValueError(
            f"solver={name!r} forms a {n_params} x {n_params} Hessian; with more "
            f"than {NEWTON_HESSIAN_MAX_PARAMS} parameters use solver="
            + ("'lbfgs' (or 'auto')" if smooth else "'gd' or 'sgd' (or 'auto')")
        )
    absmax = set_scaling(est, source, _scaling.sample_absmax(source))
    # X was checked already when split or standardised
    check = not (est.early_stopping or est.standardize)
    run = _Run(est, name, rng, source, held_out, coef_init, intercept_init, check)
    run.build(absmax, exact=False)
    if run.first_shows_extremes():  # rare extreme values the sample missed
        absmax = _scaling.column_absmax(source)
        if est.standardize:
            set_scaling(est, source, absmax)
        run.build(absmax, exact=True)
    obj, solver, validation, theta0, param = (
        run.obj,
        run.solver,
        run.validation,
        run.theta0,
        run.param,
    )
    cbs = list(callbacks)
    stopper = None
    if est.early_stopping:
        stopper = EarlyStopping(est.n_iter_no_change, est.tol or 0.0)
        cbs.insert(0, stopper)
    steps = max_iter(est, name)
    kwargs = dict(
        tol=est.tol,
        max_iter=steps,
        monitor=_monitor(est, validation, param),
        callbacks=cbs,
        verbose=est.verbose,
        print_every=1 if est.verbose >= 2 else max(1, steps // 10),
    )
    return Plan(
        name, SOLVERS[name].unit, obj, stopper, (solver, obj, theta0), kwargs, param, weight_unit
    )


class _Run:
    """The objective, solver and starting point of a run, in the coordinates that the
    columns' magnitudes call for (see :mod:`._scaling`)."""

    def __init__(
        self,
        est: LogisticRegression,
        name: str,
        rng: np.random.Generator | None,
        source: Source,
        held_out: tuple[Any, Any] | None,
        coef_init: Any,
        intercept_init: Any,
        check: bool,
    ) -> None:
        self.est, self.name, self.rng, self.source = est, name, rng, source
        self.held_out, self.init, self.check = held_out, (coef_init, intercept_init), check

    def build(self, absmax: Array | None, exact: bool) -> None:
        """Objective, solver, validation objective and theta0 for columns of the given
        largest |x| (``exact``: the exact maxima, no further look needed)."""
        est, d = self.est, self.source.n_features
        scale, row_scale = _scaling.coordinates(
            absmax,
            standardize=bool(est.standardize),
            exact=SOLVERS[self.name].exact,
            alpha=float(est.alpha),
            solver=self.name,
        )
        self.looked = exact
        self.raw = scale is None and not est.standardize
        self.param = parametrization(est, d, scale)
        self.obj = objective(est, self.source, self.check, scale, row_scale)
        self.check = False  # by the objective, or at the first evaluation: once is enough
        self.validation = None
        if self.held_out is not None:  # scored unweighted and unpenalised, in theta's units
            self.validation = Objective(
                *self.held_out,
                offset=est.x_mean_,
                scale=est.x_scale_ if scale is None else scale,
                row_scale=row_scale,
                threshold=est.threshold,
                n_classes=len(est.classes_),
            )
        self.theta0 = to_theta(est, *self.init, d, self.param)
        self.solver = make_solver(est, self.name, self.rng)

    def first_shows_extremes(self) -> bool:
        """Start the solver (its first evaluation is kept for the run, so this costs no
        pass) and say whether it shows columns of extreme magnitude."""
        if self.looked:
            return False
        obj = self.obj
        with obj.remembering(), obj.single_blas(), np.errstate(all="ignore"):
            first = self.solver.start(obj, self.theta0)
        return _scaling.first_shows_extremes(first, obj.n_weights, self.raw)


def _monitor(est: LogisticRegression, validation: Objective | None, param: Standardization) -> Any:
    if validation is None and not est.record_weights:
        return None

    def monitor(theta: Array) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if validation is not None:
            ev = validation.evaluate(theta)
            out.update(val_loss=ev.loss, val_accuracy=ev.accuracy)
        if est.record_weights:
            w, b = param.raw(theta)
            out.update(coef=np.array(w, dtype=float), intercept=b)
        return out

    return monitor
