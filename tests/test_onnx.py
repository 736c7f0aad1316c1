"""ONNX export: the graph run in onnxruntime against oneneuron's own predictions.

Oracles: ``predict_proba`` and ``predict`` of the fitted model (two classes), a NumPy
softmax of hand-set coefficients (K >= 3 classes, ahead of the multiclass estimator), and
the ONNX reference evaluator as a second runtime.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from oneneuron import LogisticRegression, load

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from oneneuron.onnx import IR_VERSION, OPSET, to_onnx  # noqa: E402

from .onnx_helpers import (  # noqa: E402
    by_hand,
    features,
    python_block,
    run_graph,
    softmax_reference,
)

TensorProto = onnx.TensorProto
#: label kind -> (the two classes, the element type of the label tensor)
LABELS = {
    "int": (np.array([0, 1]), TensorProto.INT64),
    "int8": (np.array([-7, 3], dtype=np.int8), TensorProto.INT64),
    "object-str": (np.array(["no", "yes"], dtype=object), TensorProto.STRING),
    "unicode": (np.array(["cat", "dog"]), TensorProto.STRING),
    "bool": (np.array([False, True]), TensorProto.BOOL),
    "float": (np.array([0.5, 2.5]), TensorProto.DOUBLE),
}


@pytest.fixture(scope="module")
def data():
    return features()


@pytest.fixture(scope="module")
def fitted(data):
    X, y01 = data
    return LogisticRegression(standardize=True).fit(X, y01)


# ------------------------------------------------------------------------- two classes
@pytest.mark.parametrize("standardize", [False, True])
@pytest.mark.parametrize("kind", list(LABELS))
def test_two_classes_match_predict(data, kind, standardize):
    X, y01 = data
    classes, label_type = LABELS[kind]
    model = LogisticRegression(standardize=standardize).fit(X, classes[y01])
    onx = to_onnx(model)
    labels, proba = run_graph(onx, X)
    expected = model.predict_proba(X)
    assert proba.dtype == np.float64 and proba.shape == (len(X), 2)
    assert np.abs(proba - expected).max() <= 1e-6  # the bar
    np.testing.assert_allclose(proba, expected, rtol=1e-12, atol=1e-15)  # float64 throughout
    assert onx.graph.output[0].type.tensor_type.elem_type == label_type
    np.testing.assert_array_equal(labels, model.predict(X))
    assert len(set(labels.tolist())) == 2  # both classes are predicted: the labels can differ


@pytest.mark.parametrize("threshold", [0.0, 0.2, 0.5, 0.8, 1.0])
def test_threshold_is_honoured(data, fitted, threshold):
    X, _ = data
    model = LogisticRegression(standardize=True, threshold=threshold).fit(*data)
    labels, _ = run_graph(to_onnx(model), X)
    np.testing.assert_array_equal(labels, model.predict(X))
    if threshold in (0.0, 1.0):  # every row one class: P >= 0 always, P >= 1 never
        assert set(labels.tolist()) == {int(threshold == 0.0)}
    elif threshold != 0.5:
        assert (labels != fitted.predict(X)).sum() >= 5  # the threshold moved labels


def test_standardisation_is_folded_in(fitted, data):
    """coef_ and intercept_ are in raw units: the graph takes raw rows, no scaling node."""
    X, _ = data
    assert fitted.x_mean_ is not None and np.ptp(fitted.x_scale_) > 100
    onx = to_onnx(fitted)
    ops = [node.op_type for node in onx.graph.node]
    assert ops == ["Gemm", "Softmax", "Gather", "GreaterOrEqual", "Cast", "Gather"]
    _, proba = run_graph(onx, X)
    np.testing.assert_allclose(proba, fitted.predict_proba(X), rtol=1e-12, atol=1e-15)


def test_float32_input_is_computed_in_float64(fitted, data):
    X, _ = data
    X32 = X.astype(np.float32)
    onx = to_onnx(fitted, dtype=np.float32)
    assert onx.graph.input[0].type.tensor_type.elem_type == TensorProto.FLOAT
    labels, proba = run_graph(onx, X32)
    exact = fitted.predict_proba(X32.astype(np.float64))  # the model at the float32 points
    np.testing.assert_allclose(proba, exact, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(labels, fitted.predict(X32.astype(np.float64)))
    # the float32 rows themselves differ from X (features near 3000 round by 1e-4)
    assert np.abs(proba - fitted.predict_proba(X)).max() > 1e-7
    assert to_onnx(fitted, dtype="float32") == onx


def test_tails_keep_relative_precision():
    """sigmoid(-700) is 1e-304, not 0: both columns to relative precision, as predict_proba.
    z = 0 sits on the cut of threshold 0.5 and is classes_[1] (z >= cut)."""
    model = by_hand([[1.0]], [0.0], ["low", "high"])
    z = np.concatenate([np.linspace(-700, 700, 1401), [-1e-300, 0.0, 1e-300]])[:, None]
    labels, proba = run_graph(to_onnx(model), z)
    expected = model.predict_proba(z)
    assert (expected > 0).all() and not np.isnan(proba).any()
    np.testing.assert_allclose(proba, expected, rtol=1e-13, atol=0)
    np.testing.assert_array_equal(labels, model.predict(z))
    assert labels[-2] == "high"


# ------------------------------------------------------------------------ K >= 3 classes
@pytest.mark.parametrize(
    "classes", [np.array([10, 20, 30]), np.array(["a", "b", "c", "d", "e"], dtype=object)]
)
def test_softmax_for_more_classes(classes):
    k, d = len(classes), 4
    rng = np.random.default_rng(k)
    coef, intercept = rng.normal(size=(k, d)) * 20, rng.normal(size=k)
    model = by_hand(coef, intercept, classes, threshold=0.99)  # the threshold is not used
    X = np.vstack([rng.normal(size=(200, d)), np.zeros((1, d))])
    intercept[1:3] = intercept.max() + 1  # the zero row: a tie between classes 1 and 2
    logits = X @ coef.T + intercept
    labels, proba = run_graph(to_onnx(model), X)
    assert proba.shape == (len(X), k)
    np.testing.assert_allclose(proba, softmax_reference(logits), rtol=1e-12, atol=1e-300)
    np.testing.assert_array_equal(labels, classes[np.argmax(logits, axis=1)])
    assert labels[-1] == classes[1]  # a tie goes to the first largest logit
    assert len(set(labels.tolist())) == k


def test_a_second_runtime_agrees(fitted, data):
    """onnx's reference evaluator (NumPy) runs the same graphs to the same numbers."""
    from onnx.reference import ReferenceEvaluator

    X, _ = data
    multi = by_hand(np.arange(12.0).reshape(3, 4) / 1000, [0.0, 1.0, -1.0], [1, 2, 3])
    for model in (fitted, multi):
        onx = to_onnx(model)
        labels, proba = ReferenceEvaluator(onx).run(None, {"X": X})
        expected_labels, expected = run_graph(onx, X)
        np.testing.assert_allclose(proba, expected, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(labels, expected_labels)


# ----------------------------------------------------------------------- the file itself
def test_the_file_describes_itself(data):
    X, y01 = data
    names = ["age", "income", "steps", "ratio"]
    model = LogisticRegression(threshold=0.3).fit(pd.DataFrame(X, columns=names), y01)
    onx = to_onnx(model)
    assert (onx.ir_version, [(o.domain, o.version) for o in onx.opset_import]) == (
        IR_VERSION,
        [("", OPSET)],
    )
    (x,) = onx.graph.input
    assert x.name == "X"
    assert [d.dim_param or d.dim_value for d in x.type.tensor_type.shape.dim] == ["N", 4]
    assert "age, income, steps, ratio" in x.doc_string
    assert [o.name for o in onx.graph.output] == ["label", "probabilities"]
    meta = {p.key: p.value for p in onx.metadata_props}
    assert meta["oneneuron.feature_names"] == '["age", "income", "steps", "ratio"]'
    assert (meta["oneneuron.threshold"], meta["oneneuron.classes"]) == ("0.3", "[0, 1]")
    labels, _ = run_graph(onnx.load_from_string(onx.SerializeToString()), X)
    np.testing.assert_array_equal(labels, model.predict(pd.DataFrame(X, columns=names)))


def test_a_saved_model_exports_the_same_graph(fitted, tmp_path):
    same = load(fitted.save(tmp_path / "model.json"))
    assert to_onnx(same).SerializeToString() == to_onnx(fitted).SerializeToString()


@pytest.mark.parametrize(
    ("model", "error", "message"),
    [
        (LogisticRegression(), NotFittedError, "not fitted"),
        ("model.json", TypeError, "oneneuron LogisticRegression; got str"),
        (by_hand([[1.0], [2.0]], [0, 0], [0, 1]), ValueError, r"shape \(2, 1\) for 2 classes"),
        (by_hand([[1.0]], [0.0], [0, 1, 2]), ValueError, r"shape \(1, 1\) for 3 classes"),
        (by_hand([[1.0]], [0.0, 1.0], [0, 1]), ValueError, r"intercept_ has shape \(2,\)"),
        (by_hand([[np.nan]], [0.0], [0, 1]), ValueError, "NaN or inf"),
        (by_hand([[1.0]], [0.0], np.array([1, "a"], dtype=object)), ValueError, "mix types"),
        (by_hand([[1.0]], [0.0], np.array([0, 2**64 - 1], np.uint64)), ValueError, "int64"),
    ],
)
def test_what_cannot_be_exported_is_named(model, error, message):
    with pytest.raises(error, match=message):
        to_onnx(model)


def test_the_input_dtype_is_checked(fitted):
    with pytest.raises(ValueError, match="float64 or float32; got 'int64'"):
        to_onnx(fitted, dtype="int64")


def test_the_readme_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(python_block("README.md", "## Deploying with ONNX"), namespace)
    model, X = namespace["model"], namespace["data"].X
    np.testing.assert_array_equal(namespace["label"], model.predict(X))
    np.testing.assert_allclose(namespace["proba"], model.predict_proba(X), rtol=1e-12)
