"""The ``demo`` command: the seeds' whole workflow on a built-in data set, ending in a report.

load -> stratified train/validation/test split (for MNIST the t10k files are the test part
when they are there) -> one neuron trained with the cost printed (ten for ``digits10``,
the digits 0-9: one per class) -> test metrics ->
model.json, metrics.json, figures, report.md, index.html (:mod:`._pipeline`, which the
``report`` command shares).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

from .. import datasets
from ..estimator import LogisticRegression
from ._pipeline import split_rows, write_report

__all__ = ["MNIST_HELP", "demo"]

MNIST_HELP = (
    "demo mnist needs --data DIR, a directory holding the four MNIST IDX files "
    "(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
    "t10k-labels-idx1-ubyte, plain or .gz), e.g. from "
    "https://storage.googleapis.com/cvdf-datasets/mnist/ (the two t10k files are the "
    "test set; without them the test part is split from the training files)"
)


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
    "digits10": Recipe("sgd", 0.01, 30, batch_size=32),  # ten classes, the digits' recipe
}
TOY = Recipe("gd", 0.3, 300)  # the seeds' full-batch gradient descent, 2-D data


def _load(name: str, seed: int, data: str | None) -> datasets.Dataset:
    if name == "mnist":
        if data is None:
            raise ValueError(MNIST_HELP)
        return datasets.load("mnist", path=data)
    if name in ("digits", "breast-cancer", "digits10"):
        return datasets.load(name)
    return datasets.load(name, random_state=seed)


def _with_mnist_test(train: datasets.Dataset, data: str) -> tuple[datasets.Dataset, Any]:
    """The training files' digits and, when the t10k files are there, the official test
    digits after them (their rows are the test part); else the training files alone."""
    try:
        test = datasets.load("mnist", path=data, subset="test")
    except FileNotFoundError:
        return train, None
    both = datasets.Dataset(
        X=np.vstack([train.X, test.X]),
        y=np.concatenate([train.y, test.y]),
        feature_names=train.feature_names,
        target_names=train.target_names,
        name=train.name,
        description="MNIST handwritten digits 0 and 1 from the IDX files in "
        f"{data}: train and validation from the training files, test from the t10k files.",
        images=None if train.images is None else np.concatenate([train.images, test.images]),
    )
    return both, np.arange(train.n_samples, both.n_samples)


def demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the demo and print a summary; the last line on ``out`` is the index.html path."""
    name, seed = args.dataset, args.seed
    recipe = RECIPES.get(name, TOY)
    epochs = args.epochs if args.epochs is not None else recipe.epochs
    if name != "mnist" and args.data is not None:
        raise ValueError("--data is only for demo mnist")
    started = time.perf_counter()
    ds, test = _load(name, seed, args.data), None
    if name == "mnist":
        ds, test = _with_mnist_test(ds, args.data)
        if test is None and not args.quiet:
            err.write(
                "oneneuron: note: no t10k files in --data: the test part is split "
                "from the training files\n"
            )
    sp = split_rows(ds, seed, test)
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
    return write_report(args, name, sp, model, out, err, started)
