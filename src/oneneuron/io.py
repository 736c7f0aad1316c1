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
a reader in :data:`oneneuron._model_readers._READERS`, and :data:`FORMAT_VERSION` raised;
older files keep loading with their own schema and reader.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sklearn.utils.validation import check_is_fitted

from . import _schema
from ._files import atomic_write_bytes, looks_like_pickle
from ._model_parse import MAX_CONTAINERS, MAX_DEPTH, MAX_KEYS, _Invalid, parse
from ._model_parse import _structure as _structure
from ._model_payload import ADDED_PARAMS as ADDED_PARAMS
from ._model_payload import FORMAT_NAME, pretty, to_payload
from ._model_payload import MAX_CLASSES as MAX_CLASSES
from ._model_readers import _READERS
from ._model_readers import MAX_WEIGHTS as MAX_WEIGHTS

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

#: The newest format this version reads and writes. A binary model is written as format 1
#: (older readers load it); a model of K >= 3 classes as format 2 (K rows of weights).
FORMAT_VERSION = 2
#: Largest model file read or written, in bytes.
MAX_FILE_BYTES = 64 * 2**20

_PICKLE = (
    "looks like a Python pickle; oneneuron never loads pickles because loading a pickle "
    "can execute code"
)

_CONTENT = (_Invalid, _schema.SchemaViolation)  # what a reader raises for a file it refuses


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
    payload = to_payload(model)
    payload["checksum"] = _checksum(payload)
    try:  # never write a file that load_model would refuse
        _schema.check(payload, payload["format_version"])
        _READERS[payload["format_version"]](payload)
    except _CONTENT as exc:
        raise ValueError(f"cannot save this model to {path}: {exc}") from None
    data = (pretty(payload) + "\n").encode("utf-8")
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
        obj = parse(data)
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
