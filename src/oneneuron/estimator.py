"""``LogisticRegression``: the scikit-learn estimator; validation and bookkeeping, no maths.

All learning happens in :mod:`oneneuron.objective` and :mod:`oneneuron.solvers`; this
module turns user input into an Objective, picks a solver, and stores what came out.
The prediction methods are :class:`._estimator_predict.PredictionMixin`'s, the inference
methods :class:`._estimator_inference.InferenceMixin`'s, the step-by-step training methods
(``fit_iter``, ``partial_fit``) :class:`._estimator_incremental.IncrementalMixin`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator

from . import _fitting
from ._estimator_incremental import IncrementalMixin
from ._estimator_inference import InferenceMixin
from ._estimator_predict import PredictionMixin
from ._params import param_names
from .solvers import SOLVERS, Callback, run

__all__ = ["DEFAULT_MAX_ITER", "LogisticRegression"]

Array = NDArray[np.floating]
#: ``max_iter`` when none is given, per solver (each solver's ``default_max_iter``).
DEFAULT_MAX_ITER = {name: cls.default_max_iter for name, cls in SOLVERS.items()}


class LogisticRegression(IncrementalMixin, InferenceMixin, PredictionMixin, BaseEstimator):
    """Binary logistic regression: one neuron, ``p = sigmoid(x . w + b)``.

    Minimises ``J(w, b) = sum_i s_i l(y_i, x_i . w + b) / sum_i s_i + P(w)`` with the
    elastic-net penalty ``P(w) = alpha (l1_ratio ||w||_1 + (1 - l1_ratio)/2 ||w||^2)``
    (see :mod:`oneneuron.objective`; ``l1_ratio=0``, the default, is ridge).
    scikit-learn's ``LogisticRegression(C=C, l1_ratio=l1_ratio)`` solves the same problem
    for ``alpha = 1 / (C * sum_i s_i)``. ``firth=True`` fits Firth's bias-reduced model
    instead (R's logistf).

    Parameters
    ----------
    solver : {"auto", "newton", "lbfgs", "proxnewton", "gd", "sgd"}, default="auto"
        "auto" picks the fastest exact solver for the shape and penalty: "proxnewton"
        with an L1 part (``l1_ratio > 0``), else "newton" for up to 200 parameters and
        "lbfgs" above. "proxnewton" is proximal Newton with coordinate descent on working
        sets (exact zeros). "gd" is the seeds' full-batch gradient descent, "sgd" random
        mini-batches; both take proximal (soft-threshold) steps for the L1 part.
        "newton" and "lbfgs" need a smooth penalty (``l1_ratio=0``).
    alpha : float, default=1e-4
        Penalty strength on the weights (not the intercept); 0 for none.
    l1_ratio : float in [0, 1], default=0.0
        The L1 share of the penalty (scikit-learn's ``SGDClassifier`` convention): 0 is
        ridge (L2), 1 the lasso (L1), in between the elastic net.
    firth : bool, default=False
        Fit Firth's bias-reduced logistic regression: maximise the log-likelihood plus
        ``1/2 log det`` of the Fisher information (Jeffreys' prior), by logistf's
        iteration (:func:`oneneuron.firth.firth_fit`). Estimates stay finite under
        separation; ``summary(X, y)`` gives logistf's tests and profile intervals. It
        replaces the penalty: ``alpha`` is not used (a UserWarning says so unless it is
        0 or its default), ``l1_ratio`` must be 0, ``solver`` "auto" or "newton"; data
        in memory only; ``max_iter`` defaults to 100, and the fit runs to the exact
        estimate (``tol`` is not used). ``standardize`` changes nothing: Firth's
        estimate does not depend on the features' units.
    fit_intercept : bool, default=True
    standardize : bool, default=False
        Fit the model on ``(X - mean) / std`` (the penalty acts on those weights, and
        gd/sgd steps are taken in that well-scaled space). Done as a change of
        parameters, never a transform of X: dense, sparse and streamed data are read as
        they are (see :mod:`oneneuron.objective`). ``coef_`` and ``intercept_`` are
        reported for the raw features, so ``predict`` takes raw data; ``x_mean_`` and
        ``x_scale_`` keep the statistics.
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
        Stop when ``max |dJ/dtheta| <= tol`` (with an L1 part: the minimum-norm
        subgradient, zero exactly at the optimum). None trains for exactly ``max_iter``
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
    classes_ : ndarray of shape (K,)
        Sorted as ``np.unique`` sorts them. K = 2 is the one-neuron model; K >= 3 is
        multinomial (softmax) regression: K rows of weights, mean softmax cross-entropy
        plus the same penalty on every weight (``threshold`` and ``firth`` are for two
        classes only; an L1 part is fitted by 'gd' or 'sgd').
    coef_ : ndarray of shape (1, n_features), or (K, n_features) for K >= 3 classes
    intercept_ : ndarray of shape (1,), or (K,) for K >= 3 classes
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
        l1_ratio: float = 0.0,
        firth: bool = False,
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
        self.l1_ratio = l1_ratio
        self.firth = firth
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
        tags.input_tags.sparse = True
        return tags

    @classmethod
    def _get_param_names(cls) -> list[str]:
        # scikit-learn reads __init__'s signature on every get_params (inspect: about
        # 40 us, twice a fit); the names are a fact of the class, read once per class
        return list(param_names(cls))

    # --------------------------------------------------------------- training
    def fit(
        self,
        X: Any,
        y: ArrayLike | None = None,
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
        X : array-like, scipy.sparse matrix, dask collection or data source
            Dense (float64 or float32) of shape (n_samples, n_features); sparse CSR/CSC
            (never densified; other sparse formats are converted to CSR once); a dask
            array or DataFrame (trained on its cluster); or a source such as
            :func:`oneneuron.data.scan_parquet` (read in blocks, once per pass), which
            carries its own labels and weights.
        y : array-like of shape (n_samples,), optional
            Any two labels (ints, strings, bools); None for a data source.
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
        if self.firth:
            from ._firthfit import fit_firth

            fit_firth(self, X, y, sample_weight, coef_init, intercept_init, eval_set, callbacks)
            return self
        plan = _fitting.plan(
            self, X, y, sample_weight, coef_init, intercept_init, eval_set, callbacks
        )
        _fitting.finish(self, plan, run(*plan.args, **plan.kwargs))
        return self
