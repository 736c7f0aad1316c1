"""The ``demo`` command: the seeds' whole workflow on a built-in data set, ending in a report.

load -> stratified train/validation/test split -> one neuron trained with the cost printed
-> test metrics -> model.json, metrics.json, figures, report.md, index.html. The report is
built in a temp directory beside ``--out`` and moved into place only when complete.
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
from ._common import relay_warnings, staged_directory
from ._figures import draw_figures
from ._progress import Progress, fmt_loss
from ._report import Figure, classification_metrics, render_html, render_markdown

__all__ = ["MNIST_HELP", "demo"]

MNIST_HELP = (
    "demo mnist needs --data DIR, a directory holding the four MNIST IDX files "
    "(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
    "t10k-labels-idx1-ubyte, plain or .gz), e.g. from "
    "https://storage.googleapis.com/cvdf-datasets/mnist/"
)
VAL_SIZE, TEST_SIZE = 0.15, 0.2


@dataclass(frozen=True)
class Recipe:
    """How the demo trains on one data set."""

    solver: str
    learning_rate: float
    epochs: int
    batch_size: int = 64


RECIPES = {
    "digits": Recipe("sgd", 0.01, 30, batch_size=32),  # the seeds' random mini-batches
    "mnist": Recipe("sgd", 0.05, 10, batch_size=64),
    "breast-cancer": Recipe("gd", 0.5, 300),
}
TOY = Recipe("gd", 0.3, 300)  # the seeds' full-batch gradient descent, 2-D data


@dataclass
class Split:
    """The data set and its train / validation / test parts (row indices)."""

    ds: datasets.Dataset
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray

    def X(self, part: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(self.ds.X[part], columns=self.ds.feature_names)

    def y(self, part: np.ndarray) -> np.ndarray:
        return np.asarray(self.ds.y[part])


def _load(name: str, seed: int, data: str | None) -> datasets.Dataset:
    if name == "mnist":
        if data is None:
            raise ValueError(MNIST_HELP)
        return datasets.load("mnist", path=data)
    if name in ("digits", "breast-cancer"):
        return datasets.load(name)
    return datasets.load(name, random_state=seed)


def _split(ds: datasets.Dataset, seed: int) -> Split:
    idx = np.arange(ds.n_samples)
    train, val, test, *_ = datasets.train_val_test_split(
        idx, ds.y, val_size=VAL_SIZE, test_size=TEST_SIZE, random_state=seed
    )
    return Split(ds, np.asarray(train), np.asarray(val), np.asarray(test))


def demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the demo and print a summary; the last line on ``out`` is the index.html path."""
    name, seed = args.dataset, args.seed
    recipe = RECIPES.get(name, TOY)
    epochs = args.epochs if args.epochs is not None else recipe.epochs
    if name != "mnist" and args.data is not None:
        raise ValueError("--data is only for demo mnist")
    started = time.perf_counter()
    ds = _load(name, seed, args.data)
    with staged_directory(args.out) as tmp:
        sp = _split(ds, seed)
        if not args.quiet:
            err.write(
                f"{ds.name}: {ds.n_samples} samples, {ds.n_features} features; "
                f"train {len(sp.train)}, validation {len(sp.val)}, test {len(sp.test)}\n"
                f"training one neuron: solver {recipe.solver}, learning rate "
                f"{recipe.learning_rate:g}, {epochs} {_unit(recipe)}s\n"
            )
        model = LogisticRegression(
            solver=recipe.solver,
            learning_rate=recipe.learning_rate,
            batch_size=recipe.batch_size,
            max_iter=epochs,
            tol=None,  # a fixed budget of epochs, as in the seeds
            standardize=ds.needs_scaling,
            record_weights=True,
            early_stopping=False,
            random_state=seed,
        )
        progress = Progress(epochs, _unit(recipe), err, quiet=args.quiet)
        with relay_warnings(err):
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
        summary = _summary(name, seed, recipe, sp, model, metrics)
        (tmp / "metrics.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        if not args.quiet:
            err.write("drawing the figures and the animation...\n")
        figures, notes = draw_figures(
            tmp,
            name,
            seed,
            model,
            (sp.X(sp.train), sp.y(sp.train)),
            (sp.X(sp.test), sp.y(sp.test)),
            None if ds.images is None else ds.images[sp.test],
        )
        _write_report(tmp, name, recipe, sp, model, metrics, figures, notes)
    index = Path(args.out).absolute() / "index.html"
    out.write(
        f"test accuracy {metrics['accuracy']:.4f}  log-loss {fmt_loss(metrics['log_loss'])}  "
        f"F1 {metrics['f1']:.4f}  ({len(sp.test)} test samples, "
        f"{time.perf_counter() - started:.1f} s)\n{index}\n"
    )
    return 0


def _unit(recipe: Recipe) -> str:
    return "epoch" if recipe.solver == "sgd" else "iter"


def _summary(
    name: str, seed: int, recipe: Recipe, sp: Split, model: LogisticRegression, m: dict[str, Any]
) -> dict[str, Any]:
    return {
        "dataset": name,
        "seed": seed,
        **{k: m[k] for k in ("accuracy", "log_loss", "precision", "recall", "f1", "roc_auc")},
        "confusion_matrix": m["confusion_matrix"],
        "labels": m["labels"],
        "positive_label": m["positive_label"],
        "n_train": len(sp.train),
        "n_val": len(sp.val),
        "n_test": len(sp.test),
        "n_features": sp.ds.n_features,
        "solver": model.solver_,
        "learning_rate": recipe.learning_rate,
        "batch_size": recipe.batch_size if recipe.solver == "sgd" else None,
        "standardize": bool(model.standardize),
        "n_iter": int(model.n_iter_),
        "converged": bool(model.converged_),
        "final_loss": float(model.history_["loss"][-1]),
        "final_val_loss": float(model.history_["val_loss"][-1]),
    }


def _write_report(
    tmp: Path,
    name: str,
    recipe: Recipe,
    sp: Split,
    model: LogisticRegression,
    metrics: dict[str, Any],
    figures: list[Figure],
    notes: list[str],
) -> None:
    ds = sp.ds
    title = f"oneneuron demo: {name}"
    intro = [
        ds.description,
        "One neuron, p = sigmoid(x . w + b), trained by "
        + (
            "mini-batch stochastic gradient descent"
            if recipe.solver == "sgd"
            else "full-batch gradient descent"
        )
        + " on the training part; the validation part is scored at every iteration; every "
        "number below is on the held-out test part.",
    ]
    hist = model.history_
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
            f"{model.solver_}, learning rate {recipe.learning_rate:g}"
            + (f", batch size {recipe.batch_size}" if recipe.solver == "sgd" else "")
            + (", standardised features" if model.standardize else ""),
        ),
        (
            "iterations",
            f"{model.n_iter_} "
            + ("(converged)" if model.converged_ else "(a fixed number; not converged to tol)"),
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
