"""Files larger than memory: a Parquet or CSV table read in row blocks, once per pass.

``scan_parquet(path, target=...)`` and ``scan_csv(...)`` return a :class:`TableSource`;
``fit(source)`` reads the file once per evaluation of the objective and never holds more
than a few blocks (about 4 MB each, one being decoded by a helper thread while the
previous one is summed). The first pass reads the target (and weight) columns only: it
counts the rows and finds the labels. Every later pass checks that the file has not
changed (size, modification time, Parquet footer), names NaN, inf, non-numeric values and
missing labels (a Parquet null; a CSV's empty or NA cell, not a label "") by file, column
and row, and shows a progress line on a terminal.

The first full pass copies each batch into a block (checked for NaN and inf); later
evaluations with one output and no Hessian are summed on the decoded columns by a
compiled kernel, without the copy (:meth:`TableSource.reduce`, :mod:`._column_sums`).
The label and weight columns are read by :class:`._table_labels.TableLabels`.

sgd reads mini-batches through a seeded shuffle buffer (:meth:`TableSource.batches`):
Parquet row groups in a random order, rows shuffled within a buffer of
``shuffle_rows``.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import _column_sums
from ._base import BLOCK_BYTES, Block, Source
from ._readers import CsvReader, Reader, open_reader
from ._streaming import Progress, check_finite_block, concat, prefetched, shuffled, take_rows
from ._table_labels import TableLabels

__all__ = ["TableSource", "scan_csv", "scan_parquet"]

Array = NDArray[np.floating]


def scan_parquet(
    path: str | os.PathLike[str],
    target: str | None,
    features: Sequence[str] | None = None,
    **options: Any,
) -> TableSource:
    """A Parquet file as a data source, read in blocks (see :class:`TableSource`)."""
    return TableSource(open_reader(path, "parquet"), target, features, **options)


def scan_csv(
    path: str | os.PathLike[str],
    target: str | None,
    features: Sequence[str] | None = None,
    *,
    sep: str | None = None,
    **options: Any,
) -> TableSource:
    """A CSV/TSV file (gzipped or not) as a data source (see :class:`TableSource`)."""
    name = os.fspath(path).lower()
    sep = sep if sep is not None else ("\t" if ".tsv" in name else ",")
    return TableSource(open_reader(path, "csv", sep), target, features, **options)


class TableSource(TableLabels, Source):
    """A table file read in row blocks, one pass per evaluation.

    Parameters
    ----------
    reader : Reader
    target : str or None
        Label column (any two values); None for a file to predict.
    features : sequence of str, optional
        Feature columns (default: every column but the target and weight).
    weight : str, optional
        Column of sample weights.
    batch_rows : int, optional
        Rows per block (default: about 4 MB of features).
    dtype : {"float64", "float32"}
    shuffle_rows : int
        Rows the sgd shuffle buffer holds (default 65,536).
    progress : bool, optional
        Show a progress line per pass (default: when stderr is a terminal).
    """

    in_memory = False
    shuffles = True
    c_contiguous = False

    def __init__(
        self,
        reader: Reader,
        target: str | None,
        features: Sequence[str] | None = None,
        *,
        weight: str | None = None,
        batch_rows: int | None = None,
        dtype: Any = np.float64,
        shuffle_rows: int = 65_536,
        progress: bool | None = None,
    ) -> None:
        self.reader, self.target, self.weight_column = reader, target, weight
        self.path = reader.path
        columns = reader.columns
        for name, kind in ((target, "target"), (weight, "weight")):
            if name is not None and name not in columns:
                raise ValueError(
                    f"{self.path}: {kind} column {name!r} not found; columns: {columns}"
                )
        exclude = {target, weight}
        self.features: list[str] = (
            [c for c in columns if c not in exclude]
            if features is None
            else [str(f) for f in features]
        )
        self.feature_names = self.features
        missing = [c for c in self.features if c not in columns]
        if missing:
            raise ValueError(
                f"{self.path}: feature column(s) {missing} not found; columns: {columns}"
            )
        if not self.features:
            raise ValueError(f"{self.path}: no feature columns")
        if isinstance(reader, CsvReader):
            reader.numeric([*self.features, *([weight] if weight else [])])
        self.n_features = len(self.features)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float64, np.float32):
            raise ValueError(f"dtype must be float64 or float32; got {self.dtype}")
        self._rows = int(batch_rows or max(256, BLOCK_BYTES // (8 * self.n_features)))
        self.shuffle_rows = max(int(shuffle_rows), self._rows)
        self.progress = sys.stderr.isatty() if progress is None else bool(progress)
        self._fingerprint = reader.fingerprint()
        self.n_samples = -1 if reader.n_rows is None else reader.n_rows
        self.nbytes = max(0, self.n_samples) * self.n_features * self.dtype.itemsize
        self.weight_sum = float(max(self.n_samples, 0))
        self._labels: NDArray[Any] | None = None
        self._counts: dict[Any, float] = {}
        self._numeric_labels = False
        self._positive: Any = None
        self._class_weights: Any = None
        self._checked = False
        self._sample: Block | None = None
        self._passes = 0
        self._pass_lock = threading.Lock()  # one kernel pass at a time (as the block path)
        self._columns_at = _column_sums.Columns(self.features)  # the features' addresses

    # ------------------------------------------------------------------ passes
    def _read(
        self, columns: Sequence[str], what: str, order: Sequence[int] | None = None
    ) -> Iterator[tuple[int, Any]]:
        """``(first row, record batch)`` of one pass, decoded ahead by a helper thread."""
        if self.reader.fingerprint() != self._fingerprint:
            raise ValueError(
                f"{self.path} changed since it was first read (size, time or footer); "
                "a fit reads it once per pass, so it must stay as it is: start again"
            )
        self._passes += 1
        progress = Progress(self.progress, self.n_samples, f"{self.path.name}: {what}")
        start = 0
        try:
            batches = self.reader.numbered_batches(columns, self._rows, order)
            for first, batch in prefetched(batches):
                yield start if first is None else first, batch
                start += batch.num_rows
                progress.update(start)
        finally:
            progress.close()
        if self.n_samples >= 0 and order is None and start != self.n_samples:
            raise ValueError(
                f"{self.path} changed during the fit: {start} rows now, {self.n_samples} before"
            )

    def _block(self, start: int, batch: Any) -> Block:
        """Features (column-ordered: each decoded column is one contiguous copy, and the
        products read the block from cache; checked on the first full pass), signs and
        weights. The compiled row kernel wants C order (measured: 20% more CPU per pass
        than this copy and BLAS); the column kernel (:meth:`reduce`) needs no copy."""
        X = np.empty((batch.num_rows, self.n_features), dtype=self.dtype, order="F")
        if not _column_sums.copy_into(self._columns_at, batch, X):
            for j, name in enumerate(self.features):
                column = batch.column(name).to_numpy(zero_copy_only=False)
                X[:, j] = np.asarray(column, self.dtype)
        if not self._checked:
            check_finite_block(X, start, self.path, self.features)
        sign, w, positive = self._targets(batch, start)
        return Block(X, sign, w, start, positive)

    def _columns(self) -> list[str]:
        extra = [c for c in (self.target, self.weight_column) if c is not None]
        return list(dict.fromkeys([*self.features, *extra]))

    def blocks(self, start: int = 0, stop: int | None = None) -> Iterator[Block]:
        """One pass over the file (the whole file: streams are read front to back)."""
        if self.n_samples < 0 and self.target is not None:
            self.labels()
        step = max(1, self.n_samples // 4096) if self.n_samples > 0 else 1
        sample: list[Block] = []
        for first, batch in self._read(self._columns(), f"pass {self._passes}"):
            block = self._block(first, batch)
            if self._sample is None:
                offset = (-first) % step  # an index array: copies, never views that
                rows = np.arange(offset, block.n_rows, step)  # would keep the block alive
                sample.append(take_rows(block, rows))
            yield block
        self._checked = True
        if self._sample is None and sample:
            self._sample = concat(sample)

    def partitions(self, k: int) -> list[Any]:
        return [self.blocks]

    def reduce(self, task: Any) -> Any:
        """A pass's sums computed on the decoded columns by the compiled kernel of
        :mod:`._column_sums` (no block copy), when it computes ``task`` and the first
        full pass has checked the file; else None: the objective reads :meth:`blocks`."""
        if not (self._checked and self._sample is not None and self.n_classes == 2):
            return None
        if self._positive is None or not _column_sums.handles(task, self.dtype):
            return None
        from ..objective._blocks import BlockTerms

        total = BlockTerms(0.0, np.zeros(self.n_features), 0.0, 0)
        with self._pass_lock:
            for first, batch in self._read(self._columns(), f"pass {self._passes}"):
                with self._columns_at.addresses(batch) as addresses:
                    if addresses is None:  # another type, or nulls: the block path
                        total = total + task.run([self._block(first, batch)])
                        continue
                    sign, w, _ = self._targets(batch, first)
                    loss, grad_b, n_correct = _column_sums.run(
                        addresses, batch.num_rows, sign, w, task, total.grad_w
                    )
                total.loss += loss
                total.grad_b += grad_b
                total.n_correct += n_correct
        return total

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[Block]:
        """An epoch of mini-batches through a seeded shuffle buffer.

        Parquet row groups come in a random order; rows are shuffled within a buffer of
        ``shuffle_rows``; every row appears once per epoch.
        """
        order = None
        if self.reader.row_groups > 1:
            order = [int(i) for i in rng.permutation(self.reader.row_groups)]
        buffer: list[Block] = []
        held = 0
        for first, batch in self._read(self._columns(), "epoch", order):
            block = self._block(first, batch)
            buffer.append(block)
            held += block.n_rows
            if held >= self.shuffle_rows:
                yield from shuffled(concat(buffer), batch_size, rng)
                buffer, held = [], 0
        if buffer:
            yield from shuffled(concat(buffer), batch_size, rng)
        self._checked = True

    def cheap_sample(self, max_rows: int) -> Block | None:
        return self._sample

    def strided(self, max_rows: int) -> Block:
        """Every k-th row, kept from the first full pass (a pass now if there was none)."""
        if self._sample is None:
            for _ in self.blocks():
                pass
        assert self._sample is not None
        return self._sample

    def check_finite(self, name: str = "X") -> None:
        if not self._checked:
            for _ in self.blocks():
                pass

    def column_moments(self, scale: Array | None = None) -> tuple[Array, Array]:
        """Weighted mean and standard deviation in one pass (blocks merged as Chan et al.)."""
        total, mean, m2 = 0.0, np.zeros(self.n_features), np.zeros(self.n_features)
        for block in self.blocks():
            X = np.asarray(block.X, dtype=np.float64)
            if scale is not None:
                X = X / scale
            w = np.ones(block.n_rows) if block.weight is None else block.weight.astype(np.float64)
            wsum = float(w.sum())
            if wsum == 0:
                continue
            bmean = (w @ X) / wsum
            bm2 = w @ ((X - bmean) ** 2)
            delta = bmean - mean
            new = total + wsum
            mean = mean + delta * (wsum / new)
            m2 = m2 + bm2 + delta**2 * (total * wsum / new)
            total = new
        std = np.sqrt(m2 / max(total, 1e-300))
        return (mean, std) if scale is None else (mean * scale, std * scale)
