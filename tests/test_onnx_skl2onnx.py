"""skl2onnx: a scikit-learn Pipeline that ends in oneneuron converts whole and runs in
onnxruntime with the pipeline's own probabilities and labels."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from oneneuron import LogisticRegression

pytest.importorskip("onnxruntime")
skl2onnx = pytest.importorskip("skl2onnx")
from oneneuron.onnx import register_skl2onnx  # noqa: E402

from .onnx_helpers import (  # noqa: E402
    by_hand,
    features,
    python_block,
    run_graph,
    softmax_reference,
)

#: The conversions' input is named after what skl2onnx.to_onnx is given: X.
INPUT = "X"


@pytest.fixture(scope="module", autouse=True)
def registered():
    register_skl2onnx()
    register_skl2onnx()  # again: harmless


def fit_pipeline(offset=True):
    X, y01 = features(offset=offset)
    labels = np.array(["ham", "spam"], dtype=object)[y01]
    steps = [("scale", StandardScaler()), ("clf", LogisticRegression(threshold=0.4))]
    return Pipeline(steps).fit(X, labels), X


@pytest.fixture(scope="module")
def pipeline():
    return fit_pipeline()


@pytest.mark.parametrize(
    ("dtype", "offset", "atol"),
    # float32: skl2onnx's scaler works in float32 (oneneuron's step casts to float64), and
    # a float32 mean of 1 +- 0.01 is off by 1e-5 of a standard deviation: centred data
    [(np.float64, True, 1e-13), (np.float32, False, 1e-6)],
)
def test_a_pipeline_converts_whole(dtype, offset, atol):
    pipe, X = fit_pipeline(offset)
    Xd = X.astype(dtype)
    onx = skl2onnx.to_onnx(pipe, Xd[:1])
    ops = [node.op_type for node in onx.graph.node]
    assert "ZipMap" not in ops and "Softmax" in ops
    assert [o.name for o in onx.graph.output] == ["label", "probabilities"]
    labels, proba = run_graph(onx, Xd, INPUT)
    Xf = Xd.astype(np.float64)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba, pipe.predict_proba(Xf), rtol=0, atol=atol)
    np.testing.assert_array_equal(labels, pipe.predict(Xf))
    assert (labels != np.where(proba[:, 1] >= 0.5, "spam", "ham")).any()  # threshold 0.4


def test_a_pipeline_with_more_classes(pipeline):
    pipe, X = pipeline
    scaler = pipe.named_steps["scale"]
    rng = np.random.default_rng(3)
    coef, intercept = rng.normal(size=(3, 4)) * 3, rng.normal(size=3)
    clf = by_hand(coef, intercept, np.array([3, 1, 2]))
    onx = skl2onnx.to_onnx(Pipeline([("scale", scaler), ("clf", clf)]), X[:1])
    labels, proba = run_graph(onx, X, INPUT)
    logits = scaler.transform(X) @ coef.T + intercept
    np.testing.assert_allclose(proba, softmax_reference(logits), rtol=1e-12, atol=1e-300)
    np.testing.assert_array_equal(labels, clf.classes_[np.argmax(logits, axis=1)])


def test_the_model_alone_converts_as_to_onnx_does(pipeline):
    from oneneuron.onnx import to_onnx

    pipe, X = pipeline
    clf = pipe.named_steps["clf"]
    Z = pipe.named_steps["scale"].transform(X)
    alone = run_graph(skl2onnx.to_onnx(clf, Z[:1]), Z, INPUT)
    ours = run_graph(to_onnx(clf), Z)
    np.testing.assert_array_equal(alone[0], ours[0])
    np.testing.assert_allclose(alone[1], ours[1], rtol=1e-15, atol=0)


def test_what_skl2onnx_cannot_have_is_named(pipeline):
    pipe, X = pipeline
    with pytest.raises(RuntimeError, match="needs target_opset >= 13; got 12"):
        skl2onnx.to_onnx(pipe, X[:1], target_opset=12)
    clf = pipe.named_steps["clf"]
    with pytest.raises(NameError, match="zipmap"):  # outputs are tensors, no ZipMap
        skl2onnx.to_onnx(clf, X[:1], options={id(clf): {"zipmap": False}})
    with pytest.raises(RuntimeError, match="expects 4 features; its input has 3"):
        skl2onnx.to_onnx(clf, X[:1, :3])


def test_the_documented_pipeline_example_runs():
    namespace: dict = {}
    exec(python_block("docs/onnx.md", "## A scikit-learn Pipeline"), namespace)
    np.testing.assert_array_equal(namespace["label"], namespace["pipe"].predict(namespace["X"]))
