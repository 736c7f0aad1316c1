"""Tables larger than memory on the command line: ``train``, ``predict`` and ``evaluate``
read them in blocks (``--stream``, or on their own above a memory budget).

The budget is ``ONENEURON_MEMORY_BUDGET`` (bytes) or a quarter of the memory available;
a table whose estimated size in memory (Parquet: its uncompressed size; CSV: its size on
disk, five times that gzipped, times two for parsing) exceeds it is streamed, with a note.
``predict`` writes its output in chunks, ``evaluate`` keeps one score and one label per
row (a few bytes, not the features; with K >= 3 classes, the K probabilities of a row).
Models of K classes answer as in memory: labels, ``--proba`` one column per class,
and the K-class metrics (macro averages and per class).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from .._numerics import logit, sigmoid
from .._predicting_multi import _proba, _shifted
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
    from ._train import model_from_args

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


# ---------------------------------------------------------------------------- predict
def _answer_lines(model: LogisticRegression, X: Any, proba: bool) -> list[str]:
    """The CSV lines of ``predict`` for a block of rows: as the in-memory command writes
    them (K >= 3 classes: the label, then with ``proba`` one probability per class)."""
    classes = model.classes_
    if len(classes) > 2:
        W = np.asarray(model.coef_, dtype=np.float64)
        b = np.asarray(model.intercept_, dtype=np.float64)
        S = _shifted(X, W, b)  # the in-memory predictions' shifted logits
        labels = classes[np.argmax(S, axis=1)]
        if not proba:
            return [f"{c}\n" for c in labels]
        rows = _proba(S).tolist()
        return [
            f"{c}," + ",".join(repr(p) for p in row) + "\n"
            for c, row in zip(labels, rows, strict=True)
        ]
    z = X @ model.coef_[0] + float(model.intercept_[0])
    labels = classes[(z >= logit(model.threshold)).astype(int)]
    if proba:
        return [f"{c},{p!r}\n" for c, p in zip(labels, sigmoid(z).tolist(), strict=True)]
    return [f"{c}\n" for c in labels]


def stream_predict(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``predict`` a table in blocks, writing the CSV chunk by chunk."""
    model = load_model_file(args.model)
    probe = open_table(args.data, None, None, True)
    quiet = getattr(args, "quiet", False)
    source = open_table(args.data, None, _features(model, probe, args.target), quiet)
    header = "prediction"
    if args.proba and len(model.classes_) > 2:
        header += "".join(f",proba_{c}" for c in model.classes_)
    elif args.proba:
        header += ",proba"
    n_rows = 0

    def write(handle: Any) -> None:
        nonlocal n_rows
        handle.write(header + "\n")
        for block in source.blocks():
            lines = _answer_lines(model, block.X, args.proba)
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
    from ._report import confusion_lines, metrics_from_scores, metrics_table, per_class_rows

    model = load_model_file(args.model)
    probe = open_table(args.data, args.target, None, True)
    quiet = getattr(args, "quiet", False)
    source = open_table(args.data, args.target, _features(model, probe, args.target), quiet)
    labels = np.asarray(source.labels())
    unknown = np.setdiff1d(labels, model.classes_)
    if len(unknown):
        raise ValueError(
            f"{args.data}: the labels {unknown.tolist()[:5]} are not classes of the model "
            f"{model.classes_.tolist()}"
        )
    source.encode(model.classes_)
    if len(model.classes_) > 2:
        y, proba, pred = _k_class_scores(model, source)
    else:
        y, proba, pred = _binary_scores(model, source)
    m = metrics_from_scores(model, y, proba, pred)
    if args.json:
        out.write(json.dumps(m, indent=2) + "\n")
        return 0
    if m.get("per_class") is not None:
        what = f"{len(m['labels'])} classes"
    else:
        what = f"positive class {m['positive_label']}"
    out.write(f"{args.model} on {args.data} ({m['n_samples']} rows, {what}, streamed)\n")
    _table(out, metrics_table(m))
    per = per_class_rows(m)
    if per:
        width = max(len(row[0]) for row in per) + 2
        out.write("per class (each against the rest)\n")
        lines = (row[0].ljust(width) + "".join(f"{v:>11}" for v in row[1:]) for row in per)
        out.write("".join(line + "\n" for line in lines))
    out.write("confusion matrix (rows: true, columns: predicted)\n")
    out.write("\n".join(confusion_lines(m)) + "\n")
    if m["roc_auc"] is None:
        err.write("oneneuron: note: ROC AUC needs both classes in the data\n")
    return 0


def _binary_scores(model: LogisticRegression, source: TableSource) -> tuple[Any, Any, Any]:
    """True labels, probabilities (n, 2) and predicted labels: one logit and one bool
    per row are kept, not the features."""
    coef, intercept, cut = model.coef_[0], float(model.intercept_[0]), logit(model.threshold)
    logits, positive = [], []
    for block in source.blocks():
        logits.append(block.X @ coef + intercept)
        positive.append(block.is_positive().copy())
    z = np.concatenate(logits) if logits else np.empty(0)
    is_pos = np.concatenate(positive) if positive else np.empty(0, bool)
    y = model.classes_[is_pos.astype(int)]
    pred = model.classes_[(z >= cut).astype(int)]
    return y, np.column_stack([sigmoid(-z), sigmoid(z)]), pred


def _k_class_scores(model: LogisticRegression, source: TableSource) -> tuple[Any, Any, Any]:
    """The same for K >= 3 classes: the K probabilities and two class codes per row, from
    the shifted logits the in-memory predictions use."""
    W = np.asarray(model.coef_, dtype=np.float64)
    b = np.asarray(model.intercept_, dtype=np.float64)
    K = len(W)
    probas, true, predicted = [], [], []
    for block in source.blocks():  # K >= 3: the blocks carry class codes
        S = _shifted(block.X, W, b)
        predicted.append(np.argmax(S, axis=1))
        probas.append(_proba(S))
        true.append(np.asarray(block.sign, dtype=np.intp))
    classes = model.classes_
    proba = np.concatenate(probas) if probas else np.empty((0, K))
    y = classes[np.concatenate(true)] if true else classes[:0]
    pred = classes[np.concatenate(predicted)] if predicted else classes[:0]
    return y, proba, pred
