"""The checks of a training run's input: features, labels, weights, the validation set and
sources that are not arrays in memory. What :mod:`._fitting` and :mod:`._partial_fit` take.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.validation import validate_data

from . import _scaling
from ._messages import listing
from ._validation import (
    check_finite,
    check_finite_sparse,
    check_labels,
    check_numeric,
    check_sample_weight,
    encode_labels,
)
from .data import Source, is_dask

if TYPE_CHECKING:
    from .estimator import LogisticRegression

__all__ = [
    "SPARSE_FORMATS",
    "check_X",
    "check_Xy",
    "check_eval_set",
    "check_multiclass",
    "external_source",
    "n_outputs",
    "weights",
]

Array = NDArray[np.floating]

#: Input formats accepted as they are; other scipy.sparse formats become CSR once.
SPARSE_FORMATS = ["csr", "csc"]


def n_outputs(est: LogisticRegression) -> int:
    """Rows of weights: 1 for two classes (one neuron), K for K >= 3 (multinomial)."""
    K = len(getattr(est, "classes_", ()))
    return K if K > 2 else 1


def check_multiclass(est: LogisticRegression, K: int) -> None:
    """Refuse what the multinomial model (K >= 3 classes) does not have, naming it."""
    if K <= 2:
        return
    if est.firth:
        raise ValueError(
            f"firth=True fits the binary model only; y has {K} classes (use firth=False)"
        )
    if est.threshold != 0.5:
        raise ValueError(
            f"threshold={est.threshold:g} applies to two classes only; y has {K} classes "
            "and predict takes the most probable one (leave threshold at 0.5)"
        )


def check_Xy(est: LogisticRegression, X: Any, y: Any, reset: bool) -> tuple[Any, NDArray[Any]]:
    """scikit-learn's validation (shapes, dtypes, feature names); CSR/CSC kept sparse.

    The NaN/inf check of X is the Objective's (``check_finite=True``): with the
    compiled kernel it costs nothing extra (see :class:`~oneneuron.objective.Objective`).
    """
    if reset and _plain_arrays(X, y):
        # what validate_data would conclude for plain float arrays, without its
        # ~60 us of DataFrame detection (a quarter of a small fit)
        est.n_features_in_ = X.shape[1]
        if hasattr(est, "feature_names_in_"):
            del est.feature_names_in_
        return X, y
    check_numeric(X)
    if y is not None:
        y = check_labels(y)
    Xa, ya = validate_data(
        est,
        X,
        y,
        reset=reset,
        dtype=[np.float64, np.float32],
        ensure_all_finite=False,
        accept_sparse=SPARSE_FORMATS,
    )
    return Xa, ya


def check_X(est: LogisticRegression, X: Any, name: str = "X") -> Any:
    """Features to predict: validated like at fit, and finite."""
    check_numeric(X, name)
    Xa = validate_data(
        est,
        X,
        reset=False,
        dtype=[np.float64, np.float32],
        ensure_all_finite=False,
        accept_sparse=SPARSE_FORMATS,
    )
    if sp.issparse(Xa):
        check_finite_sparse(Xa, name)
    else:
        check_finite(Xa, name)
    return Xa


def _check_all_finite(X: Any) -> None:
    if sp.issparse(X):
        check_finite_sparse(X)
    else:
        check_finite(X)


def _plain_arrays(X: Any, y: Any) -> bool:
    """X a non-empty 2-D float64/float32 ndarray, y a matching 1-D finite numeric ndarray.

    For these, scikit-learn's ``validate_data`` returns X and y unchanged; anything else
    (lists, DataFrames, other dtypes, NaN labels, wrong shapes) goes through it.
    """
    if type(X) is not np.ndarray or type(y) is not np.ndarray:
        return False
    if X.ndim != 2 or X.dtype not in (np.float64, np.float32) or min(X.shape) < 1:
        return False
    if y.shape != (X.shape[0],) or y.dtype.kind not in "biuf":
        return False
    return y.dtype.kind != "f" or bool(np.isfinite(y).all())


def weights(
    est: LogisticRegression,
    y: NDArray[Any],
    y01: Array,
    sample_weight: Any,
    normalise: bool = True,
) -> tuple[Array | None, float]:
    """Per-sample s_i = sample_weight_i * class_weight[y_i] (None when all ones), times a
    power of two that brings the largest to [0.5, 1) (J is invariant to a common factor:
    weights of 1e307 or 1e-320 each fit as weights of 1 do), and the user's weight of a
    row over the one returned (that power's inverse; inf if it overflows). ``normalise=
    False`` keeps the user's scale (Firth's penalised likelihood is not invariant to it:
    weights count rows)."""
    sw = None if sample_weight is None else check_sample_weight(sample_weight, len(y))
    if est.class_weight is None:
        return _scaling.normalise_weights(sw) if normalise else (sw, 1.0)
    if isinstance(est.class_weight, dict):
        unknown = [c for c in est.class_weight if c not in est.classes_.tolist()]
        if unknown:
            raise ValueError(
                f"class_weight names labels {listing(unknown)} that are not classes of y "
                f"{listing(est.classes_)}"
            )
    cw = compute_class_weight(est.class_weight, classes=est.classes_, y=y)
    if len(est.classes_) > 2:  # y01 holds class codes
        per_sample = cw[np.asarray(y01, dtype=np.intp)]
    else:
        per_sample = np.where(y01 == 1, cw[1], cw[0])
    if sw is None:
        return per_sample, 1.0
    if not normalise:
        return sw * per_sample, 1.0
    # sw * class weight could overflow: both brought to [0.5, 1) first (J is unchanged)
    first, unit = _scaling.normalise_weights(sw)
    assert first is not None
    out, more = _scaling.normalise_weights(first * per_sample)
    with np.errstate(over="ignore"):
        return out, unit * more


def check_eval_set(est: LogisticRegression, X_val: Any, y_val: Any) -> tuple[Any, Array]:
    """Validation features and labels encoded with the model's classes."""
    Xv = check_X(est, X_val, name="eval_set X")
    yv = check_labels(y_val, "eval_set y").ravel()
    if len(yv) != Xv.shape[0]:
        raise ValueError(f"eval_set has {Xv.shape[0]} rows in X but {len(yv)} labels")
    _, yv01 = encode_labels(yv, est.classes_, "eval_set y")
    return Xv, yv01


def external_source(est: LogisticRegression, X: Any, y: Any, sample_weight: Any) -> Source | None:
    """The source for data that are not arrays in memory (a Source, Dask collections).

    Sets ``n_features_in_``, ``feature_names_in_`` and ``classes_`` from the source (one
    pass over the labels) and encodes its labels and class weights.
    """
    if isinstance(X, Source):
        if y is not None or sample_weight is not None:
            raise ValueError(
                f"a {type(X).__name__} carries its own labels (and weights); pass fit(source)"
            )
        source = X
    elif is_dask(X):
        if y is None:
            raise ValueError("fit(X, y) with dask X needs y (a dask array or Series)")
        from .data._dask import DaskSource

        source = DaskSource(X, y, sample_weight)
    else:
        return None
    if est.early_stopping:
        raise ValueError(
            f"early_stopping holds out rows in memory; with {type(source).__name__} data "
            "pass eval_set=(X_val, y_val) instead"
        )
    est.n_features_in_ = source.n_features
    if source.feature_names is not None:
        est.feature_names_in_ = np.asarray(source.feature_names, dtype=object)
    elif hasattr(est, "feature_names_in_"):
        del est.feature_names_in_
    classes = np.asarray(source.labels())
    if len(classes) < 2:
        raise ValueError(
            f"y has {len(classes)} class(es) {listing(classes)}; training needs at least two"
        )
    check_multiclass(est, len(classes))
    est.classes_ = classes
    class_weights = None
    if est.class_weight is not None:
        class_weights = _class_weights(est, classes, source)
    source.encode(classes, class_weights)
    return source


def _class_weights(est: LogisticRegression, classes: Any, source: Source) -> Any:
    if est.class_weight == "balanced":
        counts = source.label_counts(classes)
        return counts.sum() / (len(classes) * counts)
    unknown = [c for c in est.class_weight if c not in classes.tolist()]  # type: ignore[union-attr]
    if unknown:
        raise ValueError(
            f"class_weight names labels {listing(unknown)} that are not classes of y "
            f"{listing(classes)}"
        )
    return np.array([float(est.class_weight.get(c, 1.0)) for c in classes])  # type: ignore[union-attr]
