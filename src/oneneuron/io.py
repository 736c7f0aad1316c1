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

Loading reads at most :data:`MAX_FILE_BYTES` and uses only :func:`json.loads` (never pickle
or ``eval``); every problem with the file is a :class:`ValueError` naming the file.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._files import atomic_write_bytes, looks_like_pickle
from ._params import check_params
from ._version import __version__
from .history import History

if TYPE_CHECKING:
    from .estimator import LogisticRegression

__all__ = ["FORMAT_NAME", "FORMAT_VERSION", "MAX_FILE_BYTES", "load_model", "save_model"]

FORMAT_NAME = "oneneuron-model"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 64 * 2**20
_KEYS = set(
    "format format_version library_version estimator created params classes n_features_in "
    "feature_names coef intercept standardization training checksum".split()
)
_TRAINING = {"n_iter", "converged", "solver", "stop_reason", "history"}
_RNGS = (np.random.Generator, np.random.RandomState)
_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}
_DTYPE = re.compile(r"(bool|u?int(8|16|32|64)|float(16|32|64)|object|[<>|=]U[0-9]{1,6})\Z")
_PICKLE = (
    "looks like a Python pickle; oneneuron never loads pickles because loading a pickle "
    "can execute code"
)


class _Invalid(ValueError):
    """A problem with the file's content; :func:`load_model` adds the file name."""


def _need(ok: bool, message: str) -> None:
    if not ok:
        raise _Invalid(message)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_real(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


# ----------------------------------------------------------------------------------- save
def save_model(model: LogisticRegression, path: str | os.PathLike[str]) -> Path:
    """Write a fitted model to ``path`` as JSON, atomically.

    The JSON goes to a new temporary file in the same directory, is flushed to disk and
    renamed onto ``path``: an existing file is either wholly replaced or left untouched.

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
        callable parameter, ...).
    FileNotFoundError
        If the directory of ``path`` does not exist.
    """
    check_is_fitted(model)
    path = Path(path)
    payload = _to_payload(model)
    payload["checksum"] = _checksum(payload)
    try:  # never write a file that load_model would refuse
        _from_payload(payload)
    except _Invalid as exc:
        raise ValueError(f"cannot save this model to {path}: {exc}") from None
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot save to {path}: directory {path.parent} does not exist")
    atomic_write_bytes(path, (_pretty(payload) + "\n").encode("utf-8"))
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
    if classes.shape != (2,) or classes.dtype.kind not in "biufUO" or classes[0] == classes[1]:
        raise ValueError(f"classes_ must hold two distinct labels; got {classes!r}")
    d = int(model.n_features_in_)
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
    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
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
        "coef": _floats(model.coef_, d, "coef_"),
        "intercept": _floats(model.intercept_, 1, "intercept_")[0],
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
        from a newer version, modified after saving, ...); the message names the file.
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
        raise ValueError(f"{not_model}: 'format' is {obj.get('format')!r}, not {FORMAT_NAME!r}")
    version = obj.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"{path}: 'format_version' must be a positive integer; got {version!r}")
    if version > FORMAT_VERSION:
        raise ValueError(
            f"{path} was written by a newer version of oneneuron (format {version}, this "
            f"version reads up to {FORMAT_VERSION}); upgrade oneneuron"
        )
    if not isinstance(obj.get("checksum"), str):
        raise ValueError(f"{path} is not a valid oneneuron model file: it has no 'checksum'")
    if _checksum(obj) != obj["checksum"]:
        raise ValueError(f"{path}: checksum mismatch: the file was modified after it was saved")
    try:
        return _from_payload(obj)
    except _Invalid as exc:
        raise ValueError(f"{path} is not a valid oneneuron model file: {exc}") from None


def _parse(data: bytes) -> Any:
    """Strict JSON (no NaN/Infinity, no duplicate keys); every failure is an ``_Invalid``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Invalid("not JSON (not UTF-8 text)") from None
    _need(bool(text.strip()), "the file is empty")
    try:
        return json.loads(text, parse_constant=_reject, parse_float=_float, object_pairs_hook=_dict)
    except _Invalid:
        raise
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise _Invalid(f"the JSON is truncated (it stops at line {exc.lineno})") from None
        raise _Invalid(f"not JSON ({exc})") from None
    except (ValueError, RecursionError) as exc:
        raise _Invalid(f"not JSON ({exc})") from None


def _reject(name: str) -> Any:
    raise _Invalid(f"it contains {name}, which strict JSON does not allow")


def _float(text: str) -> float:
    _need(math.isfinite(value := float(text)), f"the number {text[:40]} overflows float64")
    return value


def _dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    _need(len(out) == len(pairs), "a key appears twice in one JSON object")
    return out


def _keys(obj: Any, keys: set[str], where: str, optional: frozenset[str] = frozenset()) -> None:
    _need(isinstance(obj, dict), f"{where} must be a JSON object")
    _need(not (missing := sorted(keys - set(obj))), f"{where} lacks the key(s) {missing}")
    _need(not (extra := sorted(set(obj) - keys - optional)), f"{where} has unknown keys {extra}")


def _float_array(values: Any, d: int, what: str) -> np.ndarray:
    ok = isinstance(values, list) and len(values) == d and all(map(_is_real, values))
    _need(ok, f"{what!r} must be a list of {d} finite numbers (n_features_in)")
    return np.array([float(v) for v in values], dtype=np.float64)


def _classes(raw: Any) -> np.ndarray:
    _keys(raw, {"dtype", "values"}, "'classes'")
    dtype, values = raw["dtype"], raw["values"]
    _need(isinstance(dtype, str) and bool(_DTYPE.match(dtype)), f"bad classes dtype {dtype!r}")
    typed = _LABEL_TYPES[np.dtype(dtype).kind]
    bad = f"'classes' must hold 2 distinct labels of dtype {dtype}; got {values!r}"
    _need(isinstance(values, list) and len(values) == 2 and all(map(typed, values)), bad)
    try:
        classes = np.array(values, dtype=dtype)
    except (OverflowError, ValueError, TypeError):
        raise _Invalid(bad) from None
    _need(classes.tolist() == values and classes[0] != classes[1], bad)
    return classes


_LABEL_TYPES: dict[str, Any] = {
    "b": lambda v: isinstance(v, bool),
    "i": _is_int,
    "u": _is_int,
    "f": _is_real,
    "U": lambda v: isinstance(v, str),
    "O": lambda v: isinstance(v, (str, bool)) or _is_real(v),
}


def _params(raw: Any, cls: type) -> dict[str, Any]:
    _need(isinstance(raw, dict), "'params' must be a JSON object")
    defaults = cls().get_params(deep=False)
    extra = sorted(set(raw) - set(defaults))
    _need(not extra, f"'params' has unknown parameter(s) {extra}")
    params = dict(raw)
    for key, value in raw.items():
        if key == "class_weight" and isinstance(value, list):
            ok = all(isinstance(p, list) and len(p) == 2 and _is_real(p[1]) for p in value)
            ok = ok and all(isinstance(p[0], (str, bool)) or _is_real(p[0]) for p in value)
            _need(ok, "'class_weight' must be a list of [label, weight] pairs")
            params[key] = {p[0]: p[1] for p in value}
            _need(len(params[key]) == len(value), "'class_weight' repeats a label")
        else:  # types the estimator's own check may not look at; it checks the rest
            ok = value is None or isinstance(value, (bool, int, float, str))
            if isinstance(defaults[key], bool):
                ok = isinstance(value, bool)
            elif key in ("random_state", "verbose"):
                ok = value is None or _is_int(value)
            _need(ok, f"parameter {key!r} has an invalid value {value!r}")
    return params


def _history(raw: Any) -> dict[str, list[Any]]:
    def ok(v: Any) -> bool:
        return (
            v is None
            or isinstance(v, (bool, int, float))
            or (isinstance(v, str) and v in _NONFINITE)
        )

    bad = "'training.history' must map names to lists of numbers of one length"
    _need(isinstance(raw, dict), bad)
    _need(all(isinstance(c, list) and all(map(ok, c)) for c in raw.values()), bad)
    _need(len({len(c) for c in raw.values()}) <= 1, bad)
    return {k: [_NONFINITE[v] if isinstance(v, str) else v for v in c] for k, c in raw.items()}


def _from_payload(obj: dict[str, Any]) -> LogisticRegression:
    from .estimator import LogisticRegression

    _keys(obj, _KEYS, "the file", optional=frozenset({"notes"}))
    _need(obj["estimator"] == "LogisticRegression", f"unknown estimator {obj['estimator']!r}")
    _need(all(isinstance(obj[k], str) for k in ("library_version", "created")), "bad metadata")
    model = LogisticRegression(**_params(obj["params"], LogisticRegression))
    try:  # the estimator's own parameter validation
        check_params(model.get_params(deep=False))
    except (ValueError, TypeError) as exc:
        raise _Invalid(f"invalid parameter: {exc}") from None
    d, names, std, training = (
        obj["n_features_in"],
        obj["feature_names"],
        obj["standardization"],
        obj["training"],
    )
    _need(_is_int(d) and d >= 1, f"'n_features_in' must be a positive integer; got {d!r}")
    ok = names is None or (isinstance(names, list) and len(names) == d)
    _need(
        ok and all(isinstance(n, str) for n in names or ()),
        f"'feature_names' must be null or a list of {d} strings (n_features_in)",
    )
    _need(_is_real(obj["intercept"]), "'intercept' must be a finite number")
    if std is not None:
        _keys(std, {"mean", "scale"}, "'standardization'")
    _keys(training, _TRAINING, "'training'")
    n_iter, converged = training["n_iter"], training["converged"]
    solver, reason = training["solver"], training["stop_reason"]
    _need(_is_int(n_iter) and n_iter >= 0, "'training.n_iter' must be an integer >= 0")
    _need(isinstance(converged, bool), "'training.converged' must be true or false")
    _need(all(s is None or isinstance(s, str) for s in (solver, reason)), "bad solver/stop_reason")
    notes = obj.get("notes", [])
    _need(isinstance(notes, list) and all(isinstance(n, str) for n in notes), "bad 'notes'")

    model.classes_ = _classes(obj["classes"])
    model.coef_ = _float_array(obj["coef"], d, "coef").reshape(1, d)
    model.intercept_ = np.array([float(obj["intercept"])], dtype=np.float64)
    model.n_features_in_ = d
    if names is not None:
        model.feature_names_in_ = np.array(names, dtype=object)
    std = std or {"mean": None, "scale": None}
    model.x_mean_, model.x_scale_ = (
        None if std[k] is None else _float_array(std[k], d, k) for k in ("mean", "scale")
    )
    model.n_iter_, model.converged_ = n_iter, converged
    if solver is not None:
        model.solver_ = solver
    if reason is not None:
        model.stop_reason_ = reason
    if training["history"] is not None:
        unit = "epoch" if solver == "sgd" else "iteration"
        model.history_ = History.from_dict(_history(training["history"]), unit=unit)
    return model
