"""Tests for oneneuron.plotting: each figure draws what it claims, into the axes it is given."""

from __future__ import annotations

import os
import warnings

import matplotlib

matplotlib.use("Agg")  # tests only: the package itself never selects a backend

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib import animation
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.colors import same_color
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure
from PIL import Image
from sklearn.datasets import load_digits, make_blobs
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.metrics import confusion_matrix, roc_auc_score, roc_curve

from oneneuron import History, LogisticRegression
from oneneuron.plotting import (
    animate_training,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_examples,
    plot_roc,
    plot_sigmoid,
    plot_training_curves,
    plot_weights,
    save_figure,
)
from oneneuron.plotting._animation import frame_indices
from oneneuron.plotting._images import MISTAKE_COLOR


@pytest.fixture(autouse=True)
def _close_figures(monkeypatch):
    def no_show(*args, **kwargs):
        raise AssertionError("plotting code must never call plt.show()")

    monkeypatch.setattr(plt, "show", no_show)
    rc_before = dict(matplotlib.rcParams)
    yield
    plt.close("all")
    assert dict(matplotlib.rcParams) == rc_before, "plotting changed global rcParams"


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs(n_samples=120, centers=2, cluster_std=2.0, random_state=3)
    Xtr, Xte, ytr, yte = X[:90], X[90:], y[:90], y[90:]
    model = LogisticRegression(alpha=1e-2).fit(Xtr, ytr, eval_set=(Xte, yte))
    return model, Xtr, ytr, Xte, yte


@pytest.fixture(scope="module")
def snapshots():
    """A few gradient-descent iterations on tiny data, with weights recorded."""
    X, y = make_blobs(n_samples=30, centers=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(solver="gd", max_iter=12, record_weights=True, alpha=1e-2)
        model.fit(X, y)
    return model, X, y


def _contours(ax):
    return [c for c in ax.collections if isinstance(c, QuadContourSet)]


def _threshold_line(ax):
    lines = [c for c in _contours(ax) if not c.filled]
    assert len(lines) == 1
    return lines[0]


def _scatter(ax, label):
    hits = [c for c in ax.collections if isinstance(c, PathCollection) and c.get_label() == label]
    assert len(hits) == 1, label
    return hits[0].get_offsets()


# ------------------------------------------------------------------ decision boundary


def test_boundary_draws_shading_threshold_line_and_every_point(blobs):
    model, Xtr, ytr, Xte, yte = blobs
    ax = plot_decision_boundary(model, Xtr, ytr, X_test=Xte, y_test=yte, resolution=60)
    assert isinstance(ax, Axes)
    filled = [c for c in _contours(ax) if c.filled]
    assert len(filled) == 1 and filled[0].levels.min() == 0 and filled[0].levels.max() == 1
    line = _threshold_line(ax)
    assert list(line.levels) == [0.5]
    for cls in (0, 1):
        np.testing.assert_array_equal(_scatter(ax, f"class {cls}"), Xtr[ytr == cls])
        np.testing.assert_array_equal(_scatter(ax, f"class {cls} (test)"), Xte[yte == cls])
    markers = {c.get_label(): c for c in ax.collections if isinstance(c, PathCollection)}
    assert len(markers) == 4
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["class 0", "class 1", "class 0 (test)", "class 1 (test)", "p = 0.5"]
    # every vertex of the drawn line is where the model says p = 0.5
    vertices = np.vstack([p.vertices for p in line.get_paths()])
    assert len(vertices) > 10
    np.testing.assert_allclose(model.predict_proba(vertices)[:, 1], 0.5, atol=0.01)


def test_boundary_line_sits_at_the_model_threshold(blobs):
    _, Xtr, ytr, *_ = blobs
    shifted = LogisticRegression(alpha=1e-2, threshold=0.8).fit(Xtr, ytr)
    ax = plot_decision_boundary(shifted, Xtr, ytr, resolution=80)
    line = _threshold_line(ax)
    assert list(line.levels) == [0.8]
    assert "p = 0.8" in [t.get_text() for t in ax.get_legend().get_texts()]
    vertices = np.vstack([p.vertices for p in line.get_paths()])
    np.testing.assert_allclose(shifted.predict_proba(vertices)[:, 1], 0.8, atol=0.02)


def test_boundary_honours_ax_and_covers_the_data(blobs):
    model, Xtr, ytr, *_ = blobs
    _, (left, right) = plt.subplots(1, 2)
    out = plot_decision_boundary(
        model, Xtr, ytr, ax=right, resolution=20, colorbar=False, title="mine"
    )
    assert out is right
    assert not left.collections and right.collections
    assert right.get_title() == "mine"
    x0, x1 = right.get_xlim()
    assert x0 <= Xtr[:, 0].min() - 1 + 1e-9 and x1 >= Xtr[:, 0].max() + 1 - 1e-9


def test_boundary_rejects_other_than_two_features(blobs):
    model, *_ = blobs
    X3 = np.zeros((5, 3))
    with pytest.raises(ValueError, match=r"needs exactly 2 features; X has 3\. Pick two"):
        plot_decision_boundary(model, X3, np.array([0, 1, 0, 1, 0]))


def test_boundary_errors_name_the_problem(blobs):
    model, Xtr, ytr, *_ = blobs
    with pytest.raises(ValueError, match=r"labels \[7\] that are not classes"):
        plot_decision_boundary(model, Xtr, np.where(ytr == 1, 7, 0))
    with pytest.raises(NotFittedError):
        plot_decision_boundary(LogisticRegression(), Xtr, ytr)
    with pytest.raises(ValueError, match="missing \\['b'\\]"):
        plot_decision_boundary({"W": np.ones((2, 1))}, Xtr, ytr)
    with pytest.raises(ValueError, match="X_test and y_test"):
        plot_decision_boundary(model, Xtr, ytr, X_test=Xtr)


@pytest.mark.parametrize("shape", [(2, 1), (2,)])
def test_boundary_accepts_textbook_parameters(blobs, shape):
    model, Xtr, ytr, *_ = blobs
    params = {"W": model.coef_.reshape(shape), "b": np.array([[model.intercept_[0]]])}
    y_column = ytr.reshape(-1, 1).astype(float)  # the textbook's (m, 1) float labels
    from_dict = _threshold_line(plot_decision_boundary(params, Xtr, y_column, resolution=40))
    from_model = _threshold_line(plot_decision_boundary(model, Xtr, ytr, resolution=40))
    for a, b in zip(from_dict.get_paths(), from_model.get_paths(), strict=True):
        np.testing.assert_allclose(a.vertices, b.vertices)


def test_boundary_marks_and_annotates_user_points(blobs):
    model, Xtr, ytr, *_ = blobs
    points = np.array([[0.0, 2.0], [-4.0, 6.0], [5.0, 5.0]])
    ax = plot_decision_boundary(model, Xtr, ytr, points=points, resolution=30)
    np.testing.assert_array_equal(_scatter(ax, "new points"), points)
    stars = next(c for c in ax.collections if c.get_label() == "new points")
    assert stars.get_paths()[0].vertices.shape[0] >= 10  # a star, not a dot
    p1 = model.predict_proba(points)[:, 1]
    expected = [
        f"class {c}, P(1) = {p:.2f}" for c, p in zip(model.predict(points), p1, strict=True)
    ]
    assert [t.get_text() for t in ax.texts] == expected


# ------------------------------------------------------------------ training curves


def test_training_curves_show_train_and_validation(blobs):
    model, *_ = blobs
    fig = plot_training_curves(model)
    assert isinstance(fig, Figure)
    loss_ax, acc_ax = fig.axes
    h = model.history_
    for ax, name in ((loss_ax, "loss"), (acc_ax, "accuracy")):
        train, val = ax.get_lines()
        assert (train.get_label(), val.get_label()) == ("train", "validation")
        np.testing.assert_array_equal(train.get_xdata(), h["iteration"])
        np.testing.assert_array_equal(train.get_ydata(), h[name])
        np.testing.assert_array_equal(val.get_ydata(), h[f"val_{name}"])


def test_training_curves_accept_dict_history_and_given_axes():
    history = {"loss": [0.7, 0.4, 0.3], "accuracy": [0.5, 0.8, 0.9]}
    fig, axes = plt.subplots(2, 1)
    out = plot_training_curves(history, axes=axes)
    assert out is fig
    np.testing.assert_array_equal(axes[0].get_lines()[0].get_ydata(), history["loss"])
    np.testing.assert_array_equal(axes[0].get_lines()[0].get_xdata(), [0, 1, 2])
    assert len(axes[1].get_lines()) == 1  # no validation column, no validation line
    one = plot_training_curves(History.from_dict(history), metrics="accuracy")
    np.testing.assert_array_equal(one.axes[0].get_lines()[0].get_ydata(), history["accuracy"])
    with pytest.raises(ValueError, match="no column 'f1'"):
        plot_training_curves(history, metrics=("f1",))
    with pytest.raises(ValueError, match="2 axes for 1 metrics"):
        plot_training_curves(history, axes=axes, metrics=("loss",))


# ------------------------------------------------------------------ sigmoid


def test_sigmoid_curve_and_threshold():
    _, ax = plt.subplots()
    assert plot_sigmoid(ax=ax, z_range=(-5, 5)) is ax
    curve = ax.get_lines()[0]
    z = np.asarray(curve.get_xdata())
    assert z.min() == -5 and z.max() == 5
    np.testing.assert_allclose(curve.get_ydata(), 1 / (1 + np.exp(-z)))
    assert any(np.all(np.asarray(line.get_ydata()) == 0.5) for line in ax.get_lines()[1:])
    assert isinstance(plot_sigmoid(), Axes)
    with pytest.raises(ValueError, match="low < high"):
        plot_sigmoid(z_range=(3, -3))


# ------------------------------------------------------------------ images


@pytest.fixture(scope="module")
def digits():
    d = load_digits(n_class=2)
    return d.images[:40], d.target[:40]


def _red(ax):
    return same_color(ax.title.get_color(), MISTAKE_COLOR)


def test_examples_mark_exactly_the_mistakes(digits):
    images, y = digits
    y_pred = y.copy()
    wrong = [1, 5, 6, 30]
    y_pred[wrong] = 1 - y_pred[wrong]
    fig = plot_examples(images, y, y_pred, n=40, ncols=10)
    assert isinstance(fig, Figure)
    axes = fig.axes
    assert len(axes) == 40
    assert [i for i, ax in enumerate(axes) if _red(ax)] == wrong
    assert all(
        same_color(s.get_edgecolor(), MISTAKE_COLOR) for i in wrong for s in axes[i].spines.values()
    )
    assert axes[1].get_title() == f"true {y[1]} / pred {y_pred[1]}"
    np.testing.assert_array_equal(axes[7].get_images()[0].get_array(), images[7])


def test_examples_sample_reproducibly_with_proba_and_names(digits):
    images, y = digits
    proba = np.linspace(0, 1, len(y))

    def titles(seed):
        fig = plot_examples(
            images, y, y, proba=proba, n=6, ncols=3, random_state=seed, class_names=["zero", "one"]
        )
        return [ax.get_title() for ax in fig.axes]

    first = titles(0)
    assert len(first) == 6 and first == titles(0) and first != titles(1)
    assert all(
        t.startswith("true zero / pred zero") or t.startswith("true one / pred one") for t in first
    )
    assert all("\np = " in t for t in first)
    fig, axes = plt.subplots(2, 2)
    assert plot_examples(images.reshape(40, 64), y, n=3, axes=axes) is fig
    assert not axes[1, 1].axison


def test_weights_image_is_the_coefficients_centred_at_zero(digits):
    images, y = digits
    model = LogisticRegression(alpha=1e-1).fit(images.reshape(len(y), -1), y)
    fig, ax = plt.subplots()
    assert plot_weights(model, (8, 8), ax=ax) is ax
    image = ax.get_images()[0]
    np.testing.assert_array_equal(image.get_array(), model.coef_.reshape(8, 8))
    vmin, vmax = image.get_clim()
    assert vmin == -vmax == -np.abs(model.coef_).max()
    assert len(fig.axes) == 2  # the colorbar
    with pytest.raises(ValueError, match="64 weights; shape \\(28, 28\\)"):
        plot_weights(model, (28, 28))


# ------------------------------------------------------------------ metrics


def test_confusion_matrix_counts_equal_sklearn():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 2, 50), rng.integers(0, 2, 50)
    _, ax = plt.subplots()
    assert plot_confusion_matrix(y_true, y_pred, ax=ax) is ax
    counts = [int(t.get_text()) for t in ax.texts]
    assert counts == confusion_matrix(y_true, y_pred).ravel().tolist()
    np.testing.assert_array_equal(ax.get_images()[0].get_array(), confusion_matrix(y_true, y_pred))
    ax = plot_confusion_matrix(y_true, y_pred, normalize=True, labels=[1, 0])
    expected = confusion_matrix(y_true, y_pred, labels=[1, 0], normalize="true").ravel()
    assert [t.get_text() for t in ax.texts] == [f"{v:.2f}" for v in expected]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "0"]


def test_roc_legend_shows_sklearn_auc(blobs):
    model, _, _, Xte, yte = blobs
    scores = model.predict_proba(Xte)
    _, ax = plt.subplots()
    assert plot_roc(yte, scores, ax=ax) is ax
    label = ax.get_legend().get_texts()[0].get_text()
    assert label == f"AUC = {roc_auc_score(yte, scores[:, 1]):.3f}"
    fpr, tpr, _ = roc_curve(yte, scores[:, 1])
    np.testing.assert_array_equal(ax.get_lines()[0].get_xydata(), np.column_stack([fpr, tpr]))
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), [0, 1])  # chance
    # string labels: the larger label is positive, as classes_[1]
    names = np.array(["cat", "dog"])[yte]
    ax = plot_roc(names, scores[:, 1])
    assert ax.get_legend().get_texts()[0].get_text() == label


# ------------------------------------------------------------------ animation


def test_frame_indices_keep_first_and_last():
    assert frame_indices(100, 5).tolist() == [0, 25, 50, 74, 99]
    assert frame_indices(3, 60).tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="max_frames must be >= 2"):
        frame_indices(10, 1)


def test_animation_writes_gif_with_expected_frames(snapshots, tmp_path):
    model, X, y = snapshots
    path = tmp_path / "train.gif"
    anim = animate_training(model, X, y, path, max_frames=5, resolution=15, dpi=30)
    assert isinstance(anim, animation.FuncAnimation)
    with Image.open(path) as gif:
        assert gif.n_frames == 5
    assert [p.name for p in tmp_path.iterdir()] == ["train.gif"]
    last = len(model.history_) - 1
    title = anim._fig._suptitle.get_text()
    assert title == f"iteration {last}, loss {model.history_['loss'][last]:.4g}"
    # one shading and one threshold line at a time, not one per frame
    assert len(_contours(anim._fig.axes[0])) == 2


def test_animation_without_path_returns_a_usable_animation(snapshots, tmp_path):
    model, X, y = snapshots
    anim = animate_training(model, X, y, max_frames=3, resolution=10, dpi=20)
    anim.save(tmp_path / "mine.gif", writer=animation.PillowWriter(fps=4))
    with Image.open(tmp_path / "mine.gif") as gif:
        assert gif.n_frames == 3


def test_animation_needs_weight_snapshots(blobs, snapshots, tmp_path, monkeypatch):
    model, Xtr, ytr, *_ = blobs
    with pytest.raises(ValueError, match="record_weights=True"):
        animate_training(model, Xtr, ytr, tmp_path / "a.gif")
    snap, X, y = snapshots
    with pytest.raises(ValueError, match="use a .gif or .mp4"):
        animate_training(snap, X, y, tmp_path / "a.avi")
    monkeypatch.setattr(animation.writers, "is_available", lambda name: False)
    with pytest.raises(RuntimeError, match="ffmpeg, which is not installed.*gif"):
        animate_training(snap, X, y, tmp_path / "a.mp4")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ saving


def test_save_figure_writes_png(tmp_path):
    ax = plot_sigmoid()
    out = save_figure(ax.figure, tmp_path / "sigmoid.png", dpi=40)
    assert out == tmp_path / "sigmoid.png"
    with Image.open(out) as png:
        assert png.format == "PNG"
    with pytest.raises(ValueError, match="use one of the suffixes"):
        save_figure(ax.figure, tmp_path / "sigmoid.xyz")


def _boom(*args, **kwargs):
    raise OSError("disk full")


def test_failed_save_keeps_old_file_and_leaves_no_temp(tmp_path, monkeypatch, snapshots):
    old = tmp_path / "figure.png"
    old.write_bytes(b"old contents")
    gif = tmp_path / "train.gif"
    gif.write_bytes(b"old gif")
    monkeypatch.setattr(os, "replace", _boom)
    with pytest.raises(OSError, match="disk full"):
        save_figure(plot_sigmoid().figure, old)
    model, X, y = snapshots
    with pytest.raises(OSError, match="disk full"):
        animate_training(model, X, y, gif, max_frames=2, resolution=10, dpi=20)
    assert old.read_bytes() == b"old contents"
    assert gif.read_bytes() == b"old gif"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figure.png", "train.gif"]
