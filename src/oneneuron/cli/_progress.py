"""Training progress on stderr: a bar on a terminal, plain cost lines otherwise.

:class:`Progress` is a fit callback (``callback(record, theta) -> bool``); it never
stops training. On a terminal it draws ``[#####.....] 45/100 loss 0.123`` in place once
training has lasted longer than a moment; elsewhere (a pipe, a log file, a test) it prints
one plain line every ~5% of the iterations, e.g.
``epoch 12/100  loss 0.0421  val_loss 0.0398  val_acc 0.997``.
"""

from __future__ import annotations

import time
from typing import Any, TextIO

__all__ = ["Progress", "fmt_loss"]

BAR_WIDTH = 30
BAR_DELAY_S = 0.3  # runs shorter than this never show a bar
BAR_REFRESH_S = 0.05
N_LINES = 20  # plain lines per run, about


def fmt_loss(value: float) -> str:
    """A loss with 4 decimals, or in scientific notation when it is tiny."""
    return f"{value:.4f}" if value == 0 or abs(value) >= 1e-3 else f"{value:.2e}"


class Progress:
    """Report each training record on ``stream``; use as a ``fit`` callback.

    Parameters
    ----------
    total : int
        The most iterations (epochs for "sgd") the run can take.
    unit : str
        "epoch" or "iter", the word in the plain lines.
    stream : text stream
        Usually ``sys.stderr``; a bar is drawn only when ``stream.isatty()``.
    quiet : bool
        Report nothing.
    """

    def __init__(self, total: int, unit: str, stream: TextIO, *, quiet: bool = False) -> None:
        self.total, self.unit, self.stream, self.quiet = max(int(total), 1), unit, stream, quiet
        self.bar = not quiet and bool(getattr(stream, "isatty", lambda: False)())
        self.every = max(1, round(self.total / N_LINES))
        self.start = time.perf_counter()
        self.drawn_at = 0.0
        self.bar_shown = False
        self.last: dict[str, Any] | None = None
        self.printed = -1

    def __call__(self, record: dict[str, Any], theta: Any = None) -> bool:
        self.last = record
        if self.quiet:
            return False
        it = int(record["iteration"])
        if self.bar:
            now = time.perf_counter()
            if now - self.start >= BAR_DELAY_S and now - self.drawn_at >= BAR_REFRESH_S:
                self._draw_bar(record)
                self.drawn_at = now
        elif it % self.every == 0:
            self._line(record)
        return False

    def close(self) -> None:
        """Finish the report: the last record as a line (and end the bar's line)."""
        if self.quiet or self.last is None:
            return
        if self.bar_shown:
            self._draw_bar(self.last)
            self.stream.write("\n")
        if int(self.last["iteration"]) != self.printed:
            self._line(self.last)
        self.stream.flush()

    def _line(self, record: dict[str, Any]) -> None:
        self.printed = int(record["iteration"])
        width = len(str(self.total))
        text = f"{self.unit} {self.printed:>{width}}/{self.total}  loss {fmt_loss(record['loss'])}"
        if "val_loss" in record:
            text += f"  val_loss {fmt_loss(record['val_loss'])}"
        if "val_accuracy" in record:
            text += f"  val_acc {record['val_accuracy']:.3f}"
        self.stream.write(text + "\n")
        self.stream.flush()

    def _draw_bar(self, record: dict[str, Any]) -> None:
        it = int(record["iteration"])
        done = min(BAR_WIDTH, BAR_WIDTH * it // self.total)
        bar = "#" * done + "." * (BAR_WIDTH - done)
        self.stream.write(f"\r[{bar}] {it}/{self.total} loss {fmt_loss(record['loss'])}  ")
        self.stream.flush()
        self.bar_shown = True
