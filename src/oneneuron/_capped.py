"""Reads that trust nothing: files and streams capped in size (a gzip bomb or a huge
header fails with an error naming the file), and pickles recognised without unpickling.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickletools
from pathlib import Path
from typing import IO, Any

__all__ = ["capped_stream", "looks_like_pickle", "read_capped"]


def read_capped(path: str | os.PathLike[str], limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or a ValueError naming it."""
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path} is a directory, not a {what}")
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path}: the {what} is larger than {limit:,} bytes; refusing to read it")
    return data


class _CappedReader(io.RawIOBase):
    """A read-only binary stream that raises ValueError once more than ``limit`` bytes pass."""

    def __init__(self, raw: IO[bytes], limit: int, message: str) -> None:
        self._raw, self._left, self._message = raw, limit, message

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self._raw.read(min(len(view), self._left + 1))
        if len(data) > self._left:
            raise ValueError(self._message)
        self._left -= len(data)
        view[: len(data)] = data
        return len(data)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._raw.close()
        super().close()


def capped_stream(raw: Any, limit: int, message: str) -> io.BufferedReader:
    """Wrap ``raw`` (e.g. a gzip stream) so that reading past ``limit`` bytes raises
    ``ValueError(message)``: a decompression bomb stops at the cap."""
    return io.BufferedReader(_CappedReader(raw, limit, message))


# ---------------------------------------------------------------------------- pickles
def looks_like_pickle(data: bytes) -> bool:
    """True if ``data`` is a Python pickle, found without unpickling it.

    Protocol 2+ pickles start with the PROTO opcode ``0x80``; older protocols are text
    ending in the STOP opcode ``.``, which :mod:`pickletools` can walk (it only reads
    opcodes, it runs nothing).
    """
    if data[:1] == b"\x80":
        return True
    if data[:1] in (b"{", b"[") or not data.rstrip().endswith(b"."):
        return False
    try:
        for _ in pickletools.genops(data):
            pass
    except Exception:
        return False
    return True
