"""The report, its figures and the commands for K >= 3 classes (``demo digits10``).

The pieces that take a fitted model (metrics, report pages, figures, ``plot``'s figures) are
tested with :mod:`tests.multiclass_helpers`' K-class model: oneneuron's once it fits K
classes, scikit-learn's until then. The commands end to end (they train and save oneneuron's
model) are skipped until oneneuron's estimator fits K classes.
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sklearn import metrics as skm
from sklearn.datasets import load_digits, make_blobs

import oneneuron
from oneneuron.cli import main
from oneneuron.cli._commands import model_figure
from oneneuron.cli._figures import draw_k_class_figures
from oneneuron.cli._report import (
    classification_metrics,
    metrics_table,
    per_class_rows,
    render_html,
    render_markdown,
)

from .multiclass_helpers import k_class_model, recorded_k_class_model


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def digits10():
    """Digits 0-9 as a DataFrame of 64 pixels: a K = 10 model fitted on 700 rows."""
    d = load_digits()
    X = pd.DataFrame(d.data / 16.0, columns=[str(c) for c in d.feature_names])
    model = k_class_model(alpha=1e-3).fit(X[:700], d.target[:700])
    test = slice(700, 1000)
    return model, X[:700], d.target[:700], X[test], d.target[test], d.images[test]


@pytest.fixture(scope="module")
def species(tmp_path_factory):
    """Three overlapping blobs of species a, b, c: columns x1, x2, species."""
    X, y = make_blobs(n_samples=180, centers=3, cluster_std=2.0, random_state=4)
    frame = pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "species": np.array(["a", "b", "c"])[y]})
    path = tmp_path_factory.mktemp("tables") / "species.csv"
    frame.to_csv(path, index=False)
    return path, frame


# ----------------------------------------------------------------------------- metrics
def test_k_class_metrics_are_sklearns(digits10):
    model, _, _, X, y, _ = digits10
    m = classification_metrics(model, X, y)
    pred, proba = model.predict(X), model.predict_proba(X)
    assert m["labels"] == list(range(10)) and m["positive_label"] is None
    assert m["average"] == "macro"
    assert m["accuracy"] == skm.accuracy_score(y, pred)
    assert m["log_loss"] == pytest.approx(skm.log_loss(y, proba))
    assert m["f1"] == pytest.approx(skm.f1_score(y, pred, average="macro"))
    assert m["precision"] == pytest.approx(skm.precision_score(y, pred, average="macro"))
    assert m["recall"] == pytest.approx(skm.recall_score(y, pred, average="macro"))
    assert m["roc_auc"] == pytest.approx(
        skm.roc_auc_score(y, proba, multi_class="ovr", average="macro")
    )
    per = m["per_class"]
    np.testing.assert_allclose(per["precision"], skm.precision_score(y, pred, average=None))
    np.testing.assert_allclose(per["recall"], skm.recall_score(y, pred, average=None))
    assert per["support"] == np.bincount(y, minlength=10).tolist()
    np.testing.assert_allclose(
        per["roc_auc"], [skm.roc_auc_score(y == k, proba[:, k]) for k in range(10)]
    )
    assert m["confusion_matrix"] == skm.confusion_matrix(y, pred).tolist()
    json.dumps(m)  # JSON-ready
    # a class missing from the test rows has no AUC; the macro AUC is over the others
    keep = y != 3
    m = classification_metrics(model, X[keep], y[keep])
    assert m["per_class"]["roc_auc"][3] is None and m["per_class"]["support"][3] == 0
    present = [a for a in m["per_class"]["roc_auc"] if a is not None]
    assert m["roc_auc"] == pytest.approx(np.mean(present))


def test_k_class_report_pages_show_macro_and_per_class_metrics(digits10):
    model, _, _, X, y, _ = digits10
    m = classification_metrics(model, X, y)
    assert [k for k, _ in metrics_table(m)] == [
        "accuracy",
        "log-loss",
        "macro precision",
        "macro recall",
        "macro F1",
        "macro one-vs-rest ROC AUC",
    ]
    rows = per_class_rows(m)
    assert rows[0] == ("class", "precision", "recall", "F1", "support", "ROC AUC")
    assert [r[0] for r in rows[1:]] == [str(k) for k in range(10)]
    args = ("title", ["intro"], [("data", "digits")], m, [], [])
    md = render_markdown(*args)
    assert "| macro F1 |" in md and "Per class (each class against the rest):" in md
    assert f"| 7 | {m['per_class']['precision'][7]:.4f} |" in md
    assert md.count("pred ") >= 10  # the 10 x 10 confusion matrix
    page = render_html(*args)
    assert "<th>7</th>" in page and "predicted 9" in page and "macro one-vs-rest ROC AUC" in page
    assert per_class_rows(classification_metrics(*_binary())) == []


def _binary():
    X, y = make_blobs(n_samples=60, centers=2, random_state=0)
    return oneneuron.LogisticRegression().fit(X, y), X, y


# ----------------------------------------------------------------------------- figures
def _images_ok(tmp, names):
    for name in names:
        with Image.open(tmp / name) as im:
            im.verify()


def test_k_class_figures_of_digits(digits10, tmp_path):
    model, Xtr, ytr, X, y, images = digits10
    figs, notes = draw_k_class_figures(tmp_path, "digits10", 0, model, (Xtr, ytr), (X, y), images)
    files = [f.file for f in figs]
    expected = ["confusion.png", "roc.png", "weights.png", "mistakes.png", "examples.png"]
    if getattr(model, "history_", None) is not None:
        expected = ["curves.png", *expected]
    assert [f for f in files if f != "training.gif"] == expected
    _images_ok(tmp_path, expected)
    assert notes == []  # images: no note that regions need 2 features
    n_wrong = int(np.sum(model.predict(X) != y))
    assert (
        f"{n_wrong} of {len(y)} test images are misclassified"
        in figs[files.index("mistakes.png")].caption
    )


def test_k_class_figures_of_two_features_with_snapshots(tmp_path):
    X, y = make_blobs(n_samples=160, centers=3, cluster_std=1.5, random_state=2)
    model = recorded_k_class_model(X[:120], y[:120], n_records=5)
    figs, notes = draw_k_class_figures(
        tmp_path, "blobs", 0, model, (X[:120], y[:120]), (X[120:], y[120:]), None
    )
    files = [f.file for f in figs]
    assert files == ["curves.png", "confusion.png", "roc.png", "boundary.png", "training.gif"]
    with Image.open(tmp_path / "training.gif") as gif:
        assert gif.n_frames == 5
    assert notes == []
    three = pd.DataFrame(np.column_stack([X, X[:, 0]]), columns=["a", "b", "c"])
    model3 = k_class_model().fit(three[:120], y[:120])
    (tmp_path / "x").mkdir()
    figs, notes = draw_k_class_figures(
        tmp_path / "x", "table", 0, model3, (three[:120], y[:120]), (three[120:], y[120:]), None
    )
    assert "boundary.png" not in [f.file for f in figs]
    assert notes == [
        "No class-region picture: the data have 3 features, and regions can only be drawn for 2."
    ]


@pytest.mark.parametrize("kind", ["boundary", "roc", "confusion", "weights", "curves"])
def test_plot_command_figures_of_a_k_class_model(kind, tmp_path):
    X, y = make_blobs(n_samples=150, centers=4, random_state=5)
    model = recorded_k_class_model(X, y, n_records=4)
    fig = model_figure(model, kind, X, y, shape=(1, 2) if kind == "weights" else None)
    oneneuron.plotting.save_figure(fig, tmp_path / f"{kind}.png")
    _images_ok(tmp_path, [f"{kind}.png"])
    if kind == "roc":
        assert "macro average" in " ".join(
            t.get_text() for t in fig.axes[0].get_legend().get_texts()
        )
    if kind == "weights":
        assert len([ax for ax in fig.axes if ax.get_images()]) == 4 and len(fig.axes) == 5


def test_plot_command_figures_of_digits_weights(digits10):
    model, *_ = digits10
    fig = model_figure(model, "weights")  # 64 weights: 8x8 by default
    assert [ax.get_title() for ax in fig.axes[:10]] == [f"class {k}" for k in range(10)]
    with pytest.raises(ValueError, match="class regions can only be drawn for 2 features"):
        model_figure(model, "boundary", np.zeros((3, 64)), np.zeros(3))


# ----------------------------------------------------------------------------- commands
def test_demo_digits10_writes_the_k_class_report(tmp_path):
    out = tmp_path / "digits10"
    status, stdout, err = run(["demo", "digits10", "--out", out, "--epochs", "3", "--quiet"])
    assert status == 0, err
    assert re.search(r"test accuracy \S+  log-loss \S+  macro F1 \S+", stdout)
    names = {p.name for p in out.iterdir()}
    assert {"curves.png", "confusion.png", "roc.png", "weights.png", "mistakes.png"} <= names
    assert "boundary.png" not in names  # 64 features: no regions
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["dataset"] == "digits10" and metrics["labels"] == list(range(10))
    assert len(metrics["confusion_matrix"]) == 10 and metrics["average"] == "macro"
    for key in ("accuracy", "log_loss", "f1", "roc_auc"):
        assert isinstance(metrics[key], float)
    assert len(metrics["per_class"]["precision"]) == 10
    assert metrics["accuracy"] > 0.8
    model = oneneuron.load(out / "model.json")
    assert model.coef_.shape == (10, 64)
    md = (out / "report.md").read_text()
    assert "10 neurons, one per class" in md and "macro one-vs-rest ROC AUC" in md


def test_report_and_plot_of_a_k_class_table(species, tmp_path):
    path, _ = species
    out = tmp_path / "report"
    status, _, err = run(["report", path, "--target", "species", "--out", out, "--quiet"])
    assert status == 0, err
    names = {p.name for p in out.iterdir()}
    assert {"boundary.png", "training.gif", "roc.png", "confusion.png"} <= names
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["labels"] == ["a", "b", "c"] and len(metrics["per_class"]["recall"]) == 3
    for kind in ("boundary", "roc", "confusion", "weights", "curves"):
        target = tmp_path / f"{kind}.png"
        argv = ["plot", out / "model.json", path, "--target", "species", "--kind", kind]
        status, _, err = run([*argv, "--out", target, *(["--shape", "1x2"] * (kind == "weights"))])
        assert status == 0, err
        _images_ok(tmp_path, [f"{kind}.png"])
    status, stdout, err = run(["evaluate", out / "model.json", path, "--target", "species"])
    assert status == 0, err
    assert "3 classes" in stdout and "macro F1" in stdout and "per class" in stdout
