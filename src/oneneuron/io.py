"""The model file format: data-only JSON, atomic save, a load path that never executes code.

A fitted :class:`~oneneuron.LogisticRegression` is one UTF-8 JSON object::

    {"format": "oneneuron-model", "format_version": 1, "library_version": "0.1.0",
     "estimator": "LogisticRegression", "created": "2025-01-31T12:00:00Z",
     "params": {...get_params(), class_weight as [[label, weight], ...]...},
     "classes": {"dtype": "int64", "values": [0, 1]},
     "n_features_in": 2, "feature_names": ["a", "b"] or null,
     "coef": [0.5, -1.25], "intercept": 0.125,
     "standardization": {"mean": [...] or null, "scale": [...] or null} or null,
     "training": {"n_iter": 7, "converged": true, "solver": "newton", "stop_reason": "tol",
                  "history": {"loss": [...], ...} or null},
     "notes": [...], "checksum": "sha256:<hex>"}

Floats are written with ``repr`` and read back bit for bit. ``checksum`` is the SHA-256 of
the canonical serialisation of all other keys (``sort_keys=True, separators=(",", ":")``),
so any edit to the content is detected. Non-finite history values are stored as the
strings ``"nan"``, ``"inf"`` and ``"-inf"``; the file itself is strict JSON. Weight
snapshots (``record_weights=True``) are not saved.

A checksum only detects accidents: anyone can recompute it. So a file is treated as
hostile input, and loading checks, in this order:

1. the bytes: at most :data:`MAX_FILE_BYTES`, not a pickle, UTF-8;
2. the JSON's shape before it is parsed: at most :data:`MAX_CONTAINERS` arrays and objects
   and :data:`MAX_KEYS` keys, nested at most :data:`MAX_DEPTH` deep;
3. the parse: strict JSON (no NaN or Infinity literals, no duplicate keys);
4. ``format`` and ``format_version`` (a newer version is refused with a hint to upgrade);
5. every field's type, range and size against the JSON Schema of the file's version
   (``oneneuron/schemas/model-v<N>.schema.json``, see :mod:`oneneuron._schema` and
   ``docs/model-file.md``): every number has bounds, so a literal that overflowed to inf
   or a 4000-digit integer stops here;
6. the checksum (computed on content that is now known to be small and finite);
7. what a schema cannot say: lengths that must equal ``n_features_in``, two distinct
   classes that their dtype holds exactly, ``class_weight`` labels among the classes,
   history columns of one length; then the estimator's own parameter checks.

Every problem is a :class:`ValueError` naming the file; only :func:`json.loads` ever reads
the content (never pickle or ``eval``).

Adding a format version: a schema file listed in :data:`oneneuron._schema.SCHEMA_FILES`,
a reader in :data:`_READERS`, and :data:`FORMAT_VERSION` raised; older files keep loading
with their own schema and reader.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import json
import math
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from . import _labels, _schema
from ._files import atomic_write_bytes, looks_like_pickle
from ._params import check_params
from ._version import __version__
from .history import History

if TYPE_CHECKING:
    from .estimator import LogisticRegression

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_CONTAINERS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_KEYS",
    "load_model",
    "model_schema",
    "save_model",
]

FORMAT_NAME = "oneneuron-model"
#: The newest format this version reads and writes. A binary model is written as format 1
#: (older readers load it); a model of K >= 3 classes as format 2 (K rows of weights).
FORMAT_VERSION = 2
#: Most classes in a model file, and most weights (rows times features) of one.
MAX_CLASSES = _labels.MAX_CLASSES
MAX_WEIGHTS = 2**24
#: Largest model file read or written, in bytes.
MAX_FILE_BYTES = 64 * 2**20
#: Most JSON arrays and objects in one file (a version-1 file has a few dozen; a version-2
#: file one more per class).
MAX_CONTAINERS = 10_000
#: Most keys in all the file's objects together (a version-1 file has about 60).
MAX_KEYS = 10_000
#: Deepest nesting of arrays and objects (a version-1 file nests 4 deep).
MAX_DEPTH = 8

#: Parameters added to format version 1 after its first release (0.1.0), with their
#: defaults. A file without them means the default, and one is written only when it
#: differs: a model that does not use them loads in older readers too, and one that does
#: is refused there by the schema (an unknown parameter) instead of being misread.
ADDED_PARAMS: dict[str, Any] = {"l1_ratio": 0.0, "firth": False}

_RNGS = (np.random.Generator, np.random.RandomState)
_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
_PICKLE = (
    "looks like a Python pickle; oneneuron never loads pickles because loading a pickle "
    "can execute code"
)
_STRUCTURE = b'[]{}:"'  # the bytes that say where containers, keys and strings are
_NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(_STRUCTURE)))
_STRING = re.compile(rb'"[^"]*"')


class _Invalid(ValueError):
    """A problem with the file's content; :func:`load_model` adds the file name."""


_CONTENT = (_Invalid, _schema.SchemaViolation)  # what a reader raises for a file it refuses


def _need(ok: bool, message: str) -> None:
    if not ok:
        raise _Invalid(message)


def model_schema(version: int = FORMAT_VERSION) -> dict[str, Any]:
    """The JSON Schema (Draft 2020-12) of model files of format ``version``, as a new dict.

    The same file ships in the package as ``oneneuron/schemas/model-v<version>.schema.json``;
    ``docs/model-file.md`` explains it and what it cannot say.

    Raises
    ------
    ValueError
        If there is no such format version.
    """
    if version not in _schema.SCHEMA_FILES:
        known = ", ".join(map(str, _schema.SCHEMA_FILES))
        raise ValueError(f"no model file format version {version!r}; known: {known}")
    return copy.deepcopy(_schema.load_schema(version))


# ----------------------------------------------------------------------------------- save
def save_model(model: LogisticRegression, path: str | os.PathLike[str]) -> Path:
    """Write a fitted model to ``path`` as JSON, atomically.

    The JSON goes to a new temporary file in the same directory, is flushed to disk and
    renamed onto ``path``: an existing file is either wholly replaced or left untouched.
    The content is checked exactly as :func:`load_model` checks it, so a saved file
    always loads.

    Parameters
    ----------
    model : LogisticRegression
        A fitted model.
    path : str or path-like
        The file to write; its directory must exist.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If ``model`` is not fitted.
    ValueError
        If the model holds something a model file cannot (non-finite coefficients, a
        callable parameter, a value outside the format's limits, a file larger than
        :data:`MAX_FILE_BYTES`, ...).
    FileNotFoundError
        If the directory of ``path`` does not exist.
    """
    check_is_fitted(model)
    path = Path(path)
    payload = _to_payload(model)
    payload["checksum"] = _checksum(payload)
    try:  # never write a file that load_model would refuse
        _schema.check(payload, payload["format_version"])
        _READERS[payload["format_version"]](payload)
    except _CONTENT as exc:
        raise ValueError(f"cannot save this model to {path}: {exc}") from None
    data = (_pretty(payload) + "\n").encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(
            f"cannot save this model to {path}: the file would take {len(data):,} bytes, more "
            f"than the {MAX_FILE_BYTES:,} a model file may; keep fewer history records "
            "(model.history_ = model.history_[::10]) or none (model.history_ = None)"
        )
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot save to {path}: directory {path.parent} does not exist")
    atomic_write_bytes(path, data)
    return path


def _checksum(payload: dict[str, Any]) -> str:
    body = {k: v for k, v in payload.items() if k != "checksum"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _pretty(value: Any, indent: str = "") -> str:
    """JSON with one object key per line and every list on one line."""
    if isinstance(value, dict) and value:
        inner = indent + "  "
        items = [f"{inner}{json.dumps(k)}: {_pretty(v, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _scalar(value: Any, what: str, history: bool = False) -> Any:
    """``value`` as a JSON scalar; in history, non-finite floats become "nan"/"inf"/"-inf"."""
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, float) and not math.isfinite(value):
        if history:
            return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
        raise ValueError(f"{what} is {value!r}; only finite numbers can be saved")
    if (
        value is None
        or isinstance(value, (bool, int, float))
        or (isinstance(value, str) and not history)
    ):
        return value
    raise ValueError(f"{what} is a {type(value).__name__}, which a model file cannot hold")


def _floats(values: Any, d: int, what: str) -> list[float]:
    arr = np.asarray(values, dtype=np.float64).ravel()
    if arr.size != d or not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} must hold {d} finite numbers to be saved; got {arr!r}")
    return [float(v) for v in arr]


def _to_payload(model: Any) -> dict[str, Any]:
    notes: list[str] = []
    params: dict[str, Any] = {}
    for key, value in model.get_params(deep=False).items():
        if key in ADDED_PARAMS and value == ADDED_PARAMS[key]:
            continue  # at its default: omitted, so that older readers load the file
        if key == "class_weight" and isinstance(value, dict):
            pairs = [
                [_scalar(k, "class_weight label"), _scalar(w, "class weight")]
                for k, w in value.items()
            ]
            params[key] = pairs
            continue
        if key == "random_state" and isinstance(value, _RNGS):
            notes.append(f"random_state was a {type(value).__name__}, stored as null")
            value = None
        params[key] = _scalar(value, f"parameter {key}")
    classes = np.asarray(model.classes_)
    K = classes.shape[0] if classes.ndim == 1 else 0
    if (
        not 2 <= K <= MAX_CLASSES
        or classes.dtype.kind not in "biufUO"
        or len(set(classes.tolist())) != K
    ):
        raise ValueError(
            f"classes_ must hold 2 to {MAX_CLASSES} distinct labels; got "
            f"{_schema.show(classes.tolist())}"
        )
    d = int(model.n_features_in_)
    rows = 1 if K == 2 else K
    names = getattr(model, "feature_names_in_", None)
    if names is not None and len(names) != d:
        raise ValueError(f"feature_names_in_ has {len(names)} names for {d} features")
    mean, scale = getattr(model, "x_mean_", None), getattr(model, "x_scale_", None)
    history = getattr(model, "history_", None)
    columns = None
    if history is not None:  # weight snapshots (record_weights=True) are not saved
        columns = {
            str(name): [_scalar(v, f"history column {name!r}", history=True) for v in column]
            for name, column in history.to_dict().items()
            if name not in ("coef", "intercept")
        }
    std = None
    if mean is not None or scale is not None:
        std = {
            "mean": None if mean is None else _floats(mean, d, "x_mean_"),
            "scale": None if scale is None else _floats(scale, d, "x_scale_"),
        }
    created = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    coef = np.asarray(model.coef_, dtype=np.float64)
    if coef.shape != (rows, d) or np.shape(model.intercept_) != (rows,):
        raise ValueError(
            f"coef_ and intercept_ must have shapes ({rows}, {d}) and ({rows},) for {K} "
            f"classes; got {coef.shape} and {np.shape(model.intercept_)}"
        )
    weights: list[Any]
    intercept: Any
    if K == 2:  # format 1: what every reader loads
        version = 1
        weights = _floats(coef, d, "coef_")
        intercept = _floats(model.intercept_, 1, "intercept_")[0]
    else:
        version = 2
        weights = [_floats(row, d, f"coef_[{k}]") for k, row in enumerate(coef)]
        intercept = _floats(model.intercept_, K, "intercept_")
    return {
        "format": FORMAT_NAME,
        "format_version": version,
        "library_version": __version__,
        "estimator": "LogisticRegression",
        "created": created.replace("+00:00", "Z"),
        "params": params,
        "classes": {
            "dtype": classes.dtype.str if classes.dtype.kind == "U" else classes.dtype.name,
            "values": [_scalar(v, "a class label") for v in classes.tolist()],
        },
        "n_features_in": d,
        "feature_names": None if names is None else [str(n) for n in names],
        "coef": weights,
        "intercept": intercept,
        "standardization": std,
        "training": {
            "n_iter": int(model.n_iter_),
            "converged": bool(model.converged_),
            "solver": _scalar(getattr(model, "solver_", None), "solver_"),
            "stop_reason": _scalar(getattr(model, "stop_reason_", None), "stop_reason_"),
            "history": columns,
        },
        "notes": notes,
    }


# ----------------------------------------------------------------------------------- load
def load_model(path: str | os.PathLike[str]) -> LogisticRegression:
    """Read a model written by :func:`save_model`; never executes code from the file.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    LogisticRegression
        A fitted model whose predictions are bit-identical to the saved one's.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not a valid oneneuron model file (not JSON, a pickle, truncated,
        from a newer version, modified after saving, outside the format's limits, ...);
        the message names the file and the field.
    """
    path = Path(path)
    with path.open("rb") as f:
        data = f.read(MAX_FILE_BYTES + 1)
    not_model = f"{path} is not a oneneuron model file"
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"{not_model}: it is larger than {MAX_FILE_BYTES} bytes")
    if looks_like_pickle(data):
        raise ValueError(f"{path} {_PICKLE}")
    try:
        obj = _parse(data)
    except _Invalid as exc:
        if path.suffix in (".pkl", ".pickle"):
            raise ValueError(f"{path} {_PICKLE}") from None
        raise ValueError(f"{not_model}: {exc}") from None
    if not isinstance(obj, dict):
        raise ValueError(f"{not_model}: the JSON is a {type(obj).__name__}, not an object")
    if obj.get("format") != FORMAT_NAME:
        shown = _schema.show(obj.get("format"))
        raise ValueError(f"{not_model}: 'format' is {shown}, not {FORMAT_NAME!r}")
    version = obj.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        shown = _schema.show(version)
        raise ValueError(f"{path}: 'format_version' must be a positive integer; got {shown}")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{path} was written by a newer version of oneneuron (format {version}, this "
            f"version reads up to {FORMAT_VERSION}); upgrade oneneuron"
        )
    invalid = f"{path} is not a valid oneneuron model file"
    if not isinstance(obj.get("checksum"), str):
        raise ValueError(f"{invalid}: it has no 'checksum'")
    try:
        _schema.check(obj, version)
    except _schema.SchemaViolation as exc:
        raise ValueError(f"{invalid}: {exc}") from None
    if _checksum(obj) != obj["checksum"]:
        raise ValueError(f"{path}: checksum mismatch: the file was modified after it was saved")
    try:
        return _READERS[version](obj)
    except _CONTENT as exc:
        raise ValueError(f"{invalid}: {exc}") from None


def _parse(data: bytes) -> Any:
    """Strict, bounded JSON; every failure is an ``_Invalid``.

    Numbers are read by :func:`json.loads` itself (a hook per number would cost seconds
    on a large file): an integer of more than 4300 digits is refused by Python, a float
    literal beyond float64 becomes inf, which the schema's bounds refuse.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Invalid("not JSON (not UTF-8 text)") from None
    _need(bool(text.strip()), "the file is empty")
    _check_shape(data)
    try:
        return json.loads(text, parse_constant=_reject, object_pairs_hook=_dict)
    except _Invalid:
        raise
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise _Invalid(f"the JSON is truncated (it stops at line {exc.lineno})") from None
        raise _Invalid(f"not JSON ({exc})") from None
    except ValueError as exc:  # int_max_str_digits
        raise _Invalid(f"it holds an integer too long to read ({exc.args[0][:40]}...)") from None
    except RecursionError as exc:
        raise _Invalid(f"not JSON ({exc})") from None


def _check_shape(data: bytes) -> None:
    """Refuse JSON with too many containers or keys, or nested too deep, before parsing.

    Parsing such text costs far more time and memory than its size (an empty object in
    3 bytes becomes 64; a million keys take seconds), and deep nesting exhausts the stack
    of the parser and of every walk over the result.
    """
    outside = _structure(data)
    _need(outside.count(b":") <= MAX_KEYS, f"its objects hold more than {MAX_KEYS} keys")
    brackets = outside.replace(b":", b"")
    opened = brackets.count(b"[") + brackets.count(b"{")
    too_many = f"it holds more than {MAX_CONTAINERS} JSON arrays and objects"
    _need(opened <= MAX_CONTAINERS and len(brackets) <= 2 * MAX_CONTAINERS, too_many)
    depth = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            _need(depth <= MAX_DEPTH, f"it nests arrays and objects more than {MAX_DEPTH} deep")
        elif byte in b"]}":
            depth -= 1


def _structure(data: bytes) -> bytes:
    """The bytes ``[]{}:`` of JSON text that are not inside strings, in order.

    UTF-8 never uses these bytes, or ``"`` and ``\\``, inside other characters. Without
    its escaped backslashes and quotes, the text's quotes pair up: each opens or closes a
    string. Of the bytes ``[]{}:"``, a string holding none of the others leaves ``""``,
    which goes in one pass (two adjacent quotes gone change no other byte's side); the
    strings that are left, those holding brackets or colons, go by a regular expression.
    """
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    structure = data.translate(None, delete=_NOT_STRUCTURE).replace(b'""', b"")
    return _STRING.sub(b"", structure) if b'"' in structure else structure


def _reject(name: str) -> Any:
    raise _Invalid(f"it contains {name}, which strict JSON does not allow")


def _dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    _need(len(out) == len(pairs), "a key appears twice in one JSON object")
    return out


# ----------------------------------------------------------------------- format version 1
def _from_v1(obj: dict[str, Any]) -> LogisticRegression:
    """A model from a version-1 file that matches its schema; ``_Invalid`` for the rest."""
    d = obj["n_features_in"]
    _need(
        len(obj["coef"]) == d,
        f"'coef' has {len(obj['coef'])} items; it must have n_features_in = {d}",
    )
    return _model(obj, [obj["coef"]], [obj["intercept"]])


def _from_v2(obj: dict[str, Any]) -> LogisticRegression:
    """A model from a version-2 file (K rows of weights) that matches its schema."""
    d, K = obj["n_features_in"], len(obj["classes"]["values"])
    rows = 1 if K == 2 else K
    coef, intercept = obj["coef"], obj["intercept"]
    _need(
        len(coef) == rows and len(intercept) == rows,
        f"'coef' has {len(coef)} rows and 'intercept' {len(intercept)} values; with {K} "
        f"classes both must have {rows}",
    )
    _need(rows * d <= MAX_WEIGHTS, f"the model has {rows} x {d} weights; at most {MAX_WEIGHTS}")
    for k, row in enumerate(coef):
        _need(len(row) == d, f"'coef[{k}]' has {len(row)} items; it must have n_features_in = {d}")
    return _model(obj, coef, intercept)


def _model(obj: dict[str, Any], coef: list[Any], intercept: list[Any]) -> LogisticRegression:
    """The model of a file whose coefficients were checked; ``_Invalid`` for the rest."""
    from .estimator import LogisticRegression

    d = obj["n_features_in"]
    std = obj["standardization"] or {"mean": None, "scale": None}
    for where, values in (
        ("feature_names", obj["feature_names"]),
        ("standardization.mean", std["mean"]),
        ("standardization.scale", std["scale"]),
    ):
        _need(
            values is None or len(values) == d,
            f"'{where}' has {0 if values is None else len(values)} items; it must have "
            f"n_features_in = {d}",
        )
    classes = _classes(obj["classes"])
    params = dict(obj["params"])
    if isinstance(params.get("class_weight"), list):
        params["class_weight"] = _class_weight(params["class_weight"], classes)
    try:
        model = LogisticRegression(**params)
        check_params(model.get_params(deep=False))  # the estimator's own checks
    except (ValueError, TypeError) as exc:
        raise _Invalid(f"invalid parameter: {exc}") from None
    if len(classes) > 2:
        from ._fit_checks import check_multiclass

        try:
            check_multiclass(model, len(classes))
        except ValueError as exc:
            raise _Invalid(f"invalid parameter: {exc}") from None
    model.classes_ = classes
    model.coef_ = np.array(coef, dtype=np.float64).reshape(len(coef), d)
    model.intercept_ = np.array(intercept, dtype=np.float64)
    model.n_features_in_ = d
    if obj["feature_names"] is not None:
        model.feature_names_in_ = np.array(obj["feature_names"], dtype=object)
    model.x_mean_, model.x_scale_ = (
        None if std[k] is None else np.array(std[k], dtype=np.float64) for k in ("mean", "scale")
    )
    training = obj["training"]
    model.n_iter_, model.converged_ = training["n_iter"], training["converged"]
    if training["solver"] is not None:
        model.solver_ = training["solver"]
    if training["stop_reason"] is not None:
        model.stop_reason_ = training["stop_reason"]
    if training["history"] is not None:
        unit = "epoch" if training["solver"] == "sgd" else "iteration"
        model.history_ = History.from_dict(_history(training["history"]), unit=unit)
    return model


def _classes(raw: dict[str, Any]) -> np.ndarray:
    """The labels in their dtype, exactly as written, or an ``_Invalid``: distinct, and
    with K >= 3 sorted (labels are found by bisection)."""
    dtype, values = raw["dtype"], raw["values"]
    shown = _schema.show(values)
    _need(
        values[0] != values[1] and len({(type(v), v) for v in values}) == len(values),
        f"'classes.values' {shown} holds one label twice",
    )
    misfit = f"'classes.values' {shown} do not fit dtype {dtype} exactly"
    try:
        classes = np.array(values, dtype=dtype)
    except (OverflowError, ValueError, TypeError):
        raise _Invalid(misfit) from None
    _need(classes.tolist() == values, misfit)
    if len(values) > 2:
        try:
            ordered = np.unique(classes).tolist() == values
        except TypeError:
            ordered = False
        _need(ordered, f"'classes.values' {shown} must be sorted and distinct")
    return classes


def _class_weight(pairs: list[list[Any]], classes: np.ndarray) -> dict[Any, Any]:
    """``[[label, weight], ...]`` as a dict whose labels are distinct classes."""
    known = classes.tolist()
    weights = {label: weight for label, weight in pairs}
    _need(len(weights) == len(pairs), "'params.class_weight' repeats a label")
    unknown = [label for label in weights if label not in known]
    _need(
        not unknown,
        f"'params.class_weight' names label(s) {_schema.show(unknown)} that are not classes; "
        f"the classes are {_schema.show(known)}",
    )
    return weights


def _history(raw: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Columns of one length; values as floats ("nan"/"inf"/"-inf" too), iterations as ints."""
    lengths = {name: len(column) for name, column in raw.items()}
    _need(
        len(set(lengths.values())) <= 1,
        f"'training.history' columns must have one length; they have {_schema.show(lengths)}",
    )
    return {
        name: column if name == "iteration" else [float(_NONFINITE.get(v, v)) for v in column]
        for name, column in raw.items()
    }


#: Format version -> reader of a file that matches that version's schema.
_READERS: dict[int, Callable[[dict[str, Any]], LogisticRegression]] = {1: _from_v1, 2: _from_v2}
