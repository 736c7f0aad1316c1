"""The label (and weight) columns of a table read in blocks: the first pass that finds
the labels, their encoding (signs for two classes, codes for K), and each batch's signs
and weights with class weights multiplied in, checked and named by file and row."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._streaming import as_number, is_number

__all__ = ["TableLabels"]

Array = NDArray[np.floating]


class TableLabels:
    """The label side of :class:`~oneneuron.data._tables.TableSource` (a mixin)."""

    path: Path
    target: str | None
    weight_column: str | None
    n_samples: int
    n_features: int
    n_classes: int
    nbytes: int
    weight_sum: float
    dtype: np.dtype[Any]
    _labels: NDArray[Any] | None
    _counts: dict[Any, float]
    _numeric_labels: bool
    _positive: Any
    _classes: NDArray[Any]
    _class_weights: Any

    def _read(
        self, columns: Sequence[str], what: str, order: Sequence[int] | None = None
    ) -> Iterator[tuple[int, Any]]:
        raise NotImplementedError

    def labels(self) -> NDArray[Any]:
        """The distinct labels (the first pass: target and weight columns only)."""
        if self.target is None:
            raise ValueError(f"{self.path}: no target column was named")
        if self._labels is None:
            self._label_pass()
        assert self._labels is not None
        return self._labels

    def _label_pass(self) -> None:
        assert self.target is not None
        columns = [self.target] + ([self.weight_column] if self.weight_column else [])
        counts: dict[Any, float] = {}
        rows = 0
        for start, batch in self._read(columns, "reading labels"):
            y = self._raw_labels(batch, start)
            self._weights(batch, start)  # checked now, so that a bad weight fails early
            values, inverse = np.unique(y, return_inverse=True)
            sums = np.bincount(inverse, minlength=len(values)).astype(float)
            for v, c in zip(values.tolist(), sums.tolist(), strict=True):
                counts[v] = counts.get(v, 0.0) + c
            rows += batch.num_rows
            if len(counts) > 1000:
                raise ValueError(f"{self.path}: target {self.target!r} has over 1000 labels")
        self.n_samples = rows
        self.nbytes = rows * self.n_features * self.dtype.itemsize
        labels = sorted(counts)
        self._numeric_labels = all(is_number(v) for v in labels)
        if self._numeric_labels:  # "1" and "1.0" are one label; ints stay ints
            merged: dict[Any, float] = {}
            for v, c in counts.items():
                key = as_number(v)
                merged[key] = merged.get(key, 0.0) + c
            counts, labels = merged, sorted(merged)
        self._counts = counts
        self._labels = np.array(labels)

    def label_counts(self, classes: NDArray[Any]) -> NDArray[np.float64]:
        self.labels()
        return np.array(
            [self._counts.get(c.item() if hasattr(c, "item") else c, 0.0) for c in classes]
        )

    def encode(self, classes: NDArray[Any], class_weights: Any = None) -> None:
        self.label_counts(classes)
        self._positive = classes[1].item() if hasattr(classes[1], "item") else classes[1]
        self.n_classes = max(2, len(classes))
        self._classes = np.asarray(classes)  # K >= 3: blocks carry class codes
        self._class_weights = None if class_weights is None else np.asarray(class_weights, float)
        self.weight_sum = self._weight_sum()

    def _weight_sum(self) -> float:
        """``sum_i s_i``: the row count, or a pass over the weight column."""
        if self.weight_column is None and self._class_weights is None:
            return float(self.n_samples)
        total = 0.0
        assert self.target is not None
        columns = [self.target] + ([self.weight_column] if self.weight_column else [])
        for start, batch in self._read(columns, "reading weights"):
            y = self._raw_labels(batch, start)
            if self._numeric_labels:
                y = np.asarray(y, dtype=float) if y.dtype == object else y
            w = self._weights(batch, start)
            w = np.ones(batch.num_rows) if w is None else w
            if self._class_weights is not None:
                if self.n_classes > 2:
                    w = w * self._class_weights[self._codes(y)]
                else:
                    w = w * np.where(y == self._positive, *self._class_weights[::-1])
            total += float(w.sum())
        return total

    def _raw_labels(self, batch: Any, start: int) -> NDArray[Any]:
        column = batch.column(self.target)
        if column.null_count:
            row = start + int(np.flatnonzero(column.is_null().to_numpy(zero_copy_only=False))[0])
            raise ValueError(f"{self.path}: target {self.target!r} is missing at row {row}")
        values = column.to_numpy(zero_copy_only=False)
        if values.dtype == object and values.size and isinstance(values[0], bytes):
            raise ValueError(f"{self.path}: target {self.target!r} is not UTF-8 text")
        return values

    def _weights(self, batch: Any, start: int) -> Array | None:
        if self.weight_column is None:
            return None
        w = np.asarray(batch.column(self.weight_column).to_numpy(zero_copy_only=False), float)
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            row = start + int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"{self.path}: weight column {self.weight_column!r} has an invalid value "
                f"({float(w[bad][0])!r}) at row {row}; weights must be finite and >= 0"
            )
        return w

    def _targets(self, batch: Any, start: int) -> tuple[NDArray[Any], Array | None, Any]:
        """A batch's signs (K classes: codes), weights (class weights multiplied in) and
        which rows are class 1 (None with K classes or no target)."""
        if self.target is None or self._positive is None:
            return np.ones(batch.num_rows, dtype=self.dtype), None, None
        y = self._raw_labels(batch, start)
        if self._numeric_labels:
            y = np.asarray(y, dtype=float) if y.dtype == object else y
        w = self._weights(batch, start)
        if self.n_classes > 2:  # K classes: codes, the softmax loss's labels
            codes = self._codes(y)
            if self._class_weights is not None:
                cw = self._class_weights[codes]
                w = cw if w is None else w * cw
            return codes, None if w is None else w.astype(self.dtype), None
        positive = y == self._positive
        sign = np.where(positive, -1.0, 1.0).astype(self.dtype)
        if self._class_weights is not None:
            cw = np.where(positive, self._class_weights[1], self._class_weights[0])
            w = cw if w is None else w * cw
        return sign, None if w is None else w.astype(self.dtype), positive

    def _codes(self, y: NDArray[Any]) -> NDArray[np.intp]:
        """Class codes of labels among the encoded classes."""
        classes = self._classes
        values = np.asarray(y, dtype=classes.dtype) if classes.dtype.kind in "US" else y
        return np.searchsorted(classes, values).astype(np.intp)
