"""The estimator's constructor parameters: each one's valid values, checked at fit.

One table (:data:`PARAMETERS`) says what every parameter of
:class:`~oneneuron.LogisticRegression` accepts; :func:`check_params` checks an
estimator against it with messages that name the parameter and the valid values, and
the model file's loader uses the same table, so a loaded model cannot carry a value that
``fit`` would refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ._validation import check_integer, check_number

__all__ = ["PARAMETERS", "check_params"]


def _solver(value: Any) -> None:
    from .solvers import SOLVERS

    valid = ["auto", *SOLVERS]
    if not isinstance(value, str) or value not in valid:
        raise ValueError(f"unknown solver {value!r}; valid: {', '.join(valid)}")


def _schedule(value: Any) -> None:
    from .solvers.schedules import SCHEDULES

    if not isinstance(value, str) or value not in SCHEDULES:
        raise ValueError(f"unknown lr_schedule {value!r}; valid: {', '.join(SCHEDULES)}")


def _class_weight(value: Any) -> None:
    if not (value is None or value == "balanced" or isinstance(value, dict)):
        raise ValueError(
            f"class_weight must be None, 'balanced' or a dict label -> weight; got {value!r}"
        )


def _boolean(name: str, value: Any) -> None:
    if not (isinstance(value, bool) or type(value).__name__ == "bool"):  # NumPy's bool too
        raise ValueError(f"{name} must be True or False; got {value!r}")


def _number(**limits: Any) -> Callable[[str, Any], None]:
    return lambda name, value: check_number(name, value, **limits)


def _optional(check: Callable[[str, Any], None]) -> Callable[[str, Any], None]:
    return lambda name, value: None if value is None else check(name, value)


#: Parameter name -> ``check(name, value)`` raising ValueError for an invalid value.
PARAMETERS: dict[str, Callable[[str, Any], None]] = {
    "solver": lambda name, value: _solver(value),
    "alpha": _number(low=0.0),
    "l1_ratio": _number(low=0.0, high=1.0),
    "firth": _boolean,
    "learning_rate": _number(low=0.0, strict=True),
    "momentum": _number(low=0.0, high=1.0, high_open=True),
    "lr_schedule": lambda name, value: _schedule(value),
    "tol": _optional(_number(low=0.0)),
    "validation_fraction": _number(low=0.0, high=1.0, strict=True, high_open=True),
    "threshold": _number(low=0.0, high=1.0),
    "batch_size": lambda name, value: check_integer(name, value, low=1),
    "n_iter_no_change": lambda name, value: check_integer(name, value, low=1),
    "max_iter": _optional(lambda name, value: check_integer(name, value, low=0)),
    "class_weight": lambda name, value: _class_weight(value),
}


def check_params(params: Mapping[str, Any]) -> None:
    """Raise ValueError for the first parameter in ``params`` with an invalid value."""
    for name, check in PARAMETERS.items():
        if name in params:
            check(name, params[name])
