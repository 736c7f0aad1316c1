"""The estimator's constructor parameters: each one's valid values, checked at fit.

One table (:data:`PARAMETERS`) says what every parameter of
:class:`~oneneuron.LogisticRegression` accepts; :func:`check_params` checks an
estimator against it with messages that name the parameter and the valid values, and
the model file's loader uses the same table, so a loaded model cannot carry a value that
``fit`` would refuse.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from ._messages import plain
from ._validation import check_integer, check_number

__all__ = ["PARAMETERS", "check_params", "param_names"]

#: The largest values the model file takes (``schemas/model-v1.schema.json``): fit refuses
#: what a saved model could not hold (a test holds the two equal).
MAX_FLOAT = 1e100
MAX_COUNT = 2**63 - 1
MAX_SEED = 2**64 - 1
MAX_CLASS_WEIGHT = 1e12


def _solver(value: Any) -> None:
    from .solvers import SOLVERS

    valid = ["auto", *SOLVERS]
    if not isinstance(value, str) or value not in valid:
        raise ValueError(f"unknown solver {plain(value)}; valid: {', '.join(valid)}")


def _schedule(value: Any) -> None:
    from .solvers.schedules import SCHEDULES

    if not isinstance(value, str) or value not in SCHEDULES:
        raise ValueError(f"unknown lr_schedule {plain(value)}; valid: {', '.join(SCHEDULES)}")


def _class_weight(value: Any) -> None:
    if value is None or (isinstance(value, str) and value == "balanced"):
        return
    if not isinstance(value, dict):
        raise ValueError(
            f"class_weight must be None, 'balanced' or a dict label -> weight; got {plain(value)}"
        )
    for label, weight in value.items():
        if not isinstance(label, (str, numbers.Number, np.generic)):
            raise ValueError(f"class_weight has a key {plain(label)} that is not a label")
        check_number(f"class_weight[{plain(label)}]", weight, low=0.0, high=MAX_CLASS_WEIGHT)
    if len(value) >= 2 and all(w == 0 for w in value.values()):
        raise ValueError(
            f"class_weight is zero for every class ({plain(value)}); nothing to learn from"
        )


def _boolean(name: str, value: Any) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False; got {plain(value)}")


def _random_state(name: str, value: Any) -> None:
    if value is None or isinstance(value, (np.random.Generator, np.random.RandomState)):
        return
    integer = isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
    if not (integer and 0 <= value <= MAX_SEED):
        raise ValueError(
            f"{name} must be None, an integer from 0 to 2**64 - 1, a numpy Generator or "
            f"RandomState; got {plain(value)}"
        )


def _number(**limits: Any) -> Callable[[str, Any], None]:
    return lambda name, value: check_number(name, value, **limits)


def _count(low: int) -> Callable[[str, Any], None]:
    return lambda name, value: check_integer(name, value, low=low, high=MAX_COUNT)


def _optional(check: Callable[[str, Any], None]) -> Callable[[str, Any], None]:
    return lambda name, value: None if value is None else check(name, value)


#: Parameter name -> ``check(name, value)`` raising ValueError for an invalid value.
PARAMETERS: dict[str, Callable[[str, Any], None]] = {
    "solver": lambda name, value: _solver(value),
    "alpha": _number(low=0.0, high=MAX_FLOAT),
    "l1_ratio": _number(low=0.0, high=1.0),
    "firth": _boolean,
    "fit_intercept": _boolean,
    "standardize": _boolean,
    "learning_rate": _number(low=0.0, strict=True, high=MAX_FLOAT),
    "momentum": _number(low=0.0, high=1.0, high_open=True),
    "lr_schedule": lambda name, value: _schedule(value),
    "tol": _optional(_number(low=0.0, high=MAX_FLOAT)),
    "early_stopping": _boolean,
    "validation_fraction": _number(low=0.0, high=1.0, strict=True, high_open=True),
    "threshold": _number(low=0.0, high=1.0),
    "batch_size": _count(1),
    "n_iter_no_change": _count(1),
    "max_iter": _optional(_count(0)),
    "class_weight": lambda name, value: _class_weight(value),
    "record_weights": _boolean,
    "random_state": _random_state,
    "verbose": _count(0),
}


def check_params(params: Mapping[str, Any]) -> None:
    """Raise ValueError for the first parameter in ``params`` with an invalid value."""
    for name, check in PARAMETERS.items():
        if name in params:
            check(name, params[name])


#: scikit-learn's parameter names per estimator class (subclasses included)
_PARAM_NAMES: dict[type, tuple[str, ...]] = {}


def param_names(cls: type) -> tuple[str, ...]:
    """scikit-learn's parameter names of an estimator class (its checks included)."""
    names = _PARAM_NAMES.get(cls)
    if names is None:
        names = _PARAM_NAMES[cls] = tuple(BaseEstimator._get_param_names.__func__(cls))  # type: ignore[attr-defined]
    return names
