"""The argument parser of ``oneneuron``: every subcommand, option, default and help text
(those of ``plot``, ``info``, ``export``, ``summary``, ``path`` and ``playground`` in
:mod:`._parser_inspect`; the options' choices and value types in :mod:`._options`).

A usage error raises :class:`UsageError` (one line) instead of printing the usage and
exiting, so that :func:`oneneuron.cli.main` reports every user error the same way.
"""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from .._version import __version__
from ._options import COV_TYPES as COV_TYPES
from ._options import (
    DEMO_DATASETS,
    EXPORT_FORMATS,
    PLOT_KINDS,
    SOLVER_CHOICES,
    _class_weight,
    _dataset,
    _float_in,
    _int_at_least,
    join_negative_points,
)
from ._options import parse_shape as parse_shape
from ._parser_inspect import add_inspection_commands

__all__ = [
    "DEMO_DATASETS",
    "EXPORT_FORMATS",
    "PLOT_KINDS",
    "UsageError",
    "build_parser",
    "join_negative_points",
]


class UsageError(Exception):
    """A bad command line; the message is one line."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise :class:`UsageError` instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


# ---------------------------------------------------------------------------- parser
def build_parser() -> Parser:
    """The ``oneneuron`` parser; ``args.command`` names the subcommand."""
    parser = Parser(
        prog="oneneuron",
        description="Binary logistic regression as one neuron: train, predict, evaluate, plot.",
        epilog="Results go to stdout; progress and messages to stderr. "
        "Start with: oneneuron demo --out report",
    )
    parser.add_argument("--version", action="version", version=f"oneneuron {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _demo(sub)
    _train(sub)
    _report(sub)
    _predict(sub)
    _evaluate(sub)
    add_inspection_commands(sub)  # plot, info, export, summary, path, playground
    return parser


def _demo(sub: Any) -> None:
    p = sub.add_parser(
        "demo",
        help="train on a built-in data set and write a report (HTML, Markdown, figures)",
        description="Load a built-in data set, split it (stratified, seeded), train one neuron "
        "while printing the cost, and write model.json, metrics.json, figures, report.md and "
        "index.html into DIR. Prints the path of index.html last.",
    )
    p.add_argument(
        "dataset",
        nargs="?",
        default="digits",
        type=_dataset,
        choices=DEMO_DATASETS,
        help="data set (default: digits, the 8x8 handwritten 0 vs 1; digits10: all ten "
        "digits, K = 10 classes)",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="report directory: a new or empty one, or an earlier oneneuron report "
        "(its files are replaced; nothing else in it is touched)",
    )
    p.add_argument("--seed", type=_int_at_least(0), default=0, help="random seed (default 0)")
    p.add_argument(
        "--epochs", type=_int_at_least(1), help="iterations (epochs for sgd); default per data set"
    )
    p.add_argument("--data", metavar="DIR", help="mnist only: directory of the MNIST IDX files")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _model_options(p: Any) -> None:
    """The options of the model that ``train`` and ``report`` fit."""
    p.add_argument("--solver", choices=SOLVER_CHOICES, default="auto", help="default: auto")
    p.add_argument(
        "--alpha", type=_float_in(0.0), default=1e-4, help="penalty strength (default 1e-4)"
    )
    p.add_argument(
        "--l1-ratio",
        type=_float_in(0.0, 1.0, high_open=False),
        default=0.0,
        metavar="R",
        help="L1 share of the penalty, 0..1: 0 ridge (default), 1 lasso, between: elastic net",
    )
    p.add_argument(
        "--firth",
        action="store_true",
        help="Firth's bias-reduced model (finite under separation; replaces --alpha)",
    )
    p.add_argument(
        "--epochs",
        type=_int_at_least(1),
        help="most iterations (epochs for sgd, which trains exactly this many)",
    )
    p.add_argument(
        "--learning-rate",
        type=_float_in(0.0, low_open=True),
        default=0.1,
        help="step size for gd/sgd (default 0.1)",
    )
    p.add_argument(
        "--batch-size", type=_int_at_least(1), default=64, help="sgd mini-batch (default 64)"
    )
    p.add_argument("--standardize", action="store_true", help="train on standardised features")
    p.add_argument(
        "--threshold",
        type=_float_in(0.0, 1.0, high_open=False),
        default=0.5,
        help="predict the second class when its probability is at least this (default 0.5; "
        "two classes only)",
    )
    p.add_argument(
        "--class-weight",
        type=_class_weight,
        metavar="WEIGHTS",
        help="'balanced', or LABEL=WEIGHT pairs such as no=1,yes=5: each sample's weight "
        "is its class's",
    )
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")


def _train(sub: Any) -> None:
    p = sub.add_parser(
        "train",
        help="train a model on a CSV/Parquet table",
        description="Train on DATA (CSV/TSV/Parquet) and save the model as JSON.",
    )
    p.add_argument("data", metavar="DATA", help="table file (.csv, .tsv, .parquet, ...)")
    p.add_argument("--target", required=True, metavar="COL", help="label column")
    p.add_argument(
        "--out", required=True, metavar="MODEL", help="model file to write (.json); - for stdout"
    )
    _model_options(p)
    p.add_argument(
        "--validation",
        type=_float_in(0.0, 1.0, low_open=True),
        metavar="FRACTION",
        help="hold out this fraction and stop early when its loss stops improving",
    )
    p.add_argument(
        "--stream",
        action="store_true",
        help="read DATA in blocks (files larger than memory; automatic above "
        "ONENEURON_MEMORY_BUDGET, default a quarter of the free memory)",
    )
    p.add_argument("--seed", type=_int_at_least(0), help="random seed")


def _report(sub: Any) -> None:
    p = sub.add_parser(
        "report",
        help="the demo's report for your own table: metrics, curves, figures, a web page",
        description="Split DATA (stratified, seeded) into train, validation and test parts, "
        "train one neuron on the first, score the second at every iteration, and write "
        "model.json, metrics.json, figures, report.md and index.html (test metrics) into "
        "DIR. Prints the path of index.html last.",
    )
    p.add_argument("data", metavar="DATA", help="table file (.csv, .tsv, .parquet, ...)")
    p.add_argument("--target", required=True, metavar="COL", help="label column")
    p.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="report directory: a new or empty one, or an earlier oneneuron report "
        "(its files are replaced; nothing else in it is touched)",
    )
    _model_options(p)
    p.add_argument("--seed", type=_int_at_least(0), default=0, help="random seed (default 0)")


def _predict(sub: Any) -> None:
    p = sub.add_parser(
        "predict",
        help="predict a table, a few points, or points typed one per line",
        description="Predict the rows of DATA (CSV to stdout or --out), the --point values, "
        "or points typed on stdin with --interactive (blank line, 'q' or EOF ends). "
        "p is the probability of the model's second class (classes_[1]); with K >= 3 "
        "classes, of the predicted class.",
    )
    p.add_argument("model", metavar="MODEL", help="model file (.json)")
    p.add_argument("data", metavar="DATA", nargs="?", help="table file to predict")
    p.add_argument(
        "--proba",
        action="store_true",
        help="add a column proba = P(classes_[1]) (K >= 3 classes: proba_<class> for each)",
    )
    p.add_argument(
        "--stream",
        action="store_true",
        help="read DATA in blocks (files larger than memory; automatic above "
        "ONENEURON_MEMORY_BUDGET, default a quarter of the free memory)",
    )
    p.add_argument("--out", metavar="FILE", help="write the CSV here (default, or -: stdout)")
    p.add_argument(
        "--point",
        action="append",
        metavar="X1,X2,...",
        help="a point to predict, e.g. --point 2,1 (repeatable)",
    )
    p.add_argument("--interactive", action="store_true", help="read points from stdin")
    p.add_argument(
        "--plot",
        metavar="FILE",
        help="with --interactive: save the decision boundary with the typed points",
    )
    p.add_argument("--data", dest="plot_data", metavar="DATA", help="points drawn by --plot")
    p.add_argument("--target", metavar="COL", help="label column of DATA (for --plot)")


def _evaluate(sub: Any) -> None:
    p = sub.add_parser(
        "evaluate",
        help="accuracy, log-loss, precision, recall, F1, ROC AUC, confusion matrix",
        description="Score MODEL on the labelled table DATA (scikit-learn's metrics).",
    )
    p.add_argument("model", metavar="MODEL")
    p.add_argument("data", metavar="DATA")
    p.add_argument("--target", required=True, metavar="COL", help="label column")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument(
        "--stream",
        action="store_true",
        help="read DATA in blocks (files larger than memory; automatic above "
        "ONENEURON_MEMORY_BUDGET, default a quarter of the free memory)",
    )
