"""The readers of the model file's format versions: a file's content that matches its
version's JSON Schema, and whose checksum is right, made into a fitted model, after the
checks a schema cannot make (lengths that must equal ``n_features_in``, at most
:data:`MAX_WEIGHTS` weights, the classes and ``class_weight``, history columns of one
length, the estimator's own parameter checks). Every problem is an ``_Invalid``, which
:func:`oneneuron.io.load_model` turns into a ValueError naming the file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from . import _model_fields
from ._model_parse import _Invalid, need
from ._params import check_params
from .history import History

if TYPE_CHECKING:
    from .estimator import LogisticRegression

__all__ = ["MAX_WEIGHTS"]

#: Most weights (rows times features) in a model file (the classes are bounded by
#: :data:`oneneuron._model_payload.MAX_CLASSES`).
MAX_WEIGHTS = 2**24


# ----------------------------------------------------------------------- format version 1
def _from_v1(obj: dict[str, Any]) -> LogisticRegression:
    """A model from a version-1 file that matches its schema; ``_Invalid`` for the rest."""
    d = obj["n_features_in"]
    need(
        len(obj["coef"]) == d,
        f"'coef' has {len(obj['coef'])} items; it must have n_features_in = {d}",
    )
    return _model(obj, [obj["coef"]], [obj["intercept"]])


def _from_v2(obj: dict[str, Any]) -> LogisticRegression:
    """A model from a version-2 file (K rows of weights) that matches its schema."""
    d, K = obj["n_features_in"], len(obj["classes"]["values"])
    rows = 1 if K == 2 else K
    coef, intercept = obj["coef"], obj["intercept"]
    need(
        len(coef) == rows and len(intercept) == rows,
        f"'coef' has {len(coef)} rows and 'intercept' {len(intercept)} values; with {K} "
        f"classes both must have {rows}",
    )
    need(rows * d <= MAX_WEIGHTS, f"the model has {rows} x {d} weights; at most {MAX_WEIGHTS}")
    for k, row in enumerate(coef):
        need(len(row) == d, f"'coef[{k}]' has {len(row)} items; it must have n_features_in = {d}")
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
        need(
            values is None or len(values) == d,
            f"'{where}' has {0 if values is None else len(values)} items; it must have "
            f"n_features_in = {d}",
        )
    classes = _model_fields.classes(obj["classes"])
    params = dict(obj["params"])
    if isinstance(params.get("class_weight"), list):
        params["class_weight"] = _model_fields.class_weight(params["class_weight"], classes)
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
        model.history_ = History.from_dict(_model_fields.history(training["history"]), unit=unit)
    return model


#: Format version -> reader of a file that matches that version's schema.
_READERS: dict[int, Callable[[dict[str, Any]], LogisticRegression]] = {1: _from_v1, 2: _from_v2}
