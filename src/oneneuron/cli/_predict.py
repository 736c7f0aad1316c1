"""The ``predict`` command: a table to CSV, ``--point`` values, or points typed on stdin.

Typed input is bounded: a line longer than :data:`MAX_LINE` characters, a line with the
wrong number of values, or a non-finite number is rejected with a message and reading
goes on; a blank line, ``q`` or end of input stops.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from ..estimator import LogisticRegression
from ._common import (
    MAX_LINE,
    atomic_write,
    check_out_file,
    feature_frame,
    image_format,
    is_stdout,
    load_model_file,
    parse_point,
    read_frame,
    save_figure,
    with_names,
)

__all__ = ["predict"]

QUIT = {"q", "quit", "exit"}


def predict(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO | None = None) -> int:
    """Dispatch to table, point or interactive prediction (exactly one of them)."""
    modes = [args.data is not None and not args.interactive, bool(args.point), args.interactive]
    if sum(modes) != 1:
        raise ValueError("predict needs exactly one of DATA, --point X1,X2,... or --interactive")
    if args.out is not None and not modes[0]:
        raise ValueError("--out is for predicting a DATA table; points are printed")
    if (args.plot or args.plot_data) and not args.interactive:
        raise ValueError("--plot and --data go with --interactive")
    if args.interactive:
        return _interactive(args, out, err, stdin)
    model = load_model_file(args.model)
    if args.point:
        points = [parse_point(p, model.n_features_in_) for p in args.point]
        for x, line in zip(points, _answers(model, np.vstack(points)), strict=True):
            out.write(f"{_fmt(x)} -> {line}\n")
        return 0
    return _table(model, args, out, err)


def _table(model: LogisticRegression, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ._stream import stream_predict, wants_stream

    if wants_stream(args, err):
        return stream_predict(args, out, err)
    target = None if args.out is None else check_out_file(args.out)
    path = Path(args.data)
    X = feature_frame(model, read_frame(path), path, target=args.target)
    result = pd.DataFrame({"prediction": model.predict(X)})
    if args.proba and len(model.classes_) > 2:  # K >= 3: one column per class
        probabilities = model.predict_proba(X)
        for k, c in enumerate(model.classes_):
            result[f"proba_{c}"] = probabilities[:, k]
    elif args.proba:
        result["proba"] = model.predict_proba(X)[:, 1]
    if target is None or is_stdout(target):
        result.to_csv(out, index=False)
    else:
        atomic_write(target, lambda tmp: result.to_csv(tmp, index=False))
        err.write(f"oneneuron: wrote {len(result)} predictions to {target}\n")
    return 0


def _answers(model: LogisticRegression, P: np.ndarray) -> list[str]:
    """``"1 (p=0.973)"`` per row of P (n, d): the class and P(classes_[1]) (K >= 3
    classes: the probability of the predicted class)."""
    Xp = with_names(model, P)
    probabilities = model.predict_proba(Xp)
    pred = model.predict(Xp)
    if len(model.classes_) > 2:
        proba = probabilities.max(axis=1)
    else:
        proba = probabilities[:, 1]
    return [f"{c} (p={p:.3f})" for c, p in zip(pred, proba, strict=True)]


def _fmt(x: np.ndarray) -> str:
    return ",".join(f"{v:g}" for v in x)


def _interactive(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO | None) -> int:
    import sys

    stdin = sys.stdin if stdin is None else stdin
    model = load_model_file(args.model)
    d = int(model.n_features_in_)
    plot_setup = _plot_setup(model, args) if args.plot else None
    prompt = bool(getattr(stdin, "isatty", lambda: False)())
    classes = ", ".join(str(c) for c in model.classes_)
    err.write(
        f"type {d} number(s) per line, separated by ',' or spaces (classes {classes}; "
        f"p = P({model.classes_[1]})); a blank line or q quits\n"
    )
    typed: list[np.ndarray] = []
    while True:
        if prompt:
            err.write("> ")
            err.flush()
        line = stdin.readline(MAX_LINE + 2)
        if line == "":
            break
        if len(line.rstrip("\r\n")) > MAX_LINE:
            if not line.endswith("\n"):
                while (rest := stdin.readline(65536)) and not rest.endswith("\n"):
                    pass
            err.write(f"oneneuron: the line is longer than {MAX_LINE} characters; ignored\n")
            continue
        text = line.strip()
        if text == "" or text.lower() in QUIT:
            break
        try:
            x = parse_point(text, d)
        except ValueError as exc:
            err.write(f"oneneuron: {exc}; try again\n")
            err.flush()
            continue
        typed.append(x)
        out.write(f"{_fmt(x)} -> {_answers(model, x[None, :])[0]}\n")
        out.flush()
    if plot_setup is not None:
        _save_plot(model, plot_setup, typed, out)
    return 0


def _plot_setup(model: LogisticRegression, args: argparse.Namespace) -> tuple[Path, Any, Any]:
    """Check --plot before any input is read: 2 features, data and target, a valid file."""
    from ..datasets import load_table

    path = check_out_file(args.plot)
    image_format(path)
    if model.n_features_in_ != 2:
        raise ValueError(
            f"--plot draws a decision boundary, which needs a 2-feature model; "
            f"this one has {model.n_features_in_}"
        )
    data = args.plot_data if args.plot_data is not None else args.data
    if data is None or args.target is None:
        raise ValueError("--plot needs the training points: --data DATA --target COL")
    names = getattr(model, "feature_names_in_", None)
    ds = load_table(data, args.target, features=None if names is None else list(names))
    if ds.n_features != 2:
        raise ValueError(f"{data}: --plot needs 2 feature columns; found {ds.feature_names}")
    return path, with_names(model, ds.X), ds.y


def _save_plot(
    model: LogisticRegression, setup: tuple[Path, Any, Any], typed: list[np.ndarray], out: TextIO
) -> None:
    from .. import plotting

    path, X, y = setup
    points = np.vstack(typed) if typed else None
    ax = plotting.plot_decision_boundary(model, X, y, points=points, title="your points")
    save_figure(ax.figure, path)
    if not is_stdout(path):
        out.write(f"{path}\n")
