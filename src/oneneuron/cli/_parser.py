"""The argument parser of ``oneneuron``: every subcommand, option, default and help text.

A usage error raises :class:`UsageError` (one line) instead of printing the usage and
exiting, so that :func:`oneneuron.cli.main` reports every user error the same way.
"""

from __future__ import annotations

import argparse
import math
import re
from typing import Any, NoReturn

from .._version import __version__

__all__ = [
    "DEMO_DATASETS",
    "EXPORT_FORMATS",
    "PLOT_KINDS",
    "UsageError",
    "build_parser",
    "join_negative_points",
]

#: The names of :data:`oneneuron.datasets.DATASETS`, spelled out so that ``--help`` does not
#: import NumPy (a test holds the two equal).
DEMO_DATASETS = [
    "blobs",
    "moons",
    "circles",
    "xor",
    "spirals",
    "digits",
    "breast-cancer",
    "mnist",
    "digits10",
]
PLOT_KINDS = ["boundary", "roc", "confusion", "weights", "curves"]
EXPORT_FORMATS = ["onnx"]
SOLVER_CHOICES = ["auto", "newton", "lbfgs", "proxnewton", "gd", "sgd"]
#: The covariance types of :func:`oneneuron.inference.summary` (a test holds them equal).
COV_TYPES = ["nonrobust", "HC0", "HC1", "cluster"]


class UsageError(Exception):
    """A bad command line; the message is one line."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors raise :class:`UsageError` instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


# ------------------------------------------------------------------------ value types
def _int_at_least(low: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be an integer >= {low}; got {value}")
        return value

    return parse


def _float_in(
    low: float, high: float = math.inf, *, low_open: bool = False, high_open: bool = True
) -> Any:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        below = value < high if high_open else value <= high
        ok = math.isfinite(value) and (value > low if low_open else value >= low) and below
        if not ok:
            lo = ("> " if low_open else ">= ") + f"{low:g}"
            hi = "" if math.isinf(high) else (" and < " if high_open else " and <= ") + f"{high:g}"
            raise argparse.ArgumentTypeError(f"must be a finite number {lo}{hi}; got {text!r}")
        return value

    return parse


def _class_weight(text: str) -> Any:
    """``balanced``, or ``LABEL=WEIGHT,LABEL=WEIGHT`` as a list of (label text, weight)."""
    if text.strip().lower() == "balanced":
        return "balanced"
    pairs = []
    for item in text.split(","):
        label, sep, weight = item.rpartition("=")
        if not sep or not label.strip():
            raise argparse.ArgumentTypeError(
                f"expected 'balanced' or LABEL=WEIGHT pairs such as 0=1,1=5; got {text!r}"
            )
        try:
            value = _float_in(0.0, 1e12, high_open=False)(weight)
        except argparse.ArgumentTypeError as exc:
            raise argparse.ArgumentTypeError(f"weight of {label.strip()!r}: {exc}") from None
        pairs.append((label.strip(), value))
    return pairs


def _dataset(text: str) -> str:
    return text.strip().lower().replace("_", "-")


def parse_shape(text: str) -> tuple[int, int]:
    """``"8x8"`` -> (8, 8)."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX,]\s*(\d+)\s*", text)
    if not match or 0 in (int(match[1]), int(match[2])):
        raise argparse.ArgumentTypeError(f"expected HEIGHTxWIDTH such as 8x8; got {text!r}")
    return int(match[1]), int(match[2])


def join_negative_points(argv: list[str]) -> list[str]:
    """Turn ``--point -1,3`` into ``--point=-1,3`` (argparse reads -1,3 as an option)."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        nxt = argv[i + 1] if i + 1 < len(argv) else ""
        if argv[i] == "--point" and re.match(r"-[\d.]", nxt):
            out.append(f"--point={nxt}")
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out


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
    _plot(sub)
    _info(sub)
    _export(sub)
    _summary(sub)
    _path(sub)
    _playground(sub)
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


def _plot(sub: Any) -> None:
    p = sub.add_parser(
        "plot",
        help="draw one figure of a model (boundary, roc, confusion, weights, curves)",
        description="boundary, roc and confusion need DATA and --target; weights and "
        "curves need only MODEL (curves uses the training history saved in the model). "
        "For a model of K >= 3 classes: boundary draws the class regions, roc one curve "
        "per class against the rest, weights one image per class.",
    )
    p.add_argument("model", metavar="MODEL")
    p.add_argument("data", metavar="DATA", nargs="?")
    p.add_argument("--target", metavar="COL", help="label column of DATA")
    p.add_argument("--kind", required=True, choices=PLOT_KINDS)
    p.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="image file (.png, .svg, .pdf); - for PNG on stdout",
    )
    p.add_argument(
        "--shape",
        type=parse_shape,
        metavar="HxW",
        help="weights: image shape, e.g. 8x8 (default: square)",
    )


def _info(sub: Any) -> None:
    p = sub.add_parser("info", help="what a model file holds", description="Describe MODEL.")
    p.add_argument("model", metavar="MODEL")
    p.add_argument("--json", action="store_true", help="print JSON")


def _export(sub: Any) -> None:
    p = sub.add_parser(
        "export",
        help="write a model in another format (ONNX) for other runtimes",
        description="Write MODEL as an ONNX graph: input X (rows of raw features), outputs "
        "label (as predict, threshold included) and probabilities (as predict_proba, "
        "float64). Needs the onnx package: pip install 'oneneuron[onnx]'.",
    )
    p.add_argument("model", metavar="MODEL", help="model file (.json)")
    p.add_argument(
        "--format", choices=EXPORT_FORMATS, default="onnx", help="output format (default onnx)"
    )
    p.add_argument("--out", required=True, metavar="FILE", help="file to write; - for stdout")
    p.add_argument(
        "--dtype",
        choices=["float64", "float32"],
        default="float64",
        help="element type of the input X (default float64); the arithmetic is float64 either way",
    )


def _summary(sub: Any) -> None:
    p = sub.add_parser(
        "summary",
        help="coefficients with standard errors, tests and intervals (statsmodels-style)",
        description="Refit nothing: check MODEL against its training table DATA and print "
        "its summary table (a Firth model: logistf's, with penalised likelihood-ratio "
        "tests and profile intervals).",
    )
    p.add_argument("model", metavar="MODEL")
    p.add_argument("data", metavar="DATA", help="the training table")
    p.add_argument("--target", required=True, metavar="COL", help="label column")
    p.add_argument("--cov-type", choices=COV_TYPES, default="nonrobust", help="default nonrobust")
    p.add_argument("--groups", metavar="COL", help="cluster column, for --cov-type cluster")
    p.add_argument(
        "--ci", choices=["wald", "profile"], default="wald", help="interval method (default wald)"
    )
    p.add_argument(
        "--level",
        type=_float_in(0.0, 1.0, low_open=True),
        default=0.95,
        help="confidence level (default 0.95)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")


def _path(sub: Any) -> None:
    p = sub.add_parser(
        "path",
        help="draw the regularisation path: every coefficient as the L1 penalty weakens",
        description="Fit DATA for alphas from alpha_max (every weight 0) down, warm-started, "
        "draw the path to --out and print the alphas at which features enter.",
    )
    p.add_argument("data", metavar="DATA", help="table file (.csv, .tsv, .parquet, ...)")
    p.add_argument("--target", required=True, metavar="COL", help="label column")
    p.add_argument(
        "--out", required=True, metavar="FIG", help="image file (.png, .svg, .pdf); - for PNG"
    )
    p.add_argument(
        "--l1-ratio",
        type=_float_in(0.0, 1.0, low_open=True, high_open=False),
        default=1.0,
        metavar="R",
        help="L1 share of the penalty, in (0, 1] (default 1: lasso)",
    )
    p.add_argument(
        "--n-alphas", type=_int_at_least(2), default=50, help="alphas on the path (default 50)"
    )
    p.add_argument(
        "--eps",
        type=_float_in(0.0, 1.0, low_open=True),
        default=1e-3,
        help="smallest alpha / alpha_max (default 1e-3)",
    )
    p.add_argument("--standardize", action="store_true", help="penalise standardised weights")


def _port(text: str) -> int:
    value = _int_at_least(0)(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"must be a port number 0..65535; got {value}")
    return int(value)


def _playground(sub: Any) -> None:
    p = sub.add_parser(
        "playground",
        help="train one neuron in the browser: watch it learn, export the model",
        description="Start the playground's local web server, open its page in the default "
        "browser, and print its URL as the first line on stdout. Training runs here, in "
        "oneneuron's engine. Ctrl-C stops it.",
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (default 127.0.0.1, this machine only; 0.0.0.0 "
        "exposes it to the network and prints a warning)",
    )
    p.add_argument("--port", type=_port, default=0, help="port (default 0: a free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--data", metavar="FILE", help="start with this table (CSV/TSV/Parquet)")
    p.add_argument("--target", metavar="COL", help="its label column (with --data)")
