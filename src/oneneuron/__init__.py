"""oneneuron: logistic regression as one neuron, from the maths up.

>>> from oneneuron import LogisticRegression, load
"""

from ._version import __version__
from .estimator import LogisticRegression
from .history import History

__all__ = ["History", "LogisticRegression", "__version__", "load"]


def load(path):  # type: ignore[no-untyped-def]
    """Load a model saved by ``LogisticRegression.save`` (never executes code)."""
    from .io import load_model

    return load_model(path)
