"""Hostile model files, generated: mutate valid files field by field, recompute the checksum.

Every mutated file must either be refused with a ValueError that names the file, or load
as a model that predicts finite probabilities and saves again; never another exception.
The command line must answer such files with one line ``oneneuron: error: ...`` naming the
file and exit status 2, or succeed (``info`` then prints only printable text).
"""

from __future__ import annotations

import contextlib
import io
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from oneneuron import LogisticRegression
from oneneuron import _schema as model_schema
from oneneuron import io as model_io
from oneneuron.cli import main
from oneneuron.cli._commands import printable

FUZZ = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
D = 3  # features of every base model


# ------------------------------------------------------------------------- valid files
def _models() -> dict[str, LogisticRegression]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, D))
    y = (X @ [1.0, -1.0, 0.5] + rng.normal(size=80) > 0).astype(int)
    named = pd.DataFrame(X, columns=["age", "höhe", "x\tz"])
    text = pd.Series(np.where(y == 1, "yes", "no"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence notes of the short gd/sgd runs
        return {
            "plain": LogisticRegression().fit(X, y),
            "rich": LogisticRegression(
                standardize=True, class_weight={"no": 1.0, "yes": 2.0}, random_state=3
            ).fit(named, text, eval_set=(named, text)),
            "bool": LogisticRegression(solver="sgd", fit_intercept=False, max_iter=5).fit(
                X, y.astype(bool)
            ),
            "float": LogisticRegression(solver="gd", max_iter=20, tol=None).fit(X, y * 2.5),
        }


@pytest.fixture(scope="module")
def bases(tmp_path_factory) -> dict[str, dict[str, Any]]:
    """Each base model's file, parsed."""
    folder = tmp_path_factory.mktemp("bases")
    return {
        name: json.loads(model.save(folder / f"{name}.json").read_text("utf-8"))
        for name, model in _models().items()
    }


X_TEST = np.random.default_rng(1).normal(size=(7, D))


# -------------------------------------------------------------------------- mutations
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([10**19, 2**63, 2**64, 10**21, 10**308, 10**400, 10**4000]).flatmap(
        lambda n: st.sampled_from([n, -n])
    ),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 5e-324, 1e-101, 1e100, 1.0000000000000002e100, 1e308]),
    st.sampled_from(["nan", "inf", "-inf", "NaN", "Infinity", "", "0", "1e999", "balanced"]),
    st.sampled_from(["auto", "sgd", "int64", "<U3", "object", "bool", "<U999999", "V8"]),
    st.text(max_size=12),
    st.sampled_from(["\x1b[2J", "a\nb", "\r", "\u202etxt", "\ud800", "\x00", "é" * 300]),
    st.sampled_from([1025, 70_000, 2**20 + 1]).map(lambda n: "x" * n),  # giant strings
)
JUNK = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)
LONG_LISTS = st.sampled_from([0, 1, 2, 4, 33, 100_001]).flatmap(
    lambda n: st.sampled_from([[0.5] * n, [0] * n, ["a"] * n, [None] * n])
)


def _paths(value: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in a JSON document, containers included (not the root)."""
    out = [where] if where else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, (*where, index))
    return out


def _at(document: Any, where: tuple[Any, ...]) -> Any:
    for key in where:
        document = document[key]
    return document


@st.composite
def mutated(draw: Any, bases: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """(base name, a base document with one to three mutations and a recomputed checksum)."""
    name = draw(st.sampled_from(sorted(bases)))
    document = json.loads(json.dumps(bases[name]))
    for _ in range(draw(st.integers(1, 3))):
        field = draw(st.sampled_from(sorted(document)))  # every field as often, long or short
        where = draw(st.sampled_from([p for p in _paths(document) if p[0] == field]))
        parent, key = _at(document, where[:-1]), where[-1]
        action = draw(st.sampled_from(["replace", "replace", "drop", "add", "long", "insert"]))
        if action == "replace":
            parent[key] = draw(JUNK)
        elif action == "drop":
            del parent[key]
        elif action == "long":
            parent[key] = draw(LONG_LISTS)
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=8))] = draw(JUNK)
        elif action == "insert" and isinstance(parent, list):
            parent.insert(draw(st.integers(0, len(parent))), draw(JUNK))
        if not document:
            break
    checksum = draw(st.sampled_from(["recomputed"] * 4 + ["kept", "junk"]))
    if checksum == "recomputed":
        document["checksum"] = model_io._checksum(document)
    elif checksum == "junk":
        document["checksum"] = draw(JUNK)
    return name, document


def _write(path: Path, document: dict[str, Any]) -> None:
    path.write_text(json.dumps(document), "utf-8")  # ASCII: lone surrogates as \\ud800


def _check_model(model: LogisticRegression, path: Path) -> None:
    """A loaded model predicts finite probabilities and saves and loads again."""
    names = getattr(model, "feature_names_in_", None)
    X = X_TEST if names is None else pd.DataFrame(X_TEST, columns=list(names))
    proba = model.predict_proba(X)
    assert np.all(np.isfinite(proba)) and np.all((proba >= 0) & (proba <= 1))
    assert set(model.predict(X).tolist()) <= set(model.classes_.tolist())
    again = model_io.load_model(model.save(path.with_suffix(".again.json")))
    np.testing.assert_array_equal(again.predict_proba(X), proba)


# ------------------------------------------------------------------------------ tests
def test_the_bases_load_and_the_fuzzer_reaches_every_field(bases, tmp_path):
    for name, document in bases.items():
        path = tmp_path / f"{name}.json"
        _write(path, document)
        _check_model(model_io.load_model(path), path)
    fields = {where[0] for document in bases.values() for where in _paths(document)}
    assert fields == set(model_schema.load_schema(1)["properties"])


@FUZZ
@given(data=st.data())
def test_a_mutated_file_is_refused_by_name_or_loads_a_sound_model(bases, tmp_path, data):
    _, document = data.draw(mutated(bases))
    path = tmp_path / "model.json"
    _write(path, document)
    try:
        model = model_io.load_model(path)
    except ValueError as exc:
        assert str(path) in str(exc)
        assert len(str(exc)) < 600, "messages stay short whatever the file holds"
        event(_outcome(str(exc).replace(str(path), "")))
        return
    event("loaded")
    _check_model(model, path)


def _outcome(message: str) -> str:
    """The kind of refusal, for ``--hypothesis-show-statistics``."""
    for kind in ("checksum", "newer version", "format_version"):
        if kind in message:
            return kind
    if "not a oneneuron model file" in message:
        return message[:60]
    return "refused: " + message.split(": ", 1)[-1].split("'")[1 if "'" in message else 0][:30]


BYTES = st.one_of(
    st.binary(max_size=8),
    st.sampled_from([b"[", b"]", b"{", b"}", b'"', b"\\", b",", b":", b"NaN", b"-Infinity"]),
    st.sampled_from([b"1e999", b"-0", b"9" * 30, b"\xef\xbb\xbf", b"\xff", b"\\ud800", b"[" * 9]),
)


@settings(FUZZ, max_examples=150)
@given(data=st.data())
def test_edited_bytes_are_refused_by_name_or_load_a_sound_model(bases, tmp_path, data):
    """Edits of the text itself: cuts, inserted brackets, quotes, bytes that are not UTF-8."""
    name = data.draw(st.sampled_from(sorted(bases)))
    text = json.dumps(bases[name]).encode("utf-8")
    for _ in range(data.draw(st.integers(1, 3))):
        start = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(start, min(len(text), start + 40)))
        text = text[:start] + data.draw(BYTES) + text[end:]
    path = tmp_path / "model.json"
    path.write_bytes(text)
    try:
        model = model_io.load_model(path)
    except ValueError as exc:
        assert str(path) in str(exc)
        return
    _check_model(model, path)


TRICKY_TEXT = st.text(alphabet=st.sampled_from('[]{}:",\\ab\n\x00é\U0001f600'), max_size=6)
TRICKY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TRICKY_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TRICKY_TEXT, inner, max_size=3),
    max_leaves=25,
)


def _brackets_and_colons(value: Any) -> bytes:
    """What :func:`oneneuron.io._structure` must find: the JSON's structure, strings aside."""
    if isinstance(value, dict):
        return b"{" + b"".join(b":" + _brackets_and_colons(v) for v in value.values()) + b"}"
    if isinstance(value, list):
        return b"[" + b"".join(_brackets_and_colons(v) for v in value) + b"]"
    return b""


@settings(FUZZ, max_examples=300)
@given(value=TRICKY_JSON, ascii_only=st.booleans(), indent=st.sampled_from([None, 2]))
def test_the_shape_check_sees_through_strings(value, ascii_only, indent):
    """Brackets, colons, quotes and backslashes inside strings never count as structure."""
    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent).encode("utf-8")
    assert model_io._structure(text) == _brackets_and_colons(value)


def _cli(*argv: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


@settings(FUZZ, max_examples=120)
@given(data=st.data(), command=st.sampled_from(["info", "predict"]))
def test_the_command_line_answers_a_mutated_file_in_one_line(bases, tmp_path, data, command):
    _, document = data.draw(mutated(bases))
    path = tmp_path / "model.json"
    _write(path, document)
    point = ",".join(["0.5"] * D)
    argv = ["info", path] if command == "info" else ["predict", path, "--point", point]
    status, out, err = _cli(*argv)
    if status == 0:
        assert err == "" or err.startswith("oneneuron: note:"), err
        if command == "info":  # only info escapes; predict writes labels as they are
            assert all(line.isprintable() for line in out.splitlines()), out
        return
    assert status == 2, err
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("oneneuron: error: ") and str(path) in err, err


def test_info_escapes_what_a_terminal_would_act_on(tmp_path):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 2)), columns=["\x1b[31mred", "line\nbreak"])
    y = np.where(X.iloc[:, 0] > 0, "\u202eevil", "ok\r")
    path = LogisticRegression().fit(X, y).save(tmp_path / "m.json")
    status, out, err = _cli("info", path)
    assert status == 0, err
    assert all(line.isprintable() for line in out.splitlines())
    assert "\\x1b[31mred, line\\nbreak" in out
    assert "ok\\r, \\u202eevil (positive: \\u202eevil)" in out
    status, out, _ = _cli("info", path, "--json")
    assert json.loads(out)["feature_names"] == ["\x1b[31mred", "line\nbreak"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain text, ünïcode", "plain text, ünïcode"),
        ("\x1b[2J", "\\x1b[2J"),
        ("tab\tnew\nline\r", "tab\\tnew\\nline\\r"),
        ("\u202eright-to-left", "\\u202eright-to-left"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("\ud800", "\\ud800"),
        ("\x7f\x85", "\\x7f\\x85"),
    ],
)
def test_printable(text, shown):
    assert printable(text) == shown


# ------------------------------------------------------------- the schema's fast path
def _item_schemas(schema: Any) -> list[dict[str, Any]]:
    """Every ``items`` schema that the fast path of :func:`oneneuron._schema._items` takes."""
    found = []
    if isinstance(schema, dict):
        items = schema.get("items")
        if isinstance(items, dict) and items.keys() <= model_schema._SCALAR_KEYWORDS:
            found.append(items)
        for value in schema.values():
            found += _item_schemas(value)
    elif isinstance(schema, list):
        for value in schema:
            found += _item_schemas(value)
    return found


ITEM_SCHEMAS = _item_schemas(model_schema.load_schema(1))


def test_the_fast_path_covers_the_long_arrays():
    schema = model_schema.load_schema(1)
    history = schema["$defs"]["history"]
    for items in (
        schema["properties"]["coef"]["items"],
        schema["properties"]["feature_names"]["items"],
        schema["properties"]["standardization"]["properties"]["mean"]["items"],
        schema["properties"]["standardization"]["properties"]["scale"]["items"],
        history["properties"]["iteration"]["items"],
        history["additionalProperties"]["items"],
    ):
        assert items in ITEM_SCHEMAS


@settings(FUZZ, max_examples=400)
@given(schema=st.sampled_from(ITEM_SCHEMAS), value=SCALARS)
def test_the_fast_path_never_passes_an_invalid_item(schema, value):
    """The shortcut may send a valid item to jsonschema, never wave an invalid one through."""
    passes = model_schema._scalar_test(json.dumps(schema, sort_keys=True))
    exact = model_schema._validator(1).evolve(schema=schema)
    if passes(value):
        assert exact.is_valid(value), (schema, value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        # numbers the fast path refuses are refused by jsonschema too (no slow valid ones)
        assert not exact.is_valid(value), (schema, value)
