"""The ``train`` command, and the estimator that every command which fits builds from the options.

``train`` is ``command(args, out, err) -> int`` as in :mod:`._commands`; :func:`model_from_args`
is also what ``train --stream`` (:mod:`._stream`) and ``report`` (:mod:`._pipeline`) build.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TextIO

import numpy as np
import pandas as pd

from ..datasets import load_table
from ..estimator import LogisticRegression
from ..solvers import SOLVERS, choose_solver
from ._commands import _table
from ._common import (
    atomic_write,
    check_out_file,
    cli_words,
    divergence_is_an_error,
    in_cli_words,
    is_stdout,
    relay_warnings,
)
from ._progress import Progress, fmt_loss

__all__ = ["class_weights", "model_from_args", "train"]


# ------------------------------------------------------------------------------ train
def train(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Fit on a table and save the model (atomically) to ``--out``."""
    from ._stream import stream_train, wants_stream

    if wants_stream(args, err, args.quiet):
        return stream_train(args, out, err)
    target = check_out_file(args.out)
    ds = load_table(args.data, args.target)
    smooth = args.l1_ratio == 0 or args.alpha == 0
    name = args.solver
    if name == "auto":
        name = "newton" if args.firth else choose_solver(*ds.X.shape, smooth=smooth)
    model = model_from_args(
        args,
        lambda: ds.y,
        early_stopping=args.validation is not None,
        validation_fraction=args.validation if args.validation is not None else 0.1,
    )
    if ds.needs_scaling and not args.standardize and name in ("gd", "sgd"):
        err.write(
            "oneneuron: note: the feature ranges differ by more than 10x; "
            "--standardize makes gd/sgd converge much faster\n"
        )
    X = pd.DataFrame(ds.X, columns=ds.feature_names)
    facts = SOLVERS[name]
    total = args.epochs if args.epochs is not None else facts.default_max_iter
    progress = Progress(total, "epoch" if facts.unit == "epoch" else "iter", err, quiet=args.quiet)
    with relay_warnings(err, cli_words), in_cli_words(), divergence_is_an_error():
        try:
            # Firth's iteration takes no callbacks: a few Newton steps, no progress bar
            model.fit(X, ds.y, callbacks=[] if args.firth else [progress])
        finally:
            progress.close()
    atomic_write(target, model.save)
    if is_stdout(target):  # the model went to stdout: the summary goes to stderr
        out = err
    final = model.history_[-1]  # the kept model's record: training rows only
    features = ", ".join(ds.feature_names[:6]) + (", ..." if ds.n_features > 6 else "")
    if model.tol is None:
        status = "a fixed budget"
    else:
        status = "converged" if model.converged_ else "not converged"
    rows = [
        ("data", f"{args.data}: {ds.n_samples} rows, {ds.n_features} features ({features})"),
        ("classes", ", ".join(str(c) for c in model.classes_)),
        ("solver", model.solver_),
        ("iterations", f"{model.n_iter_} ({status}, stop: {model.stop_reason_})"),
        ("final loss", fmt_loss(final["loss"])),
        ("non-zero weights", f"{int(np.count_nonzero(model.coef_))} of {model.coef_.size}"),
        ("training accuracy", f"{final['accuracy']:.4f}"),
    ]
    if "val_loss" in final:
        rows.append(("validation loss", fmt_loss(float(final["val_loss"]))))
        rows.append(("validation accuracy", f"{final['val_accuracy']:.4f}"))
    rows.append(("model", "standard output" if is_stdout(target) else str(target)))
    _table(out, rows)
    return 0


def model_from_args(
    args: argparse.Namespace, labels: Callable[[], np.ndarray], **extra: Any
) -> LogisticRegression:
    """The estimator of every option ``_model_options`` defines, in the command's words:
    the one place ``train``, ``train --stream`` and ``report`` build their model.

    ``labels`` gives the table's labels, asked for only when ``--class-weight`` names
    some (a streamed table reads them in a pass of its own).
    """
    weights = args.class_weight
    if weights is not None and weights != "balanced":
        weights = class_weights(weights, labels(), args.target)
    with in_cli_words():
        return LogisticRegression(
            solver=args.solver,
            alpha=args.alpha,
            l1_ratio=args.l1_ratio,
            firth=args.firth,
            max_iter=args.epochs,
            learning_rate=args.learning_rate,
            batch_size=args.batch_size,
            tol=None if args.solver == "sgd" else 1e-6,  # sgd: a fixed budget of epochs
            standardize=args.standardize,
            threshold=args.threshold,
            class_weight=weights,
            random_state=args.seed,
            **extra,
        )


def class_weights(given: Any, y: np.ndarray, target: str) -> Any:
    """``--class-weight`` for the labels of the table: None, "balanced", or a dict from
    each named label (matched by its text) to its weight."""
    if given is None or given == "balanced":
        return given
    labels = {str(v): v for v in np.unique(y).tolist()}
    weights = {}
    for text, weight in given:
        if text not in labels:
            shown = ", ".join(sorted(labels))
            raise ValueError(
                f"--class-weight names the label {text!r}; the labels in {target!r} are {shown}"
            )
        weights[labels[text]] = weight
    return weights
