"""K-class models for the tests of the K-class pictures, report and commands.

The pictures are written against scikit-learn's API for K >= 3 classes (``classes_``,
``predict_proba`` (n, K), ``coef_`` (K, d), ``intercept_`` (K,)), which
:class:`oneneuron.LogisticRegression` takes once its multinomial engine is there. Until then
it refuses three classes, and these helpers give scikit-learn's ``LogisticRegression`` (the
same API) instead: the same tests then exercise oneneuron's engine as soon as it lands.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, log_loss

from oneneuron import History, LogisticRegression

NEEDS_ENGINE = "needs multinomial engine: oneneuron.LogisticRegression refuses K >= 3 classes"


@functools.cache
def engine_fits_k_classes() -> bool:
    """Whether oneneuron's estimator fits three classes (and answers with three columns)."""
    X = np.array([[0.0, 0.0], [1.0, 0.2], [0.1, 1.0], [1.1, 1.0], [2.0, 0.1], [0.2, 2.1]])
    y = np.array([0, 0, 1, 1, 2, 2])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = LogisticRegression().fit(X, y)
            return bool(np.shape(model.predict_proba(X)) == (6, 3))
    except ValueError:
        return False


def k_class_model(**oneneuron_params: Any) -> Any:
    """An unfitted K-class classifier: oneneuron's when its engine fits K classes, else
    scikit-learn's ``LogisticRegression`` (multinomial, nearly unpenalised)."""
    if engine_fits_k_classes():
        return LogisticRegression(**oneneuron_params)
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression

    return SkLogisticRegression(C=1e4, max_iter=5000)


class Recorded:
    """A fitted scikit-learn model with a ``history_`` of weight snapshots, as oneneuron's
    estimator keeps with ``record_weights=True`` (``coef`` (K, d) and ``intercept`` (K,)
    per record); every other attribute is the model's."""

    def __init__(self, model: Any, history: History) -> None:
        self._model = model
        self.history_ = history

    def __getattr__(self, name: str) -> Any:
        return getattr(self._model, name)


def recorded_k_class_model(X: np.ndarray, y: np.ndarray, n_records: int = 8) -> Any:
    """A K-class model fitted with its weight snapshots recorded per iteration.

    oneneuron's ``LogisticRegression(solver="gd", record_weights=True)`` when its engine fits
    K classes; else scikit-learn's, refitted with 1, 2, ... lbfgs iterations to record a
    History of the same shape (record 0 is the start, all weights 0).
    """
    if engine_fits_k_classes():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return LogisticRegression(
                solver="gd", max_iter=n_records - 1, record_weights=True, alpha=1e-2
            ).fit(X, y)
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression

    K, d = len(np.unique(y)), X.shape[1]
    records = []
    model = None
    for it in range(n_records):
        if it == 0:
            coef, intercept = np.zeros((K, d)), np.zeros(K)
            proba = np.full((len(y), K), 1.0 / K)
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model = SkLogisticRegression(C=100.0, max_iter=it).fit(X, y)
            coef, intercept = model.coef_.copy(), model.intercept_.copy()
            proba = model.predict_proba(X)
        records.append(
            {
                "iteration": it,
                "loss": float(log_loss(y, proba, labels=np.unique(y))),
                "accuracy": float(accuracy_score(y, np.unique(y)[np.argmax(proba, axis=1)])),
                "coef": coef,
                "intercept": intercept,
            }
        )
    return Recorded(model, History(records))
