"""Models of K >= 3 classes outside the process: the model file (format 2, hostile files
too), ONNX export, and the command line."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from oneneuron import LogisticRegression, load
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
    monkeypatch.setattr(model_io, "MAX_WEIGHTS", 10)
    assert "the model has 3 x 4 weights; at most 10" in _load_error(path)
