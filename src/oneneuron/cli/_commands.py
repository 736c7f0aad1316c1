"""The ``evaluate``, ``plot`` and ``info`` commands (``train``, ``predict``, ``demo`` apart).

Each command is ``command(args, out, err) -> int``: results on ``out``, progress and
notes on ``err``; a user error is raised as ``ValueError``/``FileNotFoundError``. The
helpers at the end (a labelled table for a model, printable text, a two-column table)
serve the other commands too.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from ..datasets import load_table
from ..estimator import LogisticRegression
from ._common import (
    check_out_file,
    image_format,
    is_stdout,
    load_model_file,
    save_figure,
    with_names,
)
from ._progress import fmt_loss
from ._report import classification_metrics, confusion_lines, metrics_table, per_class_rows

__all__ = ["evaluate", "info", "model_figure", "plot", "printable"]


# --------------------------------------------------------------------------- evaluate
def _labelled(model: LogisticRegression, data: str, target: str) -> tuple[Any, np.ndarray]:
    """The model's features and the labels of a labelled table, checked."""
    names = getattr(model, "feature_names_in_", None)
    features = None if names is None else [str(n) for n in names]
    ds = load_table(data, target, features=features, max_labels=None)  # K classes too
    if ds.n_features != model.n_features_in_:
        raise ValueError(
            f"{data}: the model expects {model.n_features_in_} feature(s); the table has "
            f"{ds.n_features} besides {target!r}: {ds.feature_names[:12]}"
        )
    return with_names(model, ds.X), ds.y


def evaluate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the test metrics of a model on a labelled table (a table or JSON)."""
    from ._stream import stream_evaluate, wants_stream

    if wants_stream(args, err):
        return stream_evaluate(args, out, err)
    model = load_model_file(args.model)
    X, y = _labelled(model, args.data, args.target)
    m = classification_metrics(model, X, y)  # K classes: macro and per-class metrics too
    if args.json:
        out.write(json.dumps(m, indent=2) + "\n")
        return 0
    if m.get("per_class") is not None:
        out.write(
            f"{args.model} on {args.data} ({m['n_samples']} rows, {len(m['labels'])} classes)\n"
        )
    else:
        out.write(
            f"{args.model} on {args.data} ({m['n_samples']} rows, positive class "
            f"{m['positive_label']})\n"
        )
    _table(out, metrics_table(m))
    per = per_class_rows(m)
    if per:
        width = max(len(row[0]) for row in per) + 2
        out.write("per class (each against the rest)\n")
        out.write(
            "".join(
                row[0].ljust(width) + "".join(f"{v:>11}" for v in row[1:]) + "\n" for row in per
            )
        )
    out.write("confusion matrix (rows: true, columns: predicted)\n")
    out.write("\n".join(confusion_lines(m)) + "\n")
    if m["roc_auc"] is None:
        err.write("oneneuron: note: ROC AUC needs both classes in the data\n")
    return 0


# ------------------------------------------------------------------------------- plot
def plot(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Draw one figure of the model and save it (atomically) to ``--out``."""
    kind = args.kind
    if kind in ("boundary", "roc", "confusion") and (args.data is None or args.target is None):
        raise ValueError(f"plot --kind {kind} needs DATA and --target COL")
    path = check_out_file(args.out)
    image_format(path)
    model = load_model_file(args.model)
    X, y = (None, None)
    if kind in ("boundary", "roc", "confusion"):
        X, y = _labelled(model, args.data, args.target)
    fig = model_figure(model, kind, X, y, shape=args.shape, name=str(args.model))
    save_figure(fig, path)
    if not is_stdout(path):
        out.write(f"{path}\n")
    return 0


def model_figure(
    model: Any,
    kind: str,
    X: Any = None,
    y: Any = None,
    *,
    shape: tuple[int, int] | None = None,
    name: str = "the model",
) -> Any:
    """The Figure of ``plot --kind KIND`` for a fitted model (binary or of K classes).

    Parameters
    ----------
    model : fitted classifier
        oneneuron's LogisticRegression, or any with scikit-learn's API (``classes_``,
        ``predict``, ``predict_proba``, ``coef_``); ``curves`` needs its ``history_``.
    kind : {"boundary", "roc", "confusion", "weights", "curves"}
    X, y : labelled rows, for boundary, roc and confusion
    shape : (int, int), optional
        weights: the image shape (default: square).
    name : str
        What messages call the model.
    """
    from .. import plotting
    from ..plotting._model_view import is_multiclass

    multi = is_multiclass(model)
    if kind == "curves":
        history = getattr(model, "history_", None)
        if history is None or len(history) == 0:
            raise ValueError(f"{name} holds no training history to plot")
        return plotting.plot_training_curves(history)
    if kind == "weights":
        d = int(model.n_features_in_)
        shape = shape or _square(d)
        if shape[0] * shape[1] != d:
            raise ValueError(
                f"--shape {shape[0]}x{shape[1]} holds {shape[0] * shape[1]} "
                f"pixels; the model has {d} weights"
            )
        if multi:
            return plotting.plot_class_weights(model, shape)
        return plotting.plot_weights(model, shape).figure
    if X is None or y is None:
        raise ValueError(f"plot --kind {kind} needs DATA and --target COL")
    if kind == "boundary":
        if model.n_features_in_ != 2:
            what = "class regions" if multi else "a decision boundary"
            raise ValueError(
                f"{what} can only be drawn for 2 features; the model has {model.n_features_in_}"
            )
        return plotting.plot_decision_boundary(model, X, y).figure
    if kind == "roc":
        proba = model.predict_proba(X)
        if multi:
            return plotting.plot_roc(y, proba, labels=model.classes_).figure
        return plotting.plot_roc(y, proba[:, 1], pos_label=model.classes_[1]).figure
    if kind == "confusion":
        return plotting.plot_confusion_matrix(y, model.predict(X), labels=model.classes_).figure
    raise ValueError(f"unknown plot kind {kind!r}")


def _square(d: int) -> tuple[int, int]:
    side = math.isqrt(d)
    if side * side != d:
        raise ValueError(f"the model's {d} weights are not a square image; pass --shape HxW")
    return side, side


# ------------------------------------------------------------------------------- info
def info(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Describe what a model file holds (human-readable or JSON)."""
    model = load_model_file(args.model)  # validates everything, checksum included
    raw = json.loads(Path(args.model).read_text(encoding="utf-8-sig"))
    coef = np.ravel(model.coef_)  # K x d weights for K >= 3 classes
    multi = len(model.classes_) > 2
    history = getattr(model, "history_", None)
    names = getattr(model, "feature_names_in_", None)
    d: dict[str, Any] = {
        "file": str(args.model),
        "format": raw["format"],
        "format_version": raw["format_version"],
        "library_version": raw["library_version"],
        "created": raw["created"],
        "estimator": raw["estimator"],
        "params": model.get_params(deep=False),
        "classes": model.classes_.tolist(),
        "n_features": int(model.n_features_in_),
        "feature_names": None if names is None else [str(n) for n in names],
        "coef": {
            "min": float(coef.min()),
            "max": float(coef.max()),
            "mean_abs": float(np.abs(coef).mean()),
            "norm": float(np.linalg.norm(coef)),
            "nonzero": int(np.count_nonzero(coef)),
        },
        "intercept": model.intercept_.tolist() if multi else float(model.intercept_[0]),
        "standardized": model.x_mean_ is not None,
        "training": {
            "solver": getattr(model, "solver_", None),
            "n_iter": int(model.n_iter_),
            "converged": bool(model.converged_),
            "stop_reason": getattr(model, "stop_reason_", None),
            "history_length": 0 if history is None else len(history),
            "final_loss": None if not history else float(history["loss"][-1]),
        },
        "notes": raw.get("notes", []),
    }
    if args.json:
        out.write(json.dumps(d, indent=2, default=str) + "\n")
        return 0
    c, t = d["coef"], d["training"]
    shown = d["feature_names"] or []
    names_text = ", ".join(shown[:8]) + (f", ... ({len(shown)})" if len(shown) > 8 else "")
    rows = [
        ("file", d["file"]),
        ("format", f"{d['format']} version {d['format_version']}"),
        ("written by", f"oneneuron {d['library_version']} on {d['created']}"),
        ("estimator", d["estimator"]),
        ("params", ", ".join(f"{k}={v!r}" for k, v in d["params"].items())),
        (
            "classes",
            f"{', '.join(map(str, d['classes']))} "
            + (
                f"({len(d['classes'])}, multinomial)" if multi else f"(positive: {d['classes'][1]})"
            ),
        ),
        ("n_features", str(d["n_features"])),
        ("feature names", names_text or "(none)"),
        (
            "coef",
            f"min {c['min']:.4g}, max {c['max']:.4g}, mean |w| {c['mean_abs']:.4g}, "
            f"norm {c['norm']:.4g}, nonzero {c['nonzero']}/{coef.size}",
        ),
        (
            "intercept",
            ", ".join(f"{b:.6g}" for b in d["intercept"]) if multi else f"{d['intercept']:.6g}",
        ),
        ("standardized", "yes" if d["standardized"] else "no"),
        (
            "training",
            f"solver {t['solver']}, {t['n_iter']} iterations, "
            f"{'converged' if t['converged'] else 'not converged'} (stop: {t['stop_reason']})",
        ),
        (
            "history",
            f"{t['history_length']} records"
            + ("" if t["final_loss"] is None else f", final loss {fmt_loss(t['final_loss'])}"),
        ),
    ]
    rows += [("note", n) for n in d["notes"]]
    _table(out, [(k, printable(v)) for k, v in rows])
    return 0


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on written as an escape.

    Control characters (``\\x1b`` starts terminal commands, ``\\r`` rewrites the
    line), format characters such as the bidirectional overrides, line separators and
    lone surrogates become ``\\t``, ``\\x1b``, ``\\u202e``, ... as :func:`repr` writes them;
    the rest is left as it is.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _table(out: TextIO, rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows) + 2
    out.write("".join(f"{k:<{width}}{v}\n" for k, v in rows))
