"""What the estimator does around a training run: input checks, data source, scaling,
solver, and the bookkeeping afterwards. No maths: the objective and solvers do that.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import validate_data

from . import _rank, _scaling
from ._messages import listing, plain
from ._params import check_params
from ._separated import warn_if_separated
from ._validation import (
    as_generator,
    check_finite,
    check_finite_sparse,
    check_labels,
    check_numeric,
    check_sample_weight,
    encode_labels,
    holdout_split,
)
from .data import Source, is_dask, make_source
from .history import History
from .objective import Objective, Standardization
from .penalties import make_penalty
from .solvers import SOLVERS, Callback, Result, choose_solver
from .solvers.callbacks import EarlyStopping

if TYPE_CHECKING:
    from .estimator import LogisticRegression

__all__ = [
    "Plan",
    "RankDeficientWarning",
    "check_X",
    "check_Xy",
    "finish",
    "parametrization",
    "plan",
    "weights",
]


class RankDeficientWarning(UserWarning):
    """The design [X 1] is rank deficient and alpha = 0: the coefficients are not unique."""


Array = NDArray[np.floating]


def n_outputs(est: LogisticRegression) -> int:
    """Rows of weights: 1 for two classes (one neuron), K for K >= 3 (multinomial)."""
    K = len(getattr(est, "classes_", ()))
    return K if K > 2 else 1


def check_multiclass(est: LogisticRegression, K: int) -> None:
    """Refuse what the multinomial model (K >= 3 classes) does not have, naming it."""
    if K <= 2:
        return
    if est.firth:
        raise ValueError(
            f"firth=True fits the binary model only; y has {K} classes (use firth=False)"
        )
    if est.threshold != 0.5:
        raise ValueError(
            f"threshold={est.threshold:g} applies to two classes only; y has {K} classes "
            "and predict takes the most probable one (leave threshold at 0.5)"
        )


#: Newton forms a p x p Hessian; above this many parameters it is refused (use "lbfgs").
NEWTON_HESSIAN_MAX_PARAMS = 5000
#: Input formats accepted as they are; other scipy.sparse formats become CSR once.
SPARSE_FORMATS = ["csr", "csc"]


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


# ----------------------------------------------------------------------------- input
def check_Xy(est: LogisticRegression, X: Any, y: Any, reset: bool) -> tuple[Any, NDArray[Any]]:
    """scikit-learn's validation (shapes, dtypes, feature names); CSR/CSC kept sparse.

    The NaN/inf check of X is the Objective's (``check_finite=True``): with the
    compiled kernel it costs nothing extra (see :class:`~oneneuron.objective.Objective`).
    """
    if reset and _plain_arrays(X, y):
        # what validate_data would conclude for plain float arrays, without its
        # ~60 us of DataFrame detection (a quarter of a small fit)
        est.n_features_in_ = X.shape[1]
        if hasattr(est, "feature_names_in_"):
            del est.feature_names_in_
        return X, y
    check_numeric(X)
    if y is not None:
        y = check_labels(y)
    Xa, ya = validate_data(
        est,
        X,
        y,
        reset=reset,
        dtype=[np.float64, np.float32],
        ensure_all_finite=False,
        accept_sparse=SPARSE_FORMATS,
    )
    return Xa, ya


def check_X(est: LogisticRegression, X: Any, name: str = "X") -> Any:
    """Features to predict: validated like at fit, and finite."""
    check_numeric(X, name)
    Xa = validate_data(
        est,
        X,
        reset=False,
        dtype=[np.float64, np.float32],
        ensure_all_finite=False,
        accept_sparse=SPARSE_FORMATS,
    )
    if sp.issparse(Xa):
        check_finite_sparse(Xa, name)
    else:
        check_finite(Xa, name)
    return Xa


def _check_all_finite(X: Any) -> None:
    if sp.issparse(X):
        check_finite_sparse(X)
    else:
        check_finite(X)


def _plain_arrays(X: Any, y: Any) -> bool:
    """X a non-empty 2-D float64/float32 ndarray, y a matching 1-D finite numeric ndarray.

    For these, scikit-learn's ``validate_data`` returns X and y unchanged; anything else
    (lists, DataFrames, other dtypes, NaN labels, wrong shapes) goes through it.
    """
    if type(X) is not np.ndarray or type(y) is not np.ndarray:
        return False
    if X.ndim != 2 or X.dtype not in (np.float64, np.float32) or min(X.shape) < 1:
        return False
    if y.shape != (X.shape[0],) or y.dtype.kind not in "biuf":
        return False
    return y.dtype.kind != "f" or bool(np.isfinite(y).all())


def weights(
    est: LogisticRegression,
    y: NDArray[Any],
    y01: Array,
    sample_weight: Any,
    normalise: bool = True,
) -> Array | None:
    """Per-sample s_i = sample_weight_i * class_weight[y_i] (None when all ones), times a
    power of two that brings the largest to [0.5, 1) (J is invariant to a common factor:
    weights of 1e307 or 1e-320 each fit as weights of 1 do). ``normalise=False`` keeps the
    user's scale (Firth's penalised likelihood is not invariant to it: weights count rows)."""
    sw = None if sample_weight is None else check_sample_weight(sample_weight, len(y))
    keep = _scaling.normalise_weights if normalise else (lambda s: s)
    if est.class_weight is None:
        return keep(sw)
    if isinstance(est.class_weight, dict):
        unknown = [c for c in est.class_weight if c not in est.classes_.tolist()]
        if unknown:
            raise ValueError(
                f"class_weight names labels {listing(unknown)} that are not classes of y "
                f"{listing(est.classes_)}"
            )
    cw = compute_class_weight(est.class_weight, classes=est.classes_, y=y)
    if len(est.classes_) > 2:  # y01 holds class codes
        per_sample = cw[np.asarray(y01, dtype=np.intp)]
    else:
        per_sample = np.where(y01 == 1, cw[1], cw[0])
    if sw is None:
        return per_sample
    if not normalise:
        return sw * per_sample
    # sw * class weight could overflow: both brought to [0.5, 1) first (J is unchanged)
    return _scaling.normalise_weights(_scaling.normalise_weights(sw) * per_sample)


def check_eval_set(est: LogisticRegression, X_val: Any, y_val: Any) -> tuple[Any, Array]:
    """Validation features and labels encoded with the model's classes."""
    Xv = check_X(est, X_val, name="eval_set X")
    yv = check_labels(y_val, "eval_set y").ravel()
    if len(yv) != Xv.shape[0]:
        raise ValueError(f"eval_set has {Xv.shape[0]} rows in X but {len(yv)} labels")
    _, yv01 = encode_labels(yv, est.classes_, "eval_set y")
    return Xv, yv01


def external_source(est: LogisticRegression, X: Any, y: Any, sample_weight: Any) -> Source | None:
    """The source for data that are not arrays in memory (a Source, Dask collections).

    Sets ``n_features_in_``, ``feature_names_in_`` and ``classes_`` from the source (one
    pass over the labels) and encodes its labels and class weights.
    """
    if isinstance(X, Source):
        if y is not None or sample_weight is not None:
            raise ValueError(
                f"a {type(X).__name__} carries its own labels (and weights); pass fit(source)"
            )
        source = X
    elif is_dask(X):
        if y is None:
            raise ValueError("fit(X, y) with dask X needs y (a dask array or Series)")
        from .data._dask import DaskSource

        source = DaskSource(X, y, sample_weight)
    else:
        return None
    if est.early_stopping:
        raise ValueError(
            f"early_stopping holds out rows in memory; with {type(source).__name__} data "
            "pass eval_set=(X_val, y_val) instead"
        )
    est.n_features_in_ = source.n_features
    if source.feature_names is not None:
        est.feature_names_in_ = np.asarray(source.feature_names, dtype=object)
    elif hasattr(est, "feature_names_in_"):
        del est.feature_names_in_
    classes = np.asarray(source.labels())
    if len(classes) < 2:
        raise ValueError(
            f"y has {len(classes)} class(es) {listing(classes)}; training needs at least two"
        )
    check_multiclass(est, len(classes))
    est.classes_ = classes
    class_weights = None
    if est.class_weight is not None:
        class_weights = _class_weights(est, classes, source)
    source.encode(classes, class_weights)
    return source


def _class_weights(est: LogisticRegression, classes: Any, source: Source) -> Any:
    if est.class_weight == "balanced":
        counts = source.label_counts(classes)
        return counts.sum() / (len(classes) * counts)
    unknown = [c for c in est.class_weight if c not in classes.tolist()]  # type: ignore[union-attr]
    if unknown:
        raise ValueError(
            f"class_weight names labels {listing(unknown)} that are not classes of y "
            f"{listing(classes)}"
        )
    return np.array([float(est.class_weight.get(c, 1.0)) for c in classes])  # type: ignore[union-attr]


# --------------------------------------------------------------------------- scaling
def set_scaling(
    est: LogisticRegression, source: Source, absmax: Array | None = None
) -> Array | None:
    """``x_mean_`` and ``x_scale_`` from the source's column moments (no copy of X), free
    of overflow for columns of any finite magnitude (see :func:`._scaling.moments`).

    Returns the columns' largest |x|: ``absmax`` (a sample's), or the exact ones when
    they had to be found.
    """
    est.x_mean_ = None
    est.x_scale_ = None
    if est.standardize:
        source.check_finite()  # the statistics of a column with NaN would be NaN
        mean, std, absmax = _scaling.moments(source, absmax)
        est.x_mean_ = mean
        est.x_scale_ = np.where(std > 0, std, 1.0)
    return absmax


def parametrization(
    est: LogisticRegression, n_features: int, scale: Array | None = None
) -> Standardization:
    """The map between the solver's theta and the raw ``coef_``, ``intercept_``: the
    standardisation, or the exact solvers' column units ``scale`` (see :mod:`._scaling`)."""
    if scale is None:
        scale = getattr(est, "x_scale_", None)
    return Standardization(
        getattr(est, "x_mean_", None), scale, est.fit_intercept, n_features, n_outputs(est)
    )


def to_theta(
    est: LogisticRegression,
    coef: Any,
    intercept: Any,
    d: int,
    param: Standardization | None = None,
) -> Array:
    """Raw-space (coef, intercept) to the solver's theta (standardised space)."""
    K = n_outputs(est)
    if K > 1:
        W = np.zeros((K, d)) if coef is None else _start("coef_init", coef, [(K, d)], d)
        bk = np.zeros(K) if intercept is None else _start("intercept_init", intercept, [(K,)], d)
        return (param or parametrization(est, d)).from_raw(W, bk)
    w = np.zeros(d) if coef is None else _start("coef_init", coef, [(d,), (1, d)], d)
    b = 0.0 if intercept is None else float(_start("intercept_init", intercept, [(), (1,)], d)[0])
    return (param or parametrization(est, d)).from_raw(w, b)


def _start(name: str, value: Any, shapes: list[tuple[int, ...]], d: int) -> Array:
    """A starting value as finite floats of one of ``shapes``, flattened."""
    try:
        values = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must hold numbers; got {plain(value)}") from None
    if values.shape not in shapes:
        wanted = " or ".join(str(s) for s in shapes)
        raise ValueError(
            f"{name} has {values.size} values; X has {d} features, so it must have shape "
            f"{wanted}; got {values.shape}"
        )
    flat = values.reshape(-1)
    bad = np.flatnonzero(~np.isfinite(flat))
    if bad.size:
        raise ValueError(f"{name} holds {plain(flat[bad[0]])} at index {bad[0]}; it must be finite")
    return flat


def store(est: LogisticRegression, theta: Array, param: Standardization | None = None) -> None:
    """Set ``coef_`` and ``intercept_`` (raw units) from the solver's theta."""
    w, b = (param or parametrization(est, est.n_features_in_)).raw(theta)
    if n_outputs(est) > 1:  # K rows of weights, K intercepts
        est.coef_ = np.array(w, dtype=float)
        est.intercept_ = np.array(b, dtype=float)
        return
    est.coef_ = np.array(w, dtype=float).reshape(1, -1)
    est.intercept_ = np.array([b])


# ----------------------------------------------------------------------------- runs
def objective(
    est: LogisticRegression,
    source: Source,
    check: bool = True,
    scale: Array | None = None,
    row_scale: Array | None = None,
) -> Objective:
    """J for the run; ``scale`` and ``row_scale`` as :func:`._scaling.coordinates` says
    (with ``scale``, theta_j = scale_j w_j and the penalty is weighted by 1 / scale_j)."""
    weights = None
    if scale is not None and est.alpha > 0:
        with np.errstate(under="ignore"):
            weights = np.tile(1.0 / scale, n_outputs(est))
    return Objective(
        source,
        penalty=make_penalty(est.alpha, est.l1_ratio, weights),
        fit_intercept=est.fit_intercept,
        offset=est.x_mean_,
        scale=est.x_scale_ if scale is None else scale,
        row_scale=row_scale,
        threshold=est.threshold,
        check_finite=check,
    )


def max_iter(est: LogisticRegression, name: str) -> int:
    return SOLVERS[name].default_max_iter if est.max_iter is None else int(est.max_iter)


def make_solver(est: LogisticRegression, name: str, rng: np.random.Generator | None) -> Any:
    cls = SOLVERS[name]
    return cls.from_params(est.get_params(deep=False), max_iter(est, name), rng)


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
    if external is not None:
        source = external
        held_out = None if eval_set is None else check_eval_set(est, *eval_set)
    else:
        Xc, yc = check_Xy(est, X, y, reset=True)
        est.classes_, y01 = encode_labels(yc)
        check_multiclass(est, len(est.classes_))
        sw = weights(est, yc, y01, sample_weight)
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
    return Plan(name, SOLVERS[name].unit, obj, stopper, (solver, obj, theta0), kwargs, param)


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


def finish(est: LogisticRegression, plan: Plan, result: Result) -> None:
    """Store what a finished training run produced.

    With early stopping the model is the iterate of lowest validation loss; when that is
    not the last one, ``n_iter_``, ``converged_`` (False: the run would have stopped at a
    converged iterate), ``stop_reason_`` and ``history_`` (which then ends at it)
    describe that iterate, so that they and the saved model agree.
    """
    stopper = plan.stopper
    theta, n_iter, records = result.theta, result.n_iter, result.records
    converged, stop_reason = result.converged, result.stop_reason
    if stopper is not None and stopper.best is not None and stopper.best_iteration < n_iter:
        theta, kept = stopper.best, stopper.best_iteration
        records = [r for r in records if r["iteration"] <= kept]
        converged = False
        stop_reason = (
            f"early stopping: kept iteration {kept}, the lowest validation loss (the run "
            f"stopped at iteration {n_iter}: {result.stop_reason})"
        )[:256]
        n_iter = kept
    store(est, theta, plan.param)
    est.solver_ = plan.name
    est.n_iter_ = n_iter
    est.converged_ = converged
    est.stop_reason_ = stop_reason
    est.history_ = History(records, unit=plan.unit)
    est._sgd_state = None
    if est.alpha == 0:
        final = result.evaluation if theta is result.theta else plan.objective.evaluate(theta)
        warn_if_separated(est, final, plan.objective.source)
        _warn_if_rank_deficient(est, plan.objective.source)


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


def _warn_if_rank_deficient(est: LogisticRegression, source: Source) -> None:
    """Warn when ``[X 1]`` is rank deficient: with alpha = 0 the optimum is not unique."""
    columns = _rank.dependent_columns(source, bool(est.fit_intercept))
    if columns:
        warnings.warn(_rank.warning(columns, source.n_features), RankDeficientWarning, stacklevel=4)


def sgd_epoch(est: LogisticRegression, X: Any, y: Any, classes: Any, sample_weight: Any) -> None:
    """One epoch of mini-batch SGD over (X, y) from the current weights (partial_fit)."""
    first = not hasattr(est, "classes_")
    if est.firth:
        raise ValueError("partial_fit takes SGD steps; firth=True is fitted by fit only")
    if isinstance(est.class_weight, str) and est.class_weight == "balanced":
        raise ValueError(
            "class_weight='balanced' needs the class counts of all the data, which "
            "partial_fit never sees at once; compute weights from a representative sample "
            "of the labels, e.g. sklearn.utils.class_weight.compute_class_weight('balanced', "
            "classes=classes, y=y_sample), and pass them as class_weight={label: weight}"
        )
    if first:
        check_params(est.get_params(deep=False))
        if classes is None:
            raise ValueError("classes must be given on the first call to partial_fit")
    Xc, yc = check_Xy(est, X, y, reset=first)
    if first:
        classes = np.unique(check_labels(classes, "classes"))
        if len(classes) < 2:
            raise ValueError(f"classes must hold at least two labels; got {listing(classes)}")
        check_multiclass(est, len(classes))
        est.classes_ = classes
    _, y01 = encode_labels(yc, est.classes_)
    sw = weights(est, yc, y01, sample_weight)
    source = make_source(Xc, y01, sw, n_classes=len(est.classes_))
    if first:
        absmax = set_scaling(est, source, _scaling.sample_absmax(source))
        _scaling.coordinates(
            absmax, standardize=bool(est.standardize), exact=False, alpha=0.0, solver="sgd"
        )
        est._sgd_state = None
        est.history_ = History(unit="epoch")
        est.n_iter_ = 0
    obj = objective(est, source, check=not (first and est.standardize))
    if hasattr(est, "coef_"):
        theta = to_theta(est, est.coef_, est.intercept_, source.n_features)
    else:
        theta = np.zeros(obj.n_params)
    state = getattr(est, "_sgd_state", None)
    if state is None:
        state = est._sgd_state = make_solver(est, "sgd", as_generator(est.random_state))
        state.start(obj, theta)
    theta = state.epoch(obj, theta)
    ev = obj.evaluate(theta)
    store(est, theta)
    est.n_iter_ += 1
    est.converged_ = False
    est.solver_ = "sgd"
    est.history_.append(
        {
            "iteration": est.n_iter_,
            "loss": ev.loss,
            "accuracy": ev.accuracy,
            "grad_max": ev.grad_max,
            "time": 0.0,
        }
    )
