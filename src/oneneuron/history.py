"""The training record as data: one row per iteration, columns as NumPy arrays.

``model.history_["loss"]`` is an array over iterations; ``model.history_[3]`` is the
record of iteration 3 as a dict; ``model.history_.to_frame()`` is a pandas DataFrame.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, overload

import numpy as np

__all__ = ["History"]


class History(Sequence[dict[str, Any]]):
    """Per-iteration training records.

    Columns always present: ``iteration``, ``loss`` (the objective J, penalty included),
    ``accuracy`` (training), ``grad_max`` (max |dJ/dtheta|) and ``time`` (seconds since
    the start). With validation data: ``val_loss`` (mean log-loss) and ``val_accuracy``.
    With ``record_weights=True``: ``coef`` (d,) and ``intercept`` per record, in the
    space of the raw features.

    Parameters
    ----------
    records : sequence of dict
        One dict per iteration, all with the same keys.
    unit : {"iteration", "epoch"}, default="iteration"
        What one record stands for: an iteration, or an epoch of mini-batches ("sgd").
    """

    def __init__(self, records: Sequence[dict[str, Any]] = (), unit: str = "iteration") -> None:
        self._records = [dict(r) for r in records]
        self.unit = unit

    @classmethod
    def from_dict(cls, columns: Mapping[str, Sequence[Any]], unit: str = "iteration") -> History:
        """Rebuild from :meth:`to_dict` output."""
        names = list(columns)
        lengths = {len(columns[k]) for k in names}
        if len(lengths) > 1:
            raise ValueError(f"history columns have different lengths: {sorted(lengths)}")
        n = lengths.pop() if lengths else 0
        return cls([{k: columns[k][i] for k in names} for i in range(n)], unit=unit)

    @property
    def columns(self) -> list[str]:
        """The names of the recorded quantities."""
        return list(self._records[0]) if self._records else []

    def __len__(self) -> int:
        return len(self._records)

    @overload
    def __getitem__(self, key: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, key: str) -> np.ndarray: ...
    @overload
    def __getitem__(self, key: slice) -> History: ...

    def __getitem__(self, key: int | str | slice) -> Any:
        if isinstance(key, str):
            if key not in self.columns:
                raise KeyError(f"no column {key!r} in history; columns: {self.columns}")
            return np.array([r[key] for r in self._records])
        if isinstance(key, slice):
            return History(self._records[key], unit=self.unit)
        return dict(self._records[key])

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return (dict(r) for r in self._records)

    def append(self, record: dict[str, Any]) -> None:
        """Add one record (used by ``partial_fit``)."""
        self._records.append(dict(record))

    def to_dict(self) -> dict[str, list[Any]]:
        """Columns as lists: ``{"loss": [...], ...}``."""
        return {k: [r[k] for r in self._records] for k in self.columns}

    def to_frame(self) -> Any:
        """A pandas DataFrame, one row per iteration (weight snapshots as object columns)."""
        import pandas as pd

        return pd.DataFrame(self._records)

    def __repr__(self) -> str:
        if not self._records:
            return "History([])"
        last = self._records[-1]
        return (
            f"History({len(self)} records, columns={self.columns}, final loss={last['loss']:.6g})"
        )
