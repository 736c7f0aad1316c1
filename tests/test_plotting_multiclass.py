"""The pictures of K >= 3 classes: regions, their animation, one-vs-rest ROC, K x K confusion,
one weight image per class, the mistakes.

The models come from :mod:`tests.multiclass_helpers`: oneneuron's estimator once it fits K
classes, scikit-learn's (the same API) until then.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # tests only: the package itself never selects a backend

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba_array
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure
from PIL import Image
from sklearn.datasets import load_digits, make_blobs
from sklearn.metrics import confusion_matrix, roc_auc_score, roc_curve

from oneneuron.plotting import (
    animate_training,
    animate_weights,
    plot_class_weights,
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_mistakes,
    plot_roc,
    plot_weights,
)
from oneneuron.plotting._common import REGION_ALPHA, class_colors, grid
from oneneuron.plotting._images import MISTAKE_COLOR
from oneneuron.plotting._model_view import proba_at

from .multiclass_helpers import k_class_model, recorded_k_class_model


@pytest.fixture(autouse=True)
def _close_figures():
    rc_before = dict(matplotlib.rcParams)
    yield
    plt.close("all")
    assert dict(matplotlib.rcParams) == rc_before, "plotting changed global rcParams"


@pytest.fixture(scope="module")
def blobs4():
    """Four overlapping blobs in 2-D, a K = 4 model fitted on the first 150 rows."""
    X, y = make_blobs(n_samples=200, centers=4, cluster_std=1.6, random_state=1)
    model = k_class_model(alpha=1e-3).fit(X[:150], y[:150])
    return model, X[:150], y[:150], X[150:], y[150:]


@pytest.fixture(scope="module")
def digits10():
    """Digits 0-9: a K = 10 model fitted on 600 images, 300 more to test on."""
    d = load_digits()
    X, y, images = d.data / 16.0, d.target, d.images
    model = k_class_model(alpha=1e-3).fit(X[:600], y[:600])
    return model, X[600:900], y[600:900], images[600:900]


def _borders(ax):
    return [c for c in ax.collections if isinstance(c, QuadContourSet)]


def _scatter(ax, label):
    hits = [c for c in ax.collections if isinstance(c, PathCollection) and c.get_label() == label]
    assert len(hits) == 1, label
    return hits[0]


# ------------------------------------------------------------------------------ regions
def test_regions_are_the_argmax_of_predict_proba_shaded_by_its_value(blobs4):
    model, X, y, *_ = blobs4
    ax = plot_decision_boundary(model, X, y, resolution=40, padding=0.5)
    (image,) = ax.get_images()
    rgba = np.asarray(image.get_array())
    xx, yy, flat = grid(X, resolution=40, padding=0.5)
    proba = model.predict_proba(flat)
    winner = np.argmax(proba, axis=1).reshape(xx.shape)
    assert set(np.unique(winner)) == {0, 1, 2, 3}  # every class has a region on the mesh
    colors = to_rgba_array(class_colors(4))
    np.testing.assert_allclose(rgba[..., :3], colors[winner, :3])
    # the surer the model, the more opaque: alpha grows with the largest probability
    top = proba.max(axis=1).reshape(xx.shape)
    lo, hi = REGION_ALPHA
    np.testing.assert_allclose(rgba[..., 3], lo + (hi - lo) * (top - 0.25) / 0.75, atol=1e-12)
    assert image.get_extent() == pytest.approx([xx[0, 0], xx[0, -1], yy[0, 0], yy[-1, 0]])


def test_region_borders_lie_where_the_two_likeliest_classes_tie(blobs4):
    model, X, y, *_ = blobs4
    ax = plot_decision_boundary(model, X, y, resolution=120)
    borders = _borders(ax)
    assert 3 <= len(borders) <= 4  # one per class whose region has a border on the mesh
    vertices = np.vstack([p.vertices for c in borders for p in c.get_paths()])
    assert len(vertices) > 50
    top2 = np.sort(np.log(model.predict_proba(vertices)), axis=1)[:, -2:]
    gap = top2[:, 1] - top2[:, 0]  # log odds of the likeliest class against the next
    assert np.quantile(gap, 0.9) < 1e-9  # exact, but in the cells where a border bends:
    xx, yy, _ = grid(X, resolution=120, padding=1.0)
    cell = np.hypot(xx[0, 1] - xx[0, 0], yy[1, 0] - yy[0, 0])
    W = model.coef_
    steepest = max(np.linalg.norm(W[j] - W[k]) for j in range(4) for k in range(4))
    assert gap.max() <= steepest * cell  # there, within the change of the log odds in a cell


def test_regions_draw_every_point_in_its_class_colour_and_the_test_points(blobs4):
    model, X, y, Xt, yt = blobs4
    ax = plot_decision_boundary(model, X, y, X_test=Xt, y_test=yt, resolution=30)
    colors = to_rgba_array(class_colors(4))
    for k in range(4):
        dots = _scatter(ax, f"class {k}")
        np.testing.assert_array_equal(dots.get_offsets(), X[y == k])
        np.testing.assert_allclose(dots.get_facecolor()[0][:3], colors[k][:3], atol=1e-6)
        np.testing.assert_array_equal(_scatter(ax, f"class {k} (test)").get_offsets(), Xt[yt == k])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:4] == [f"class {k}" for k in range(4)] and legend[-1] == "region border"
    assert len(ax.figure.axes) == 2  # the colorbar of the largest probability
    assert ax.figure.axes[1].get_ylabel() == "largest class probability"


def test_regions_annotate_new_points_and_name_bad_input(blobs4):
    model, X, y, *_ = blobs4
    points = np.array([[0.0, 0.0], [-6.0, -4.0]])
    ax = plot_decision_boundary(model, X, y, points=points, resolution=20, colorbar=False)
    proba = model.predict_proba(points)
    expected = [
        f"class {c}, P = {p:.2f}"
        for c, p in zip(model.predict(points), proba.max(axis=1), strict=True)
    ]
    assert [t.get_text() for t in ax.texts] == expected
    assert len(ax.figure.axes) == 1
    with pytest.raises(ValueError, match=r"labels \[7\] that are not classes"):
        plot_decision_boundary(model, X, np.where(y == 1, 7, y))
    with pytest.raises(ValueError, match="needs exactly 2 features"):
        plot_decision_boundary(model, np.zeros((4, 3)), y[:4])
    with pytest.raises(ValueError, match="X_test and y_test"):
        plot_decision_boundary(model, X, y, X_test=X)


def test_regions_of_a_model_fitted_on_a_dataframe_use_its_column_names(blobs4):
    import warnings

    import pandas as pd

    _, X, y, *_ = blobs4
    frame = pd.DataFrame(X, columns=["width", "height"])
    model = k_class_model(alpha=1e-3).fit(frame, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "X does not have valid feature names"
        ax = plot_decision_boundary(model, frame, y, resolution=20)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("width", "height")


# ------------------------------------------------------------------------------ animation
def test_proba_at_a_snapshot_is_the_models_predict_proba(blobs4):
    model, X, *_ = blobs4
    np.testing.assert_allclose(
        proba_at(model.coef_, model.intercept_, X), model.predict_proba(X), atol=1e-12
    )
    # one neuron: (d,) weights and one intercept give the columns 1 - p and p
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression

    binary = SkLogisticRegression().fit(X, y := (blobs4[2] == 0))
    assert y.any()
    np.testing.assert_allclose(
        proba_at(binary.coef_[0], binary.intercept_[0], X), binary.predict_proba(X), atol=1e-12
    )


def test_animation_of_k_class_regions_writes_a_gif(blobs4, tmp_path):
    _, X, y, *_ = blobs4
    model = recorded_k_class_model(X, y, n_records=6)
    path = tmp_path / "regions.gif"
    anim = animate_training(model, X, y, path, max_frames=4, resolution=15, dpi=30)
    with Image.open(path) as gif:
        assert gif.n_frames == 4
    assert [p.name for p in tmp_path.iterdir()] == ["regions.gif"]
    ax = anim._fig.axes[0]
    assert ax.get_title() == "class regions"
    assert len(ax.get_images()) == 1  # one picture of the regions at a time, not one per frame
    # the last frame is the recorded last snapshot
    h = model.history_
    xx, _, flat = grid(X, resolution=15, padding=1.0)
    proba = proba_at(h["coef"][-1], h["intercept"][-1], flat)
    winner = np.argmax(proba, axis=1).reshape(xx.shape)
    rgba = np.asarray(ax.get_images()[0].get_array())
    np.testing.assert_allclose(rgba[..., :3], to_rgba_array(class_colors(4))[winner, :3])
    assert anim._fig._suptitle.get_text().startswith(f"iteration {len(h) - 1}, loss")


def test_animation_of_k_weight_images(digits10, tmp_path):
    _, X, y, _ = digits10
    model = recorded_k_class_model(X, y, n_records=4)
    anim = animate_weights(model, (8, 8), tmp_path / "w.gif", max_frames=3, dpi=25)
    with Image.open(tmp_path / "w.gif") as gif:
        assert gif.n_frames == 3
    panels = [ax for ax in anim._fig.axes if ax.get_images()]
    assert [ax.get_title() for ax in panels] == [f"class {k}" for k in range(10)]
    last = np.asarray(model.history_["coef"][-1])
    for k, ax in enumerate(panels):
        np.testing.assert_array_equal(ax.get_images()[0].get_array(), last[k].reshape(8, 8))


# ------------------------------------------------------------------------------ ROC
def test_one_vs_rest_roc_curves_and_macro_auc_equal_sklearn(digits10):
    model, X, y, _ = digits10
    proba = model.predict_proba(X)
    ax = plot_roc(y, proba, labels=model.classes_)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    for k in range(10):
        area = roc_auc_score(y == k, proba[:, k])
        assert legend[k] == f"{k} (AUC = {area:.3f})"
        fpr, tpr, _ = roc_curve(y == k, proba[:, k])
        np.testing.assert_array_equal(ax.get_lines()[k].get_xydata(), np.column_stack([fpr, tpr]))
    macro = roc_auc_score(y, proba, multi_class="ovr", average="macro")
    assert legend[10] == f"macro average (AUC = {macro:.3f})"
    assert legend[11] == "chance"
    mean = ax.get_lines()[10]
    assert mean.get_linestyle() == "--"
    assert np.all(np.diff(mean.get_ydata()) >= 0) and mean.get_ydata()[-1] == 1.0
    assert "against the rest" in ax.get_title()


def test_roc_of_k_classes_skips_a_class_absent_from_y_true(blobs4):
    model, _, _, Xt, yt = blobs4
    keep = yt != 2
    ax = plot_roc(yt[keep], model.predict_proba(Xt[keep]), labels=model.classes_)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert [s.split(" ")[0] for s in legend[:3]] == ["0", "1", "3"]
    assert "no curve for 2" in ax.get_title()
    with pytest.raises(ValueError, match="pass labels=model.classes_"):
        plot_roc(yt[keep], model.predict_proba(Xt[keep]))
    with pytest.raises(ValueError, match="two labels for a ROC curve"):
        plot_roc(yt, model.predict_proba(Xt)[:, 0])


# ------------------------------------------------------------------------------ confusion
def test_k_by_k_confusion_matrix_counts_and_labels(digits10):
    model, X, y, _ = digits10
    pred = model.predict(X)
    ax = plot_confusion_matrix(y, pred, labels=model.classes_)
    expected = confusion_matrix(y, pred, labels=model.classes_)
    assert expected.shape == (10, 10)
    assert [int(t.get_text()) for t in ax.texts] == expected.ravel().tolist()
    np.testing.assert_array_equal(ax.get_images()[0].get_array(), expected)
    assert [t.get_text() for t in ax.get_xticklabels()] == [str(k) for k in range(10)]
    assert [t.get_text() for t in ax.get_yticklabels()] == [str(k) for k in range(10)]
    assert ax.figure.get_figwidth() > 6  # cells stay legible


# ------------------------------------------------------------------------------ weights
def test_class_weights_are_the_rows_of_coef_on_one_colour_scale(digits10):
    model, *_ = digits10
    fig = plot_class_weights(model, (8, 8))
    assert isinstance(fig, Figure)
    panels = [ax for ax in fig.axes if ax.get_images()]
    assert len(panels) == 10
    m = np.abs(model.coef_).max()
    for k, ax in enumerate(panels):
        image = ax.get_images()[0]
        np.testing.assert_array_equal(image.get_array(), model.coef_[k].reshape(8, 8))
        assert image.get_clim() == (-m, m)
        assert ax.get_title() == f"class {k}"
    assert len(fig.axes) == 11  # and one colorbar
    names = plot_class_weights(model.coef_[:3], (8, 8), class_names=["zero", "one", "two"])
    assert [ax.get_title() for ax in names.axes[:3]] == ["class zero", "class one", "class two"]
    with pytest.raises(ValueError, match="64 weights; shape \\(4, 4\\)"):
        plot_class_weights(model, (4, 4))
    with pytest.raises(ValueError, match="plot_class_weights"):
        plot_weights(model, (8, 8))


# ------------------------------------------------------------------------------ mistakes
def test_mistakes_show_exactly_the_wrong_answers_most_confident_first(digits10):
    model, X, y, images = digits10
    pred, proba = model.predict(X), model.predict_proba(X)
    wrong = np.flatnonzero(pred != y)
    assert 0 < len(wrong)
    fig = plot_mistakes(model, X, y, images=images, n=40)
    panels = [ax for ax in fig.axes if ax.get_images()]
    assert len(panels) == min(40, len(wrong))
    p_wrong = proba[wrong, pred[wrong]]
    order = wrong[np.argsort(-p_wrong, kind="stable")]
    for ax, i in zip(panels, order, strict=False):
        assert (
            ax.get_title()
            == f"true {y[i]} / pred {pred[i]}\nP({pred[i]}) = {proba[i, pred[i]]:.2f}"
        )
        assert ax.title.get_color() == MISTAKE_COLOR
        np.testing.assert_array_equal(ax.get_images()[0].get_array(), images[i])
    assert fig._suptitle.get_text().startswith(f"{len(wrong)} of {len(y)} misclassified")
    few = plot_mistakes(model, X, y, n=2)  # rows of 64 drawn as 8x8 images
    assert len([ax for ax in few.axes if ax.get_images()]) == 2
    assert "the 2 most confident shown" in few._suptitle.get_text()
    right = pred == y
    none = plot_mistakes(model, X[right][:5], y[right][:5])
    assert not [ax for ax in none.axes if ax.get_images()]
    assert "no mistakes: all 5 classified correctly" in [t.get_text() for t in none.texts]
