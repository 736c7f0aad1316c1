"""What the commands share: reading models and tables, features, points, the command line's
words, warnings; and, re-exported from :mod:`._output`, where output goes (atomic writes,
standard output, figures, report directories).

Every user error is raised as a ``ValueError`` (or ``FileNotFoundError``) with a one-line
message; :func:`oneneuron.cli.main` prints it as ``oneneuron: error: <message>``.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from ..estimator import LogisticRegression
from ._output import (
    STDOUT,
    atomic_write,
    check_out_file,
    image_format,
    is_stdout,
    save_figure,
    staged_directory,
)

__all__ = [
    "MAX_LINE",
    "STDOUT",
    "atomic_write",
    "check_out_file",
    "cli_words",
    "divergence_is_an_error",
    "in_cli_words",
    "feature_frame",
    "is_stdout",
    "load_model_file",
    "image_format",
    "parse_point",
    "read_frame",
    "relay_warnings",
    "save_figure",
    "staged_directory",
    "with_names",
]

MAX_LINE = 10_000
"""Longest accepted line of typed input, in characters."""


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
    """A CSV/TSV (optionally gzipped) or Parquet table (:func:`oneneuron.datasets.read_table`)."""
    from ..datasets import read_table

    return read_table(path)


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


# --------------------------------------------------------------------- words of the CLI
#: The estimator's words in messages -> the command line's (``train`` and ``report``).
_CLI_WORDS = [
    (re.compile(r"\bstandardize=True\b"), "--standardize"),
    (re.compile(r"\bfirth=True\b"), "--firth"),
    (re.compile(r"\bfirth=False\b"), "no --firth"),
    (re.compile(r"\bl1_ratio\b"), "--l1-ratio"),
    (re.compile(r"\bsolver='(\w+)'"), r"--solver \1"),
    (re.compile(r"\bmax_iter=(\d+)"), r"--epochs \1"),
    (re.compile(r"\bmax_iter\b"), "--epochs"),
    (re.compile(r"\blearning_rate\b"), "--learning-rate"),
    (re.compile(r"\bbatch_size\b"), "--batch-size"),
    (re.compile(r"\bclass_weight\b"), "--class-weight"),
    (re.compile(r"\brandom_state\b"), "--seed"),
    (re.compile(r"\bvalidation_fraction\b"), "--validation"),
    (re.compile(r"(?<![-\w])(alpha|threshold)\b"), r"--\1"),
]


def cli_words(text: str) -> str:
    """A message about estimator parameters in the words of the command line:
    ``set standardize=True`` -> ``set --standardize``, ``lower learning_rate`` -> ``lower
    --learning-rate``, ``raise max_iter`` -> ``raise --epochs``."""
    for pattern, words in _CLI_WORDS:
        text = pattern.sub(words, text)
    return text


@contextlib.contextmanager
def in_cli_words() -> Iterator[None]:
    """Errors raised in the block (ValueError, FloatingPointError) in the CLI's words."""
    try:
        yield
    except (ValueError, FloatingPointError) as exc:
        if not exc.args or not isinstance(exc.args[0], str):
            raise
        raise type(exc)(cli_words(exc.args[0])) from None


@contextlib.contextmanager
def divergence_is_an_error() -> Iterator[None]:
    """gd or sgd that diverged (a ConvergenceWarning in the library, which returns the
    model) is an error here: the command saves nothing, and says what helps."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("error", r"solver '\w+' diverged", ConvergenceWarning)
        try:
            yield
        except ConvergenceWarning as exc:
            raise FloatingPointError(str(exc)) from None


# ----------------------------------------------------------------------------- warnings
@contextlib.contextmanager
def relay_warnings(err: TextIO, words: Callable[[str], str] | None = None) -> Iterator[None]:
    """Print each warning raised in the block as one line ``oneneuron: note: ...`` on ``err``
    (through ``words``, such as :func:`cli_words`, when given).

    Filters set to "error" (e.g. ``-W error::RuntimeWarning``) still raise.
    """
    with warnings.catch_warnings(record=True) as caught:
        yield
    seen = set()
    for w in caught:
        text = " ".join(str(w.message).split())
        text = words(text) if words is not None else text
        if text not in seen:
            seen.add(text)
            err.write(f"oneneuron: note: {text}\n")
