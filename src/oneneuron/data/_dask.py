"""A source over Dask collections: the block sums run on the workers, where the chunks live.

``fit(X, y)`` with X a dask array or DataFrame (y a dask array or Series) builds a
:class:`DaskSource`. X is persisted once (on the user's ``distributed.Client`` when one is
active, else dask's local scheduler). Each evaluation of the objective is one round trip:
the :class:`~oneneuron.objective._blocks.BlockTask` (the coefficients and what to sum) is
sent once, every row chunk computes its :class:`~oneneuron.objective._blocks.BlockTerms`
on its worker, the sums are added in a tree (fan-in :data:`FAN_IN`) on the workers, and
one ``BlockTerms`` of size O(d^2) at most comes back. The optimiser runs on the client.
What the workers run on each chunk, and how the active client is found, is
:mod:`._dask_cluster`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._base import Block, Source
from ._dask_cluster import _add, _chunk_sums, _client, _persist, _signs, _weights

__all__ = ["FAN_IN", "DaskSource", "is_dask"]

Array = NDArray[np.floating]

#: Partial sums added per reduction task (a tree of depth log_FAN_IN(chunks)).
FAN_IN = 8
#: Rows of the sample kept on the client for curvature estimates.
SAMPLE_ROWS = 4096


def is_dask(obj: Any) -> bool:
    """Whether ``obj`` is a Dask collection (without importing Dask when it is not)."""
    import sys

    if "dask" not in sys.modules:
        return False
    from dask import is_dask_collection

    return bool(is_dask_collection(obj))


class DaskSource(Source):
    """A dask array (or DataFrame) of features with dask labels and optional weights.

    Parameters
    ----------
    X : dask.array.Array of shape (n, d), or dask.dataframe.DataFrame
        Numeric features; rechunked to whole rows (one chunk across the columns).
    y : dask.array.Array or dask.dataframe.Series of shape (n,)
        Any two labels.
    sample_weight : dask array or Series of shape (n,), optional
    """

    in_memory = False
    distributed = True

    def __init__(self, X: Any, y: Any, sample_weight: Any = None) -> None:
        import dask.array as da

        self.feature_names: list[str] | None = None
        if hasattr(X, "columns"):  # a dask DataFrame
            self.feature_names = [str(c) for c in X.columns]
            X = X.to_dask_array(lengths=True)
        if not isinstance(X, da.Array) or X.ndim != 2:
            raise ValueError("dask input X must be a 2-D dask array or a dask DataFrame")
        if X.dtype not in (np.float64, np.float32):
            if X.dtype.kind not in "biuf":
                raise ValueError(f"X holds non-numeric values (dtype {X.dtype}); encode them")
            X = X.astype(np.float64)
        X = X.rechunk({1: -1})
        if any(np.isnan(c) for c in X.chunks[0]):
            raise ValueError(
                "dask X has unknown chunk sizes; compute them (X.compute_chunk_sizes())"
            )
        self.X = X
        self.y = self._aligned(y, "y")
        self.sample_weight = (
            None if sample_weight is None else self._aligned(sample_weight, "sample_weight")
        )
        self.n_samples, self.n_features = (int(s) for s in X.shape)
        self.dtype = np.dtype(X.dtype)
        self.nbytes = int(self.n_samples * self.n_features * self.dtype.itemsize)
        self.c_contiguous = True
        self.weight_sum = float(self.n_samples)
        self._sign: Any = None
        self._weight: Any = None
        self._sample: Block | None = None
        self.X, self.y = _persist(self.X, self.y)

    def _aligned(self, v: Any, name: str) -> Any:
        import dask.array as da

        if hasattr(v, "to_dask_array"):  # a dask Series
            v = v.to_dask_array(lengths=True)
        if not isinstance(v, da.Array):
            v = da.from_array(np.asarray(v), chunks=self.X.chunks[0])
        if v.ndim != 1 or v.shape[0] != self.X.shape[0]:
            raise ValueError(f"{name} has shape {v.shape}; expected ({self.X.shape[0]},)")
        return v.rechunk((self.X.chunks[0],))

    # ------------------------------------------------------------------ labels
    def labels(self) -> NDArray[Any]:
        """The distinct labels (one pass over y on the cluster)."""
        import dask.array as da

        found = da.unique(self.y).compute()
        return np.asarray(found)

    def label_counts(self, classes: NDArray[Any]) -> NDArray[np.float64]:
        """The number of rows of each class (class_weight='balanced', as scikit-learn)."""
        import dask

        counts = dask.compute(*[(self.y == c).sum() for c in classes])
        return np.array([float(c) for c in counts])

    def encode(self, classes: NDArray[Any], class_weights: Any = None) -> None:
        """Label signs (``classes[1]`` is class 1) and weights, computed and persisted."""
        import dask.array as da

        classes = np.asarray(classes)
        self.n_classes = max(2, len(classes))
        codes = np.intp if len(classes) > 2 else self.dtype
        self._sign = da.map_blocks(_signs, self.y, classes, self.dtype, dtype=codes)
        if self.sample_weight is None and class_weights is None:
            self._weight = None
            self.weight_sum = float(self.n_samples)
            self._sign = _persist(self._sign)[0]
            return
        weight = da.map_blocks(
            _weights,
            self.y,
            self.sample_weight,
            classes,
            class_weights,
            self.dtype,
            dtype=self.dtype,
        )
        self._sign, self._weight = _persist(self._sign, weight)
        self.weight_sum = float(self._weight.sum(dtype=np.float64).compute())

    # ---------------------------------------------------------------- passes
    def reduce(self, task: Any) -> Any:
        """One round trip: every chunk's sums on its worker, added in a tree there.

        With a ``distributed`` client the chunk tasks are submitted straight onto the
        persisted chunks' futures (no graph to build and optimise per evaluation);
        otherwise a delayed graph runs on dask's default scheduler.
        """
        if self._sign is None:
            raise RuntimeError("encode() the labels before evaluating")  # pragma: no cover
        client = _client()
        if client is not None:
            return self._reduce_futures(client, task)
        import dask
        from dask import delayed

        shared = delayed(task, pure=True)
        xs = self.X.to_delayed().ravel()
        ss = self._sign.to_delayed().ravel()
        ws = [None] * len(xs) if self._weight is None else self._weight.to_delayed().ravel()
        parts = [
            delayed(_chunk_sums, pure=True)(shared, x, s, w)
            for x, s, w in zip(xs, ss, ws, strict=True)
        ]
        while len(parts) > 1:
            parts = [
                delayed(_add, pure=True)(*parts[i : i + FAN_IN])
                for i in range(0, len(parts), FAN_IN)
            ]
        (total,) = dask.compute(parts[0])
        return total

    def _futures(self, client: Any) -> tuple[list[Any], list[Any], list[Any]]:
        """The persisted chunks as futures on ``client`` (found once per client)."""
        key = id(client)
        if getattr(self, "_futures_key", None) != key:
            from dask.core import flatten
            from distributed import futures_of

            def ordered(collection: Any) -> list[Any]:
                futures = {f.key: f for f in futures_of(collection)}
                return [futures[k] for k in flatten(collection.__dask_keys__())]

            xs = ordered(self.X)
            ss = ordered(self._sign)
            ws = [None] * len(xs) if self._weight is None else ordered(self._weight)
            self._futures_cache = (xs, ss, ws)
            self._futures_key = key
        return self._futures_cache

    def _reduce_futures(self, client: Any, task: Any) -> Any:
        xs, ss, ws = self._futures(client)
        parts = client.map(_chunk_sums, [task] * len(xs), xs, ss, ws, pure=False)
        while len(parts) > 1:
            parts = [
                client.submit(_add, *parts[i : i + FAN_IN], pure=False)
                for i in range(0, len(parts), FAN_IN)
            ]
        return parts[0].result()

    def blocks(self, start: int = 0, stop: int | None = None) -> Iterator[Block]:
        """Chunks brought to the client one at a time (slow; the solvers use :meth:`reduce`)."""
        stop = self.n_samples if stop is None else stop
        lo = 0
        for i, rows in enumerate(self.X.chunks[0]):
            hi = lo + rows
            if hi > start and lo < stop:
                X = np.asarray(self.X.blocks[i].compute())
                sign = np.asarray(self._sign.blocks[i].compute())
                w = None if self._weight is None else np.asarray(self._weight.blocks[i].compute())
                a, b = max(start, lo) - lo, min(stop, hi) - lo
                yield Block(X[a:b], sign[a:b], None if w is None else w[a:b], max(start, lo))
            lo = hi

    def partitions(self, k: int) -> list[Any]:
        return [self.blocks]

    def cheap_sample(self, max_rows: int) -> Block | None:
        return self.strided(max_rows)  # read on the cluster, where X is persisted

    def strided(self, max_rows: int) -> Block:
        """Every k-th row, brought to the client once and kept (curvature estimates)."""
        import dask

        if self._sample is None or self._sample.n_rows > max_rows:
            step = max(1, -(-self.n_samples // min(max_rows, SAMPLE_ROWS)))
            w = None if self._weight is None else self._weight[::step]
            X, sign, weight = dask.compute(self.X[::step], self._sign[::step], w)
            self._sample = Block(np.ascontiguousarray(X), np.asarray(sign), weight)
        return self._sample

    def check_finite(self, name: str = "X") -> None:
        """One pass on the cluster; a second one only to name the column and row."""
        import dask.array as da

        finite = da.isfinite(self.X)
        if bool(finite.all().compute()):
            return
        bad_cols = np.flatnonzero(~finite.all(axis=0).compute())
        col = int(bad_cols[0])
        row = int(da.argmin(finite[:, col]).compute())
        value = float(self.X[row, col].compute())
        kind = "NaN" if np.isnan(value) else "inf"
        more = f" (and {len(bad_cols) - 1} more columns)" if len(bad_cols) > 1 else ""
        raise ValueError(
            f"{name} contains {kind} in column {col} (first at row {row}){more}; "
            "remove or impute missing and infinite values"
        )

    def column_moments(self, scale: Array | None = None) -> tuple[Array, Array]:
        import dask

        X = self.X.astype(np.float64)
        if scale is not None:
            X = X / scale
        if self._weight is None:
            mean, var = dask.compute(X.mean(axis=0), X.var(axis=0))
        else:
            w = self._weight.astype(np.float64)[:, None]
            mean = (X * w).sum(axis=0) / self.weight_sum
            var = ((X - mean) ** 2 * w).sum(axis=0) / self.weight_sum
            mean, var = dask.compute(mean, var)
        mean, std = np.asarray(mean), np.sqrt(np.maximum(np.asarray(var), 0.0))
        return (mean, std) if scale is None else (mean * scale, std * scale)
