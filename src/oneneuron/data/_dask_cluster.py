"""What runs on the Dask cluster and how it is reached: the functions the workers apply to
each row chunk (its block sums, its label signs or class codes and weights, the adding of
partial sums), the active ``distributed`` client, and persisting collections. Used by
:class:`~oneneuron.data._dask.DaskSource`.
"""

from __future__ import annotations

import functools
import operator
import threading
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._base import Block

Array = NDArray[np.floating]


_LOCAL = threading.local()


def _chunk_sums(task: Any, X: Any, sign: Array, weight: Array | None) -> Any:
    """One chunk's sums, on a worker (a workspace reused per worker thread)."""
    spaces = getattr(_LOCAL, "spaces", None)
    if spaces is None:
        spaces = _LOCAL.spaces = {}
    if task.kernel and not X.flags.c_contiguous:
        X = np.ascontiguousarray(X)
    key = (task.n_features, task.dtype)
    ws = spaces.get(key)
    if ws is None or ws.rows < X.shape[0]:
        ws = spaces[key] = task.workspace(X.shape[0])
    return task.run([Block(X, sign, weight)], ws)


def _add(*terms: Any) -> Any:
    return functools.reduce(operator.add, terms)


def _signs(y: Any, classes: Any, dtype: Any) -> Array:
    """Label signs (two classes: ``classes[1]`` is class 1), or class codes for K >= 3."""
    if len(classes) > 2:
        return np.searchsorted(classes, np.asarray(y)).astype(np.intp)
    return np.where(np.asarray(y) == classes[1], -1.0, 1.0).astype(dtype)


def _weights(y: Any, weight: Any, classes: Any, class_weights: Any, dtype: Any) -> Array:
    w = np.ones(len(y)) if weight is None else np.asarray(weight, dtype=np.float64)
    if class_weights is not None:
        if len(classes) > 2:
            w = w * np.asarray(class_weights)[np.searchsorted(classes, np.asarray(y))]
        else:
            w = w * np.where(np.asarray(y) == classes[1], class_weights[1], class_weights[0])
    return w.astype(dtype)


def _client() -> Any:
    """The active ``distributed`` client, or None (dask's default scheduler is used)."""
    import sys

    if "distributed" not in sys.modules:
        return None
    from distributed import get_client

    try:
        return get_client()
    except ValueError:
        return None


def _persist(*collections: Any) -> tuple[Any, ...]:
    """Persist on the active distributed client, else with dask's default scheduler."""
    import dask

    return tuple(dask.persist(*collections))
