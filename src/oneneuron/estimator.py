"""``LogisticRegression``: the scikit-learn estimator; validation and bookkeeping, no maths.

All learning happens in :mod:`oneneuron.objective` and :mod:`oneneuron.solvers`; this
module turns user input into an Objective, picks a solver, and stores what came out.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import check_is_fitted, validate_data

from ._numerics import log_sigmoid, logit, sigmoid
from ._validation import (
    as_generator,
    check_finite,
    check_integer,
    check_number,
    check_numeric,
    check_sample_weight,
    encode_binary_labels,
    holdout_split,
)
from .history import History
from .objective import Evaluation, Objective
from .solvers import SOLVERS, Callback, Result, StochasticGradientDescent, choose_solver, run
from .solvers._driver import iterate
from .solvers.callbacks import EarlyStopping
from .solvers.schedules import SCHEDULES

__all__ = ["LogisticRegression"]

Array = NDArray[np.floating]
DEFAULT_MAX_ITER = {"gd": 1000, "sgd": 100, "newton": 100, "lbfgs": 1000}


@dataclass
class _Plan:
    """A checked training run: what :func:`~oneneuron.solvers.run` takes, and its context."""

    name: str
    unit: str
    objective: Objective
    stopper: EarlyStopping | None
    args: tuple[Any, ...]
    kwargs: dict[str, Any]


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """Binary logistic regression: one neuron, ``p = sigmoid(x . w + b)``.

    Minimises ``J(w, b) = sum_i s_i l(y_i, x_i . w + b) / sum_i s_i + alpha/2 ||w||^2``
    (see :mod:`oneneuron.objective`). scikit-learn's ``LogisticRegression(C=C)`` solves
    the same problem for ``alpha = 1 / (C * sum_i s_i)``.

    Parameters
    ----------
    solver : {"auto", "newton", "lbfgs", "gd", "sgd"}, default="auto"
        "auto" picks the fastest exact solver for the shape: "newton" for up to 200
        parameters, else "lbfgs". "gd" is the seeds' full-batch gradient descent,
        "sgd" random mini-batches.
    alpha : float, default=1e-4
        L2 penalty on the weights (not the intercept); 0 for none.
    fit_intercept : bool, default=True
    standardize : bool, default=False
        Train on ``(X - mean) / std`` (applied block by block, X is not copied).
        ``coef_`` and ``intercept_`` are reported for the raw features, so ``predict``
        takes raw data; ``x_mean_`` and ``x_scale_`` keep the statistics.
    learning_rate : float, default=0.1
        Step size for "gd" and "sgd".
    batch_size : int, default=64
        Rows per mini-batch for "sgd" and ``partial_fit``.
    momentum : float, default=0.0
        Heavy-ball momentum for "gd" and "sgd", in [0, 1).
    lr_schedule : {"constant", "invscaling", "cosine"}, default="constant"
    max_iter : int or None, default=None
        Most iterations (epochs for "sgd"); None means 100 for "newton" and "sgd",
        1000 for "gd" and "lbfgs".
    tol : float or None, default=1e-6
        Stop when ``max |dJ/dtheta| <= tol``. None trains for exactly ``max_iter``
        iterations (a fixed budget: no convergence test, no ConvergenceWarning).
    class_weight : dict, "balanced" or None, default=None
        Multiplies each sample's weight by the weight of its class.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified) and stop when the
        validation loss has not improved for ``n_iter_no_change`` iterations; the best
        weights are kept.
    validation_fraction : float, default=0.1
    n_iter_no_change : int, default=10
    threshold : float, default=0.5
        ``predict`` returns the positive class when its probability is >= threshold.
    record_weights : bool, default=False
        Keep ``coef`` and ``intercept`` in every history record (for animations).
    random_state : int, Generator, RandomState or None, default=None
        Seeds mini-batch shuffles and the early-stopping split.
    verbose : int, default=0
        1 prints the cost ten times over ``max_iter`` (the seeds' ``print_cost``),
        2 at every iteration.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    coef_ : ndarray of shape (1, n_features)
    intercept_ : ndarray of shape (1,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features,), when X had string column names
    n_iter_ : int
    converged_ : bool
    history_ : History
        One record per iteration: loss, accuracy, grad_max, time, and val_loss /
        val_accuracy with validation data.
    x_mean_, x_scale_ : ndarray of shape (n_features,) or None

    Examples
    --------
    >>> from oneneuron import LogisticRegression
    >>> from sklearn.datasets import make_blobs
    >>> X, y = make_blobs(n_samples=200, centers=2, random_state=42)
    >>> model = LogisticRegression().fit(X, y)
    >>> print(model.score(X, y))
    1.0
    """

    def __init__(
        self,
        *,
        solver: str = "auto",
        alpha: float = 1e-4,
        fit_intercept: bool = True,
        standardize: bool = False,
        learning_rate: float = 0.1,
        batch_size: int = 64,
        momentum: float = 0.0,
        lr_schedule: str = "constant",
        max_iter: int | None = None,
        tol: float | None = 1e-6,
        class_weight: dict[Any, float] | str | None = None,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        threshold: float = 0.5,
        record_weights: bool = False,
        random_state: Any = None,
        verbose: int = 0,
    ) -> None:
        self.solver = solver
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.momentum = momentum
        self.lr_schedule = lr_schedule
        self.max_iter = max_iter
        self.tol = tol
        self.class_weight = class_weight
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.threshold = threshold
        self.record_weights = record_weights
        self.random_state = random_state
        self.verbose = verbose

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    # ------------------------------------------------------------------ checks
    def _check_params(self) -> None:
        valid = ["auto", *SOLVERS]
        if self.solver not in valid:
            raise ValueError(f"unknown solver {self.solver!r}; valid: {', '.join(valid)}")
        if self.lr_schedule not in SCHEDULES:
            raise ValueError(
                f"unknown lr_schedule {self.lr_schedule!r}; valid: {', '.join(SCHEDULES)}"
            )
        check_number("alpha", self.alpha, low=0.0)
        check_number("learning_rate", self.learning_rate, low=0.0, strict=True)
        check_number("momentum", self.momentum, low=0.0, high=1.0, high_open=True)
        if self.tol is not None:
            check_number("tol", self.tol, low=0.0)
        check_number(
            "validation_fraction",
            self.validation_fraction,
            low=0.0,
            high=1.0,
            strict=True,
            high_open=True,
        )
        check_number("threshold", self.threshold, low=0.0, high=1.0)
        check_integer("batch_size", self.batch_size, low=1)
        check_integer("n_iter_no_change", self.n_iter_no_change, low=1)
        if self.max_iter is not None:
            check_integer("max_iter", self.max_iter, low=0)
        if not (
            self.class_weight is None
            or self.class_weight == "balanced"
            or isinstance(self.class_weight, dict)
        ):
            raise ValueError(
                f"class_weight must be None, 'balanced' or a dict label -> weight; "
                f"got {self.class_weight!r}"
            )

    def _weights(self, y: NDArray[Any], y01: Array, sample_weight: Any) -> Array | None:
        """Per-sample s_i = sample_weight_i * class_weight[y_i] (None when all ones)."""
        sw = None if sample_weight is None else check_sample_weight(sample_weight, len(y))
        if self.class_weight is None:
            return sw
        if isinstance(self.class_weight, dict):
            unknown = set(self.class_weight) - set(self.classes_.tolist())
            if unknown:
                raise ValueError(
                    f"class_weight names labels {sorted(map(repr, unknown))} that are not "
                    f"classes of y {self.classes_.tolist()!r}"
                )
        cw = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
        per_sample = np.where(y01 == 1, cw[1], cw[0])
        return per_sample if sw is None else sw * per_sample

    # --------------------------------------------------------------- training
    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        *,
        coef_init: ArrayLike | None = None,
        intercept_init: float | ArrayLike | None = None,
        eval_set: tuple[ArrayLike, ArrayLike] | None = None,
        callbacks: Sequence[Callback] = (),
    ) -> LogisticRegression:
        """Fit the model to X (n_samples, n_features) and binary labels y (n_samples,).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Any two labels (ints, strings, bools).
        sample_weight : array-like of shape (n_samples,), optional
        coef_init : array-like of shape (n_features,) or (1, n_features), optional
            Starting weights (raw-feature space); zeros by default.
        intercept_init : float, optional
        eval_set : (X_val, y_val), optional
            Scored at every iteration into ``history_`` (``val_loss``, ``val_accuracy``).
        callbacks : sequence of callables
            ``callback(record, theta) -> bool``; True stops training.

        Returns
        -------
        self
        """
        plan = self._plan(X, y, sample_weight, coef_init, intercept_init, eval_set, callbacks)
        result = run(*plan.args, **plan.kwargs)
        self._finish(plan, result)
        return self

    def fit_iter(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        *,
        coef_init: ArrayLike | None = None,
        intercept_init: float | ArrayLike | None = None,
        eval_set: tuple[ArrayLike, ArrayLike] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Train step by step: a generator of history records, one per iteration.

        Takes the arguments of :meth:`fit`. It yields the record of the starting point,
        then one record per iteration (epoch for "sgd"); after each yield, ``coef_``,
        ``intercept_``, ``n_iter_`` and ``history_`` describe the model so far, so it can
        be drawn, scored or saved mid-training. Training ends as :meth:`fit` would (at
        ``tol``, ``max_iter`` or early stopping); with ``tol=None`` and a large
        ``max_iter`` it runs for as long as it is asked. Stop it early with ``break`` or
        ``.close()``: the model keeps the last yielded weights.

        Examples
        --------
        >>> from sklearn.datasets import make_blobs
        >>> from oneneuron import LogisticRegression
        >>> X, y = make_blobs(n_samples=100, centers=2, random_state=0)
        >>> model = LogisticRegression(solver="gd", tol=None, max_iter=10**9)
        >>> for record in model.fit_iter(X, y):
        ...     if record["iteration"] == 20:
        ...         break
        >>> model.n_iter_
        20
        """
        plan = self._plan(X, y, sample_weight, coef_init, intercept_init, eval_set, ())
        steps = iterate(*plan.args, **plan.kwargs)
        self.history_ = History(unit=plan.unit)
        self.solver_ = plan.name
        self.converged_ = False
        self.stop_reason_ = "interrupted"
        self._sgd_state: StochasticGradientDescent | None = None
        while True:
            try:
                with plan.objective.single_blas():
                    record, theta = next(steps)
            except StopIteration as done:
                self._finish(plan, done.value)
                return
            self._store(theta)
            self.n_iter_ = int(record["iteration"])
            self.history_.append(record)
            yield dict(record)

    def _plan(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None,
        coef_init: ArrayLike | None,
        intercept_init: float | ArrayLike | None,
        eval_set: tuple[ArrayLike, ArrayLike] | None,
        callbacks: Sequence[Callback],
    ) -> _Plan:
        """Check the input and build everything a training run needs."""
        self._check_params()
        X, y = self._check_Xy(X, y, reset=True)
        self.classes_, y01 = encode_binary_labels(y)
        sw = self._weights(y, y01, sample_weight)
        rng = as_generator(self.random_state) if self._needs_rng() else None
        held_out = None if eval_set is None else self._check_eval_set(*eval_set)
        if self.early_stopping:  # before the split, so the error names rows of X
            check_finite(X)
        if self.early_stopping:
            assert rng is not None
            X, X_val, y01, y_val, sw = holdout_split(X, y01, sw, self.validation_fraction, rng)
            held_out = (X_val, y_val)
        self._set_scaling(X, sw)
        validation = None
        if held_out is not None:  # scored unweighted and unpenalised, in the model's scaling
            validation = Objective(
                *held_out, offset=self.x_mean_, scale=self.x_scale_, threshold=self.threshold
            )
        # X was checked already when split or standardised
        objective = self._objective(X, y01, sw, check=not (self.early_stopping or self.standardize))
        theta0 = self._to_theta(coef_init, intercept_init, X.shape[1])
        name = self.solver if self.solver != "auto" else choose_solver(*X.shape)
        solver = self._make_solver(name, rng)
        cbs = list(callbacks)
        stopper = None
        if self.early_stopping:
            stopper = EarlyStopping(self.n_iter_no_change, self.tol or 0.0)
            cbs.insert(0, stopper)
        max_iter = self._max_iter(name)
        kwargs = dict(
            tol=self.tol,
            max_iter=max_iter,
            monitor=self._monitor(validation),
            callbacks=cbs,
            verbose=self.verbose,
            print_every=1 if self.verbose >= 2 else max(1, max_iter // 10),
        )
        unit = "epoch" if name == "sgd" else "iteration"
        return _Plan(name, unit, objective, stopper, (solver, objective, theta0), kwargs)

    def _finish(self, plan: _Plan, result: Result) -> None:
        """Store what a finished training run produced."""
        stopper = plan.stopper
        theta = result.theta if stopper is None or stopper.best is None else stopper.best
        self._store(theta)
        self.solver_ = plan.name
        self.n_iter_ = result.n_iter
        self.converged_ = result.converged
        self.stop_reason_ = result.stop_reason
        self.history_ = History(result.records, unit=plan.unit)
        self._sgd_state = None
        if self.alpha == 0:
            final = result.evaluation if theta is result.theta else plan.objective.evaluate(theta)
            self._warn_if_separable(final)

    def partial_fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        classes: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
    ) -> LogisticRegression:
        """One epoch of mini-batch SGD over (X, y), continuing from the current weights.

        ``classes`` (both labels) is required on the first call. With
        ``standardize=True`` the first call's statistics are kept for later calls.
        """
        first = not hasattr(self, "classes_")
        if first:
            self._check_params()
            if classes is None:
                raise ValueError("classes must be given on the first call to partial_fit")
        X, y = self._check_Xy(X, y, reset=first)
        if first:
            classes = np.unique(np.asarray(classes))
            if len(classes) != 2:
                raise ValueError(
                    "Only binary classification is supported. classes must hold exactly "
                    f"two labels; got {classes.tolist()!r}"
                )
            self.classes_ = classes
        _, y01 = encode_binary_labels(y, self.classes_)
        sw = self._weights(y, y01, sample_weight)
        if first:
            self._set_scaling(X, sw)
            self._sgd_state = None
            self.history_ = History(unit="epoch")
            self.n_iter_ = 0
        objective = self._objective(X, y01, sw, check=not (first and self.standardize))
        if hasattr(self, "coef_"):
            theta = self._to_theta(self.coef_, self.intercept_, X.shape[1])
        else:
            theta = np.zeros(objective.n_params)
        if getattr(self, "_sgd_state", None) is None:
            self._sgd_state = self._make_solver("sgd", as_generator(self.random_state))
            self._sgd_state.start(objective, theta)
        assert self._sgd_state is not None
        theta = self._sgd_state.epoch(objective, theta)
        ev = objective.evaluate(theta)
        self._store(theta)
        self.n_iter_ += 1
        self.converged_ = False
        self.solver_ = "sgd"
        self.history_.append(
            {
                "iteration": self.n_iter_,
                "loss": ev.loss,
                "accuracy": ev.accuracy,
                "grad_max": ev.grad_max,
                "time": 0.0,
            }
        )
        return self

    # ------------------------------------------------------------- prediction
    def decision_function(self, X: ArrayLike) -> Array:
        """The logit ``z = X . w + b`` for each row; shape (n_samples,)."""
        check_is_fitted(self)
        Xa = self._check_X(X)
        return np.asarray(Xa @ self.coef_[0].astype(Xa.dtype) + self.intercept_[0], dtype=float)

    def predict_proba(self, X: ArrayLike) -> Array:
        """Probabilities of ``classes_[0]`` and ``classes_[1]``; shape (n_samples, 2)."""
        z = self.decision_function(X)
        return np.column_stack([sigmoid(-z), sigmoid(z)])

    def predict_log_proba(self, X: ArrayLike) -> Array:
        """Log-probabilities, exact from the logits; shape (n_samples, 2)."""
        z = self.decision_function(X)
        return np.column_stack([log_sigmoid(-z), log_sigmoid(z)])

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """``classes_[1]`` where its probability is >= ``threshold``, else ``classes_[0]``."""
        z = self.decision_function(X)
        return self.classes_[(z >= logit(self.threshold)).astype(int)]

    def save(self, path: str | Path) -> Path:
        """Write the fitted model to a JSON file (see :mod:`oneneuron.io`)."""
        from .io import save_model

        return save_model(self, path)

    # ---------------------------------------------------------------- helpers
    def _check_Xy(self, X: ArrayLike, y: ArrayLike, reset: bool) -> tuple[Array, NDArray[Any]]:
        """scikit-learn's validation (shapes, dtypes, feature names).

        The NaN/inf check of X is the Objective's (``check_finite=True``): with the
        compiled kernel it costs nothing extra (see :class:`Objective`).
        """
        if reset and _plain_arrays(X, y):
            # what validate_data would conclude for plain float arrays, without its
            # ~60 us of DataFrame detection (a quarter of a small fit)
            self.n_features_in_ = X.shape[1]  # type: ignore[union-attr]
            if hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
            return X, y  # type: ignore[return-value]
        check_numeric(X)
        Xa, ya = validate_data(
            self, X, y, reset=reset, dtype=[np.float64, np.float32], ensure_all_finite=False
        )
        return Xa, ya

    def _check_X(self, X: ArrayLike, name: str = "X") -> Array:
        check_numeric(X, name)
        Xa: Array = validate_data(
            self, X, reset=False, dtype=[np.float64, np.float32], ensure_all_finite=False
        )
        check_finite(Xa, name)
        return Xa

    def _needs_rng(self) -> bool:
        return bool(self.early_stopping) or self.solver == "sgd"

    def _max_iter(self, name: str) -> int:
        return DEFAULT_MAX_ITER[name] if self.max_iter is None else int(self.max_iter)

    def _make_solver(self, name: str, rng: np.random.Generator | None) -> Any:
        if name in ("gd", "sgd"):
            kw: dict[str, Any] = dict(
                learning_rate=self.learning_rate,
                momentum=self.momentum,
                lr_schedule=self.lr_schedule,
                max_iter=self._max_iter(name),
            )
            if name == "sgd":
                kw.update(batch_size=self.batch_size, rng=rng)
            return SOLVERS[name](**kw)
        return SOLVERS[name]()

    def _objective(self, X: Array, y01: Array, sw: Array | None, check: bool = True) -> Objective:
        return Objective(
            X,
            y01,
            sw,
            alpha=self.alpha,
            fit_intercept=self.fit_intercept,
            offset=self.x_mean_,
            scale=self.x_scale_,
            threshold=self.threshold,
            check_finite=check,
        )

    def _check_eval_set(self, X_val: ArrayLike, y_val: ArrayLike) -> tuple[Array, Array]:
        Xv = self._check_X(X_val, name="eval_set X")
        yv = np.asarray(y_val).ravel()
        if len(yv) != len(Xv):
            raise ValueError(f"eval_set has {len(Xv)} rows in X but {len(yv)} labels")
        _, yv01 = encode_binary_labels(yv, self.classes_)
        return Xv, yv01

    def _set_scaling(self, X: Array, sw: Array | None) -> None:
        self.x_mean_: Array | None = None
        self.x_scale_: Array | None = None
        if self.standardize:
            check_finite(X)  # the statistics of a column with NaN would be NaN
            mean = np.average(X, axis=0, weights=sw)
            std = np.sqrt(np.average((X - mean) ** 2, axis=0, weights=sw))
            self.x_mean_ = mean
            self.x_scale_ = np.where(std > 0, std, 1.0)

    def _to_theta(self, coef: Any, intercept: Any, d: int) -> Array:
        """Raw-space (coef, intercept) to the solver's theta (standardised space)."""
        w = np.zeros(d) if coef is None else np.asarray(coef, dtype=float).reshape(-1)
        if w.shape != (d,):
            raise ValueError(f"coef_init has {w.size} values; X has {d} features")
        b = 0.0 if intercept is None else float(np.asarray(intercept, dtype=float).reshape(-1)[0])
        if self.x_mean_ is not None and self.x_scale_ is not None:
            b = b + float(w @ self.x_mean_)
            w = w * self.x_scale_
        return np.append(w, b) if self.fit_intercept else w

    def _raw(self, theta: Array) -> tuple[Array, float]:
        """The solver's theta to raw-space (coef, intercept)."""
        w = np.array(theta[: len(theta) - int(self.fit_intercept)], dtype=float)
        b = float(theta[-1]) if self.fit_intercept else 0.0
        if self.x_mean_ is not None and self.x_scale_ is not None:
            w = w / self.x_scale_
            b = b - float(w @ self.x_mean_)
        return w, b

    def _store(self, theta: Array) -> None:
        w, b = self._raw(theta)
        self.coef_ = w.reshape(1, -1)
        self.intercept_ = np.array([b])

    def _monitor(self, validation: Objective | None) -> Any:
        if validation is None and not self.record_weights:
            return None

        def monitor(theta: Array) -> dict[str, Any]:
            out: dict[str, Any] = {}
            if validation is not None:
                ev = validation.evaluate(theta)
                out.update(val_loss=ev.loss, val_accuracy=ev.accuracy)
            if self.record_weights:
                w, b = self._raw(theta)
                out.update(coef=w, intercept=b)
            return out

        return monitor

    def _warn_if_separable(self, final: Evaluation) -> None:
        """Warn when every training sample is classified correctly (at the threshold).

        That is linear separability (the threshold only shifts the intercept): with
        alpha = 0 the loss then has no minimum. Read from the final evaluation, so it
        costs no pass over X.
        """
        if final.n_correct == final.n_samples:
            warnings.warn(
                "the training data are linearly separable: with alpha=0 the loss has no "
                "minimum (it tends to 0 as the weights grow without bound), so the weights "
                f"stop where training stopped (iteration {self.n_iter_}); set alpha > 0 for "
                "a unique, finite solution",
                UserWarning,
                stacklevel=3,
            )

    # -------------------------------------------------------------- inference
    # Thin wrappers over oneneuron.inference (kept together at the end of the class).
    def summary(
        self,
        X: ArrayLike | None = None,
        y: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
        *,
        cov_type: str = "nonrobust",
        groups: ArrayLike | None = None,
        level: float = 0.95,
        ci_method: str = "wald",
    ) -> Any:
        """Coefficients with standard errors, z tests, p-values and intervals.

        Returns a :class:`oneneuron.inference.Summary` (``print`` it, or ``.to_frame()``,
        ``.odds_ratios()``, ``.llf``, ``.aic``, ...). Without X it uses what ``fit``
        kept for small models (the information matrix); pass the training data
        ``X, y`` (and ``sample_weight``) for robust covariances (``cov_type`` "HC0",
        "HC1", "cluster" with ``groups``), profile intervals (``ci_method="profile"``),
        a Firth model, or a model too large to keep its information matrix. With
        ``alpha > 0`` the covariance is the inverse penalised information and a
        PenaltyWarning says when the penalty moved the estimates enough that the
        p-values are not classical tests. See :func:`oneneuron.inference.summary`.
        """
        from .inference import summary

        return summary(
            self,
            X,
            y,
            sample_weight,
            cov_type=cov_type,
            groups=groups,
            level=level,
            ci_method=ci_method,
        )

    def conf_int(
        self,
        X: ArrayLike | None = None,
        y: ArrayLike | None = None,
        sample_weight: ArrayLike | None = None,
        *,
        level: float = 0.95,
        method: str = "wald",
        cov_type: str = "nonrobust",
        groups: ArrayLike | None = None,
    ) -> Any:
        """Confidence intervals, one row per parameter (intercept first): a DataFrame.

        ``method="wald"`` (``coef +- z se``) or ``"profile"`` (profile likelihood; needs
        ``X, y``). See :func:`oneneuron.inference.conf_int`.
        """
        from .inference import conf_int

        return conf_int(
            self,
            X,
            y,
            sample_weight,
            level=level,
            method=method,
            cov_type=cov_type,
            groups=groups,
        )


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
