"""Tables larger than memory on the command line: ``train``, ``predict`` and ``evaluate``
read them in blocks (``--stream``, or on their own above a memory budget).

The budget is ``ONENEURON_MEMORY_BUDGET`` (bytes) or a quarter of the memory available;
a table whose estimated size in memory (Parquet: its uncompressed size; CSV: its size on
disk, five times that gzipped, times two for parsing) exceeds it is streamed, with a note.
``predict`` writes its output in chunks, ``evaluate`` keeps one score and one label per
row (a few bytes, not the features).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from .._numerics import logit, sigmoid
from ..data import TableSource, scan_csv, scan_parquet
from ..estimator import LogisticRegression
from ._common import (
    atomic_write,
    check_out_file,
    cli_words,
    divergence_is_an_error,
    in_cli_words,
    is_stdout,
    load_model_file,
    relay_warnings,
)
from ._progress import Progress, fmt_loss

__all__ = ["memory_budget", "stream_evaluate", "stream_predict", "stream_train", "wants_stream"]

_PARQUET = (".parquet", ".pq")


def memory_budget() -> int:
    """Bytes a table may take in memory before the commands stream it."""
    env = os.environ.get("ONENEURON_MEMORY_BUDGET")
    if env:
        try:
            return max(0, int(float(env)))
        except ValueError:
            raise ValueError(f"ONENEURON_MEMORY_BUDGET={env!r} is not a number of bytes") from None
    try:
        with open("/proc/meminfo") as f:
            info = dict(line.split(":", 1) for line in f)
        return int(info["MemAvailable"].split()[0]) * 1024 // 4
    except (OSError, KeyError, ValueError):  # pragma: no cover - not Linux
        return 4 << 30


def _estimate(path: Path) -> int:
    """Estimated bytes of the table in memory."""
    name = path.name.lower()
    if name.endswith(_PARQUET):
        try:
            import pyarrow.parquet as pq

            meta = pq.ParquetFile(path).metadata
            return sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        except Exception:
            return path.stat().st_size
    size = path.stat().st_size
    return 2 * size * (5 if name.endswith(".gz") else 1)


def wants_stream(args: argparse.Namespace, err: TextIO, quiet: bool = False) -> bool:
    """``--stream``, or a table over the memory budget (said on ``err``)."""
    if getattr(args, "stream", False):
        return True
    path = Path(args.data)
    if not path.is_file():
        return False  # the in-memory reader names the missing file
    size, budget = _estimate(path), memory_budget()
    if size <= budget:
        return False
    if not quiet:
        err.write(
            f"oneneuron: note: {path} takes about {size / 2**30:.1f} GiB in memory, over the "
            f"budget of {budget / 2**30:.1f} GiB: reading it in blocks (ONENEURON_MEMORY_BUDGET)\n"
        )
    return True


def open_table(
    path: str, target: str | None, features: list[str] | None, quiet: bool
) -> TableSource:
    """A TableSource for a CSV/TSV or Parquet path (a progress line on a terminal)."""
    name = path.lower()
    progress = None if not quiet else False
    if name.endswith(_PARQUET):
        return scan_parquet(path, target, features, progress=progress)
    if not name.endswith((".csv", ".csv.gz", ".tsv", ".tsv.gz")):
        raise ValueError(f"{path}: streaming reads .csv, .tsv (optionally .gz) and .parquet files")
    return scan_csv(path, target, features, progress=progress)


def _features(model: LogisticRegression, source: TableSource, target: str | None) -> list[str]:
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        return [str(n) for n in names]
    columns = [c for c in source.reader.columns if c != target]
    if len(columns) != model.n_features_in_:
        raise ValueError(
            f"{source.path}: the model expects {model.n_features_in_} feature(s); the table "
            f"has {len(columns)} column(s) besides the target"
        )
    return columns


# ------------------------------------------------------------------------------ train
def stream_train(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``train`` on a table read in blocks, once per pass."""
    if args.validation is not None:
        raise ValueError(
            "--validation holds out rows in memory; it does not combine with a streamed table"
        )
    target = check_out_file(args.out)
    source = open_table(args.data, args.target, None, args.quiet)
    from ._commands import model_from_args

    model = model_from_args(args, source.labels)
    total = args.epochs if args.epochs is not None else 100
    progress = Progress(total, "iter", err, quiet=args.quiet)
    with relay_warnings(err, cli_words), in_cli_words(), divergence_is_an_error():
        try:
            model.fit(source, callbacks=[progress])
        finally:
            progress.close()
    atomic_write(target, model.save)
    if is_stdout(target):
        out = err
    final = model.history_[-1]
    rows = [
        ("data", f"{args.data}: {source.n_samples} rows, {source.n_features} features (streamed)"),
        ("classes", ", ".join(str(c) for c in model.classes_)),
        ("solver", model.solver_),
        ("iterations", f"{model.n_iter_} ({'converged' if model.converged_ else 'not converged'})"),
        ("final loss", fmt_loss(final["loss"])),
        ("training accuracy", f"{final['accuracy']:.4f}"),
        ("model", "standard output" if is_stdout(target) else str(target)),
    ]
    width = max(len(k) for k, _ in rows) + 2
    out.write("".join(f"{k:<{width}}{v}\n" for k, v in rows))
    return 0


def _binary_only(model: LogisticRegression, command: str) -> None:
    if len(model.classes_) > 2:
        raise ValueError(
            f"{command} reads a table in blocks for binary models only; this model has "
            f"{len(model.classes_)} classes: raise ONENEURON_MEMORY_BUDGET (bytes) to read the "
            "table in memory, or predict from Python with oneneuron.data.scan_csv/scan_parquet"
        )


# ---------------------------------------------------------------------------- predict
def stream_predict(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``predict`` a table in blocks, writing the CSV chunk by chunk."""
    model = load_model_file(args.model)
    probe = open_table(args.data, None, None, True)
    quiet = getattr(args, "quiet", False)
    _binary_only(model, "predict")
    source = open_table(args.data, None, _features(model, probe, args.target), quiet)
    classes, cut = model.classes_, logit(model.threshold)
    coef, intercept = model.coef_[0], float(model.intercept_[0])
    n_rows = 0

    def write(handle: Any) -> None:
        nonlocal n_rows
        handle.write("prediction,proba\n" if args.proba else "prediction\n")
        for block in source.blocks():
            z = block.X @ coef + intercept
            labels = classes[(z >= cut).astype(int)]
            if args.proba:
                lines = [f"{c},{p!r}\n" for c, p in zip(labels, sigmoid(z).tolist(), strict=True)]
            else:
                lines = [f"{c}\n" for c in labels]
            handle.write("".join(lines))
            n_rows += len(lines)

    if args.out is None or is_stdout(args.out):
        write(out)
    else:
        path = check_out_file(args.out)

        def to_file(tmp: Path) -> None:
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                write(f)

        atomic_write(path, to_file)
        err.write(f"oneneuron: wrote {n_rows} predictions to {path}\n")
    return 0


# --------------------------------------------------------------------------- evaluate
def stream_evaluate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``evaluate`` a model on a labelled table read in blocks."""
    from ._commands import _table
    from ._report import confusion_lines, metrics_from_scores, metrics_table

    model = load_model_file(args.model)
    probe = open_table(args.data, args.target, None, True)
    quiet = getattr(args, "quiet", False)
    _binary_only(model, "evaluate")
    source = open_table(args.data, args.target, _features(model, probe, args.target), quiet)
    labels = np.asarray(source.labels())
    unknown = np.setdiff1d(labels, model.classes_)
    if len(unknown):
        raise ValueError(
            f"{args.data}: the labels {unknown.tolist()[:5]} are not classes of the model "
            f"{model.classes_.tolist()}"
        )
    source.encode(model.classes_)
    coef, intercept, cut = model.coef_[0], float(model.intercept_[0]), logit(model.threshold)
    logits, positive = [], []  # one float and one bool per row, not the features
    for block in source.blocks():
        logits.append(block.X @ coef + intercept)
        positive.append(block.is_positive().copy())
    z = np.concatenate(logits) if logits else np.empty(0)
    is_pos = np.concatenate(positive) if positive else np.empty(0, bool)
    y = model.classes_[is_pos.astype(int)]
    pred = model.classes_[(z >= cut).astype(int)]
    m = metrics_from_scores(model, y, np.column_stack([sigmoid(-z), sigmoid(z)]), pred)
    if args.json:
        out.write(json.dumps(m, indent=2) + "\n")
        return 0
    out.write(f"{args.model} on {args.data} ({m['n_samples']} rows, streamed)\n")
    _table(out, metrics_table(m))
    out.write("confusion matrix (rows: true, columns: predicted)\n")
    out.write("\n".join(confusion_lines(m)) + "\n")
    return 0
