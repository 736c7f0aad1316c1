"""A fitted model as the model file's content: the JSON-ready dict that
:func:`oneneuron.io.save_model` writes, and its layout on disk.
"""

from __future__ import annotations

import datetime
import json
import math
from typing import Any

import numpy as np

from . import _labels, _schema
from ._version import __version__

__all__ = ["ADDED_PARAMS", "FORMAT_NAME", "pretty", "to_payload"]

FORMAT_NAME = "oneneuron-model"
MAX_CLASSES = _labels.MAX_CLASSES

#: Parameters added to format version 1 after its first release (0.1.0), with their
#: defaults. A file without them means the default, and one is written only when it
#: differs: a model that does not use them loads in older readers too, and one that does
#: is refused there by the schema (an unknown parameter) instead of being misread.
ADDED_PARAMS: dict[str, Any] = {"l1_ratio": 0.0, "firth": False}

_RNGS = (np.random.Generator, np.random.RandomState)


def pretty(value: Any, indent: str = "") -> str:
    """JSON with one object key per line and every list on one line."""
    if isinstance(value, dict) and value:
        inner = indent + "  "
        items = [f"{inner}{json.dumps(k)}: {pretty(v, inner)}" for k, v in value.items()]
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


def to_payload(model: Any) -> dict[str, Any]:
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
