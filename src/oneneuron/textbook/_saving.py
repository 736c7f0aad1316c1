"""Chapter 5: saving and loading the parameters (step 12).

A small JSON file, written atomically; never a pickle, because loading one runs code.
Next, :mod:`._classes`: the same neuron written as classes.
"""

from __future__ import annotations

import json
import os

import numpy as np

from .._files import atomic_write_bytes, looks_like_pickle, read_capped
from ._checks import Parameters, _parameters

# 12. Saving and loading -----------------------------------------------------------------------
FORMAT = "oneneuron-textbook-parameters"


def save_parameters(parameters: Parameters, filename: str | os.PathLike[str]) -> None:
    """Write finite parameters ``{"W": (n, 1), "b": float}`` to a small JSON file, atomically.

    Notes
    -----
    The file is JSON whatever its extension (the seeds' ``"logistic_model.pkl"`` works). The
    seeds used pickle, but loading a pickle runs whatever code it names, so oneneuron never
    loads one. The text goes to a temporary file in the same folder, moved into place with
    :func:`os.replace`: a failed save leaves an existing file intact.
    """
    W, b = _parameters(parameters)  # ValueError for NaN or infinity, before any file is made
    doc = {"format": FORMAT, "version": 1, "W": W.ravel().tolist(), "b": b}
    text = json.dumps(doc, allow_nan=False)
    atomic_write_bytes(filename, (text + "\n").encode("utf-8"))


#: Largest parameter file :func:`load_parameters` reads (a 784-pixel model takes 16 KB).
MAX_PARAMETER_BYTES = 16 * 2**20


class _NonFinite(ValueError):
    """A NaN or Infinity literal in a parameter file."""


def _no_constant(name: str) -> float:
    raise _NonFinite(f"the file holds {name}; parameters must be finite numbers")


def load_parameters(filename: str | os.PathLike[str]) -> Parameters:
    """Read ``{"W": ndarray (n, 1), "b": float}`` written by :func:`save_parameters`.

    Raises a ValueError naming the file when it is not this format (or is a pickle).
    """
    from . import MAX_PARAMETER_BYTES as cap  # the package's value: where a caller may lower it

    name = os.fspath(filename)
    data = read_capped(filename, cap, what="parameter file")
    try:
        doc = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except _NonFinite as exc:
        raise ValueError(f"{name!r}: {exc}") from None
    except RecursionError:
        raise ValueError(f"{name!r} is not a {FORMAT} JSON file (nested too deeply)") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        if looks_like_pickle(data):
            msg = "oneneuron refuses pickles because loading one runs code; use save_parameters"
            raise ValueError(f"{name!r} is a pickle: {msg}") from None
        raise ValueError(f"{name!r} is not a {FORMAT} JSON file") from None
    except ValueError:  # an integer of more than 4300 digits
        raise ValueError(f"{name!r}: the file holds a number too long to read") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != 1:
        raise ValueError(f"{name!r} is not a {FORMAT} file of version 1")
    W, b = doc.get("W"), doc.get("b")
    if not (isinstance(W, list) and W and all(type(v) in (int, float) for v in [*W, b])):
        raise ValueError(f"{name!r}: 'W' must be a non-empty list of numbers, 'b' a number")
    try:  # 1e999 reads as inf, 10**400 does not fit a float
        values = np.array([*W, b], dtype=np.float64)
    except OverflowError:
        values = np.array([np.inf])
    if not np.isfinite(values).all():
        raise ValueError(f"{name!r}: the file holds a number too large for a float")
    return {"W": values[:-1].reshape(-1, 1), "b": float(values[-1])}
