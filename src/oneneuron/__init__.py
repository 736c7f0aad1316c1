"""oneneuron: logistic regression as one neuron, from the maths up.

>>> from oneneuron import LogisticRegression, load

The names below are imported on first use (PEP 562), so ``import oneneuron`` and the
command line's ``--help`` start without loading NumPy, SciPy or scikit-learn.
"""

from __future__ import annotations

import importlib

from ._version import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from typing import Any

    from .cv import LogisticRegressionCV
    from .estimator import LogisticRegression
    from .history import History
    from .regularization import RegularizationPath, alpha_max, path

__all__ = [
    "History",
    "LogisticRegression",
    "LogisticRegressionCV",
    "RegularizationPath",
    "__version__",
    "alpha_max",
    "load",
    "path",
]

_LAZY = {
    "LogisticRegression": ".estimator",
    "LogisticRegressionCV": ".cv",
    "History": ".history",
    "RegularizationPath": ".regularization",
    "alpha_max": ".regularization",
    "path": ".regularization",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'oneneuron' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def load(path):  # type: ignore[no-untyped-def]
    """Load a model saved by ``LogisticRegression.save`` (never executes code)."""
    from .io import load_model

    return load_model(path)
