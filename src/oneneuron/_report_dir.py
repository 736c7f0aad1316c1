"""Report directories: built in a hidden directory and moved into place only when
complete; written into only when new, empty, or an earlier report that oneneuron marked as
its own (see :mod:`._files`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ._atomic import _fsync_dir, _raise_interrupt, _signals_deferred

__all__ = ["REPORT_MARKER", "staged_directory"]

#: Hidden file that marks a directory as a report written by oneneuron (and lists its files).
REPORT_MARKER = ".oneneuron-report.json"
_MARKER_FORMAT = "oneneuron-report"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _report_files(directory: Path) -> set[str] | None:
    """The files an earlier report listed in its marker, or None when it has no valid one."""
    marker = directory / REPORT_MARKER
    try:
        if not marker.is_file() or marker.is_symlink() or marker.stat().st_size > 65536:
            return None
        doc = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    files = doc.get("files") if isinstance(doc, dict) else None
    if doc.get("format") != _MARKER_FORMAT or not isinstance(files, list):  # type: ignore[union-attr]
        return None
    names = {f for f in files if isinstance(f, str)}
    return {n for n in names if n and "/" not in n and "\\" not in n and n not in (".", "..")}


def _check_report_target(out: Path, shown: Path) -> set[str] | None:
    """None for a new directory; else the files of the earlier report to be replaced."""
    if not out.exists():
        if not out.parent.is_dir():
            raise FileNotFoundError(f"cannot write {shown}: directory {out.parent} does not exist")
        return None
    if not out.is_dir():
        raise ValueError(f"cannot write a report to {shown}: it exists and is not a directory")
    entries = {p.name for p in out.iterdir()}
    if not entries:
        return set()
    ours = _report_files(out)
    if ours is None:
        raise ValueError(
            f"{shown} is not empty and is not a report written by oneneuron; "
            "give a new or empty directory"
        )
    return ours & entries


@contextlib.contextmanager
def staged_directory(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A fresh hidden directory to build a report in, moved into ``target`` on success.

    * ``target`` does not exist: the built directory is renamed onto it (all or nothing).
    * ``target`` is an empty directory, or a report an earlier run marked as its own
      (:data:`REPORT_MARKER`): the new files are moved into it one by one, with signals
      held for those few renames; files of the earlier report that the new one does not
      have are removed, and any other file in it is left alone. ``target`` itself is
      never replaced, so ``--out .`` works.
    * anything else (a file, a directory with other content) is refused with a clear
      error before anything is written.

    On any error, or a signal turned into an exception, the hidden directory is removed
    and ``target`` is left as it was. A symlink to a directory is written through.
    """
    shown = Path(target)
    out = Path(os.path.realpath(target))
    old_files = _check_report_target(out, shown)
    parent = out if old_files is not None else out.parent
    tmp: Path | None = None
    try:
        with _signals_deferred():  # a signal now must not leave the directory behind
            try:
                tmp = Path(tempfile.mkdtemp(prefix=".oneneuron-", suffix=".tmp", dir=parent))
            except OSError as exc:
                raise type(exc)(exc.errno, f"cannot write {shown}: {exc.strerror}") from None
            os.chmod(tmp, 0o777 & ~_umask())
        yield tmp
        new_files = sorted(p.name for p in tmp.iterdir())
        if any((tmp / n).is_dir() for n in new_files):
            raise RuntimeError("a report holds files only")  # pragma: no cover - our bug
        marker = json.dumps({"format": _MARKER_FORMAT, "files": new_files}, indent=1)
        (tmp / REPORT_MARKER).write_text(marker + "\n", encoding="utf-8")
        with _signals_deferred():
            if old_files is None:
                os.replace(tmp, out)
            else:
                _move_into(tmp, out, new_files, old_files)
        _fsync_dir(out.parent if old_files is None else out)
    except BaseException as exc:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        _raise_interrupt(exc)
        raise


def _move_into(tmp: Path, out: Path, new_files: list[str], old_files: set[str]) -> None:
    """Move the built files into the existing report directory ``out`` (marker last)."""
    for name in new_files:
        os.replace(tmp / name, out / name)
    for name in sorted(old_files - set(new_files) - {REPORT_MARKER}):
        old = out / name
        if old.is_file() and not old.is_symlink():
            with contextlib.suppress(OSError):
                old.unlink()
    os.replace(tmp / REPORT_MARKER, out / REPORT_MARKER)
    tmp.rmdir()
