"""The report pipeline that ``demo`` and ``report`` share, and the ``report`` command.

split (stratified, seeded) -> one neuron (or K, one per class) trained while the cost is
printed -> test metrics -> model.json, metrics.json, figures, report.md and index.html,
built in a temp directory beside ``--out`` and moved into place only when complete (the
directory rules of :func:`oneneuron._files.staged_directory`: new, empty, or an earlier
report).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from .. import datasets
from ..estimator import LogisticRegression
from ._common import (
    cli_words,
    divergence_is_an_error,
    in_cli_words,
    relay_warnings,
    staged_directory,
)
from ._figures import draw_figures
from ._progress import Progress, fmt_loss
from ._report import Figure, classification_metrics, render_html, render_markdown

__all__ = ["Split", "report", "split_rows", "write_report"]

VAL_SIZE, TEST_SIZE = 0.15, 0.2
METHODS = {
    "sgd": "mini-batch stochastic gradient descent",
    "gd": "full-batch gradient descent",
    "newton": "Newton's method",
    "lbfgs": "L-BFGS",
}


@dataclass
class Split:
    """The data set and its train / validation / test parts (row indices)."""

    ds: datasets.Dataset
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    test_source: str = "a stratified part of the data"

    def X(self, part: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(self.ds.X[part], columns=self.ds.feature_names)

    def y(self, part: np.ndarray) -> np.ndarray:
        return np.asarray(self.ds.y[part])


def split_rows(ds: datasets.Dataset, seed: int, test: np.ndarray | None = None) -> Split:
    """Stratified, seeded train / validation / test rows; with ``test`` given (rows of a
    separate test set), only train and validation are split from the other rows."""
    if test is not None:
        rest = np.setdiff1d(np.arange(ds.n_samples), test)
        val_size = VAL_SIZE / (1 - TEST_SIZE)
        train, val, *_ = datasets.train_test_split(
            rest, ds.y[rest], test_size=val_size, random_state=seed
        )
        return Split(ds, np.asarray(train), np.asarray(val), test, "the separate test files")
    idx = np.arange(ds.n_samples)
    train, val, tst, *_ = datasets.train_val_test_split(
        idx, ds.y, val_size=VAL_SIZE, test_size=TEST_SIZE, random_state=seed
    )
    return Split(ds, np.asarray(train), np.asarray(val), np.asarray(tst))


def write_report(
    args: argparse.Namespace,
    name: str,
    sp: Split,
    model: LogisticRegression,
    out: TextIO,
    err: TextIO,
    started: float,
    words: Any = None,
) -> int:
    """Train ``model`` on the split (validation scored at every step), then write the
    report into ``args.out``; the last line on ``out`` is the index.html path. Warnings
    are relayed through ``words`` (:func:`._common.cli_words`) when given."""
    ds = sp.ds
    with staged_directory(args.out) as tmp:
        if not args.quiet:
            err.write(
                f"{ds.name}: {ds.n_samples} samples, {ds.n_features} features; "
                f"train {len(sp.train)}, validation {len(sp.val)}, test {len(sp.test)}\n"
                f"training {_neurons(sp.y(sp.train))}: {_training(model)}\n"
            )
        unit = "epoch" if model.solver == "sgd" else "iter"
        steps = model.max_iter if model.max_iter is not None else _default_steps(model, ds)
        progress = Progress(steps, unit, err, quiet=args.quiet)
        with relay_warnings(err, words), divergence_is_an_error():
            try:
                model.fit(
                    sp.X(sp.train),
                    sp.y(sp.train),
                    eval_set=(sp.X(sp.val), sp.y(sp.val)),
                    callbacks=[progress],
                )
            finally:
                progress.close()
        metrics = classification_metrics(model, sp.X(sp.test), sp.y(sp.test))
        model.save(tmp / "model.json")
        summary = _summary(name, args.seed, sp, model, metrics)
        (tmp / "metrics.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        if not args.quiet:
            err.write("drawing the figures...\n")
        with relay_warnings(err, words):
            figures, notes = draw_figures(
                tmp,
                name,
                args.seed,
                model,
                (sp.X(sp.train), sp.y(sp.train)),
                (sp.X(sp.test), sp.y(sp.test)),
                None if ds.images is None else ds.images[sp.test],
            )
        _render(tmp, name, sp, model, metrics, figures, notes)
    index = Path(args.out).absolute() / "index.html"
    f1 = "macro F1" if metrics.get("per_class") is not None else "F1"
    out.write(
        f"test accuracy {metrics['accuracy']:.4f}  log-loss {fmt_loss(metrics['log_loss'])}  "
        f"{f1} {metrics['f1']:.4f}  ({len(sp.test)} test samples, "
        f"{time.perf_counter() - started:.1f} s)\n{index}\n"
    )
    return 0


def _neurons(y: np.ndarray) -> str:
    """``one neuron`` for two labels, ``K neurons (one per class)`` for K >= 3."""
    K = len(np.unique(y))
    return f"{K} neurons (one per class)" if K >= 3 else "one neuron"


def _default_steps(model: LogisticRegression, ds: datasets.Dataset) -> int:
    from ..solvers import SOLVERS, choose_solver

    name = model.solver if model.solver != "auto" else choose_solver(*ds.X.shape)
    return SOLVERS[name].default_max_iter


def _training(model: LogisticRegression) -> str:
    """``solver sgd, learning rate 0.01, 30 epochs`` or ``solver auto, alpha 0.0001``."""
    parts = [f"solver {model.solver}"]
    if model.solver in ("gd", "sgd"):
        parts.append(f"learning rate {model.learning_rate:g}")
    else:
        parts.append(f"alpha {model.alpha:g}")
    if model.max_iter is not None:
        parts.append(f"{model.max_iter} {'epoch' if model.solver == 'sgd' else 'iter'}s")
    if model.standardize:
        parts.append("standardised features")
    return ", ".join(parts)


def _summary(
    name: str, seed: int, sp: Split, model: LogisticRegression, m: dict[str, Any]
) -> dict[str, Any]:
    hist = model.history_
    return {
        "dataset": name,
        "seed": seed,
        **{k: m[k] for k in ("accuracy", "log_loss", "precision", "recall", "f1", "roc_auc")},
        **({"average": m["average"], "per_class": m["per_class"]} if "per_class" in m else {}),
        "confusion_matrix": m["confusion_matrix"],
        "labels": m["labels"],
        "positive_label": m["positive_label"],
        "n_train": len(sp.train),
        "n_val": len(sp.val),
        "n_test": len(sp.test),
        "n_features": sp.ds.n_features,
        "solver": model.solver_,
        "alpha": float(model.alpha),
        "learning_rate": model.learning_rate if model.solver_ in ("gd", "sgd") else None,
        "batch_size": model.batch_size if model.solver_ == "sgd" else None,
        "standardize": bool(model.standardize),
        "n_iter": int(model.n_iter_),
        "converged": bool(model.converged_),
        "final_loss": float(hist["loss"][-1]),
        "final_val_loss": float(hist["val_loss"][-1]),
    }


def _render(
    tmp: Path,
    name: str,
    sp: Split,
    model: LogisticRegression,
    metrics: dict[str, Any],
    figures: list[Figure],
    notes: list[str],
) -> None:
    ds, hist, solver = sp.ds, model.history_, model.solver_
    title = f"oneneuron report: {name}"
    K = len(model.classes_)
    neurons = (
        f"{K} neurons, one per class, p = softmax(x . W^T + b)"
        if K >= 3
        else "One neuron, p = sigmoid(x . w + b)"
    )
    intro = [
        ds.description,
        f"{neurons}, trained by {METHODS.get(solver, solver)} on "
        "the training part; the validation part is scored at every iteration; every "
        f"number below is on the held-out test part ({sp.test_source}).",
    ]
    fixed = model.tol is None
    setup = [
        (
            "data",
            f"{ds.n_samples} samples, {ds.n_features} features, classes "
            f"{', '.join(map(str, model.classes_))}",
        ),
        (
            "split (stratified)",
            f"train {len(sp.train)}, validation {len(sp.val)}, test {len(sp.test)}",
        ),
        (
            "solver",
            solver
            + (f", learning rate {model.learning_rate:g}" if solver in ("gd", "sgd") else "")
            + (f", batch size {model.batch_size}" if solver == "sgd" else "")
            + (f", alpha {model.alpha:g}" if model.alpha else "")
            + (", standardised features" if model.standardize else ""),
        ),
        (
            "iterations",
            f"{model.n_iter_} "
            + (
                "(a fixed number)"
                if fixed
                else (
                    "(converged)" if model.converged_ else f"(not converged: {model.stop_reason_})"
                )
            ),
        ),
        (
            "final loss",
            f"train {fmt_loss(hist['loss'][-1])}, validation {fmt_loss(hist['val_loss'][-1])}",
        ),
        ("files", "model.json (load with oneneuron.load), metrics.json"),
    ]
    args = (title, intro, setup, metrics, figures, notes)
    (tmp / "report.md").write_text(render_markdown(*args), encoding="utf-8")
    (tmp / "index.html").write_text(render_html(*args), encoding="utf-8")


# ----------------------------------------------------------------------- the command
def report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``oneneuron report DATA --target COL --out DIR``: the demo's report for a table."""
    from ._train import model_from_args

    started = time.perf_counter()
    ds = datasets.load_table(args.data, args.target, max_labels=None)  # K classes too
    sp = split_rows(ds, args.seed)
    # record_weights: the training animation of the boundary
    model = model_from_args(args, lambda: ds.y, record_weights=ds.n_features == 2)
    if ds.needs_scaling and not args.standardize and args.solver in ("gd", "sgd"):
        err.write(
            "oneneuron: note: the feature ranges differ by more than 10x; "
            "--standardize makes gd/sgd converge much faster\n"
        )
    with in_cli_words():
        return write_report(args, Path(args.data).name, sp, model, out, err, started, cli_words)
