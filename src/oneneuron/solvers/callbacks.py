"""Callbacks for the training driver: ``callback(record, theta) -> bool`` (True stops)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["EarlyStopping"]

Array = NDArray[np.floating]


class EarlyStopping:
    """Stop when the validation loss has not improved by ``tol`` for ``patience`` records.

    Keeps the weights with the lowest validation loss seen (``best``) and the iteration
    they come from (``best_iteration``).
    """

    def __init__(self, patience: int, tol: float) -> None:
        self.patience, self.tol = patience, tol
        self.best_loss = np.inf
        self.best: Array | None = None
        self.best_iteration = -1
        self.since = 0

    def __call__(self, record: dict[str, Any], theta: Array) -> bool:
        loss = record["val_loss"]
        self.since = 0 if loss < self.best_loss - self.tol else self.since + 1
        if loss < self.best_loss:
            self.best_loss, self.best = loss, theta.copy()
            self.best_iteration = int(record["iteration"])
        return self.since >= self.patience
