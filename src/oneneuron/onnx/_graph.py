"""A fitted model as ONNX nodes: read what the graph needs, then write its nodes into a sink.

:func:`read` checks a fitted :class:`~oneneuron.LogisticRegression` and returns a
:class:`Layout` (coefficients, classes as a label tensor, the threshold's logit);
:func:`emit` writes the nodes of that layout into a :class:`Sink`. The standalone exporter
(:func:`oneneuron.onnx.to_onnx`) and the skl2onnx converter differ only in their sink.

The graph, for rows ``X`` of shape (n, d) (float64, or float32 cast to float64 first)::

    logits        = Gemm(X, W, b)                 X W^T + b, shape (n, K)
    probabilities = Softmax(logits, axis=1)       (n, K)
    two classes:  z     = logits[:, 1]            (n,)
                  index = Cast(z >= logit(threshold), int64)
    K >= 3:       index = ArgMax(logits, axis=1)  (the first largest, as numpy.argmax)
    label         = Gather(classes_, index)       (n,)

With K >= 3 classes ``W, b`` are ``coef_, intercept_``. With two classes they are
``coef_, intercept_`` under a row of zeros, so the logits are ``(0, z)`` and their
softmax is exactly ``(sigmoid(-z), sigmoid(z))``: one sigmoid, written as the softmax of
``(0, z)`` because onnxruntime's float64 ``Sigmoid`` kernel keeps only absolute
precision in the lower tail (it returns 0 for ``sigmoid(-40) = 4.2e-18``, and 1e-3
relative error at ``z = -30``), while its ``Softmax`` subtracts the largest logit and
keeps every probability to relative precision, as
:meth:`LogisticRegression.predict_proba` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray
from onnx import TensorProto

from .._numerics import logit

__all__ = ["OPSET", "SIGMOID", "SOFTMAX", "Layout", "Sink", "emit", "label_type", "read"]

#: The ONNX operator set the nodes are written for (Softmax's one-axis form is opset 13's).
OPSET = 13
SIGMOID, SOFTMAX = "sigmoid", "softmax"
_INT64 = np.iinfo(np.int64)


@dataclass(frozen=True)
class Layout:
    """What the graph needs from a fitted model, checked.

    Attributes
    ----------
    kind : {"sigmoid", "softmax"}
        One logit and a sigmoid (two classes), or K logits and a softmax (K >= 3).
    coef : ndarray of shape (1, d) or (K, d), float64
        Weights in raw feature units (standardisation is already folded in).
    intercept : ndarray of shape (1,) or (K,), float64
    classes : ndarray of shape (K,)
        The labels in the dtype of the label tensor (int64, bool, float64 or str).
    label_type : int
        The ONNX element type of ``classes`` (``TensorProto.INT64``, ...).
    cut : float
        ``logit(threshold)``: the binary label is ``classes[1]`` where ``z >= cut``.
    feature_names : list of str or None
    """

    kind: str
    coef: NDArray[np.float64]
    intercept: NDArray[np.float64]
    classes: NDArray[Any]
    label_type: int
    cut: float
    feature_names: list[str] | None

    @property
    def n_features(self) -> int:
        return int(self.coef.shape[1])

    @property
    def n_classes(self) -> int:
        return len(self.classes)


def read(model: Any) -> Layout:
    """The :class:`Layout` of a fitted oneneuron ``LogisticRegression``.

    Raises
    ------
    TypeError
        ``model`` is not a oneneuron ``LogisticRegression``.
    sklearn.exceptions.NotFittedError
        It has not been fitted.
    ValueError
        Its coefficients do not fit its classes, or hold NaN or inf.
    """
    from sklearn.utils.validation import check_is_fitted

    from ..estimator import LogisticRegression

    if not isinstance(model, LogisticRegression):
        raise TypeError(
            f"expected a fitted oneneuron LogisticRegression; got {type(model).__name__}"
        )
    check_is_fitted(model)
    coef = np.asarray(model.coef_, dtype=np.float64)
    intercept = np.asarray(model.intercept_, dtype=np.float64)
    classes = np.asarray(model.classes_)
    k = len(classes)
    if coef.ndim != 2 or classes.ndim != 1 or k < 2:
        raise ValueError(
            f"expected coef_ of shape (1, d) or (K, d) and K >= 2 classes; got coef_ of "
            f"shape {coef.shape} and classes_ of shape {classes.shape}"
        )
    if coef.shape[0] == 1 and k == 2:
        kind = SIGMOID
    elif coef.shape[0] == k >= 3:
        kind = SOFTMAX
    else:
        raise ValueError(
            f"coef_ has shape {coef.shape} for {k} classes; expected (1, d) for 2 classes "
            f"(one logit) or (K, d) for K >= 3 classes (one logit per class)"
        )
    if intercept.shape != (coef.shape[0],):
        raise ValueError(f"intercept_ has shape {intercept.shape}; expected ({coef.shape[0]},)")
    if coef.shape[1] != getattr(model, "n_features_in_", coef.shape[1]):
        raise ValueError(
            f"coef_ has {coef.shape[1]} columns, but n_features_in_ is {model.n_features_in_}"
        )
    if not (np.isfinite(coef).all() and np.isfinite(intercept).all()):
        raise ValueError("coef_ or intercept_ holds NaN or inf: the model cannot be exported")
    values, elem_type = label_type(classes)
    names = getattr(model, "feature_names_in_", None)
    return Layout(
        kind=kind,
        coef=coef,
        intercept=intercept,
        classes=values,
        label_type=elem_type,
        cut=logit(float(model.threshold)) if kind == SIGMOID else 0.0,
        feature_names=None if names is None else [str(n) for n in names],
    )


def label_type(classes: NDArray[Any]) -> tuple[NDArray[Any], int]:
    """The classes as label tensor values and their ONNX element type.

    Integers become int64, bools stay bool, floats become float64 and strings stay
    strings (an object array must hold one of these kinds throughout).
    """
    kind = _object_kind(classes) if classes.dtype.kind == "O" else classes.dtype.kind
    if kind == "b":
        return classes.astype(np.bool_), TensorProto.BOOL
    if kind in "iu":
        values = [int(v) for v in classes.tolist()]
        if any(not _INT64.min <= v <= _INT64.max for v in values):
            raise ValueError(f"classes_ {values} do not fit in int64 labels")
        return np.array(values, dtype=np.int64), TensorProto.INT64
    if kind == "f":
        return classes.astype(np.float64), TensorProto.DOUBLE
    if kind == "U":
        return np.array([str(v) for v in classes.tolist()], dtype=object), TensorProto.STRING
    raise ValueError(f"classes_ of dtype {classes.dtype} cannot be ONNX labels")


def _object_kind(classes: NDArray[Any]) -> str:
    """The one dtype kind ("b", "i", "f" or "U") of the labels in an object array."""
    kinds = set()
    for value in classes.tolist():
        if isinstance(value, (bool, np.bool_)):
            kinds.add("b")
        elif isinstance(value, (int, np.integer)):
            kinds.add("i")
        elif isinstance(value, (float, np.floating)):
            kinds.add("f")
        elif isinstance(value, str):
            kinds.add("U")
        else:
            kinds.add(type(value).__name__)
    if len(kinds) != 1 or not kinds <= {"b", "i", "f", "U"}:
        raise ValueError(
            f"classes_ {classes.tolist()!r} mix types or hold a type an ONNX tensor cannot: "
            f"labels must be all integers, all bools, all floats or all strings"
        )
    return kinds.pop()


class Sink(Protocol):
    """Where :func:`emit` writes: constants (initializers) and nodes, with unique names."""

    def constant(self, hint: str, value: NDArray[Any], elem_type: int) -> str:
        """Add an initializer holding ``value`` (of ONNX ``elem_type``); return its name."""
        ...

    def node(
        self, op: str, inputs: list[str], hint: str, out: str | None = None, **attrs: Any
    ) -> str:
        """Add a node of type ``op`` with one output; return the output's name.

        The output is named ``out`` exactly (a graph output), or else a fresh name made
        from ``hint``. ``attrs`` are the node's attributes.
        """
        ...


def emit(
    sink: Sink,
    x: str,
    x_type: int,
    layout: Layout,
    label: str,
    probabilities: str,
) -> None:
    """Write the nodes from the input ``x`` to the label and probabilities outputs.

    Parameters
    ----------
    sink : Sink
    x : str
        The input's name: rows of shape (n, d).
    x_type : int
        Its ONNX element type; anything but ``TensorProto.DOUBLE`` is cast to float64.
    layout : Layout
    label, probabilities : str
        The names of the outputs: the labels (n,) and the probabilities (n, K).
    """
    if x_type != TensorProto.DOUBLE:
        x = sink.node("Cast", [x], "X_float64", to=TensorProto.DOUBLE)
    coef, intercept = layout.coef, layout.intercept
    if layout.kind == SIGMOID:  # logits (0, z): a zero row first
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([[0.0], intercept])
    weights = sink.constant("coef", coef, TensorProto.DOUBLE)
    bias = sink.constant("intercept", intercept, TensorProto.DOUBLE)
    classes = sink.constant("classes", layout.classes, layout.label_type)
    logits = sink.node("Gemm", [x, weights, bias], "logits", transB=1)  # (n, K)
    sink.node("Softmax", [logits], "probabilities", out=probabilities, axis=1)
    if layout.kind == SIGMOID:
        column = sink.constant("column", np.array(1, dtype=np.int64), TensorProto.INT64)
        z = sink.node("Gather", [logits, column], "z", axis=1)  # (n,)
        cut = sink.constant("cut", np.array(layout.cut), TensorProto.DOUBLE)
        positive = sink.node("GreaterOrEqual", [z, cut], "is_positive")  # (n,) bool
        index = sink.node("Cast", [positive], "index", to=TensorProto.INT64)
    else:
        index = sink.node("ArgMax", [logits], "index", axis=1, keepdims=0)  # first maximum
    sink.node("Gather", [classes, index], "label", out=label, axis=0)
