"""Reading a table from CSV/TSV (plain or gzipped) or Parquet into a DataFrame, within caps.

The bytes read, the rows and the columns are capped, so that a decompression bomb or a
header of millions of fields is an error instead of a full memory; every error names the
file. :mod:`._tabular` turns the DataFrame into a labelled `Dataset`.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import zlib
from pathlib import Path
from typing import IO, Any

import pandas as pd

from .._files import capped_stream

__all__ = [
    "MAX_TABLE_BYTES",
    "SUPPORTED_TABLE_EXTENSIONS",
    "TableTooLargeError",
    "read_table",
    "read_table_bytes",
]

_CSV_EXTENSIONS = {".csv": ",", ".csv.gz": ",", ".tsv": "\t", ".tsv.gz": "\t"}
_PARQUET_EXTENSIONS = (".parquet", ".pq")
SUPPORTED_TABLE_EXTENSIONS: tuple[str, ...] = (*_CSV_EXTENSIONS, *_PARQUET_EXTENSIONS)


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
