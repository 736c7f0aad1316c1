"""What solvers see of data: a :class:`Source` of row :class:`Block` s.

A source knows its sizes, its dtype and its labels (already encoded for the loss), and it
can be read in one pass as contiguous row blocks. Sources that hold their rows in memory
can also hand out given rows (:meth:`Source.take`, for mini-batches), a cheap strided
subsample (:meth:`Source.strided`, for curvature estimates) and split a pass into
contiguous parts that threads read at the same time (:meth:`Source.partitions`).
Everything the objective computes is a sum over blocks, so a new kind of data (sparse
matrices, files read in chunks, Dask collections) is one new Source.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["BLOCK_BYTES", "Block", "Source"]

Array = NDArray[np.floating]

#: Target size of one row block in bytes: big enough that Python overhead per block is
#: negligible, small enough that the block is still in cache (L2/L3) for its second use
#: (X^T r). Measured on the benchmark machine: see docs/benchmarks.md.
BLOCK_BYTES = 4 * 1024 * 1024


@dataclass
class Block:
    """Rows ``start .. start + len(sign)`` of a source.

    Attributes
    ----------
    X : ndarray of shape (m, d), or scipy.sparse CSR matrix of shape (m, d)
        The rows' raw features, in the source's dtype.
    sign : ndarray of shape (m,)
        ``1 - 2y`` for labels y in {0, 1}, in X's dtype (the form the logistic loss uses);
        for a source of ``n_classes = K >= 3``, the class codes 0..K-1 (intp: the form
        the softmax loss uses).
    weight : ndarray of shape (m,) or None
        Sample weights s_i in X's dtype (class weights multiplied in); None: all ones.
    start : int
        Index of the first row in the source (for error messages that name rows).
    positive : ndarray of shape (m,), bool, optional
        ``sign < 0``, when the source keeps it (computed on demand otherwise).
    """

    X: Any
    sign: NDArray[Any]
    weight: Array | None
    start: int = 0
    positive: NDArray[np.bool_] | None = None

    @property
    def n_rows(self) -> int:
        return int(self.sign.shape[0])

    @property
    def is_sparse(self) -> bool:
        return not isinstance(self.X, np.ndarray)

    def is_positive(self) -> NDArray[np.bool_]:
        """Which rows are class 1."""
        return self.sign < 0 if self.positive is None else self.positive


class Source:
    """Base class of data sources (see the module docstring).

    Attributes
    ----------
    n_samples, n_features : int
    dtype : numpy dtype
        float64 or float32: the dtype of X and of the per-sample terms.
    weight_sum : float
        ``sum_i s_i`` (n_samples without weights).
    nbytes : int
        Bytes of X's storage (what one pass reads).
    sparse : bool
        Whether blocks hold scipy.sparse CSR rows.
    in_memory : bool
        Whether :meth:`take`, :meth:`strided` and :meth:`partitions` are available.
    """

    n_samples: int
    n_features: int
    dtype: np.dtype[Any]
    weight_sum: float
    nbytes: int
    sparse: bool = False
    in_memory: bool = True
    #: The block sums run on a cluster's workers (one round trip per evaluation, whatever
    #: it sums): ``solver="auto"`` takes Newton there as for data in memory.
    distributed: bool = False
    #: The rows of a block are C-contiguous dense rows (what the dense kernel reads).
    c_contiguous: bool = False
    #: :meth:`batches` works though :meth:`take` does not (a stream's shuffle buffer).
    shuffles: bool = False

    #: Classes the labels encode: 2 (signs) or K >= 3 (class codes, multinomial).
    n_classes: int = 2

    #: Column names, when the data carry them (DataFrames, files).
    feature_names: list[str] | None = None

    def labels(self) -> NDArray[Any]:
        """The distinct raw labels, for sources that hold raw labels (files, Dask)."""
        raise TypeError(f"{type(self).__name__} holds encoded labels")

    def label_counts(self, classes: NDArray[Any]) -> NDArray[np.float64]:
        """The number of rows of each class (unweighted, as scikit-learn's 'balanced')."""
        raise TypeError(f"{type(self).__name__} holds encoded labels")

    def encode(self, classes: NDArray[Any], class_weights: Any = None) -> None:
        """From now on, ``classes[1]`` is class 1, and rows weigh ``class_weights[c]``."""
        raise TypeError(f"{type(self).__name__} holds encoded labels")

    def block_rows(self) -> int:
        """Rows per block: about :data:`BLOCK_BYTES` of X (with K >= 3 classes, of X and
        the block's (m, K) logits and probabilities together)."""
        row_bytes = max(1, self.nbytes // max(1, self.n_samples))
        if self.n_classes > 2:
            row_bytes += 32 * self.n_classes
        return max(16, BLOCK_BYTES // row_bytes)

    def blocks(self, start: int = 0, stop: int | None = None) -> Iterator[Block]:
        """Contiguous blocks covering rows ``start:stop`` once, in order."""
        raise NotImplementedError

    def partitions(self, k: int) -> list[Callable[[], Iterator[Block]]]:
        """At most ``k`` callables, each returning the blocks of one contiguous part.

        Their parts cover every row once; they are read by different threads at once.
        """
        if k <= 1 or not self.in_memory:
            return [self.blocks]
        rows = self.block_rows()
        n_blocks = -(-self.n_samples // rows)
        k = max(1, min(k, n_blocks))
        edges = [min(self.n_samples, (n_blocks * i // k) * rows) for i in range(k + 1)]
        return [functools.partial(self.blocks, lo, hi) for lo, hi in itertools.pairwise(edges)]

    def reduce(self, task: Any) -> Any:
        """The sums of ``task`` (a picklable :class:`~oneneuron.objective._blocks.BlockTask`)
        over every row, computed where the data live; None for a source whose blocks are
        read here (the objective then runs the task over :meth:`partitions` itself)."""
        return None

    def batches(self, batch_size: int, rng: np.random.Generator) -> Iterator[Block]:
        """One epoch of mini-batches in random order, every row once (for sgd).

        In memory: a fresh permutation of the rows from ``rng``, cut into batches of
        ``batch_size`` rows (each batch's rows in increasing order, which reads fastest).
        """
        order = rng.permutation(self.n_samples)
        for start in range(0, self.n_samples, batch_size):
            yield self.take(np.sort(order[start : start + batch_size]))

    def take(self, rows: NDArray[np.intp]) -> Block:
        """The given rows as one block (sorted rows read fastest)."""
        raise TypeError(f"{type(self).__name__} cannot hand out rows by index")

    def strided(self, max_rows: int) -> Block:
        """At most ``max_rows`` rows spread evenly over the source (every k-th row)."""
        raise TypeError(f"{type(self).__name__} has no cheap subsample")

    def cheap_sample(self, max_rows: int) -> Block | None:
        """:meth:`strided` when it costs no pass of its own (in memory, or kept from an
        earlier pass), else None."""
        return self.strided(max_rows) if self.in_memory else None

    def check_finite(self, name: str = "X") -> None:
        """Raise ValueError naming the first column (and row) holding NaN or inf."""
        raise NotImplementedError

    def column_moments(self, scale: Array | None = None) -> tuple[Array, Array]:
        """Weighted mean and standard deviation of every column, in float64.

        ``scale`` (powers of two, one per column) has them computed on ``X / scale`` and
        multiplied back, so that columns of extreme magnitude neither overflow nor
        underflow in the squares.
        """
        raise NotImplementedError
