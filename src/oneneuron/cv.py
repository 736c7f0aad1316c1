"""``LogisticRegressionCV``: alpha (and l1_ratio) chosen by cross-validation on the path.

For every l1_ratio, one grid of alphas from the whole data's :func:`alpha_max` (as glmnet
and scikit-learn do, so every fold scores the same alphas); on every fold, the path on
the training part (warm-started, :func:`oneneuron.regularization.path`), each alpha's
model scored on the held-out part by a scikit-learn scorer; the best mean score wins and
the model is refitted on all the data. The folds come from scikit-learn's splitters
(``check_cv``: stratified k-fold for an integer ``cv``) and the scores from its scorers
(``get_scorer``): nothing of either is re-implemented here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from ._params import PARAMETERS
from .estimator import LogisticRegression
from .regularization import alpha_grid, alpha_max, path

__all__ = ["LogisticRegressionCV"]

Array = NDArray[np.floating]


class LogisticRegressionCV(ClassifierMixin, BaseEstimator):
    """Logistic regression with ``alpha`` (and ``l1_ratio``) chosen by cross-validation.

    Parameters
    ----------
    l1_ratios : sequence of float in [0, 1], default=(1.0,)
        Candidate L1 shares; each gets its own grid from its ``alpha_max`` (an l1_ratio
        of 0 needs ``alphas``).
    alphas : array-like, optional
        The alphas to try (the same for every l1_ratio); default ``n_alphas`` log-spaced
        from alpha_max down to ``eps * alpha_max``.
    n_alphas : int, default=50
    eps : float, default=1e-3
    cv : int, splitter or iterable, default=5
        As scikit-learn's ``cv``: an int is stratified k-fold (not shuffled).
    scoring : str or callable, default="neg_log_loss"
        A scikit-learn scorer; higher is better.
    fit_intercept, standardize, class_weight, tol, max_iter, threshold
        As for :class:`~oneneuron.LogisticRegression`.

    Attributes
    ----------
    l1_ratio_, alpha_ : float
        The chosen values.
    alpha_1se_ : float
        The largest alpha (for the chosen l1_ratio) whose mean score is within one standard
        error of the best: glmnet's sparser "1-SE rule" choice, for reference.
    alphas_ : ndarray of shape (n_l1_ratios, n_alphas)
    scores_ : ndarray of shape (n_l1_ratios, n_folds, n_alphas)
        Held-out scores.
    cv_mean_, cv_std_err_ : ndarray of shape (n_l1_ratios, n_alphas)
        Mean over folds, and its standard error (std / sqrt(n_folds)).
    estimator_ : LogisticRegression
        The model refitted on all the data with the chosen values.
    coef_, intercept_, classes_, n_features_in_, feature_names_in_
        Those of ``estimator_``.
    """

    def __init__(
        self,
        *,
        l1_ratios: Sequence[float] = (1.0,),
        alphas: ArrayLike | None = None,
        n_alphas: int = 50,
        eps: float = 1e-3,
        cv: Any = 5,
        scoring: Any = "neg_log_loss",
        fit_intercept: bool = True,
        standardize: bool = False,
        class_weight: Any = None,
        tol: float = 1e-6,
        max_iter: int | None = None,
        threshold: float = 0.5,
    ) -> None:
        self.l1_ratios = l1_ratios
        self.alphas = alphas
        self.n_alphas = n_alphas
        self.eps = eps
        self.cv = cv
        self.scoring = scoring
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.class_weight = class_weight
        self.tol = tol
        self.max_iter = max_iter
        self.threshold = threshold

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.input_tags.sparse = True
        return tags

    def _model_params(self) -> dict[str, Any]:
        return dict(
            fit_intercept=self.fit_intercept,
            standardize=self.standardize,
            class_weight=self.class_weight,
            tol=self.tol,
            max_iter=self.max_iter,
        )

    def _ratios(self) -> list[float]:
        ratios: list[Any] = (
            [self.l1_ratios] if np.isscalar(self.l1_ratios) else list(self.l1_ratios)
        )
        if not ratios:
            raise ValueError("l1_ratios must hold at least one value in [0, 1]")
        for r in ratios:
            PARAMETERS["l1_ratio"]("l1_ratios", r)
        return [float(r) for r in ratios]

    def _grid(self, X: Any, y: Any, sw: Any, l1_ratio: float) -> Array:
        if self.alphas is not None:
            grid = np.sort(np.asarray(self.alphas, dtype=np.float64).ravel())[::-1]
            if grid.size == 0 or not np.all(np.isfinite(grid)) or grid[-1] < 0:
                raise ValueError("alphas must be finite numbers >= 0 (at least one)")
            return grid
        if l1_ratio == 0:
            raise ValueError("l1_ratio 0 has no alpha_max to start a grid from: give alphas")
        top = alpha_max(X, y, sw, l1_ratio=l1_ratio, **self._model_params())
        return alpha_grid(top, self.n_alphas, self.eps)

    def _scored(self, coef: Array, intercept: float, classes: Any) -> LogisticRegression:
        model = LogisticRegression(threshold=self.threshold, fit_intercept=self.fit_intercept)
        model.coef_ = coef.reshape(1, -1)
        model.intercept_ = np.array([intercept])
        model.classes_ = classes
        model.n_features_in_ = coef.size
        return model

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        groups: ArrayLike | None = None,
    ) -> LogisticRegressionCV:
        """Cross-validate the path(s), then refit on all of (X, y).

        Parameters
        ----------
        X : array-like or sparse matrix of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Used in the fits and passed to the scorer.
        groups : array-like of shape (n_samples,), optional
            For group splitters.
        """
        ratios = self._ratios()
        Xa, ya = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], dtype=[np.float64, np.float32]
        )
        kind = type_of_target(ya, input_name="y")
        if kind not in ("binary", "continuous") and len(np.unique(ya)) > 2:
            raise ValueError(
                f"Only binary classification is supported. The type of the target is {kind} "
                f"({len(np.unique(ya))} classes); LogisticRegressionCV cross-validates the "
                "binary path"
            )
        sw = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        splitter = check_cv(self.cv, ya, classifier=True)
        folds = list(splitter.split(Xa, ya, groups))
        scorer = check_scoring(self, scoring=self.scoring)
        grids = [self._grid(Xa, ya, sw, r) for r in ratios]
        if len({g.size for g in grids}) > 1:
            raise ValueError("every l1_ratio needs the same number of alphas")
        scores = np.empty((len(ratios), len(folds), grids[0].size))
        for i, (ratio, grid) in enumerate(zip(ratios, grids, strict=True)):
            for k, (train, test) in enumerate(folds):
                wtr = None if sw is None else sw[train]
                fold = path(Xa[train], ya[train], grid, l1_ratio=ratio, sample_weight=wtr,
                            **self._model_params())  # fmt: skip
                kw = {} if sw is None else {"sample_weight": sw[test]}
                for j in range(grid.size):
                    model = self._scored(fold.coef[j], fold.intercept[j], fold.classes)
                    scores[i, k, j] = scorer(model, Xa[test], ya[test], **kw)
        self.alphas_ = np.array(grids)
        self.scores_ = scores
        self.cv_mean_ = scores.mean(axis=1)
        self.cv_std_err_ = scores.std(axis=1) / np.sqrt(len(folds))
        best_ratio, best_alpha = np.unravel_index(np.argmax(self.cv_mean_), self.cv_mean_.shape)
        self.l1_ratio_ = ratios[best_ratio]
        self.alpha_ = float(self.alphas_[best_ratio, best_alpha])
        mean, se = self.cv_mean_[best_ratio], self.cv_std_err_[best_ratio]
        within = np.flatnonzero(mean >= mean[best_alpha] - se[best_alpha])
        self.alpha_1se_ = float(self.alphas_[best_ratio, within.min()])
        self.estimator_ = LogisticRegression(
            alpha=self.alpha_, l1_ratio=self.l1_ratio_, threshold=self.threshold,
            **self._model_params(),
        ).fit(X, y, sample_weight)  # fmt: skip
        for name in ("coef_", "intercept_", "classes_", "n_iter_", "converged_"):
            setattr(self, name, getattr(self.estimator_, name))
        return self

    def _check(self, X: ArrayLike) -> None:
        """scikit-learn's checks of X against the fit (shape, names); estimator_ reads X."""
        check_is_fitted(self)
        validate_data(self, X, reset=False, accept_sparse=["csr", "csc"], ensure_all_finite=False)

    def decision_function(self, X: ArrayLike) -> Array:
        """The logit of each row, shape (n_samples,) (see LogisticRegression)."""
        self._check(X)
        return self.estimator_.decision_function(X)

    def predict_proba(self, X: ArrayLike) -> Array:
        """Probabilities of ``classes_[0]`` and ``classes_[1]``, shape (n_samples, 2)."""
        self._check(X)
        return self.estimator_.predict_proba(X)

    def predict_log_proba(self, X: ArrayLike) -> Array:
        """Log-probabilities, shape (n_samples, 2)."""
        self._check(X)
        return self.estimator_.predict_log_proba(X)

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """The predicted labels, shape (n_samples,)."""
        self._check(X)
        return self.estimator_.predict(X)
