"""Test metrics of a fitted model, and the demo report as Markdown and as one HTML page.

The numbers come from scikit-learn's ``sklearn.metrics``, with the model's ``classes_`` as
the labels and ``classes_[1]`` as the positive class; for K >= 3 classes precision, recall
and F1 per class and their macro averages, and the one-vs-rest ROC AUC.
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
    "per_class_rows",
    "render_html",
    "render_markdown",
]


def classification_metrics(model: Any, X: Any, y: Any) -> dict[str, Any]:
    """Accuracy, log-loss, precision, recall, F1, ROC AUC and confusion matrix on (X, y);
    for K >= 3 classes macro averages and ``per_class`` values (:func:`_k_class_metrics`).

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
    """:func:`classification_metrics` from the labels, the probabilities (n, K) of
    ``classes_`` and the predicted labels."""
    classes = np.asarray(model.classes_)
    y, proba = np.asarray(y), np.asarray(proba, dtype=np.float64)
    if len(classes) >= 3:
        return _k_class_metrics(classes, y, proba, pred)
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


def _k_class_metrics(classes: Any, y: Any, proba: Any, pred: Any) -> dict[str, Any]:
    """The metrics of K >= 3 classes: ``precision``, ``recall`` and ``f1`` are macro
    averages (every class counts the same), ``roc_auc`` the macro one-vs-rest AUC over the
    classes that y holds with others (None when it holds one), and ``per_class`` the
    precision, recall, F1, support and one-vs-rest AUC of each class in the order of
    ``labels``."""
    from ..plotting._metrics import ovr_roc

    labels = classes.tolist()
    kw: dict[str, Any] = dict(labels=classes, zero_division=0)
    p, r, f, support = skm.precision_recall_fscore_support(y, pred, average=None, **kw)
    curves = ovr_roc(y, proba, classes)
    aucs = [curves[c][2] if c in curves else None for c in labels]
    present = [a for a in aucs if a is not None]
    return {
        "n_samples": len(y),
        "labels": labels,
        "positive_label": None,
        "average": "macro",
        "accuracy": float(skm.accuracy_score(y, pred)),
        "log_loss": float(skm.log_loss(y, proba, labels=classes)),
        "precision": float(np.mean(p)),
        "recall": float(np.mean(r)),
        "f1": float(skm.f1_score(y, pred, average="macro", **kw)),
        "roc_auc": float(np.mean(present)) if present else None,
        "per_class": {
            "precision": [float(v) for v in p],
            "recall": [float(v) for v in r],
            "f1": [float(v) for v in f],
            "support": [int(v) for v in support],
            "roc_auc": aucs,
        },
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


_MACRO_ROWS = [
    ("accuracy", "accuracy"),
    ("log_loss", "log-loss"),
    ("precision", "macro precision"),
    ("recall", "macro recall"),
    ("f1", "macro F1"),
    ("roc_auc", "macro one-vs-rest ROC AUC"),
]


def metrics_table(m: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, formatted value) rows for the scalar metrics (macro averages for K classes)."""
    rows = _MACRO_ROWS if m.get("per_class") is not None else _ROWS
    return [(label, "n/a (one class)" if m[k] is None else f"{m[k]:.4f}") for k, label in rows]


def per_class_rows(m: dict[str, Any]) -> list[tuple[str, ...]]:
    """K classes: a header and one row per class (label, precision, recall, F1, support,
    one-vs-rest AUC), formatted; empty for a binary model's metrics."""
    per = m.get("per_class")
    if per is None:
        return []
    rows: list[tuple[str, ...]] = [("class", "precision", "recall", "F1", "support", "ROC AUC")]
    for i, label in enumerate(m["labels"]):
        area = per["roc_auc"][i]
        rows.append(
            (
                str(label),
                f"{per['precision'][i]:.4f}",
                f"{per['recall'][i]:.4f}",
                f"{per['f1'][i]:.4f}",
                str(per["support"][i]),
                "n/a" if area is None else f"{area:.4f}",
            )
        )
    return rows


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
    per = per_class_rows(metrics)
    if per:
        out += ["", "Per class (each class against the rest):", ""]
        out += ["| " + " | ".join(per[0]) + " |", "|---" + "|---:" * (len(per[0]) - 1) + "|"]
        out += ["| " + " | ".join(row) + " |" for row in per[1:]]
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
        *_per_class_html(metrics),
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


def _per_class_html(m: dict[str, Any]) -> list[str]:
    e = html.escape
    per = per_class_rows(m)
    if not per:
        return []
    head = "<tr>" + "".join(f"<th>{e(h)}</th>" for h in per[0]) + "</tr>"
    rows = [
        f"<tr><th>{e(row[0])}</th>"
        + "".join(f'<td class="num">{e(v)}</td>' for v in row[1:])
        + "</tr>"
        for row in per[1:]
    ]
    return [
        "<p>Per class (each class against the rest):</p><table>" + head + "".join(rows) + "</table>"
    ]


def _confusion_html(m: dict[str, Any]) -> str:
    e = html.escape
    labels = [str(v) for v in m["labels"]]
    head = "<tr><th></th>" + "".join(f"<th>predicted {e(s)}</th>" for s in labels) + "</tr>"
    rows = [
        f"<tr><th>true {e(s)}</th>" + "".join(f'<td class="num">{c}</td>' for c in r) + "</tr>"
        for s, r in zip(labels, m["confusion_matrix"], strict=True)
    ]
    return "<table>" + head + "".join(rows) + "</table>"
