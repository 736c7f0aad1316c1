"""The ``summary`` and ``path`` commands: a model's inference table, a regularisation path.

Each command is ``command(args, out, err) -> int`` as in :mod:`._commands`; the maths is
:mod:`oneneuron.inference` and :mod:`oneneuron.regularization`.
"""

from __future__ import annotations

import argparse
import json
import math
from typing import Any, TextIO

import numpy as np
import pandas as pd

from ..datasets import load_table
from ._commands import _labelled, printable
from ._common import (
    check_out_file,
    image_format,
    is_stdout,
    load_model_file,
    read_frame,
    relay_warnings,
    save_figure,
)

__all__ = ["path", "summary"]


def _number(value: Any) -> Any:
    """A JSON value: floats as numbers, NaN and infinities as null."""
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def summary(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the summary table of MODEL on its training table (or JSON)."""
    model = load_model_file(args.model)
    X, y = _labelled(model, args.data, args.target)
    groups = None
    if args.groups is not None:
        frame = read_frame(args.data)
        if args.groups not in frame.columns:
            raise ValueError(f"{args.data}: no column {args.groups!r} for --groups")
        groups = frame[args.groups].to_numpy()
    elif args.cov_type == "cluster":
        raise ValueError("--cov-type cluster needs --groups COL")
    labels = pd.Series(y, name=args.target)
    with relay_warnings(err):
        result = model.summary(
            X, labels, cov_type=args.cov_type, groups=groups, level=args.level, ci_method=args.ci
        )
    if not args.json:
        out.write("".join(printable(line) + "\n" for line in str(result).splitlines()))
        return 0
    table = result.to_frame()
    doc = {
        "model": str(args.model),
        "data": str(args.data),
        "method": result.method,
        "cov_type": result.cov_type,
        "ci_method": result.ci_method,
        "p_value_method": result.p_value_method,
        "level": result.level,
        "nobs": result.nobs,
        "weight_sum": result.weight_sum,
        "df_model": result.df_model,
        "converged": result.converged,
        "llf": result.llf,
        "llnull": result.llnull,
        "llr_pvalue": result.llr_pvalue,
        "pseudo_r2": result.pseudo_r2,
        "aic": result.aic,
        "bic": result.bic,
        "alpha": result.alpha,
        "penalty_shift": result.penalty_shift,
        "positive_class": result.positive_class,
        "coefficients": [
            {"name": str(name), **{k: _number(v) for k, v in row.items()}}
            for name, row in table.iterrows()
        ],
        "notes": list(result.notes),
    }
    doc = {k: _number(v) for k, v in doc.items()}
    out.write(json.dumps(doc, indent=2) + "\n")
    return 0


def path(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Fit the regularisation path of DATA, draw it to ``--out``, print where features enter."""
    from ..plotting import plot_path
    from ..regularization import path as fit_path

    target = check_out_file(args.out)
    image_format(target)
    ds = load_table(args.data, args.target)
    X = pd.DataFrame(ds.X, columns=ds.feature_names)
    with relay_warnings(err):
        result = fit_path(
            X,
            ds.y,
            l1_ratio=args.l1_ratio,
            n_alphas=args.n_alphas,
            eps=args.eps,
            standardize=args.standardize,
        )
    ax = plot_path(result)
    save_figure(ax.figure, target)
    report = out if not is_stdout(target) else err
    report.write(
        f"{args.data}: {ds.n_samples} rows, {ds.n_features} features; l1_ratio "
        f"{args.l1_ratio:g}, {len(result.alphas)} alphas from alpha_max {result.alpha_max:.6g}\n"
    )
    nonzero = result.coef != 0
    entered = [
        (int(np.argmax(nonzero[:, j])), name)
        for j, name in enumerate(result.feature_names)
        if nonzero[:, j].any()
    ]
    for i, name in sorted(entered)[:20]:
        report.write(f"  alpha {result.alphas[i]:<12.6g} {printable(name)}\n")
    never = len(result.feature_names) - len(entered)
    if len(entered) > 20:
        report.write(f"  ... and {len(entered) - 20} more\n")
    if never:
        report.write(f"  {never} feature(s) stay at 0 down to alpha {result.alphas[-1]:.6g}\n")
    if not is_stdout(target):
        out.write(f"{target}\n")
    return 0
