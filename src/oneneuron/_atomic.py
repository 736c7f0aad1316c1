"""Atomic writes: a temporary file in the target's directory, flushed and renamed onto it;
symbolic links written through, devices and FIFOs written plainly (see :mod:`._files`).
Also what a report directory shares with them: signals held over renames, durable renames,
and the interrupt behind an error.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

__all__ = [
    "atomic_write",
    "atomic_write_bytes",
    "check_output",
    "interrupt_in",
    "write_to_stream",
]

_MAX_SUFFIX = 16  # a temporary name stays far below NAME_MAX (255) whatever the target's
#: Names of a descriptor this process already holds (``/dev/stdout`` redirected to a file
#: must be written through that descriptor, not by replacing or truncating the file).
_OPEN_FD = re.compile(
    r"/(?:dev/(?:std(?P<std>in|out|err)|fd/(?P<fd>\d+))|proc/self/fd/(?P<pfd>\d+))"
)


# ------------------------------------------------------------------------------ writing
def _tmp_name(suffix: str) -> str:
    """A short hidden name; it keeps the target's suffix (writers pick formats from it)."""
    suffix = suffix if 0 < len(suffix) <= _MAX_SUFFIX else ""
    return f".oneneuron-{secrets.token_hex(6)}.tmp{suffix}"


def _resolve_output(path: Path) -> tuple[Path, os.stat_result | None]:
    """The real file behind ``path`` (symlinks followed) and its stat, None when absent.

    Raises ValueError for outputs that must not be written: directories, sockets, block
    devices, symlink loops.
    """
    real = Path(os.path.realpath(path))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        if not real.parent.is_dir():
            shown = "" if real == path.absolute() else f" (a link to {real})"
            raise FileNotFoundError(
                f"cannot write {path}{shown}: directory {real.parent} does not exist"
            ) from None
        return real, None
    except OSError as exc:  # ELOOP, EACCES, ENAMETOOLONG, ...
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise ValueError(f"cannot write {path}: it is a directory; give a file name")
    if not (stat.S_ISREG(mode) or stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        kind = (
            "a socket"
            if stat.S_ISSOCK(mode)
            else "a block device"
            if stat.S_ISBLK(mode)
            else ("not a regular file")
        )
        raise ValueError(f"cannot write {path}: it is {kind}")
    return real, st


def _open_descriptor(path: Path) -> int | None:
    """The descriptor behind ``/dev/stdout``, ``/dev/fd/N`` or ``/proc/self/fd/N``, else None."""
    match = _OPEN_FD.fullmatch(str(path))
    if match is None:
        return None
    std = match["std"]
    fd = {"in": 0, "out": 1, "err": 2}[std] if std else int(match["fd"] or match["pfd"])
    try:
        os.fstat(fd)
    except OSError:
        raise ValueError(f"cannot write {path}: no such open file descriptor") from None
    if fd == 1:
        import sys

        with contextlib.suppress(Exception):
            sys.stdout.flush()  # what the program printed so far comes first
    return fd


def check_output(path: str | os.PathLike[str]) -> None:
    """Raise now, before any work, if :func:`atomic_write` would refuse ``path``."""
    path = Path(path)
    if _open_descriptor(path) is None:
        _resolve_output(path)


def _rename_in_error(exc: BaseException, tmp: Path, path: Path) -> None:
    """Make an exception raised while writing ``tmp`` speak of the user's ``path``."""
    tmp_text, user = str(tmp), str(path)
    if isinstance(exc, OSError):
        if exc.filename is not None and str(exc.filename) == tmp_text:
            exc.filename = user
        if exc.filename2 is not None and str(exc.filename2) == tmp_text:
            exc.filename2 = user
    exc.args = tuple(
        a.replace(tmp_text, user).replace(tmp.name, path.name) if isinstance(a, str) else a
        for a in exc.args
    )


def write_to_stream(
    write: Callable[[Path], Any], stream: IO[bytes], *, suffix: str = "", name: str = "output"
) -> None:
    """Run ``write(tmp)`` on a private temporary file, then copy its bytes into ``stream``.

    For outputs that cannot be renamed onto: standard output, devices and FIFOs. ``suffix``
    tells format-guessing writers (matplotlib) what to write; ``name`` is what errors call
    the output.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=".oneneuron-", suffix=".tmp" + suffix[:_MAX_SUFFIX])
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb") as src:
            shutil.copyfileobj(src, stream)
        stream.flush()
    except BaseException as exc:
        _rename_in_error(exc, tmp, Path(name))
        _raise_interrupt(exc)
        raise
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def atomic_write(
    path: str | os.PathLike[str], write: Callable[[Path], Any], *, suffix: str | None = None
) -> Path:
    """Call ``write(tmp)`` on a fresh temporary file, then put its content at ``path``.

    See the module docstring for what each kind of ``path`` gets. A replaced file keeps
    its permissions and (where allowed) its owner; a new one gets ``0o666`` minus the
    umask. On any error (or signal turned into an exception) the temporary file is removed
    and ``path`` is left as it was.

    Parameters
    ----------
    path : str or path-like
        The user's output file.
    write : callable
        ``write(tmp_path)`` writes the whole content to ``tmp_path``.
    suffix : str, optional
        Suffix of the temporary file (default: ``path``'s), for writers that pick the
        format from it.

    Returns
    -------
    Path
        ``path``, as given.

    Raises
    ------
    FileNotFoundError
        When the target's directory does not exist (it is not created silently).
    PermissionError
        When the target exists but is read-only, or its directory is not writable.
    ValueError
        When ``path`` is a directory, a socket or a block device.
    """
    path = Path(path)
    suffix = path.suffix if suffix is None else suffix
    fd = _open_descriptor(path)
    if fd is not None:
        with os.fdopen(os.dup(fd), "wb") as stream:
            write_to_stream(write, stream, suffix=suffix, name=str(path))
        return path
    real, st = _resolve_output(path)
    if st is not None and not stat.S_ISREG(st.st_mode):  # a device or a FIFO
        with open(real, "wb") as stream:
            write_to_stream(write, stream, suffix=suffix, name=str(path))
        return path
    if st is not None and not os.access(real, os.W_OK):
        raise PermissionError(f"cannot write {path}: the file is read-only")
    tmp: Path | None = None
    try:
        with _signals_deferred():  # a signal now must not leave the new file behind
            tmp = _new_file(real.parent, suffix, path)
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        if st is not None:
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            with contextlib.suppress(OSError, AttributeError):
                os.chown(tmp, st.st_uid, st.st_gid)
        os.replace(tmp, real)
    except BaseException as exc:
        if tmp is None:
            raise
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        _rename_in_error(exc, tmp, path)
        _raise_interrupt(exc)
        raise
    _fsync_dir(real.parent)
    return path


def _new_file(directory: Path, suffix: str, path: Path) -> Path:
    """Create a fresh hidden temporary file in ``directory``; errors name ``path``."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = directory / _tmp_name(suffix)
        try:
            os.close(os.open(tmp, flags, 0o666))
            return tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise type(exc)(exc.errno, f"cannot write {path}: {exc.strerror}") from None


def interrupt_in(exc: BaseException) -> BaseException | None:
    """The Ctrl-C or termination behind ``exc``, if ``exc`` was raised while handling one.

    A library's cleanup code can fail while a KeyboardInterrupt passes through it (say,
    an animation writer that finishes with no frames) and replace it with an ordinary
    error; the interrupt found here is what should reach the user.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if not isinstance(seen, Exception):  # KeyboardInterrupt, SystemExit, a signal's
            return seen
        seen = seen.__context__
    return None


def _raise_interrupt(exc: BaseException) -> None:
    """Raise the interrupt hidden behind ``exc`` instead of ``exc`` itself."""
    interrupt = interrupt_in(exc)
    if interrupt is not None and interrupt is not exc:
        raise interrupt.with_traceback(None) from None


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))


def _fsync_dir(directory: Path) -> None:
    """Make renames in ``directory`` durable (POSIX; a no-op where unsupported)."""
    with contextlib.suppress(OSError, AttributeError):
        dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while a few renames complete (main thread, POSIX only)."""
    sigs = {signal.SIGINT, signal.SIGTERM}
    main = threading.current_thread() is threading.main_thread()
    can = main and hasattr(signal, "pthread_sigmask")
    if can:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    try:
        yield
    finally:
        if can:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
