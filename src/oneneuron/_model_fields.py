"""A model file's fields that a schema cannot check: classes exactly in their dtype,
``class_weight`` labels among them, history columns of one length.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _schema
from ._model_parse import _Invalid, need

__all__ = ["class_weight", "classes", "history"]

_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


def classes(raw: dict[str, Any]) -> np.ndarray:
    """The labels in their dtype, exactly as written, or an ``_Invalid``: distinct, and
    with K >= 3 sorted (labels are found by bisection)."""
    dtype, values = raw["dtype"], raw["values"]
    shown = _schema.show(values)
    need(
        values[0] != values[1] and len({(type(v), v) for v in values}) == len(values),
        f"'classes.values' {shown} holds one label twice",
    )
    misfit = f"'classes.values' {shown} do not fit dtype {dtype} exactly"
    try:
        classes = np.array(values, dtype=dtype)
    except (OverflowError, ValueError, TypeError):
        raise _Invalid(misfit) from None
    need(classes.tolist() == values, misfit)
    if len(values) > 2:
        try:
            ordered = np.unique(classes).tolist() == values
        except TypeError:
            ordered = False
        need(ordered, f"'classes.values' {shown} must be sorted and distinct")
    return classes


def class_weight(pairs: list[list[Any]], classes: np.ndarray) -> dict[Any, Any]:
    """``[[label, weight], ...]`` as a dict whose labels are distinct classes."""
    known = classes.tolist()
    weights = {label: weight for label, weight in pairs}
    need(len(weights) == len(pairs), "'params.class_weight' repeats a label")
    unknown = [label for label in weights if label not in known]
    need(
        not unknown,
        f"'params.class_weight' names label(s) {_schema.show(unknown)} that are not classes; "
        f"the classes are {_schema.show(known)}",
    )
    return weights


def history(raw: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Columns of one length; values as floats ("nan"/"inf"/"-inf" too), iterations as ints."""
    lengths = {name: len(column) for name, column in raw.items()}
    need(
        len(set(lengths.values())) <= 1,
        f"'training.history' columns must have one length; they have {_schema.show(lengths)}",
    )
    return {
        name: column if name == "iteration" else [float(_NONFINITE.get(v, v)) for v in column]
        for name, column in raw.items()
    }
