"""What inference reads from a fitted model, and the data it is given, checked.

:class:`ModelView` gathers theta, names and the penalty of a fitted
``oneneuron.LogisticRegression`` (only its public fitted attributes are read);
:func:`resolve_data` turns ``(X, y, sample_weight)`` into a :class:`Data` with the labels
encoded as the model encodes them (``classes_[1]`` is 1) and the model's class weights
applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.exceptions import NotFittedError

from ._design import Design, as_design_matrix
from ._likelihood import as_float_array

__all__ = ["INTERCEPT", "Data", "ModelView", "resolve_data"]

Array = NDArray[np.float64]

#: The name of the intercept row in every table.
INTERCEPT = "intercept"


@dataclass
class ModelView:
    """A fitted model as inference sees it.

    Attributes
    ----------
    theta : ndarray of shape (k,)
        ``[w_1, ..., w_d, b]`` in raw-feature units (b absent without an intercept).
    names : list of str
        Parameter names in theta order (features, then "intercept").
    fit_intercept : bool
    alpha : float
    scale : ndarray of shape (d,)
        The model's ``x_scale_`` (ones unless ``standardize=True``): the penalty is
        ``alpha/2 ||w * scale||^2``.
    converged : bool or None
    firth : bool
    """

    theta: Array
    names: list[str]
    fit_intercept: bool
    alpha: float
    scale: Array
    converged: bool | None
    firth: bool
    model: Any

    @classmethod
    def of(cls, model: Any, caller: str) -> ModelView:
        if not hasattr(model, "coef_"):
            name = type(model).__name__
            raise NotFittedError(f"This {name} is not fitted yet; call fit(X, y) before {caller}()")
        classes = getattr(model, "classes_", ())
        if len(classes) > 2:
            raise ValueError(
                f"{caller} describes a binary model; this one has {len(classes)} classes "
                "(multinomial inference is not supported)"
            )
        coef = np.asarray(model.coef_, dtype=np.float64).reshape(-1)
        d = coef.size
        fit_intercept = bool(getattr(model, "fit_intercept", True))
        names = getattr(model, "feature_names_in_", None)
        names = [str(v) for v in names] if names is not None else [f"x{j + 1}" for j in range(d)]
        theta = coef
        if fit_intercept:
            theta = np.append(coef, float(np.asarray(model.intercept_).reshape(-1)[0]))
            names = [*names, INTERCEPT]
        firth = bool(getattr(model, "firth", False))
        l1_ratio = float(getattr(model, "l1_ratio", 0.0) or 0.0)
        if l1_ratio > 0 and float(getattr(model, "alpha", 0.0) or 0.0) > 0 and not firth:
            raise ValueError(
                f"{caller}() has no valid standard errors or tests for a model with an L1 "
                f"penalty (l1_ratio={l1_ratio:g}): the L1 part selects features and sets some "
                "weights to exactly 0, and classical inference ignores that selection; refit "
                "the selected features with l1_ratio=0 (and alpha=0 for classical tests)"
            )
        intercept = float(np.asarray(getattr(model, "intercept_", 0.0)).reshape(-1)[0])
        if not fit_intercept and intercept != 0.0:
            raise ValueError(
                f"{caller}() needs a model of the form x . w (+ b when fit_intercept=True); "
                f"this one has fit_intercept=False but intercept_={intercept:g} (standardize"
                "=True centres the columns, which makes one): refit with fit_intercept=True "
                "or standardize=False"
            )
        scale = getattr(model, "x_scale_", None)
        converged = getattr(model, "converged_", None)
        return cls(
            theta=theta,
            names=names,
            fit_intercept=fit_intercept,
            alpha=float(getattr(model, "alpha", 0.0) or 0.0),
            scale=np.ones(d) if scale is None else np.asarray(scale, dtype=np.float64),
            converged=None if converged is None else bool(converged),
            firth=firth,
            model=model,
        )

    @property
    def d(self) -> int:
        return self.theta.size - int(self.fit_intercept)

    def penalty(self, weight_sum: float) -> Array | None:
        """The diagonal of P, the Hessian of the penalty on the log-likelihood scale.

        The objective is mean-normalised, ``J = -l / S + alpha/2 ||w * scale||^2``, so on
        the log-likelihood scale the penalty is ``alpha S / 2 ||w * scale||^2`` and
        ``P = alpha S diag(scale^2, 0)``. None when alpha = 0.
        """
        if self.alpha == 0:
            return None
        diag = self.alpha * weight_sum * self.scale**2
        return np.append(diag, 0.0) if self.fit_intercept else diag


@dataclass
class Data:
    """Checked data for inference.

    Attributes
    ----------
    design : Design
    y01 : ndarray of shape (n,)
    sample_weight : ndarray of shape (n,) or None
        s_i: sample weights times the model's class weights.
    weight_sum : float
    """

    design: Design
    y01: Array
    sample_weight: Array | None
    weight_sum: float


def resolve_data(view: ModelView, X: Any, y: Any, sample_weight: Any) -> Data:
    """Check ``(X, y, sample_weight)`` against the model and encode the labels.

    Raises ValueError naming the problem: X's shape or column names, y's length or
    labels, the weights' length, sign or values.
    """
    from .._validation import encode_binary_labels

    model = view.model
    if y is None:
        raise ValueError("y is required with X: pass the training labels (n_samples,)")
    names = getattr(X, "columns", None)
    fitted_names = getattr(model, "feature_names_in_", None)
    if names is not None and fitted_names is not None:
        if [str(c) for c in names] != [str(c) for c in fitted_names]:
            raise ValueError(
                f"X has columns {[str(c) for c in names]}, but the model was fitted with "
                f"{[str(c) for c in fitted_names]}"
            )
    Xm = as_design_matrix(X)
    n, d = Xm.shape
    if d != view.d:
        raise ValueError(
            f"X has {d} features, but the model was fitted with {view.d}; pass the training data"
        )
    ya = np.asarray(y).ravel()
    if ya.shape != (n,):
        raise ValueError(f"y has {ya.size} labels; X has {n} rows")
    classes = getattr(model, "classes_", None)
    if classes is None:
        classes = np.array([0, 1])
    _, y01 = encode_binary_labels(ya, np.asarray(classes))
    sw = None
    if sample_weight is not None:
        sw = as_float_array(sample_weight, n, "sample_weight")
        if np.any(sw < 0):
            raise ValueError(f"sample_weight must be >= 0; got min {sw.min():g}")
    class_weight = getattr(model, "class_weight", None)
    if class_weight is not None:
        from sklearn.utils.class_weight import compute_class_weight

        cw = compute_class_weight(class_weight, classes=np.asarray(classes), y=ya)
        per_row = np.where(y01 == 1, cw[1], cw[0])
        sw = per_row if sw is None else sw * per_row
    weight_sum = float(n if sw is None else sw.sum())
    if weight_sum <= 0:
        raise ValueError("sample_weight sums to 0: no observation to make inference from")
    return Data(Design(Xm, view.fit_intercept), np.asarray(y01, float), sw, weight_sum)
