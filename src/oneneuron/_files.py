"""Safe file handling shared by every writer and reader: atomic writes, pickle detection.

A save either completes or leaves the old file exactly as it was: the content goes to a
temporary file in the same directory, is flushed to disk, and is renamed onto the target
with :func:`os.replace` (atomic on POSIX and Windows).
"""

from __future__ import annotations

import contextlib
import os
import pickletools
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["atomic_write", "atomic_write_bytes", "looks_like_pickle"]


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp)`` on a fresh file beside ``path``, then rename it onto ``path``.

    The temporary file keeps ``path``'s suffix (writers such as matplotlib pick the format
    from it). A replaced file keeps its permissions; a new one gets ``0o666`` minus the
    umask. On any error the temporary file is removed and ``path`` is left as it was.

    Raises
    ------
    FileNotFoundError
        When the target's directory does not exist (it is not created silently).
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"directory {str(path.parent)!r} does not exist")
    try:
        mode: int | None = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = path.with_name(f".{path.stem}.{secrets.token_hex(6)}.tmp{path.suffix}")
        with contextlib.suppress(FileExistsError):
            os.close(os.open(tmp, flags, 0o666))
            break
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError, AttributeError):  # make the rename durable (POSIX)
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return path


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


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
