"""Test metrics of a model of K >= 3 classes (``oneneuron evaluate``): no maths of its own,
scikit-learn's metrics on the model's predictions.

Accuracy, log-loss, macro-averaged precision, recall and F1, the macro one-vs-rest ROC
AUC (None unless every class occurs in y) and the K x K confusion matrix, in the order
of ``classes_``; the same keys as the binary metrics where they mean the same.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sklearn.metrics as skm

__all__ = ["ROWS", "multiclass_metrics"]

#: (key, label) of the scalar metrics, in the order they are printed.
ROWS = [
    ("accuracy", "accuracy"),
    ("log_loss", "log-loss"),
    ("precision", "precision (macro)"),
    ("recall", "recall (macro)"),
    ("f1", "F1 (macro)"),
    ("roc_auc", "ROC AUC (macro, one-vs-rest)"),
]


def multiclass_metrics(model: Any, X: Any, y: Any) -> dict[str, Any]:
    """The metrics of a K-class model on (X, y), JSON-ready."""
    classes = np.asarray(model.classes_)
    y = np.asarray(y)
    unknown = [v for v in np.unique(y).tolist() if v not in classes.tolist()]
    if unknown:
        raise ValueError(
            f"the labels {unknown[:5]} are not classes of the model {classes.tolist()}"
        )
    proba = np.asarray(model.predict_proba(X), dtype=np.float64)
    pred = model.predict(X)
    every = len(np.unique(y)) == len(classes)
    kw: dict[str, Any] = dict(labels=classes, average="macro", zero_division=0)
    auc = skm.roc_auc_score(y, proba, multi_class="ovr", labels=classes) if every else None
    return {
        "n_samples": len(y),
        "labels": classes.tolist(),
        "accuracy": float(skm.accuracy_score(y, pred)),
        "log_loss": float(skm.log_loss(y, proba, labels=classes)),
        "precision": float(skm.precision_score(y, pred, **kw)),
        "recall": float(skm.recall_score(y, pred, **kw)),
        "f1": float(skm.f1_score(y, pred, **kw)),
        "roc_auc": None if auc is None else float(auc),
        "confusion_matrix": skm.confusion_matrix(y, pred, labels=classes).tolist(),
    }


def metrics_rows(m: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, formatted value) rows for the scalar metrics."""
    return [
        (label, "n/a (a class is missing)" if m[k] is None else f"{m[k]:.4f}") for k, label in ROWS
    ]
