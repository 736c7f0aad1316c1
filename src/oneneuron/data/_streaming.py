"""The pieces of a streamed pass: a reader thread ahead of the sums, a progress line,
the sgd shuffle buffer's row picks, a block's NaN/inf named by column and row, and label
values read as numbers."""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np

from ._base import Block

__all__ = [
    "Progress",
    "as_number",
    "check_finite_block",
    "concat",
    "is_number",
    "prefetched",
    "shuffled",
    "take_rows",
]


def is_number(v: Any) -> bool:
    if isinstance(v, (bool, np.bool_)):
        return False
    if isinstance(v, (int, float, np.integer, np.floating)):
        return True
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


def as_number(v: Any) -> Any:
    f = float(v)
    return int(f) if f.is_integer() else f


def check_finite_block(X: Any, start: int, path: Any, names: list[str]) -> None:
    """Raise ValueError naming the file, column and row of a block's first NaN or inf
    (``start``: the block's first row in the file)."""
    finite = np.isfinite(X)
    if finite.all():
        return
    col = int(np.flatnonzero(~finite.all(axis=0))[0])
    row = int(np.flatnonzero(~finite[:, col])[0])
    kind = "NaN" if np.isnan(X[row, col]) else "inf"
    raise ValueError(
        f"{path}: column {names[col]!r} holds {kind} at row "
        f"{start + row}; remove or impute missing and infinite values"
    )


def take_rows(block: Block, index: Any) -> Block:
    w = None if block.weight is None else block.weight[index]
    pos = None if block.positive is None else block.positive[index]
    return Block(block.X[index], block.sign[index], w, block.start, pos)


def concat(blocks: list[Block]) -> Block:
    if len(blocks) == 1:
        return blocks[0]
    w = None if blocks[0].weight is None else np.concatenate([b.weight for b in blocks])  # type: ignore[misc]
    pos = None if blocks[0].positive is None else np.concatenate([b.positive for b in blocks])  # type: ignore[misc]
    return Block(
        np.ascontiguousarray(np.concatenate([b.X for b in blocks])),
        np.concatenate([b.sign for b in blocks]),
        w,
        blocks[0].start,
        pos,
    )


def shuffled(block: Block, batch_size: int, rng: np.random.Generator) -> Iterator[Block]:
    order = rng.permutation(block.n_rows)
    for lo in range(0, block.n_rows, batch_size):
        yield take_rows(block, np.sort(order[lo : lo + batch_size]))


_DONE = object()


def prefetched(items: Iterator[Any], depth: int = 2) -> Iterator[Any]:
    """``items``, produced by a helper thread up to ``depth`` ahead (pyarrow decodes without
    the GIL, so reading the next block overlaps summing this one)."""
    q: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                q.put(item)
            q.put(_DONE)
        except BaseException as exc:  # handed to the consumer
            q.put(exc)

    thread = threading.Thread(target=produce, name="oneneuron-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                q.get_nowait()
            except queue.Empty:
                thread.join(0.01)


class Progress:
    """``oneneuron: file.parquet: pass 3  42%`` on stderr, rewritten in place."""

    def __init__(self, enabled: bool, total: int, label: str) -> None:
        self.enabled, self.total, self.label = enabled, total, label
        self.shown: str | None = None  # what the line says (rows, while the total is unknown)

    def update(self, rows: int) -> None:
        if not self.enabled:
            return
        pct = int(100 * rows / self.total) if self.total > 0 else -1
        shown = f"{pct:3d}%" if pct >= 0 else f"{rows:,} rows"
        if shown != self.shown:
            self.shown = shown
            sys.stderr.write(f"\roneneuron: {self.label}  {shown}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.shown is not None:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
