"""Loading a labelled table from CSV/TSV or Parquet into a `Dataset`, with clear errors."""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .._files import capped_stream
from ._base import Dataset

__all__ = [
    "MAX_TABLE_BYTES",
    "SUPPORTED_TABLE_EXTENSIONS",
    "TableTooLargeError",
    "load_table",
    "read_table",
    "read_table_bytes",
    "table_dataset",
]

_CSV_EXTENSIONS = {".csv": ",", ".csv.gz": ",", ".tsv": "\t", ".tsv.gz": "\t"}
_PARQUET_EXTENSIONS = (".parquet", ".pq")
SUPPORTED_TABLE_EXTENSIONS: tuple[str, ...] = (*_CSV_EXTENSIONS, *_PARQUET_EXTENSIONS)
_SCALE_RATIO = 10.0  # feature ranges differing more than this -> needs_scaling


#: Most bytes a table read whole may inflate to (a gzip CSV, a compressed Parquet file): a
#: decompression bomb stops here with an error instead of filling memory.
MAX_TABLE_BYTES = 4 * 2**30
_GZIP_MAGIC = b"\x1f\x8b"


class TableTooLargeError(ValueError):
    """A table over one of the caps of :func:`read_table` (bytes, rows or columns)."""


def read_table(
    path: str | os.PathLike[str],
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    max_columns: int | None = None,
) -> pd.DataFrame:
    """A CSV/TSV (plain or gzipped) or Parquet table as a DataFrame with string column names.

    The format comes from the extension; a gzipped CSV is also recognised by its first
    bytes. At most ``max_bytes`` (default :data:`MAX_TABLE_BYTES`) are inflated, and with
    ``max_rows`` or ``max_columns`` a bigger table is refused (:class:`TableTooLargeError`,
    a ValueError). Every failure (missing file, unknown extension, empty table, bad gzip,
    text that is not UTF-8, malformed CSV or Parquet, over a cap) is an error that names
    the file.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"data file not found: {path}")
    return _read(path, path.name, str(path), max_bytes, max_rows, max_columns)


def read_table_bytes(
    data: bytes,
    name: str,
    *,
    max_bytes: int | None = None,
    max_rows: int | None = None,
    max_columns: int | None = None,
) -> pd.DataFrame:
    """:func:`read_table` for a table held in memory (an upload); nothing touches the disk.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        Its file name: the extension picks the format, and errors name it.
    max_bytes, max_rows, max_columns : int, optional
        Caps as in :func:`read_table`.

    Returns
    -------
    pandas.DataFrame
    """
    return _read(bytes(data), name, name, max_bytes, max_rows, max_columns)


def _read(
    source: Path | bytes,
    name: str,
    label: str,
    max_bytes: int | None,
    max_rows: int | None,
    max_columns: int | None,
) -> pd.DataFrame:
    cap = MAX_TABLE_BYTES if max_bytes is None else int(max_bytes)
    lower = name.lower()
    if lower.endswith(_PARQUET_EXTENSIONS):
        frame = _read_parquet(source, label, cap, max_rows, max_columns)
    else:
        seps = [sep for ext, sep in _CSV_EXTENSIONS.items() if lower.endswith(ext)]
        if not seps:
            raise ValueError(
                f"{label}: unsupported file extension; supported: "
                f"{', '.join(SUPPORTED_TABLE_EXTENSIONS)}"
            )
        frame = _read_csv(source, label, seps[0], cap, max_rows, max_columns)
    frame.columns = pd.Index([str(c) for c in frame.columns])
    return frame


def _open(source: Path | bytes) -> IO[bytes]:
    return open(source, "rb") if isinstance(source, Path) else io.BytesIO(source)


def _check_shape(
    label: str, n_rows: int, n_columns: int, max_rows: int | None, max_columns: int | None
) -> None:
    """Refuse a table over the caps; ``n_rows == max_rows + 1`` means "more than the cap"."""
    if max_columns is not None and n_columns > max_columns:
        raise TableTooLargeError(
            f"{label}: the table has {n_columns:,} columns; at most {max_columns:,} are allowed"
        )
    if max_rows is not None and n_rows > max_rows:
        raise TableTooLargeError(
            f"{label}: the table has more than {max_rows:,} rows, the most allowed"
        )


def _read_csv(
    source: Path | bytes,
    label: str,
    sep: str,
    cap: int,
    max_rows: int | None,
    max_columns: int | None,
) -> pd.DataFrame:
    with _open(source) as raw:
        gzipped = raw.read(2) == _GZIP_MAGIC
    if label.lower().endswith(".gz") and not gzipped:
        raise ValueError(f"{label}: not a gzip file (the name ends in .gz)")

    bomb = f"{label}: inflates to more than {cap:,} bytes; refusing to read it whole"

    def stream(stack: contextlib.ExitStack) -> Any:
        raw: Any = stack.enter_context(_open(source))
        if not gzipped:
            return raw
        inflated = capped_stream(gzip.GzipFile(fileobj=raw), cap, bomb)
        stack.callback(inflated.close)
        return inflated

    def read(**kwargs: Any) -> pd.DataFrame:
        with contextlib.ExitStack() as stack:
            return pd.read_csv(stream(stack), sep=sep, encoding="utf-8", **kwargs)

    try:
        if max_columns is not None:
            with contextlib.ExitStack() as stack:  # refuse a header of millions of fields
                head = stream(stack).read(1 << 20).split(b"\n", 1)[0]  # before pandas parses it
            if head.count(sep.encode()) >= 10 * max_columns:
                _check_shape(label, 0, head.count(sep.encode()) + 1, None, max_columns)
            _check_shape(label, 0, len(read(nrows=0).columns), None, max_columns)
        frame = read() if max_rows is None else read(nrows=max_rows + 1)
    except pd.errors.EmptyDataError:
        raise ValueError(f"{label}: the table is empty (no columns)") from None
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"{label}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} near byte "
            f"{exc.start} of a chunk); save the table as UTF-8"
        ) from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise ValueError(f"{label}: corrupt or truncated gzip data ({exc})") from None
    except pd.errors.ParserError as exc:
        detail = " ".join(str(exc).split())
        raise ValueError(f"{label}: cannot be read as a table: {detail}") from None
    except ValueError as exc:
        if str(exc) == bomb:
            raise TableTooLargeError(bomb) from None
        raise
    _check_shape(label, len(frame), frame.shape[1], max_rows, max_columns)
    return frame


def _read_parquet(
    source: Path | bytes,
    label: str,
    cap: int,
    max_rows: int | None,
    max_columns: int | None,
) -> pd.DataFrame:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        hint = "pip install 'oneneuron[parquet]'"
        raise ImportError(f"reading Parquet needs pyarrow: {hint}") from None
    try:
        parquet = pq.ParquetFile(source if isinstance(source, Path) else io.BytesIO(source))
        meta = parquet.metadata
        inflated = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    except Exception as exc:  # pyarrow's ArrowInvalid, OSError, ...
        raise ValueError(f"{label}: not a readable Parquet file ({exc})") from None
    if inflated > cap:
        raise TableTooLargeError(
            f"{label}: holds {inflated:,} bytes uncompressed, more than {cap:,}; "
            "refusing to read it whole"
        )
    _check_shape(label, meta.num_rows, meta.num_columns, max_rows, max_columns)
    try:
        return parquet.read().to_pandas()
    except Exception as exc:
        raise ValueError(f"{label}: not a readable Parquet file ({exc})") from None


def _needs_scaling(X: NDArray[np.float64]) -> bool:
    """True when the columns' ranges differ by more than a factor ``_SCALE_RATIO``."""
    if X.shape[0] == 0:
        return False
    with np.errstate(over="ignore"):  # a range beyond float64 (1e308 - -1e308) is inf
        ranges = np.ptp(X, axis=0)
    ranges = ranges[ranges > 0]
    return bool(ranges.size > 1 and ranges.max() > _SCALE_RATIO * ranges.min())


def load_table(
    path: str | os.PathLike[str],
    target: str,
    *,
    features: Sequence[str] | None = None,
    max_labels: int | None = None,
) -> Dataset:
    """Load a labelled table (CSV/TSV, optionally gzipped, or Parquet) into a Dataset.

    The format is chosen by extension: ``.csv``, ``.csv.gz``, ``.tsv``, ``.tsv.gz``
    (pandas) or ``.parquet``, ``.pq`` (pandas with pyarrow).

    Parameters
    ----------
    path : str or path-like
        The table file.
    target : str
        Name of the label column. Its values are kept as they are (ints, strings, bools);
        any number of distinct labels up to ``MAX_CLASSES`` (see ``max_labels``).
    features : sequence of str, optional
        Feature columns, in order. Default: every column except ``target``.
    max_labels : int or None, default=None
        The most distinct labels allowed; None for as many as a classifier takes
        (``MAX_CLASSES``, K classes).

    Returns
    -------
    Dataset
        ``X`` of shape (n_rows, n_features) float64, ``y`` of shape (n_rows,) with the
        column's values, ``target_names`` the sorted distinct labels as strings,
        ``needs_scaling`` True when the feature ranges differ by more than 10x.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        For an unsupported extension, an empty table, a missing target or feature column,
        a non-numeric feature column, missing or infinite feature values, missing target
        values, or more than ``max_labels`` distinct labels. The message names the column(s).
    """
    path = Path(path)
    return table_dataset(
        read_table(path),
        target,
        features=features,
        max_labels=max_labels,
        source=str(path),
        name=path.name,
        description=f"Table {path} with target column {target!r}.",
    )


def table_dataset(
    frame: pd.DataFrame,
    target: str,
    *,
    features: Sequence[str] | None = None,
    max_labels: int | None = None,
    source: str = "table",
    name: str = "table",
    description: str = "",
) -> Dataset:
    """A labelled table already in memory (from :func:`read_table`) as a Dataset.

    The checks and errors of :func:`load_table`, which calls it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table, with string column names.
    target : str
        Name of the label column.
    features : sequence of str, optional
        Feature columns, in order. Default: every column except ``target``.
    max_labels : int or None, default=None
        The most distinct labels allowed; None for as many as a classifier takes
        (``MAX_CLASSES``, K classes).
    source : str, default="table"
        What the error messages name (a path, an upload's file name).
    name, description : str
        The Dataset's name and description.

    Returns
    -------
    Dataset
    """
    columns = list(frame.columns)
    if target not in columns:
        raise ValueError(
            f"{source}: target column {target!r} not found; available columns: {columns}"
        )
    if features is None:
        feature_cols = [c for c in columns if c != target]
    else:
        feature_cols = [str(c) for c in features]
        missing = [c for c in feature_cols if c not in columns]
        if missing:
            raise ValueError(
                f"{source}: feature column(s) {missing} not found; available columns: {columns}"
            )
        if target in feature_cols:
            raise ValueError(f"{source}: target column {target!r} is also listed as a feature")
        if len(set(feature_cols)) != len(feature_cols):
            raise ValueError(f"{source}: duplicate feature columns in {feature_cols}")
    if not feature_cols:
        raise ValueError(f"{source}: no feature columns (only the target {target!r})")
    if len(frame) == 0:
        raise ValueError(f"{source}: the table is empty (header only, no rows)")

    non_numeric = [
        f"{c!r} ({frame[c].dtype})"
        for c in feature_cols
        if not pd.api.types.is_numeric_dtype(frame[c])
    ]
    if non_numeric:
        raise ValueError(
            f"{source}: feature column(s) must be numeric: {', '.join(non_numeric)}; "
            "encode or drop them, or pass features=[...]"
        )
    n_missing = frame[feature_cols].isna().sum()
    bad = {c: int(k) for c, k in n_missing.items() if k > 0}
    if bad:
        detail = ", ".join(f"{c!r}: {k}" for c, k in bad.items())
        raise ValueError(f"{source}: missing (NaN) values in feature column(s) {detail}")
    X = frame[feature_cols].to_numpy(dtype=np.float64)
    n_inf = (~np.isfinite(X)).sum(axis=0)
    if n_inf.any():
        detail = ", ".join(
            f"{c!r}: {int(k)}" for c, k in zip(feature_cols, n_inf, strict=True) if k > 0
        )
        raise ValueError(f"{source}: infinite values in feature column(s) {detail}")

    y_col = frame[target]
    n_missing_y = int(y_col.isna().sum())
    if n_missing_y:
        raise ValueError(f"{source}: target column {target!r} has {n_missing_y} missing value(s)")
    y = y_col.to_numpy()
    if y.dtype == object and all(isinstance(v, str) for v in y):
        y = y.astype(str)  # same values, a fixed-width string array instead of objects
    try:
        labels = np.unique(y)
    except TypeError as exc:
        raise ValueError(
            f"{source}: target column {target!r} mixes labels of different types"
        ) from exc
    from .._labels import MAX_CLASSES

    limit = MAX_CLASSES if max_labels is None else min(max_labels, MAX_CLASSES)
    if len(labels) > limit:  # K >= 3 classes are a multinomial model
        shown = [str(v) for v in labels[:5]]
        more = " ..." if len(labels) > 5 else ""
        what = "binary classification needs two" if limit == 2 else f"at most {limit} here"
        raise ValueError(
            f"{source}: target column {target!r} has {len(labels)} distinct labels "
            f"{shown}{more}; {what}"
        )
    return Dataset(
        X=X,
        y=y,
        feature_names=feature_cols,
        target_names=[str(v) for v in labels],
        name=name,
        description=description or f"Table {source} with target column {target!r}.",
        needs_scaling=_needs_scaling(X),
    )
