"""Data sets: toy 2-D sets, digits, MNIST, breast cancer, tables; binary, except the ten
digits 0-9 (``digits10``, :func:`load_mnist10`) and, with ``centers=K``, blobs.

The toy sets are blobs, moons, circles, XOR and spirals. Every loader returns a
:class:`Dataset`. Randomness only comes through ``random_state`` (int, numpy Generator or
None); the global NumPy seed is never used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._base import Dataset
from ._idx import read_idx
from ._real import (
    load_breast_cancer,
    load_digits01,
    load_digits10,
    load_mnist01,
    load_mnist10,
)
from ._split import train_test_split, train_val_test_split
from ._table_reader import (
    MAX_TABLE_BYTES,
    SUPPORTED_TABLE_EXTENSIONS,
    TableTooLargeError,
    read_table,
    read_table_bytes,
)
from ._tabular import load_table, table_dataset
from ._toy import make_blobs, make_circles, make_moons, make_spirals, make_xor

__all__ = [
    "DATASETS",
    "MAX_TABLE_BYTES",
    "SUPPORTED_TABLE_EXTENSIONS",
    "TableTooLargeError",
    "Dataset",
    "load",
    "load_breast_cancer",
    "load_digits01",
    "load_digits10",
    "load_mnist01",
    "load_mnist10",
    "load_table",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_spirals",
    "make_xor",
    "read_idx",
    "read_table",
    "read_table_bytes",
    "table_dataset",
    "train_test_split",
    "train_val_test_split",
]

DATASETS: dict[str, Callable[..., Dataset]] = {
    "blobs": make_blobs,
    "moons": make_moons,
    "circles": make_circles,
    "xor": make_xor,
    "spirals": make_spirals,
    "digits": load_digits01,
    "breast-cancer": load_breast_cancer,
    "mnist": load_mnist01,
    "digits10": load_digits10,
}
"""Named data sets: name -> function returning a :class:`Dataset`."""


def load(name: str, **kwargs: Any) -> Dataset:
    """Load a data set from :data:`DATASETS` by name.

    Parameters
    ----------
    name : str
        One of the keys of :data:`DATASETS` (case-insensitive; ``_`` may stand for ``-``).
    **kwargs
        Passed to the data set's function, e.g. ``random_state=0`` or ``path=...``.

    Returns
    -------
    Dataset

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid ones.
    """
    key = name.strip().lower().replace("_", "-")
    if key not in DATASETS:
        raise ValueError(f"Unknown data set {name!r}; choose one of: {', '.join(DATASETS)}")
    return DATASETS[key](**kwargs)
