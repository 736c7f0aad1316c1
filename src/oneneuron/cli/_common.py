"""What the commands share: atomic output, reading models and tables, features, points, warnings.

Every user error is raised as a ``ValueError`` (or ``FileNotFoundError``) with a one-line
message; :func:`oneneuron.cli.main` prints it as ``oneneuron: error: <message>``.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from ..datasets import SUPPORTED_TABLE_EXTENSIONS
from ..estimator import LogisticRegression

__all__ = [
    "MAX_LINE",
    "atomic_write",
    "check_out_file",
    "feature_frame",
    "load_model_file",
    "parse_point",
    "read_frame",
    "relay_warnings",
    "staged_directory",
    "with_names",
]

MAX_LINE = 10_000
"""Longest accepted line of typed input, in characters."""


# ------------------------------------------------------------------------------- output
def check_out_file(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path whose directory exists, or FileNotFoundError saying which is missing."""
    out = Path(path)
    if out.is_dir():
        raise ValueError(f"{out} is a directory; give a file name")
    if not out.parent.is_dir():
        raise FileNotFoundError(f"cannot write {out}: directory {out.parent} does not exist")
    return out


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp)`` on a temp file beside ``path``, then rename it onto ``path``."""
    from ..plotting._common import save_atomically

    return save_atomically(check_out_file(path), write)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def staged_directory(target: str | os.PathLike[str]) -> Iterator[Path]:
    """A fresh temp directory beside ``target``, moved onto ``target`` when the block succeeds.

    On any error the temp directory is removed and ``target`` is left as it was. An
    existing ``target`` must be empty or an earlier report (it holds ``index.html``); it is
    replaced as a whole.
    """
    out = Path(os.path.abspath(target))
    if not out.parent.is_dir():
        raise FileNotFoundError(f"cannot write {out}: directory {out.parent} does not exist")
    if out.exists() or out.is_symlink():
        if out.is_symlink() or not out.is_dir():
            raise ValueError(f"{out} exists and is not a directory")
        if any(out.iterdir()) and not (out / "index.html").is_file():
            raise ValueError(
                f"{out} is not empty and is not an earlier report (no index.html); "
                "give a new or empty directory"
            )
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        yield tmp
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
            os.replace(out, old)  # onto the empty directory just made
            try:
                os.replace(tmp, out)
            except BaseException:
                os.replace(old, out)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# -------------------------------------------------------------------------------- input
def load_model_file(path: str | os.PathLike[str]) -> LogisticRegression:
    """A model read with :func:`oneneuron.load`; a missing file is a one-line error."""
    from .. import load

    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"model file not found: {p}")
    if p.is_dir():
        raise ValueError(f"{p} is a directory, not a model file")
    model: LogisticRegression = load(p)
    return model


def read_frame(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A CSV/TSV (optionally gzipped) or Parquet table, chosen by extension."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"data file not found: {p}")
    name = p.name.lower()
    if not name.endswith(SUPPORTED_TABLE_EXTENSIONS):
        raise ValueError(
            f"{p}: unsupported file extension; supported: {', '.join(SUPPORTED_TABLE_EXTENSIONS)}"
        )
    if name.endswith((".parquet", ".pq")):
        frame = pd.read_parquet(p)
    else:
        try:
            frame = pd.read_csv(p, sep="\t" if ".tsv" in name else ",")
        except pd.errors.EmptyDataError:
            raise ValueError(f"{p}: the table is empty (no columns)") from None
    frame.columns = pd.Index([str(c) for c in frame.columns])
    return frame


def feature_frame(
    model: LogisticRegression, frame: pd.DataFrame, path: Path, target: str | None = None
) -> Any:
    """The model's feature columns of ``frame``, checked: numeric, finite, the right count.

    A model that knows its feature names takes those columns (any others, such as the
    target, are ignored); otherwise every numeric column except ``target`` is used.
    Returns a DataFrame (named models) or an ndarray of shape (n_rows, n_features).
    """
    columns = list(frame.columns)
    names = getattr(model, "feature_names_in_", None)
    d = int(model.n_features_in_)
    if names is not None:
        wanted = [str(n) for n in names]
        missing = [c for c in wanted if c not in columns]
        if missing:
            raise ValueError(
                f"{path}: the model needs column(s) {_short(missing)}, which are missing; "
                f"available columns: {_short(columns)}"
            )
    else:
        wanted = [c for c in columns if c != target and pd.api.types.is_numeric_dtype(frame[c])]
        if len(wanted) != d:
            raise ValueError(
                f"{path}: the model expects {d} feature(s); the table has {len(wanted)} "
                f"numeric column(s) {_short(wanted)}"
            )
    bad = [c for c in wanted if not pd.api.types.is_numeric_dtype(frame[c])]
    if bad:
        raise ValueError(f"{path}: feature column(s) must be numeric: {_short(bad)}")
    X = frame[wanted].to_numpy(dtype=np.float64)
    finite = np.isfinite(X)
    if not finite.all():
        where = [c for c, ok in zip(wanted, finite.all(axis=0), strict=True) if not ok]
        raise ValueError(f"{path}: missing (NaN) or infinite values in column(s) {_short(where)}")
    return with_names(model, X)


def with_names(model: LogisticRegression, X: np.ndarray) -> Any:
    """X as a DataFrame with the model's feature names when it has them, else as it is."""
    names = getattr(model, "feature_names_in_", None)
    return X if names is None else pd.DataFrame(X, columns=[str(n) for n in names])


def _short(items: list[str], k: int = 12) -> str:
    shown = ", ".join(repr(s) for s in items[:k])
    return f"[{shown}{', ...' if len(items) > k else ''}] ({len(items)})"


_SEP = re.compile(r"[,;\s]+")


def parse_point(text: str, d: int) -> np.ndarray:
    """``"2,1"`` or ``"2 1"`` as a finite float vector of length ``d``, or ValueError."""
    if len(text) > MAX_LINE:
        raise ValueError(f"the input is longer than {MAX_LINE} characters")
    tokens = [t for t in _SEP.split(text.strip()) if t]
    if len(tokens) != d:
        raise ValueError(
            f"expected {d} number(s) separated by ',' or spaces; got {len(tokens)} in "
            f"{_clip(text)!r}"
        )
    values = []
    for tok in tokens:
        try:
            v = float(tok)
        except ValueError:
            raise ValueError(f"{_clip(tok)!r} is not a number") from None
        if not math.isfinite(v):
            raise ValueError(f"{_clip(tok)!r} is not a finite number")
        values.append(v)
    return np.array(values, dtype=np.float64)


def _clip(text: str, k: int = 40) -> str:
    text = text.strip()
    return text if len(text) <= k else text[:k] + "..."


# ----------------------------------------------------------------------------- warnings
@contextlib.contextmanager
def relay_warnings(err: TextIO) -> Iterator[None]:
    """Print each warning raised in the block as one line ``oneneuron: note: ...`` on ``err``.

    Filters set to "error" (e.g. ``-W error::RuntimeWarning``) still raise.
    """
    with warnings.catch_warnings(record=True) as caught:
        yield
    seen = set()
    for w in caught:
        text = " ".join(str(w.message).split())
        if text not in seen:
            seen.add(text)
            err.write(f"oneneuron: note: {text}\n")
