"""Test metrics of a fitted model, and the demo report as Markdown and as one HTML page.

The numbers come from scikit-learn's ``sklearn.metrics``, with the model's ``classes_`` as
the labels and ``classes_[1]`` as the positive class.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn import metrics as skm

__all__ = [
    "Figure",
    "classification_metrics",
    "confusion_lines",
    "metrics_table",
    "render_html",
    "render_markdown",
]


def classification_metrics(model: Any, X: Any, y: Any) -> dict[str, Any]:
    """Accuracy, log-loss, precision, recall, F1, ROC AUC and confusion matrix on (X, y).

    Parameters
    ----------
    model : fitted LogisticRegression
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Each label one of ``model.classes_``.

    Returns
    -------
    dict
        JSON-ready: floats, ``roc_auc`` None when y holds one class only, and
        ``confusion_matrix`` as a list of rows (true label) of counts per predicted label,
        both in the order of ``labels``.
    """
    classes = np.asarray(model.classes_)
    y = np.asarray(y)
    unknown = [v for v in np.unique(y).tolist() if v not in classes.tolist()]
    if unknown:
        raise ValueError(
            f"the labels {unknown[:5]} are not classes of the model {classes.tolist()}"
        )
    return metrics_from_scores(model, y, model.predict_proba(X), model.predict(X))


def metrics_from_scores(model: Any, y: Any, proba: Any, pred: Any) -> dict[str, Any]:
    """:func:`classification_metrics` from the labels, the probabilities (n, 2) of
    ``classes_`` and the predicted labels."""
    classes = np.asarray(model.classes_)
    y, proba = np.asarray(y), np.asarray(proba, dtype=np.float64)
    proba1 = proba[:, 1]
    pos = classes[1]
    both = len(np.unique(y)) == 2
    kw: dict[str, Any] = dict(pos_label=pos, zero_division=0)
    return {
        "n_samples": len(y),
        "labels": classes.tolist(),
        "positive_label": pos.item() if hasattr(pos, "item") else pos,
        "accuracy": float(skm.accuracy_score(y, pred)),
        "log_loss": float(skm.log_loss(y, proba, labels=classes)),
        "precision": float(skm.precision_score(y, pred, **kw)),
        "recall": float(skm.recall_score(y, pred, **kw)),
        "f1": float(skm.f1_score(y, pred, **kw)),
        "roc_auc": float(skm.roc_auc_score(y == pos, proba1)) if both else None,
        "confusion_matrix": skm.confusion_matrix(y, pred, labels=classes).tolist(),
    }


_ROWS = [
    ("accuracy", "accuracy"),
    ("log_loss", "log-loss"),
    ("precision", "precision"),
    ("recall", "recall"),
    ("f1", "F1"),
    ("roc_auc", "ROC AUC"),
]


def metrics_table(m: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, formatted value) rows for the scalar metrics."""
    return [(label, "n/a (one class)" if m[k] is None else f"{m[k]:.4f}") for k, label in _ROWS]


def confusion_lines(m: dict[str, Any]) -> list[str]:
    """The confusion matrix as aligned text lines (rows true labels, columns predicted)."""
    labels = [str(v) for v in m["labels"]]
    cm = m["confusion_matrix"]
    width = max(8, *(len(s) + 7 for s in labels), *(len(str(c)) + 2 for r in cm for c in r))
    head = " " * width + "".join(f"{'pred ' + s:>{width}}" for s in labels)
    rows = [
        f"{'true ' + s:<{width}}" + "".join(f"{c:>{width}}" for c in r)
        for s, r in zip(labels, cm, strict=True)
    ]
    return [head, *rows]


@dataclass(frozen=True)
class Figure:
    """One picture of the report: its file name in the report directory and a caption."""

    file: str
    caption: str


def render_markdown(
    title: str,
    intro: Sequence[str],
    setup: Sequence[tuple[str, str]],
    metrics: dict[str, Any],
    figures: Sequence[Figure],
    notes: Sequence[str],
) -> str:
    """The report as Markdown: intro, setup and metrics tables, confusion matrix, figures."""
    out = [f"# {title}", "", *intro, "", "## Setup", "", "| | |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in setup]
    out += ["", "## Test metrics", "", "| metric | value |", "|---|---:|"]
    out += [f"| {k} | {v} |" for k, v in metrics_table(metrics)]
    out += ["", "Confusion matrix (rows: true label, columns: predicted label):", "", "```"]
    out += [*confusion_lines(metrics), "```", ""]
    if notes:
        out += ["## Notes", "", *(f"- {n}" for n in notes), ""]
    out += ["## Figures", ""]
    for fig in figures:
        out += [f"![{fig.caption}]({fig.file})", "", f"*{fig.caption}*", ""]
    return "\n".join(out)


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
td, th { border: 1px solid #ccc; padding: 0.25rem 0.75rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { color: #555; font-size: 0.95rem; }
.note { background: #fff8e1; border-left: 4px solid #f0b400; padding: 0.5rem 1rem; }
"""


def render_html(
    title: str,
    intro: Sequence[str],
    setup: Sequence[tuple[str, str]],
    metrics: dict[str, Any],
    figures: Sequence[Figure],
    notes: Sequence[str],
) -> str:
    """The report as one self-contained HTML page (inline style; images by relative path)."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
        *(f"<p>{e(p)}</p>" for p in intro),
        "<h2>Setup</h2><table>",
        *(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in setup),
        "</table><h2>Test metrics</h2><table><tr><th>metric</th><th>value</th></tr>",
        *(
            f'<tr><td>{e(k)}</td><td class="num">{e(v)}</td></tr>'
            for k, v in metrics_table(metrics)
        ),
        "</table>",
        "<p>Confusion matrix (rows: true label, columns: predicted label):</p>",
        _confusion_html(metrics),
    ]
    if notes:
        parts.append("<h2>Notes</h2>")
        parts += [f'<p class="note">{e(n)}</p>' for n in notes]
    parts.append("<h2>Figures</h2>")
    for fig in figures:
        parts.append(
            f'<figure><img src="{e(fig.file, quote=True)}" alt="{e(fig.caption, quote=True)}">'
            f"<figcaption>{e(fig.caption)}</figcaption></figure>"
        )
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _confusion_html(m: dict[str, Any]) -> str:
    e = html.escape
    labels = [str(v) for v in m["labels"]]
    head = "<tr><th></th>" + "".join(f"<th>predicted {e(s)}</th>" for s in labels) + "</tr>"
    rows = [
        f"<tr><th>true {e(s)}</th>" + "".join(f'<td class="num">{c}</td>' for c in r) + "</tr>"
        for s, r in zip(labels, m["confusion_matrix"], strict=True)
    ]
    return "<table>" + head + "".join(rows) + "</table>"
