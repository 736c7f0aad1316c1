"""The parsers of the subcommands that look at, export or explore a model: ``plot``,
``info``, ``export``, ``summary``, ``path`` and ``playground`` (see :mod:`._parser`).
"""

from __future__ import annotations

from typing import Any

from ._options import (
    COV_TYPES,
    EXPORT_FORMATS,
    PLOT_KINDS,
    _float_in,
    _int_at_least,
    _port,
    parse_shape,
)

__all__ = ["add_inspection_commands"]


def add_inspection_commands(sub: Any) -> None:
    """Add ``plot``, ``info``, ``export``, ``summary``, ``path`` and ``playground``."""
    _plot(sub)
    _info(sub)
    _export(sub)
    _summary(sub)
    _path(sub)
    _playground(sub)


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
