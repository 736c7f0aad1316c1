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

from ._params import check_params
from ._validation import (
    as_generator,
    check_finite,
    check_finite_sparse,
    check_numeric,
    check_sample_weight,
    encode_binary_labels,
    holdout_split,
)
from .data import Source, is_dask, make_source
from .history import History
from .objective import Evaluation, Objective, Standardization
from .penalties import make_penalty
from .solvers import SOLVERS, Callback, Result, choose_solver
from .solvers.callbacks import EarlyStopping

if TYPE_CHECKING:
    from .estimator import LogisticRegression

__all__ = ["Plan", "check_X", "check_Xy", "finish", "parametrization", "plan", "weights"]

Array = NDArray[np.floating]

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
    est: LogisticRegression, y: NDArray[Any], y01: Array, sample_weight: Any
) -> Array | None:
    """Per-sample s_i = sample_weight_i * class_weight[y_i] (None when all ones)."""
    sw = None if sample_weight is None else check_sample_weight(sample_weight, len(y))
    if est.class_weight is None:
        return sw
    if isinstance(est.class_weight, dict):
        unknown = set(est.class_weight) - set(est.classes_.tolist())
        if unknown:
            raise ValueError(
                f"class_weight names labels {sorted(map(repr, unknown))} that are not "
                f"classes of y {est.classes_.tolist()!r}"
            )
    cw = compute_class_weight(est.class_weight, classes=est.classes_, y=y)
    per_sample = np.where(y01 == 1, cw[1], cw[0])
    return per_sample if sw is None else sw * per_sample


def check_eval_set(est: LogisticRegression, X_val: Any, y_val: Any) -> tuple[Any, Array]:
    """Validation features and labels encoded with the model's classes."""
    Xv = check_X(est, X_val, name="eval_set X")
    yv = np.asarray(y_val).ravel()
    if len(yv) != Xv.shape[0]:
        raise ValueError(f"eval_set has {Xv.shape[0]} rows in X but {len(yv)} labels")
    _, yv01 = encode_binary_labels(yv, est.classes_)
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
    if len(classes) != 2:
        shown = ", ".join(repr(c) for c in classes[:10])
        raise ValueError(
            f"y has {len(classes)} class(es) ({shown}); one neuron separates exactly two"
        )
    est.classes_ = classes
    class_weights = None
    if est.class_weight is not None:
        class_weights = _class_weights(est, classes, source)
    source.encode(classes, class_weights)
    return source


def _class_weights(est: LogisticRegression, classes: Any, source: Source) -> Any:
    if est.class_weight == "balanced":
        counts = source.label_counts(classes)
        return counts.sum() / (2.0 * counts)
    unknown = set(est.class_weight) - set(classes.tolist())  # type: ignore[arg-type]
    if unknown:
        raise ValueError(
            f"class_weight names labels {sorted(map(repr, unknown))} that are not "
            f"classes of y {classes.tolist()!r}"
        )
    return np.array([float(est.class_weight.get(c, 1.0)) for c in classes])  # type: ignore[union-attr]


# --------------------------------------------------------------------------- scaling
def set_scaling(est: LogisticRegression, source: Source) -> None:
    """``x_mean_`` and ``x_scale_`` from the source's column moments (no copy of X)."""
    est.x_mean_ = None
    est.x_scale_ = None
    if est.standardize:
        source.check_finite()  # the statistics of a column with NaN would be NaN
        mean, std = source.column_moments()
        est.x_mean_ = mean
        est.x_scale_ = np.where(std > 0, std, 1.0)


def parametrization(est: LogisticRegression, n_features: int) -> Standardization:
    """The map between the solver's theta and the raw ``coef_``, ``intercept_``."""
    return Standardization(
        getattr(est, "x_mean_", None), getattr(est, "x_scale_", None), est.fit_intercept, n_features
    )


def to_theta(est: LogisticRegression, coef: Any, intercept: Any, d: int) -> Array:
    """Raw-space (coef, intercept) to the solver's theta (standardised space)."""
    w = np.zeros(d) if coef is None else np.asarray(coef, dtype=float).reshape(-1)
    if w.shape != (d,):
        raise ValueError(f"coef_init has {w.size} values; X has {d} features")
    b = 0.0 if intercept is None else float(np.asarray(intercept, dtype=float).reshape(-1)[0])
    return parametrization(est, d).from_raw(w, b)


def store(est: LogisticRegression, theta: Array) -> None:
    """Set ``coef_`` and ``intercept_`` (raw units) from the solver's theta."""
    w, b = parametrization(est, est.n_features_in_).raw(theta)
    est.coef_ = np.array(w, dtype=float).reshape(1, -1)
    est.intercept_ = np.array([b])


# ----------------------------------------------------------------------------- runs
def objective(est: LogisticRegression, source: Source, check: bool = True) -> Objective:
    return Objective(
        source,
        penalty=make_penalty(est.alpha, est.l1_ratio),
        fit_intercept=est.fit_intercept,
        offset=est.x_mean_,
        scale=est.x_scale_,
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
        est.classes_, y01 = encode_binary_labels(yc)
        sw = weights(est, yc, y01, sample_weight)
        held_out = None if eval_set is None else check_eval_set(est, *eval_set)
        if est.early_stopping:
            _check_all_finite(Xc)  # before the split, so the error names rows of X
            assert rng is not None
            Xc, X_val, y01, y_val, sw = holdout_split(Xc, y01, sw, est.validation_fraction, rng)
            held_out = (X_val, y_val)
        source = make_source(Xc, y01, sw)
    set_scaling(est, source)
    validation = None
    if held_out is not None:  # scored unweighted and unpenalised, in the model's scaling
        validation = Objective(
            *held_out, offset=est.x_mean_, scale=est.x_scale_, threshold=est.threshold
        )
    # X was checked already when split or standardised
    obj = objective(est, source, check=not (est.early_stopping or est.standardize))
    theta0 = to_theta(est, coef_init, intercept_init, source.n_features)
    smooth = obj.penalty.smooth
    name = (
        chosen
        if chosen != "auto"
        else choose_solver(
            source.n_samples, obj.n_params, in_memory=source.in_memory, smooth=smooth
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
    if SOLVERS[name].forms_hessian and obj.n_params > NEWTON_HESSIAN_MAX_PARAMS:
        raise ValueError(
            f"solver={name!r} forms a {obj.n_params} x {obj.n_params} Hessian; with more "
            f"than {NEWTON_HESSIAN_MAX_PARAMS} parameters use solver='lbfgs' (or 'auto')"
        )
    solver = make_solver(est, name, rng)
    cbs = list(callbacks)
    stopper = None
    if est.early_stopping:
        stopper = EarlyStopping(est.n_iter_no_change, est.tol or 0.0)
        cbs.insert(0, stopper)
    steps = max_iter(est, name)
    kwargs = dict(
        tol=est.tol,
        max_iter=steps,
        monitor=_monitor(est, validation),
        callbacks=cbs,
        verbose=est.verbose,
        print_every=1 if est.verbose >= 2 else max(1, steps // 10),
    )
    return Plan(name, SOLVERS[name].unit, obj, stopper, (solver, obj, theta0), kwargs)


def finish(est: LogisticRegression, plan: Plan, result: Result) -> None:
    """Store what a finished training run produced."""
    stopper = plan.stopper
    theta = result.theta if stopper is None or stopper.best is None else stopper.best
    store(est, theta)
    est.solver_ = plan.name
    est.n_iter_ = result.n_iter
    est.converged_ = result.converged
    est.stop_reason_ = result.stop_reason
    est.history_ = History(result.records, unit=plan.unit)
    est._sgd_state = None
    if est.alpha == 0:
        final = result.evaluation if theta is result.theta else plan.objective.evaluate(theta)
        _warn_if_separable(est, final)


def _monitor(est: LogisticRegression, validation: Objective | None) -> Any:
    if validation is None and not est.record_weights:
        return None
    param = parametrization(est, est.n_features_in_)

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


def _warn_if_separable(est: LogisticRegression, final: Evaluation) -> None:
    """Warn when every training sample is classified correctly (at the threshold).

    That is linear separability (the threshold only shifts the intercept): with
    alpha = 0 the loss then has no minimum. Read from the final evaluation, so it
    costs no pass over X.
    """
    if final.n_correct == final.n_samples:
        warnings.warn(
            "the training data are linearly separable: with alpha=0 the loss has no "
            "minimum (it tends to 0 as the weights grow without bound), so the weights "
            f"stop where training stopped (iteration {est.n_iter_}); set alpha > 0 for "
            "a unique, finite solution",
            UserWarning,
            stacklevel=4,
        )


def sgd_epoch(est: LogisticRegression, X: Any, y: Any, classes: Any, sample_weight: Any) -> None:
    """One epoch of mini-batch SGD over (X, y) from the current weights (partial_fit)."""
    first = not hasattr(est, "classes_")
    if est.firth:
        raise ValueError("partial_fit takes SGD steps; firth=True is fitted by fit only")
    if first:
        check_params(est.get_params(deep=False))
        if classes is None:
            raise ValueError("classes must be given on the first call to partial_fit")
    Xc, yc = check_Xy(est, X, y, reset=first)
    if first:
        classes = np.unique(np.asarray(classes))
        if len(classes) != 2:
            raise ValueError(
                "Only binary classification is supported. classes must hold exactly "
                f"two labels; got {classes.tolist()!r}"
            )
        est.classes_ = classes
    _, y01 = encode_binary_labels(yc, est.classes_)
    sw = weights(est, yc, y01, sample_weight)
    source = make_source(Xc, y01, sw)
    if first:
        set_scaling(est, source)
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
