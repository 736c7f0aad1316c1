"""Models of K >= 3 classes outside the process: the model file (format 2, hostile files
too), ONNX export, and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from oneneuron import LogisticRegression, load
from oneneuron import _model_readers as model_readers
from oneneuron import io as model_io


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4))
    y = np.array(["ant", "bee", "cat"])[np.argmax(X[:, :3] + rng.gumbel(size=(200, 3)), axis=1)]
    model = LogisticRegression(alpha=1e-2, class_weight={"bee": 2.0}).fit(X, y)
    return model, X


def _rewrite(path, mutate):
    obj = json.loads(Path(path).read_text("utf-8"))
    mutate(obj)
    obj["checksum"] = model_io._checksum(obj)
    Path(path).write_text(json.dumps(obj), "utf-8")


def _load_error(path):
    with pytest.raises(ValueError) as info:
        load(path)
    return str(info.value)


def test_round_trip_format_2(fitted, tmp_path):
    model, X = fitted
    path = model.save(tmp_path / "m.json")
    obj = json.loads(path.read_text("utf-8"))
    assert obj["format_version"] == 2
    assert np.shape(obj["coef"]) == (3, 4) and len(obj["intercept"]) == 3
    back = load(path)
    np.testing.assert_array_equal(back.classes_, model.classes_)
    np.testing.assert_array_equal(back.coef_, model.coef_)
    np.testing.assert_array_equal(back.intercept_, model.intercept_)
    np.testing.assert_array_equal(back.predict_proba(X), model.predict_proba(X))
    assert back.class_weight == {"bee": 2.0}
    model_io._schema.check(obj, 2)


def test_binary_models_stay_format_1(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 2))
    path = LogisticRegression().fit(X, X[:, 0] > 0).save(tmp_path / "b.json")
    obj = json.loads(path.read_text("utf-8"))
    assert obj["format_version"] == 1 and len(obj["coef"]) == 2
    model_io._schema.check(obj, 1)  # what a reader that predates format 2 checks


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda o: o["coef"].pop(), r"'coef' has 2 rows and 'intercept' 3 values; with 3 classes"),
        (lambda o: o["intercept"].append(0.5), "'intercept' 4 values; with 3 classes"),
        (lambda o: o["coef"][1].pop(), r"'coef\[1\]' has 3 items; it must have n_features_in = 4"),
        (lambda o: o["coef"].__setitem__(0, 1.0), r"'coef\[0\]' must be a list"),
        (lambda o: o["classes"]["values"].reverse(), "must be sorted and distinct"),
        (lambda o: o["classes"].update(values=["ant", "bee", "ant"]), "holds one label twice"),
        (
            lambda o: o["classes"].update(values=[f"c{i:05d}" for i in range(8193)]),
            r"'classes.values' has 8193 items; at most 8192 are allowed",
        ),
        (lambda o: o["params"].update(threshold=0.3), "threshold=0.3 applies to two classes"),
        (lambda o: o["params"].update(firth=True), "firth=True fits the binary model only"),
        (lambda o: o.update(format_version=3), "newer version of oneneuron .* reads up to 2"),
        (lambda o: o["coef"][2].__setitem__(0, 1e101), r"'coef\[2\]\[0\]' must be <= 1e\+?100"),
    ],
)
def test_hostile_format_2_files_are_refused(fitted, tmp_path, mutate, expected):
    path = fitted[0].save(tmp_path / "m.json")
    _rewrite(path, mutate)
    message = _load_error(path)
    assert str(path) in message
    assert __import__("re").search(expected, message), message


def test_a_model_over_the_weight_limit_is_refused(tmp_path, fitted, monkeypatch):
    """At most MAX_WEIGHTS rows x features (2**24): checked here with a limit of 10."""
    path = fitted[0].save(tmp_path / "m.json")
    monkeypatch.setattr(model_readers, "MAX_WEIGHTS", 10)
    assert "the model has 3 x 4 weights; at most 10" in _load_error(path)


# ------------------------------------------------------------------------------ ONNX
@pytest.mark.parametrize("standardize", [False, True])
def test_onnx_matches_predict_proba(standardize):
    pytest.importorskip("onnxruntime")
    from oneneuron.onnx import to_onnx

    from .onnx_helpers import run_graph

    rng = np.random.default_rng(2)
    X = rng.normal(size=(300, 5)) * [1, 10, 0.1, 1, 5]
    y = np.array([3, 7, 9, 11])[np.argmax(X[:, :4] + rng.gumbel(size=(300, 4)), axis=1)]
    model = LogisticRegression(standardize=standardize).fit(X, y)
    labels, proba = run_graph(to_onnx(model), X)
    np.testing.assert_allclose(proba, model.predict_proba(X), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(labels, model.predict(X))


# ------------------------------------------------------------------------------- CLI
def _cli(argv):
    from .test_cli import run

    return run(argv)


def test_cli_train_predict_evaluate_info(tmp_path):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(240, 3))
    y = np.array(["ant", "bee", "cat"])[np.argmax(X + rng.gumbel(size=(240, 3)), axis=1)]
    import pandas as pd

    frame = pd.DataFrame(X, columns=["x1", "x2", "x3"])
    frame["animal"] = y
    data = tmp_path / "d.csv"
    frame.to_csv(data, index=False)
    model_path = tmp_path / "m.json"
    status, out, err = _cli(["train", data, "--target", "animal", "--out", model_path, "--quiet"])
    assert status == 0, err
    assert "ant, bee, cat" in out and "of 9" in out  # 9 weights: 3 classes x 3 features
    model = load(model_path)
    assert model.coef_.shape == (3, 3)

    status, out, err = _cli(["predict", model_path, data, "--proba"])
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0] == "prediction,proba_ant,proba_bee,proba_cat"
    shown = pd.read_csv(__import__("io").StringIO(out))
    np.testing.assert_allclose(
        shown[["proba_ant", "proba_bee", "proba_cat"]].to_numpy(),
        model.predict_proba(frame[["x1", "x2", "x3"]]),
        rtol=1e-12,
    )
    status, out, err = _cli(["predict", model_path, "--point", "3,0,0"])
    assert status == 0 and out.startswith("3,0,0 -> ant (p=")

    status, out, err = _cli(["evaluate", model_path, data, "--target", "animal"])
    assert status == 0, err
    assert "3 classes" in out and "macro one-vs-rest ROC AUC" in out
    assert "pred cat" in out and "true bee" in out
    status, out, err = _cli(["evaluate", model_path, data, "--target", "animal", "--json"])
    metrics = json.loads(out)
    from sklearn.metrics import confusion_matrix

    expected = confusion_matrix(y, model.predict(frame[["x1", "x2", "x3"]]), labels=model.classes_)
    assert metrics["confusion_matrix"] == expected.tolist()
    assert metrics["accuracy"] == pytest.approx(model.score(frame[["x1", "x2", "x3"]], y))

    status, out, err = _cli(["info", model_path])
    assert status == 0, err
    assert "version 2" in out and "(3, multinomial)" in out
    status, out, err = _cli(["info", model_path, "--json"])
    assert json.loads(out)["intercept"] == model.intercept_.tolist()
    # --stream with K classes: tests/test_cli_stream_multiclass.py
