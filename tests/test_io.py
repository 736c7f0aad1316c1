"""The model file: exact round trips, atomic saves, and loads that refuse hostile files."""

from __future__ import annotations

import ast
import copy
import importlib
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
from oneneuron import _model_readers as model_readers
from oneneuron import _schema as model_schema
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
    assert obj["format_version"] == 1  # a binary model: format 1, which every reader loads
    assert FORMAT_VERSION == 2
    assert obj["library_version"] == oneneuron.__version__
    assert obj["estimator"] == "LogisticRegression"
    assert obj["coef"] == fitted.coef_[0].tolist() and obj["n_features_in"] == 4
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", obj["checksum"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", obj["created"])


def test_floats_round_trip_bit_for_bit(data, tmp_path):
    X, y = data
    rng = np.random.default_rng(7)
    bits = rng.integers(0, 2**64, size=4000, dtype=np.uint64).view(np.float64)
    bits = bits[np.isfinite(bits) & (np.abs(bits) <= 1e100)]  # the format's bound on weights
    assert len(bits) > 1000
    specials = [
        5e-324,
        -5e-324,
        2.2250738585072014e-308,
        1e-310,
        1e100,
        -1e100,
        -0.0,
        0.1,
        1 / 3,
    ]
    values = np.concatenate([specials, bits, rng.normal(size=100)])
    model = LogisticRegression().fit(X, y)
    model.coef_, model.n_features_in_ = values.reshape(1, -1), len(values)
    model.intercept_ = np.array([4e-320])
    loaded = load_model(model.save(tmp_path / "m.json"))
    assert _same_bits(loaded.coef_, model.coef_) and _same_bits(loaded.intercept_, model.intercept_)
    assert np.signbit(loaded.coef_[0, 6])  # -0.0 keeps its sign


@pytest.mark.parametrize(
    ("attribute", "value", "expected"),
    [
        ("coef_", [[1.0, 2e100, 0.0, 0.0]], "'coef[1]' must be <= 1e+100; got 2e+100"),
        ("coef_", [[1.0, 0.0, -1e300, 0.0]], "'coef[2]' must be >= -1e+100; got -1e+300"),
        ("intercept_", [1.5e308], "'intercept' must be <= 1e+100; got 1.5e+308"),
        ("x_scale_", [1.0, 0.0, 1.0, 1.0], "'standardization.scale[1]' must be >= 1e-100; got 0.0"),
        (
            "x_scale_",
            [1.0, 1.0, -2.0, 1.0],
            "'standardization.scale[2]' must be >= 1e-100; got -2.0",
        ),
        (
            "x_mean_",
            [0.0, 0.0, 0.0, 1e101],
            "'standardization.mean[3]' must be <= 1e+100; got 1e+101",
        ),
    ],
)
def test_values_beyond_the_format_bounds_are_refused_at_save(
    fitted, tmp_path, attribute, value, expected
):
    model = copy.deepcopy(fitted)
    model.x_mean_, model.x_scale_ = np.zeros(4), np.ones(4)
    setattr(model, attribute, np.array(value))
    with pytest.raises(ValueError) as info:
        model.save(tmp_path / "m.json")
    assert str(info.value) == f"cannot save this model to {tmp_path / 'm.json'}: {expected}"
    assert list(tmp_path.iterdir()) == []


def test_a_file_over_the_size_cap_is_refused_at_save(data, tmp_path, monkeypatch):
    model = LogisticRegression(solver="gd", max_iter=300, tol=None).fit(*data)
    size = len(model.save(tmp_path / "m.json").read_bytes())
    monkeypatch.setattr(model_io, "MAX_FILE_BYTES", size - 1)
    with pytest.raises(ValueError, match=r"would take [\d,]+ bytes.*history_\[::10\]"):
        model.save(tmp_path / "n.json")
    assert not (tmp_path / "n.json").exists()
    model.history_ = model.history_[::10]
    assert len(load_model(model.save(tmp_path / "n.json")).history_) == 31


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


@pytest.mark.parametrize(
    "module",
    [model_io, model_schema, "_model_parse", "_model_fields", "_model_payload", "_model_readers"],
    ids=["io", "_schema", "_model_parse", "_model_fields", "_model_payload", "_model_readers"],
)
def test_model_file_modules_have_no_code_executing_loaders(module):
    reads_json = not isinstance(module, str) or module == "_model_parse"
    if isinstance(module, str):  # the modules io reads a file with
        module = importlib.import_module(f"oneneuron.{module}")
    tree = ast.parse(Path(module.__file__).read_text("utf-8"))
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
    assert "json" in imported or not reads_json


def test_truncated_file(fitted, tmp_path):
    path = save_model(fitted, tmp_path / "m.json")
    text = path.read_text()
    for cut in (len(text) // 2, len(text) - 3, 20):
        path.write_text(text[:cut])
        assert "truncated" in _load_error(path)


HEAD = '{"format": "oneneuron-model", "format_version": 1, '


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
        (b'{"format": "oneneuron-model", "x": Infinity}', "Infinity"),
        (b'{"format": "oneneuron-model", "format": "oneneuron-model"}', "twice"),
        ((HEAD + '"x": ' + "[" * 9 + "]" * 9 + "}").encode(), "more than 8 deep"),
        ((HEAD + '"x": [' + "[]," * 10_000 + "[]]}").encode(), "more than 10000 JSON arrays"),
        ((HEAD + '"x": {' + '"a": 0,' * 10_001 + '"b": 0}}').encode(), "more than 10000 keys"),
        ((HEAD + '"x": "' + "[{:" * 20_000 + '"}').encode(), "no 'checksum'"),
        ((HEAD + '"x": ' + "7" * 5000 + "}").encode(), "integer too long to read"),
        (b'{"format": "oneneuron-model\\ud800"}', r"'oneneuron-model\ud800'"),
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
        "infinity",
        "duplicate",
        "deep",
        "containers",
        "keys",
        "brackets-in-a-string",
        "5000-digits",
        "surrogate",
    ],
)
def test_not_a_model_file(tmp_path, content, expected):
    path = tmp_path / "m.json"
    path.write_bytes(content)
    assert expected in _load_error(path)


def test_shape_limits_leave_room_for_real_files(fitted, tmp_path):
    """A file exactly at the nesting and container limits parses (and fails later)."""
    nested = "[" * (model_io.MAX_DEPTH - 1) + "]" * (model_io.MAX_DEPTH - 1)
    many = "[" + ",".join(["[]"] * (model_io.MAX_CONTAINERS - 2)) + "]"
    keys = "{" + ",".join(f'"k{i}": 0' for i in range(model_io.MAX_KEYS - 4)) + "}"
    for junk in (nested, many, keys):
        path = tmp_path / "m.json"
        path.write_text(HEAD + f'"x": {junk}, "checksum": "sha256:0"' + "}")
        assert "the file lacks the key(s) ['library_version'" in _load_error(path)


def test_newer_format_version(fitted, tmp_path):
    path = save_model(fitted, tmp_path / "m.json")
    _rewrite(path, lambda o: o.update(format_version=7), checksum=False)
    message = _load_error(path)
    assert "newer version of oneneuron" in message and "format 7" in message
    assert "reads up to 2" in message and "upgrade" in message


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


@pytest.mark.parametrize(
    ("checksum", "expected"),
    [
        ("md5:0", "'checksum' must be \"sha256:\" followed by 64 lowercase hex digits"),
        ("sha256:" + "A" * 64, "'checksum' must be \"sha256:\""),
        ("sha256:" + "0" * 64 + "\n", "'checksum' has 72 characters; at most 71"),
        ("sha256:" + "0" * 64, "checksum mismatch"),
    ],
)
def test_checksum_form(fitted, tmp_path, checksum, expected):
    path = save_model(fitted, tmp_path / "m.json")
    _rewrite(path, lambda o: o.update(checksum=checksum), checksum=False)
    assert expected in _load_error(path)


def _set(*keys_and_value):
    *keys, value = keys_and_value

    def mutate(obj):
        for key in keys[:-1]:
            obj = obj[key]
        obj[keys[-1]] = value

    return mutate


def _drop(*keys):
    def mutate(obj):
        for key in keys[:-1]:
            obj = obj[key]
        del obj[keys[-1]]

    return mutate


@pytest.fixture(scope="module")
def rich(data):
    """A model with everything a file can hold: names, string labels, scaling, weights."""
    X, y = data
    df = pd.DataFrame(X, columns=["age", "höhe", "c", "d"])
    labels = pd.Series(np.where(y == 1, "yes", "no"))
    model = LogisticRegression(standardize=True, class_weight={"no": 1.0, "yes": 2.5})
    return model.fit(df, labels, eval_set=(df, labels))


BIG = 10**400
# (file, mutation, what the message must say); "plain" is `fitted`, "rich" is `rich`
INVALID = {
    # wrong types, shapes and lengths
    "coef-short": (
        "plain",
        _set("coef", [0.5, 1.0]),
        "'coef' has 2 items; it must have n_features_in = 4",
    ),
    "coef-str": (
        "plain",
        _set("coef", [0.5, 1.0, "2", 3.0]),
        "'coef[2]' must be a number between -1e100 and 1e100; got '2'",
    ),
    "coef-null": ("plain", _set("coef", None), "'coef' must be a list of d numbers"),
    "intercept-str": (
        "plain",
        _set("intercept", "0"),
        "'intercept' must be a number between -1e100 and 1e100; got '0'",
    ),
    "intercept-list": ("plain", _set("intercept", [0.0]), "'intercept' must be a number"),
    "n-features-3": (
        "plain",
        _set("n_features_in", 3),
        "'coef' has 4 items; it must have n_features_in = 3",
    ),
    "n-features-float": (
        "plain",
        _set("n_features_in", 4.0),
        "'n_features_in' must be an integer between 1 and 1048576",
    ),
    "n-features-0": ("plain", _set("n_features_in", 0), "'n_features_in' must be >= 1; got 0"),
    "n-features-bool": ("plain", _set("n_features_in", True), "'n_features_in' must be an integer"),
    "names-short": (
        "rich",
        _set("feature_names", ["a", "b"]),
        "'feature_names' has 2 items; it must have n_features_in = 4",
    ),
    "names-int": (
        "rich",
        _set("feature_names", ["a", "b", 3, "d"]),
        "'feature_names[2]' must be a string of at most 1024 characters",
    ),
    "names-long": (
        "rich",
        _set("feature_names", ["a", "b", "c", "x" * 1025]),
        "'feature_names[3]' has 1025 characters; at most 1024 are allowed",
    ),
    "names-surrogate": (
        "rich",
        _set("feature_names", ["a", "\ud800", "c", "d"]),
        "'feature_names[1]' must be a string of at most 1024 characters (Unicode text",
    ),
    "mean-short": (
        "rich",
        _set("standardization", "mean", [0.0] * 3),
        "'standardization.mean' has 3 items; it must have n_features_in = 4",
    ),
    "std-no-scale": (
        "rich",
        _set("standardization", {"mean": [0.0] * 4}),
        "'standardization' lacks the key(s) ['scale']",
    ),
    "std-list": ("rich", _set("standardization", [0.0] * 4), "'standardization' must be null or {"),
    # huge integers (OverflowError tracebacks before)
    "big-coef": (
        "plain",
        _set("coef", [0.5, BIG, 0.0, 0.0]),
        "'coef[1]' must be <= 1e+100; got 10000000000",
    ),
    "big-intercept": ("plain", _set("intercept", -BIG), "'intercept' must be >= -1e+100"),
    "big-n-features": ("plain", _set("n_features_in", BIG), "'n_features_in' must be <= 1048576"),
    "big-n-iter": (
        "plain",
        _set("training", "n_iter", BIG),
        "'training.n_iter' must be <= 9223372036854775807",
    ),
    "big-label": (
        "plain",
        _set("classes", "values", [0, BIG]),
        "'classes.values[1]' must be <= 18446744073709551615",
    ),
    "big-label-object": (
        "plain",
        _set("classes", {"dtype": "object", "values": [0, BIG]}),
        "'classes.values[1]' must be <=",
    ),
    "big-history": (
        "plain",
        _set("training", "history", "loss", [0.5, BIG]),
        "'training.history.loss[1]' must be <= 1.79769e+308",
    ),
    "big-iteration": (
        "plain",
        _set("training", "history", "iteration", [0, BIG]),
        "'training.history.iteration[1]' must be <=",
    ),
    "big-max-iter": (
        "plain",
        _set("params", "max_iter", BIG),
        "'params.max_iter' must be <= 9223372036854775807",
    ),
    "big-random-state": (
        "plain",
        _set("params", "random_state", BIG),
        "'params.random_state' must be <= 18446744073709551615",
    ),
    "big-weight": (
        "rich",
        _set("params", "class_weight", [["no", 1.0], ["yes", BIG]]),
        "'params.class_weight[1][1]' must be <= 1e+12",
    ),
    "int8-label": (
        "plain",
        _set("classes", {"dtype": "int8", "values": [0, 300]}),
        "'classes.values' [0, 300] do not fit dtype int8 exactly",
    ),
    "uint-label": (
        "plain",
        _set("classes", {"dtype": "uint8", "values": [-1, 1]}),
        "'classes.values' [-1, 1] do not fit dtype uint8 exactly",
    ),
    # classes
    "classes-3": (
        "plain",
        _set("classes", "values", [0, 1, 2]),
        "'classes.values' has 3 items; at most 2 are allowed",
    ),
    "classes-same": (
        "plain",
        _set("classes", "values", [1, 1]),
        "'classes.values' [1, 1] holds one label twice",
    ),
    "classes-true-1": (
        "plain",
        _set("classes", {"dtype": "object", "values": [True, 1]}),
        "holds one label twice",
    ),
    "classes-str-int64": (
        "plain",
        _set("classes", "values", ["a", "b"]),
        "'classes.values[0]' must be an integer; got 'a'",
    ),
    "classes-float-int64": (
        "plain",
        _set("classes", "values", [0.0, 1.0]),
        "'classes.values[0]' must be an integer; got 0.0",
    ),
    "classes-int-bool": (
        "plain",
        _set("classes", {"dtype": "bool", "values": [0, 1]}),
        "'classes.values[0]' must be true or false; got 0",
    ),
    "classes-float16": (
        "plain",
        _set("classes", {"dtype": "float16", "values": [0.1, 0.2]}),
        "do not fit dtype float16 exactly",
    ),
    "classes-list": (
        "plain",
        _set("classes", "values", [[0], [1]]),
        "'classes.values[0]' must be a class label",
    ),
    "dtype-void": (
        "plain",
        _set("classes", "dtype", "V8"),
        "'classes.dtype' must be bool, int8 to int64",
    ),
    "dtype-code": (
        "plain",
        _set("classes", "dtype", "|O; import os"),
        "'classes.dtype' has 13 characters; at most 8 are allowed",
    ),
    "dtype-newline": ("plain", _set("classes", "dtype", "int64\n"), "got 'int64\\n'"),
    "created-newline": (
        "plain",
        _set("created", "2025-01-31T12:00:00Z\n"),
        "'created' must be a UTC time",
    ),
    "dtype-huge-str": ("rich", _set("classes", "dtype", "<U999999"), "got '<U999999'"),
    "dtype-257": ("rich", _set("classes", "dtype", "<U257"), "got '<U257'"),
    "dtype-short": ("rich", _set("classes", "dtype", "<U2"), "do not fit dtype <U2 exactly"),
    "label-long": (
        "rich",
        _set("classes", {"dtype": "<U256", "values": ["no", "y" * 257]}),
        "'classes.values[1]' has 257 characters; at most 256 are allowed",
    ),
    # ranges: a scale of 0 or below, negative class weights
    "scale-0": (
        "rich",
        _set("standardization", "scale", [1.0, 0.0, 1.0, 1.0]),
        "'standardization.scale[1]' must be >= 1e-100; got 0.0",
    ),
    "scale-negative": (
        "rich",
        _set("standardization", "scale", [1.0, 1.0, -1.0, 1.0]),
        "'standardization.scale[2]' must be >= 1e-100; got -1.0",
    ),
    "weight-negative": (
        "rich",
        _set("params", "class_weight", [["no", 1.0], ["yes", -2.0]]),
        "'params.class_weight[1][1]' must be >= 0; got -2.0",
    ),
    "weight-unknown-label": (
        "rich",
        _set("params", "class_weight", [["no", 1.0], ["maybe", 2.0]]),
        "'params.class_weight' names label(s) ['maybe'] that are not classes; "
        "the classes are ['no', 'yes']",
    ),
    "weight-repeat": (
        "rich",
        _set("params", "class_weight", [["no", 1.0], ["no", 2.0]]),
        "'params.class_weight' repeats a label",
    ),
    "weight-pair": (
        "rich",
        _set("params", "class_weight", [["no"]]),
        "'params.class_weight[0]' has 1 items; at least 2 are needed",
    ),
    "weight-3-pairs": (
        "rich",
        _set("params", "class_weight", [["no", 1], ["yes", 1], ["x", 1]]),
        "'params.class_weight' has 3 items; at most 2",
    ),
    "weight-string": (
        "rich",
        _set("params", "class_weight", "balancd"),
        "'params.class_weight' must be null, \"balanced\", or a list",
    ),
    # the estimator's parameters
    "param-unknown": (
        "plain",
        _set("params", "bogus", 1),
        "'params' has unknown key(s) ['bogus']; valid: solver, alpha",
    ),
    "solver": (
        "plain",
        _set("params", "solver", "magic"),
        "'params.solver' is 'magic'; valid: 'auto', 'gd', 'sgd', 'newton', 'lbfgs'",
    ),
    "alpha": ("plain", _set("params", "alpha", -1.0), "'params.alpha' must be >= 0; got -1.0"),
    "threshold": (
        "plain",
        _set("params", "threshold", 5),
        "'params.threshold' must be <= 1; got 5",
    ),
    "learning-rate": (
        "plain",
        _set("params", "learning_rate", 0),
        "'params.learning_rate' must be > 0; got 0",
    ),
    "momentum": (
        "plain",
        _set("params", "momentum", 1.0),
        "'params.momentum' must be < 1; got 1.0",
    ),
    "validation-fraction": (
        "plain",
        _set("params", "validation_fraction", 0.0),
        "'params.validation_fraction' must be > 0",
    ),
    "tol": ("plain", _set("params", "tol", -1e-6), "'params.tol' must be >= 0"),
    "batch-size": (
        "plain",
        _set("params", "batch_size", 0),
        "'params.batch_size' must be >= 1; got 0",
    ),
    "n-iter-no-change": (
        "plain",
        _set("params", "n_iter_no_change", 2.5),
        "'params.n_iter_no_change' must be an integer",
    ),
    "lr-schedule": (
        "plain",
        _set("params", "lr_schedule", "step"),
        "'params.lr_schedule' is 'step'; valid: 'constant', 'invscaling', 'cosine'",
    ),
    "fit-intercept": (
        "plain",
        _set("params", "fit_intercept", "yes"),
        "'params.fit_intercept' must be true or false; got 'yes'",
    ),
    "early-stopping-int": (
        "plain",
        _set("params", "early_stopping", 1),
        "'params.early_stopping' must be true or false; got 1",
    ),
    "max-iter-list": (
        "plain",
        _set("params", "max_iter", [1]),
        "'params.max_iter' must be null or an integer",
    ),
    "random-state": (
        "plain",
        _set("params", "random_state", -1),
        "'params.random_state' must be >= 0; got -1",
    ),
    "verbose": ("plain", _set("params", "verbose", True), "'params.verbose' must be an integer"),
    "params-list": ("plain", _set("params", []), "'params' must be an object"),
    # training and history
    "n-iter": ("plain", _set("training", "n_iter", -1), "'training.n_iter' must be >= 0; got -1"),
    "converged": (
        "plain",
        _set("training", "converged", "yes"),
        "'training.converged' must be true or false",
    ),
    "trained-by-auto": (
        "plain",
        _set("training", "solver", "auto"),
        "'training.solver' is 'auto'; valid: None, 'gd'",
    ),
    "stop-reason-escape": (
        "plain",
        _set("training", "stop_reason", "tol\x1b[2J"),
        "'training.stop_reason' must be null or a string of at most 256 characters "
        "without control characters",
    ),
    "history-str": (
        "plain",
        _set("training", "history", "loss", [1.0, "x"]),
        '\'training.history.loss[1]\' must be a number, or "nan", "inf" or "-inf"; got \'x\'',
    ),
    "history-null": (
        "plain",
        _set("training", "history", "loss", [None]),
        "'training.history.loss[0]' must be a number",
    ),
    "history-bool": (
        "plain",
        _set("training", "history", "loss", [True]),
        "'training.history.loss[0]' must be a number",
    ),
    "history-list": (
        "plain",
        _set("training", "history", "loss", [[1.0]]),
        "'training.history.loss[0]' must be a number",
    ),
    "history-column": (
        "plain",
        _set("training", "history", "loss", 0.5),
        "'training.history.loss' must be a list of at most 100000 values",
    ),
    "history-lengths": (
        "plain",
        _set("training", "history", "accuracy", [1.0]),
        "'training.history' columns must have one length",
    ),
    "history-no-loss": (
        "plain",
        _drop("training", "history", "loss"),
        "'training.history' lacks the key(s) ['loss']",
    ),
    "history-name": (
        "plain",
        _set("training", "history", "a b", []),
        "'training.history' has a bad key 'a b'",
    ),
    "history-columns": (
        "plain",
        lambda o: o["training"]["history"].update({f"c{i}": [] for i in range(40)}),
        "'training.history' has 45 keys; at most 32 are allowed",
    ),
    "history-long": (
        "plain",
        _set("training", "history", {"loss": [0.5] * 100_001}),
        "'training.history.loss' has 100001 items; at most 100000 are allowed",
    ),
    "iteration-float": (
        "plain",
        _set("training", "history", "iteration", [0.5]),
        "'training.history.iteration[0]' must be an integer",
    ),
    # metadata and notes
    "estimator": (
        "plain",
        _set("estimator", "SVC"),
        "'estimator' is 'SVC'; it must be 'LogisticRegression'",
    ),
    "created": ("plain", _set("created", "yesterday"), "'created' must be a UTC time such as"),
    "library-version": (
        "plain",
        _set("library_version", "0.1\n"),
        "'library_version' must be a version such as",
    ),
    "notes-control": (
        "plain",
        _set("notes", ["ok", "bell\x07"]),
        "'notes[1]' must be a string of at most 1024 characters without control characters",
    ),
    "notes-many": (
        "plain",
        _set("notes", ["n"] * 65),
        "'notes' has 65 items; at most 64 are allowed",
    ),
    "notes-nested": ("plain", _set("notes", [[[["deep"]]]]), "'notes[0]' must be a string"),
    # unknown and missing keys at every level
    "missing": ("plain", _drop("coef"), "the file lacks the key(s) ['coef']"),
    "extra": ("plain", _set("extra", 1), "the file has unknown key(s) ['extra']; valid: format"),
    "extra-classes": (
        "plain",
        _set("classes", "extra", 1),
        "'classes' has unknown key(s) ['extra']",
    ),
    "extra-training": (
        "plain",
        _set("training", "extra", 1),
        "'training' has unknown key(s) ['extra']",
    ),
    "extra-std": (
        "rich",
        _set("standardization", "extra", 1),
        "'standardization' has unknown key(s) ['extra']",
    ),
}


@pytest.mark.parametrize(("base", "mutate", "expected"), INVALID.values(), ids=INVALID.keys())
def test_invalid_content_with_valid_checksum(fitted, rich, tmp_path, base, mutate, expected):
    path = save_model(fitted if base == "plain" else rich, tmp_path / "m.json")
    load_model(path)
    _rewrite(path, mutate)
    message = _load_error(path)
    assert message.startswith(f"{path} is not a valid oneneuron model file: ")
    assert expected in message


def test_the_estimators_own_checks_run_after_the_schema(fitted, tmp_path, monkeypatch):
    """A rule the estimator adds (a cross-field one, say) refuses a file the schema passes."""
    path = save_model(fitted, tmp_path / "m.json")

    def stricter(params):
        raise ValueError(f"solver {params['solver']!r} needs alpha > 0.001")

    monkeypatch.setattr(model_readers, "check_params", stricter)
    message = _load_error(path)
    assert message.endswith(
        "is not a valid oneneuron model file: invalid parameter: solver 'auto' needs alpha > 0.001"
    )


def test_the_rich_file_holds_what_the_table_mutates(rich, tmp_path):
    obj = json.loads(save_model(rich, tmp_path / "m.json").read_text("utf-8"))
    assert obj["feature_names"] == ["age", "höhe", "c", "d"]
    assert obj["classes"]["dtype"] in ("<U3", "object")
    assert obj["standardization"] is not None and obj["params"]["class_weight"]
    assert {"iteration", "loss", "val_loss"} <= set(obj["training"]["history"])


def test_a_big_integer_is_an_error_and_never_an_overflow(fitted, tmp_path):
    """10**400 anywhere a number goes: a ValueError naming the file, never OverflowError."""
    path = save_model(fitted, tmp_path / "m.json")
    obj = json.loads(path.read_text("utf-8"))

    def numbers(value, where=()):
        if isinstance(value, dict):
            for key, item in value.items():
                yield from numbers(item, (*where, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from numbers(item, (*where, index))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield where

    places = list(numbers(obj))
    assert len(places) > 40
    for where in places:
        for big in (BIG, -BIG):
            _rewrite(path, _set(*where, big))
            _load_error(path)
            path.write_text(json.dumps(obj), "utf-8")


def test_size_cap(fitted, tmp_path, monkeypatch):
    path = save_model(fitted, tmp_path / "m.json")
    monkeypatch.setattr(model_io, "MAX_FILE_BYTES", path.stat().st_size - 1)
    assert "larger than" in _load_error(path)
    monkeypatch.setattr(model_io, "MAX_FILE_BYTES", path.stat().st_size)
    assert isinstance(load_model(path), LogisticRegression)


# ----------------------------------------------------------------------------- the schema
def _subschemas(schema, where="#"):
    """Every (where, subschema) in a schema, depth first."""
    yield where, schema
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("properties", "$defs"):
                for name, sub in value.items():
                    yield from _subschemas(sub, f"{where}/{key}/{name}")
            elif key in ("items", "additionalProperties", "propertyNames", "then"):
                yield from _subschemas(value, f"{where}/{key}")
            elif key in ("prefixItems", "allOf", "anyOf", "oneOf"):
                for i, sub in enumerate(value):
                    yield from _subschemas(sub, f"{where}/{key}/{i}")


SCHEMA = model_schema.load_schema(FORMAT_VERSION)
SCHEMAS = [model_schema.load_schema(v) for v in sorted(model_schema.SCHEMA_FILES)]


def _types(sub):
    kinds = sub.get("type", []) if isinstance(sub, dict) else []
    return {kinds} if isinstance(kinds, str) else set(kinds)


def test_model_schema_is_a_copy_of_the_shipped_file():
    schema = model_io.model_schema()
    assert schema == SCHEMA and schema is not SCHEMA
    schema["properties"].clear()
    assert model_io.model_schema(2) == SCHEMA  # callers cannot change what loading checks
    assert model_io.model_schema(1) == SCHEMAS[0] != SCHEMA
    with pytest.raises(ValueError, match=r"no model file format version 3; known: 1, 2"):
        model_io.model_schema(3)


def test_schema_is_a_valid_draft_2020_12_schema():
    from jsonschema import Draft202012Validator

    for schema in SCHEMAS:
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(model_schema.SCHEMA_FILES) == set(model_readers._READERS) == {1, 2}
    assert max(model_schema.SCHEMA_FILES) == FORMAT_VERSION


@pytest.mark.parametrize("schema", SCHEMAS, ids=["v1", "v2"])
def test_schema_bounds_every_number_and_sizes_before_items(schema):
    """What makes validation safe: no unbounded number, no unbounded array or string, and
    size limits ahead of the keywords that look at items (only the first error is made)."""
    checked = 0
    for where, sub in _subschemas(schema):
        if "/allOf/" in where:  # only narrows the type of a bounded $defs/label
            continue
        kinds = _types(sub)
        if kinds & {"number", "integer"}:
            assert "minimum" in sub or "exclusiveMinimum" in sub, where
            assert "maximum" in sub or "exclusiveMaximum" in sub, where
            checked += 1
        if "array" in kinds:
            assert "maxItems" in sub, where
            keys = list(sub)
            for descends in ("items", "prefixItems"):
                if descends in sub:
                    assert keys.index("maxItems") < keys.index(descends), where
        if "string" in kinds and "enum" not in sub and "const" not in sub:
            assert "maxLength" in sub, where
        if "object" in kinds and where != "#/$defs/history":
            assert "maxProperties" in sub and sub.get("additionalProperties") is False, where
    assert checked >= 20


def test_schema_parameters_follow_the_estimator():
    from oneneuron.solvers import SOLVERS
    from oneneuron.solvers.schedules import SCHEDULES

    params = SCHEMA["$defs"]["params"]["properties"]
    assert sorted(params) == sorted(LogisticRegression().get_params(deep=False))
    assert set(params["solver"]["enum"]) == {"auto", *SOLVERS}
    assert set(params["lr_schedule"]["enum"]) == set(SCHEDULES)
    trained_by = SCHEMA["$defs"]["training"]["properties"]["solver"]["enum"]
    assert set(trained_by) == {None, *SOLVERS}


def test_dollar_means_the_end_of_the_string_as_in_json_schema():
    assert model_schema.regex("^a$").search("a")
    assert not model_schema.regex("^a$").search("a\n")
    assert model_schema.regex(r"^a\$").search("a$")


def test_the_format_page_states_every_limit_of_the_schema():
    text = (Path(__file__).parents[1] / "docs" / "model-file.md").read_text("utf-8")
    named = {2**63 - 1: "2**63 - 1", 2**64 - 1: "2**64 - 1", -(2**63): "-2**63"}
    limits = set()
    for _, sub in _subschemas(SCHEMA):
        for keyword in ("maxItems", "maxLength", "maxProperties", "minimum", "maximum"):
            value = sub.get(keyword) if isinstance(sub, dict) else None
            if isinstance(value, (int, float)) and abs(value) not in (0, 1, 1.7976931348623157e308):
                limits.add(value)
    assert len(limits) > 10
    for value in limits:
        if value in named:
            shown = {named[value]}
        elif isinstance(value, float):
            shown = {f"{value:.0e}".replace("e+", "e").replace("e0", "e")}
        else:
            shown = {f"{value:,}", str(value)}
        alone = [rf"(?<![\w.*])(?<!\d,){re.escape(s)}(?![\w*])(?!,\d)" for s in shown]
        assert any(re.search(pattern, text) for pattern in alone), value
    for value in (model_io.MAX_CONTAINERS, model_io.MAX_KEYS):
        assert f"{value:,}" in text
    assert f"{model_io.MAX_DEPTH} deep" in text and f"{model_io.MAX_FILE_BYTES >> 20} MiB" in text
