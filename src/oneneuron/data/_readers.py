"""Reading a Parquet or CSV file in record batches, with errors that name the file.

A reader knows the file's columns, yields pyarrow record batches of chosen columns, and
fingerprints the file (size and modification time, and for Parquet its footer) so that
a file that changes between two passes of a fit is detected.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["CsvReader", "ParquetReader", "Reader", "open_reader"]


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        hint = "pip install 'oneneuron[parquet]'"
        raise ImportError(f"reading files in chunks needs pyarrow: {hint}") from None
    return pyarrow


class Reader:
    """The file's columns, record batches of some of them, and its fingerprint."""

    path: Path
    columns: list[str]
    n_rows: int | None  # known without a pass (Parquet), else None
    row_groups: int = 1
    group_rows: Sequence[int] = ()  # rows per Parquet row group

    def batches(
        self, columns: Sequence[str], batch_rows: int, row_groups: Sequence[int] | None = None
    ) -> Iterator[Any]:
        raise NotImplementedError

    def numbered_batches(
        self, columns: Sequence[str], batch_rows: int, row_groups: Sequence[int] | None = None
    ) -> Iterator[tuple[int | None, Any]]:
        """``(first row in the file, or None when batches come in the file's order, batch)``:
        Parquet row groups in another order are read one at a time, so that each batch's
        rows are consecutive in the file and errors name the file's rows."""
        if row_groups is None:
            for batch in self.batches(columns, batch_rows):
                yield None, batch
            return
        starts = np.concatenate([[0], np.cumsum(self.group_rows)])
        for g in row_groups:
            first = int(starts[g])
            for batch in self.batches(columns, batch_rows, [g]):
                yield first, batch
                first += batch.num_rows

    def fingerprint(self) -> tuple[Any, ...]:
        st = os.stat(self.path)
        return (st.st_size, st.st_mtime_ns)


class ParquetReader(Reader):
    def __init__(self, path: Path) -> None:
        _pyarrow()
        import pyarrow.parquet as pq

        self.path = path
        # a buffered stream of pages, 64 KiB per column (1 MiB costs 100 MB more on 100
        # columns and is no faster): memory does not grow with the file or its row groups
        try:
            self._file = pq.ParquetFile(path, buffer_size=1 << 16, pre_buffer=False)
        except Exception as exc:  # ArrowInvalid, OSError
            raise ValueError(f"{path}: not a readable Parquet file ({exc})") from None
        meta = self._file.metadata
        self.columns = [str(c) for c in self._file.schema_arrow.names]
        self.n_rows = int(meta.num_rows)
        self.row_groups = int(meta.num_row_groups)
        self.group_rows = [int(meta.row_group(i).num_rows) for i in range(self.row_groups)]
        self._meta = (meta.num_rows, meta.num_row_groups, meta.serialized_size)

    def fingerprint(self) -> tuple[Any, ...]:
        return (*super().fingerprint(), *self._meta)

    def batches(
        self, columns: Sequence[str], batch_rows: int, row_groups: Sequence[int] | None = None
    ) -> Iterator[Any]:
        try:
            yield from self._file.iter_batches(
                batch_size=batch_rows, columns=list(columns), row_groups=row_groups
            )
        except (OSError, ValueError) as exc:
            raise ValueError(f"{self.path}: cannot be read ({exc})") from None


class CsvReader(Reader):
    """A CSV (or TSV, gzipped or not) read by pyarrow's streaming CSV reader.

    Feature columns are read as float64; other columns as pyarrow infers them.
    """

    def __init__(self, path: Path, sep: str, numeric: Sequence[str] = ()) -> None:
        pa = _pyarrow()
        import pyarrow.csv as csv

        self.path, self.sep = path, sep
        self.n_rows = None
        self._numeric = list(numeric)
        try:
            with pa.input_stream(str(path), compression="detect") as stream:
                head = csv.open_csv(stream, parse_options=csv.ParseOptions(delimiter=sep))
                self.columns = [str(c) for c in head.schema.names]
        except Exception as exc:
            raise ValueError(f"{path}: cannot be read as a table ({exc})") from None

    def numeric(self, columns: Sequence[str]) -> None:
        """Read these columns as float64 from now on."""
        self._numeric = list(columns)

    def batches(
        self, columns: Sequence[str], batch_rows: int, row_groups: Sequence[int] | None = None
    ) -> Iterator[Any]:
        pa = _pyarrow()
        import pyarrow.csv as csv

        wanted = list(columns)
        types = {c: pa.float64() for c in self._numeric if c in wanted}
        row_bytes = 16 * max(1, len(self.columns))
        options = (
            csv.ReadOptions(block_size=max(1 << 20, min(64 << 20, batch_rows * row_bytes))),
            csv.ParseOptions(delimiter=self.sep),
            # an empty (or NA) text cell is missing, not a label "": named, as a Parquet null
            csv.ConvertOptions(
                include_columns=wanted, column_types=types, strings_can_be_null=True
            ),
        )
        try:
            with pa.input_stream(str(self.path), compression="detect") as stream:
                reader = csv.open_csv(stream, *options)
                for batch in reader:
                    for lo in range(0, batch.num_rows, batch_rows):
                        yield batch.slice(lo, batch_rows)
        except pa.ArrowInvalid as exc:
            raise ValueError(self._explain(str(exc), wanted)) from None
        except (OSError, EOFError) as exc:
            raise ValueError(f"{self.path}: cannot be read ({exc})") from None

    def _explain(self, message: str, wanted: list[str]) -> str:
        """Name the column and row of a value that is not a number (one more scan)."""
        import re

        found = re.search(r"column #(\d+)", message)
        if found and "conversion error to double" in message:
            column = wanted[int(found[1])] if int(found[1]) < len(wanted) else None
            if column is not None:
                row = self._first_non_number(column)
                where = f" at row {row}" if row is not None else ""
                return (
                    f"{self.path}: column {column!r} holds a value that is not a "
                    f"number{where} ({message.split(': ', 1)[-1]})"
                )
        if "UTF8" in message or "utf8" in message.lower():
            return f"{self.path}: not UTF-8 text; save the table as UTF-8 ({message})"
        return f"{self.path}: cannot be read as a table ({message})"

    def _first_non_number(self, column: str) -> int | None:
        pa = _pyarrow()
        import pyarrow.csv as csv

        options = csv.ConvertOptions(include_columns=[column], column_types={column: pa.string()})
        row = 0
        with pa.input_stream(str(self.path), compression="detect") as stream:
            reader = csv.open_csv(stream, parse_options=csv.ParseOptions(delimiter=self.sep),
                                  convert_options=options)  # fmt: skip
            for batch in reader:
                for i, value in enumerate(batch.column(0).to_pylist()):
                    if value is None or value == "":
                        continue
                    try:
                        float(value)
                    except ValueError:
                        return row + i
                row += batch.num_rows
        return None


def open_reader(path: str | os.PathLike[str], kind: str, sep: str = ",") -> Reader:
    """A reader for ``path``: ``kind`` is "parquet" or "csv"."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"data file not found: {p}")
    return ParquetReader(p) if kind == "parquet" else CsvReader(p, sep)
