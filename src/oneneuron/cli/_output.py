"""Where a command's output goes: ``--out`` files written atomically (``-`` is standard
output), figures saved in the format their name asks for, report directories built in a
staging directory.

Every user error is raised as a ``ValueError`` (or ``FileNotFoundError``) with a one-line
message; :func:`oneneuron.cli.main` prints it as ``oneneuron: error: <message>``.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from .. import _files

__all__ = [
    "STDOUT",
    "atomic_write",
    "check_out_file",
    "image_format",
    "is_stdout",
    "save_figure",
    "staged_directory",
]

STDOUT = "-"
"""``--out -`` writes to standard output."""


def is_stdout(path: str | os.PathLike[str] | None) -> bool:
    """Whether an ``--out`` value means standard output."""
    return path is not None and os.fspath(path) == STDOUT


def check_out_file(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path that :func:`atomic_write` will accept, checked before any work.

    ``-`` (standard output), a new file in an existing directory, a regular file (through
    symlinks), a device or a FIFO pass; a directory, a socket or a missing directory is a
    one-line error.
    """
    out = Path(path)
    if not is_stdout(out):
        _files.check_output(out)
    return out


class _TextSink(io.RawIOBase):
    """Bytes written to a text stream that has no binary buffer (UTF-8 text only)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._stream.write(bytes(data).decode("utf-8"))
        return len(data)


def atomic_write(
    path: str | os.PathLike[str], write: Callable[[Path], Any], *, suffix: str | None = None
) -> Path:
    """Write an ``--out`` file with :func:`oneneuron._files.atomic_write`; ``-`` is stdout."""
    out = check_out_file(path)
    if is_stdout(out):
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        sink: Any = buffer if buffer is not None else _TextSink(sys.stdout)
        _files.write_to_stream(write, sink, suffix=suffix or "", name="standard output")
        return out
    return _files.atomic_write(out, write, suffix=suffix)


def image_format(path: Path) -> str:
    """The image format to write at ``path``: its suffix, or PNG for stdout and devices."""
    from matplotlib.backend_bases import FigureCanvasBase

    kinds = FigureCanvasBase.get_supported_filetypes()
    fmt = path.suffix.lower().lstrip(".")
    if fmt in kinds:
        return fmt
    if not fmt and (is_stdout(path) or (path.exists() and not path.is_file())):
        return "png"
    raise ValueError(
        f"cannot save a figure as {path.name!r}: use one of "
        f"{', '.join('.' + k for k in sorted(kinds))}"
    )


def save_figure(fig: Any, path: Path) -> None:
    """Save and close ``fig`` at ``path`` (``-``: PNG on stdout)."""
    import matplotlib.pyplot as plt

    fmt = image_format(path)
    try:
        atomic_write(
            path,
            lambda tmp: fig.savefig(tmp, dpi=100, format=fmt, bbox_inches="tight"),
            suffix="." + fmt,
        )
    finally:
        plt.close(fig)


def staged_directory(target: str | os.PathLike[str]) -> contextlib.AbstractContextManager[Path]:
    """The report directory being built (see :func:`oneneuron._files.staged_directory`)."""
    if is_stdout(target):
        raise ValueError("a report is a directory of files; give --out DIR, not -")
    return _files.staged_directory(target)
