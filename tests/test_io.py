"""The model file: exact round trips, atomic saves, and loads that refuse hostile files."""

from __future__ import annotations

import ast
import copy
import json
import os
import pickle
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

import oneneuron
from oneneuron import History, LogisticRegression
from oneneuron import io as model_io
from oneneuron.io import FORMAT_NAME, FORMAT_VERSION, load_model, save_model


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4))
    y = (X @ [1.0, -2.0, 0.5, 0.0] + rng.normal(scale=1.5, size=120) > 0).astype(int)
    return X, y


@pytest.fixture(scope="module")
def fitted(data):
    return LogisticRegression().fit(*data)


def _same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def _assert_same_predictions(m1, m2, X):
    assert _same_bits(m1.decision_function(X), m2.decision_function(X))
    assert _same_bits(m1.predict_proba(X), m2.predict_proba(X))
    p1, p2 = m1.predict(X), m2.predict(X)
    assert p1.dtype == p2.dtype and p1.tolist() == p2.tolist()


def _round_trip(model, tmp_path, name="model.json"):
    path = model.save(tmp_path / name)
    assert path == tmp_path / name
    return oneneuron.load(path)


def _rewrite(path, mutate, checksum=True):
    """Edit the saved JSON with ``mutate(obj)``; re-sign it so only the edit is tested."""
    obj = json.loads(Path(path).read_text("utf-8"))
    mutate(obj)
    if checksum:
        obj["checksum"] = model_io._checksum(obj)
    Path(path).write_text(json.dumps(obj), "utf-8")


def _load_error(path):
    with pytest.raises(ValueError) as info:
        load_model(path)
    message = str(info.value)
    assert str(path) in message
    return message


# ----------------------------------------------------------------------------- round trips
@pytest.mark.parametrize(
    "labels",
    [(0, 1), (3, 7), ("no", "yes"), (False, True), (-1.0, 1.0)],
    ids=["int01", "int37", "str", "bool", "float"],
)
def test_round_trip_any_labels(labels, data, tmp_path):
    X, y01 = data
    y = np.where(y01 == 1, labels[1], labels[0])
    weights = {labels[0]: 1.0, labels[1]: 3}
    model = LogisticRegression(standardize=True, class_weight=weights).fit(X, y)
    loaded = _round_trip(model, tmp_path)
    assert loaded.classes_.dtype == model.classes_.dtype
    assert loaded.classes_.tolist() == model.classes_.tolist()
    assert [type(c) for c in loaded.classes_.tolist()] == [type(c) for c in labels]
    restored = loaded.get_params()["class_weight"]
    assert restored == weights
    assert [type(k) for k in restored] == [type(k) for k in weights]
    assert [type(v) for v in restored.values()] == [float, int]
    assert loaded.get_params() == model.get_params()
    _assert_same_predictions(model, loaded, X)


def test_round_trip_attributes_exactly(data, tmp_path):
    X, y = data
    model = LogisticRegression(standardize=True, alpha=0.3, tol=1e-9).fit(X, y)
    loaded = _round_trip(model, tmp_path)
    for name in ("coef_", "intercept_", "x_mean_", "x_scale_"):
        assert _same_bits(getattr(loaded, name), getattr(model, name)), name
    assert loaded.n_features_in_ == model.n_features_in_ == 4
    assert loaded.n_iter_ == model.n_iter_ and loaded.converged_ is model.converged_ is True
    assert loaded.solver_ == model.solver_ and loaded.stop_reason_ == model.stop_reason_
    assert not hasattr(loaded, "feature_names_in_")
    assert isinstance(loaded.history_, History)
    assert loaded.history_.to_dict() == model.history_.to_dict()
    _assert_same_predictions(model, loaded, X)


def test_without_intercept_or_standardization(data, tmp_path):
    X, y = data
    model = LogisticRegression(fit_intercept=False).fit(X, y)
    loaded = _round_trip(model, tmp_path)
    assert loaded.fit_intercept is False and loaded.intercept_.tolist() == [0.0]
    assert loaded.x_mean_ is None and loaded.x_scale_ is None
    _assert_same_predictions(model, loaded, X)
    other = LogisticRegression().fit(X, y)
    assert not _same_bits(other.decision_function(X), loaded.decision_function(X))


def test_feature_names_from_dataframe(data, tmp_path):
    X, y = data
    df = pd.DataFrame(X, columns=["age", "höhe", "c", "d"])
    model = LogisticRegression(class_weight="balanced").fit(df, pd.Series(y).map({0: "a", 1: "b"}))
    loaded = _round_trip(model, tmp_path)
    assert loaded.feature_names_in_.tolist() == ["age", "höhe", "c", "d"]
    assert loaded.feature_names_in_.dtype == model.feature_names_in_.dtype
    assert loaded.classes_.dtype == model.classes_.dtype
    _assert_same_predictions(model, loaded, df)
    with pytest.raises(ValueError, match="feature names"):
        loaded.predict(df[["d", "c", "höhe", "age"]])


def test_history_keeps_nonfinite_values_and_drops_snapshots(data, tmp_path):
    X, y = data
    model = LogisticRegression(solver="gd", max_iter=5, record_weights=True)
    with pytest.warns(Warning):  # ConvergenceWarning: 5 steps are not enough
        model.fit(X, y, eval_set=(X, y))
    assert "coef" in model.history_.columns
    records = list(model.history_)
    records[0]["val_loss"], records[1]["val_loss"], records[2]["val_loss"] = np.nan, np.inf, -np.inf
    model.history_ = History(records)
    path = model.save(tmp_path / "m.json")
    assert "NaN" not in path.read_text() and '"nan"' in path.read_text()
    loaded = load_model(path)
    assert "coef" not in loaded.history_.columns and "intercept" not in loaded.history_.columns
    val = loaded.history_["val_loss"]
    assert np.isnan(val[0]) and val[1] == np.inf and val[2] == -np.inf
    np.testing.assert_array_equal(loaded.history_["loss"], model.history_["loss"])


def test_random_state_generator_is_stored_as_null_with_a_note(data, tmp_path):
    model = LogisticRegression(random_state=np.random.RandomState(0)).fit(*data)
    path = model.save(tmp_path / "m.json")
    obj = json.loads(path.read_text())
    assert obj["params"]["random_state"] is None
    assert any("RandomState" in note for note in obj["notes"])
    assert load_model(path).random_state is None
    seeded = LogisticRegression(random_state=42).fit(*data)
    assert _round_trip(seeded, tmp_path, "s.json").random_state == 42


def test_file_is_readable_json_with_format_and_checksum(fitted, tmp_path):
    path = save_model(fitted, tmp_path / "m.json")
    with open(path, encoding="utf-8") as f:
        obj = json.load(f)
    assert obj["format"] == FORMAT_NAME == "oneneuron-model"
    assert obj["format_version"] == FORMAT_VERSION == 1
    assert obj["library_version"] == oneneuron.__version__
    assert obj["estimator"] == "LogisticRegression"
    assert obj["coef"] == fitted.coef_[0].tolist() and obj["n_features_in"] == 4
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", obj["checksum"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", obj["created"])


def test_floats_round_trip_bit_for_bit(data, tmp_path):
    X, y = data
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2**64, size=4000, dtype=np.uint64).view(np.float64)
    specials = [
        5e-324,
        -5e-324,
        2.2250738585072014e-308,
        1e-310,
        1e308,
        -1.7976931348623157e308,
        -0.0,
        0.1,
        1 / 3,
    ]
    values = np.concatenate([specials, bits[np.isfinite(bits)], rng.normal(size=100)])
    model = LogisticRegression().fit(X, y)
    model.coef_, model.n_features_in_ = values.reshape(1, -1), len(values)
    model.intercept_ = np.array([4e-320])
    loaded = load_model(model.save(tmp_path / "m.json"))
    assert _same_bits(loaded.coef_, model.coef_) and _same_bits(loaded.intercept_, model.intercept_)
    assert np.signbit(loaded.coef_[0, 6])  # -0.0 keeps its sign


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nonfinite_coefficients_are_refused(fitted, tmp_path, bad):
    model = copy.deepcopy(fitted)
    model.coef_[0, 2] = bad
    with pytest.raises(ValueError, match="finite"):
        model.save(tmp_path / "m.json")
    assert list(tmp_path.iterdir()) == []


def test_unfitted_model_and_missing_directory(fitted, tmp_path):
    with pytest.raises(NotFittedError):
        save_model(LogisticRegression(), tmp_path / "m.json")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save_model(fitted, tmp_path / "no" / "such" / "m.json")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "absent.json")


# --------------------------------------------------------------------------------- atomic
@pytest.mark.parametrize("failing", ["replace", "fsync", "write"])
def test_failed_save_leaves_old_file_and_no_temp_files(
    fitted, data, tmp_path, monkeypatch, failing
):
    path = save_model(fitted, tmp_path / "m.json")
    before = path.read_bytes()
    other = LogisticRegression(alpha=1.0).fit(*data)
    seen = []

    def boom(*args, **kwargs):
        seen.extend(p.name for p in tmp_path.iterdir())  # the temporary file exists by now
        raise OSError("disk on fire")

    if failing == "write":

        def half_writer(self, data):
            seen.extend(p.name for p in tmp_path.iterdir())
            with open(self, "wb") as f:
                f.write(data[: len(data) // 2])
            raise OSError("disk on fire")

        monkeypatch.setattr(Path, "write_bytes", half_writer)
    else:
        monkeypatch.setattr(model_io.os, failing, boom)
    with pytest.raises(OSError, match="disk on fire"):
        save_model(other, path)
    monkeypatch.undo()
    assert len(seen) >= 2  # the failure came after the temporary file was created
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]
    save_model(other, path)  # and a later save does replace it
    assert path.read_bytes() != before and load_model(path).alpha == 1.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_file_mode_follows_umask_and_existing_file(fitted, tmp_path):
    umask = os.umask(0o022)
    try:
        path = save_model(fitted, tmp_path / "m.json")
        assert path.stat().st_mode & 0o777 == 0o644
        path.chmod(0o600)
        save_model(fitted, path)
        assert path.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(umask)


# -------------------------------------------------------------------------- hostile files
class _Touch:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


@pytest.mark.parametrize("protocol", [0, 1, 2, pickle.HIGHEST_PROTOCOL])
@pytest.mark.parametrize("suffix", [".json", ".pkl"])
def test_pickle_is_refused_without_running_it(tmp_path, protocol, suffix):
    proof = tmp_path / "proof"
    pickle.loads(pickle.dumps(_Touch(proof), protocol=protocol))
    assert proof.exists()  # the payload really does run when unpickled
    marker = tmp_path / "marker"
    path = tmp_path / f"model{suffix}"
    path.write_bytes(pickle.dumps(_Touch(marker), protocol=protocol))
    message = _load_error(path)
    assert "looks like a Python pickle" in message and "execute code" in message
    assert not marker.exists()


def test_io_module_has_no_code_executing_loaders():
    tree = ast.parse(Path(model_io.__file__).read_text("utf-8"))
    imported = {
        a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    imported |= {
        n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
    }
    assert not imported & {"pickle", "joblib", "yaml", "marshal", "shelve", "dill", "cloudpickle"}
    called = {
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    }
    assert not called & {"eval", "exec", "compile", "__import__"}
    assert "json" in imported


def test_truncated_file(fitted, tmp_path):
    path = save_model(fitted, tmp_path / "m.json")
    text = path.read_text()
    for cut in (len(text) // 2, len(text) - 3, 20):
        path.write_text(text[:cut])
        assert "truncated" in _load_error(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x01" + np.random.default_rng(0).bytes(2000), "not JSON"),
        (b"", "empty"),
        (b"[1, 2, 3]", "not an object"),
        (b'"a string"', "not an object"),
        (b"{'single': 'quotes'}", "not JSON"),
        (b'{"format": "something-else", "format_version": 1}', "'something-else'"),
        (b'{"format_version": 1}', "'format' is None"),
        (b'{"format": "oneneuron-model", "format_version": "1"}', "positive integer"),
        (b'{"format": "oneneuron-model", "format_version": 1}', "no 'checksum'"),
        (b'{"format": "oneneuron-model", "format_version": NaN}', "NaN"),
        (b'{"format": "oneneuron-model", "format": "oneneuron-model"}', "twice"),
        (b'{"format": "oneneuron-model", "x": 1e999}', "overflows"),
    ],
    ids=[
        "random",
        "empty",
        "list",
        "string",
        "quotes",
        "format",
        "noformat",
        "strversion",
        "nochecksum",
        "nan",
        "duplicate",
        "overflow",
    ],
)
def test_not_a_model_file(tmp_path, content, expected):
    path = tmp_path / "m.json"
    path.write_bytes(content)
    assert expected in _load_error(path)


def test_newer_format_version(fitted, tmp_path):
    path = save_model(fitted, tmp_path / "m.json")
    _rewrite(path, lambda o: o.update(format_version=7), checksum=False)
    message = _load_error(path)
    assert "newer version of oneneuron" in message and "format 7" in message
    assert "reads up to 1" in message and "upgrade" in message


def test_tampered_number_fails_the_checksum(fitted, tmp_path):
    path = save_model(fitted, tmp_path / "m.json")
    text = path.read_text()
    old = repr(float(fitted.coef_[0, 1]))
    assert text.count(old) == 1
    path.write_text(text.replace(old, repr(float(fitted.coef_[0, 1]) * 2)))
    json.loads(path.read_text())  # still valid JSON
    assert "checksum mismatch: the file was modified after it was saved" in _load_error(path)
    path.write_text(text)
    assert _same_bits(load_model(path).coef_, fitted.coef_)


def _set(*keys_and_value):
    *keys, value = keys_and_value

    def mutate(obj):
        for key in keys[:-1]:
            obj = obj[key]
        obj[keys[-1]] = value

    return mutate


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (_set("coef", [0.5, 1.0]), "'coef' must be a list of 4 finite numbers"),
        (_set("coef", [0.5, 1.0, "2", 3.0]), "'coef' must be a list of 4"),
        (_set("intercept", "0"), "'intercept' must be a finite number"),
        (_set("n_features_in", 3), "list of 3"),
        (_set("classes", "values", [0, 1, 2]), "2 distinct labels"),
        (_set("classes", "values", [1, 1]), "2 distinct labels"),
        (_set("classes", "values", ["a", "b"]), "dtype int64"),
        (_set("classes", "values", [0, 2**70]), "2 distinct labels"),
        (_set("classes", "dtype", "V8"), "bad classes dtype"),
        (_set("classes", "dtype", "|O; import os"), "bad classes dtype"),
        (_set("feature_names", ["a", "b"]), "'feature_names' must be null or a list of 4"),
        (_set("standardization", {"mean": [0.0] * 4}), "lacks the key(s) ['scale']"),
        (_set("params", "bogus", 1), "unknown parameter(s) ['bogus']"),
        (_set("params", "solver", "magic"), "unknown solver 'magic'"),
        (_set("params", "alpha", -1.0), "alpha must be"),
        (_set("params", "fit_intercept", "yes"), "'fit_intercept' has an invalid value"),
        (_set("params", "max_iter", [1]), "'max_iter' has an invalid value"),
        (_set("params", "class_weight", [[0, 1.0], [0, 2.0]]), "repeats a label"),
        (_set("params", "class_weight", [[0]]), "[label, weight] pairs"),
        (_set("training", "n_iter", -1), "'training.n_iter'"),
        (_set("training", "history", {"loss": [1.0, "x"]}), "'training.history'"),
        (_set("training", "history", {"a": [1.0], "b": []}), "'training.history'"),
        (_set("estimator", "SVC"), "unknown estimator 'SVC'"),
        (lambda o: o.pop("coef"), "lacks the key(s) ['coef']"),
        (_set("extra", 1), "unknown keys ['extra']"),
    ],
)
def test_invalid_content_with_valid_checksum(fitted, tmp_path, mutate, expected):
    path = save_model(fitted, tmp_path / "m.json")
    load_model(path)
    _rewrite(path, mutate)
    message = _load_error(path)
    assert "is not a valid oneneuron model file" in message
    assert expected in message


def test_size_cap(fitted, tmp_path, monkeypatch):
    path = save_model(fitted, tmp_path / "m.json")
    monkeypatch.setattr(model_io, "MAX_FILE_BYTES", path.stat().st_size - 1)
    assert "larger than" in _load_error(path)
    monkeypatch.setattr(model_io, "MAX_FILE_BYTES", path.stat().st_size)
    assert isinstance(load_model(path), LogisticRegression)
