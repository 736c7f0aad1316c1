"""What a fitted :class:`~oneneuron.LogisticRegression` says about new data: logits,
probabilities, labels, accuracy, and the model file. The estimator's prediction methods,
kept apart from its training (see :mod:`._predicting` for the work).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from . import _predicting

if TYPE_CHECKING:
    from .estimator import LogisticRegression

__all__ = ["PredictionMixin"]

Array = NDArray[np.floating]


class PredictionMixin(ClassifierMixin):
    """The prediction methods of :class:`~oneneuron.LogisticRegression`."""

    def decision_function(self: LogisticRegression, X: ArrayLike) -> Array:
        """The logit ``z = X . w + b`` for each row; shape (n_samples,), or (n_samples, K)
        for K >= 3 classes (``X W^T + b``).

        X may be dense, sparse, a data source (read block by block) or a Dask
        collection (the result is then a lazy dask array), as for :meth:`fit`.
        """
        check_is_fitted(self)
        return _predicting.decision(self, X)  # type: ignore[no-any-return]

    def predict_proba(self: LogisticRegression, X: ArrayLike) -> Array:
        """Probabilities of ``classes_``; shape (n_samples, K), rows summing to 1 (K >= 3:
        the softmax of the logits, by log-sum-exp)."""
        check_is_fitted(self)
        return _predicting.proba(self, X)  # type: ignore[no-any-return]

    def predict_log_proba(self: LogisticRegression, X: ArrayLike) -> Array:
        """Log-probabilities, exact from the logits; shape (n_samples, K)."""
        check_is_fitted(self)
        return _predicting.log_proba(self, X)  # type: ignore[no-any-return]

    def predict(self: LogisticRegression, X: ArrayLike) -> NDArray[Any]:
        """``classes_[1]`` where its probability is >= ``threshold``, else ``classes_[0]``;
        for K >= 3 classes, the most probable class."""
        check_is_fitted(self)
        return _predicting.labels(self, X)  # type: ignore[no-any-return]

    def score(self: LogisticRegression, X: Any, y: Any = None, sample_weight: Any = None) -> float:
        """Mean accuracy on (X, y), as scikit-learn's; a labelled data source needs no y
        (it is read once, block by block)."""
        from .data import Source

        if isinstance(X, Source) and y is None:
            check_is_fitted(self)
            if sample_weight is not None:
                raise ValueError("a data source carries its own weights; pass score(source)")
            return _predicting.accuracy(self, X)
        return float(super().score(X, y, sample_weight=sample_weight))

    def save(self, path: str | Path) -> Path:
        """Write the fitted model to a JSON file (see :mod:`oneneuron.io`)."""
        from .io import save_model

        return save_model(self, path)
