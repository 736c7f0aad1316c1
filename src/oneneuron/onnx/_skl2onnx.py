"""oneneuron's ``LogisticRegression`` for skl2onnx: a shape calculator and a converter.

skl2onnx parses a scikit-learn classifier into an operator with two outputs, ``label``
and ``probabilities``; :func:`shapes` gives them their types and :func:`convert` writes
the graph of :mod:`oneneuron.onnx._graph` into skl2onnx's container, so a ``Pipeline``
that ends in a oneneuron model converts as one graph. No ZipMap is added: the outputs are
the tensors of :func:`oneneuron.onnx.to_onnx`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from onnx import TensorProto
from skl2onnx import update_registered_converter
from skl2onnx.common.data_types import (
    BooleanTensorType,
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)

from ..estimator import LogisticRegression
from . import _graph

__all__ = ["ALIAS", "convert", "register", "shapes"]

#: The name skl2onnx knows the model by.
ALIAS = "OneneuronLogisticRegression"
_LABEL_TYPES: dict[int, Any] = {
    TensorProto.INT64: Int64TensorType,
    TensorProto.BOOL: BooleanTensorType,
    TensorProto.DOUBLE: DoubleTensorType,
    TensorProto.STRING: StringTensorType,
}
_INPUT_TYPES: dict[type, int] = {
    FloatTensorType: TensorProto.FLOAT,
    DoubleTensorType: TensorProto.DOUBLE,
}


def register() -> None:
    """Register :func:`shapes` and :func:`convert` for oneneuron's ``LogisticRegression``."""
    update_registered_converter(LogisticRegression, ALIAS, shapes, convert)


def _input(operator: Any, layout: _graph.Layout) -> tuple[Any, int]:
    """The operator's one input and its ONNX element type, checked against the model."""
    if len(operator.inputs) != 1 or len(operator.outputs) != 2:
        raise RuntimeError(
            f"a oneneuron LogisticRegression takes 1 input and gives 2 outputs; skl2onnx "
            f"gave it {len(operator.inputs)} and {len(operator.outputs)}"
        )
    x = operator.inputs[0]
    x_type = _INPUT_TYPES.get(type(x.type))
    shape = getattr(x.type, "shape", None)
    if x_type is None or shape is None or len(shape) != 2:
        raise RuntimeError(
            f"a oneneuron LogisticRegression takes a 2-D float or double tensor; got {x.type}"
        )
    if shape[1] is not None and shape[1] != layout.n_features:
        raise RuntimeError(
            f"the model expects {layout.n_features} features; its input has {shape[1]}"
        )
    return x, x_type


def shapes(operator: Any) -> None:
    """Set the output types: ``label`` (N,) in the classes' type, ``probabilities`` (N, K)
    float64."""
    layout = _graph.read(operator.raw_operator)
    x, _ = _input(operator, layout)
    n = x.type.shape[0]
    operator.outputs[0].type = _LABEL_TYPES[layout.label_type]([n])
    operator.outputs[1].type = DoubleTensorType([n, layout.n_classes])


def convert(scope: Any, operator: Any, container: Any) -> None:
    """Write the model's nodes from the operator's input to its two outputs."""
    opset = container.target_opset
    if opset is not None and opset < _graph.OPSET:
        raise RuntimeError(
            f"a oneneuron LogisticRegression needs target_opset >= {_graph.OPSET}; got {opset}"
        )
    layout = _graph.read(operator.raw_operator)
    x, x_type = _input(operator, layout)
    label, probabilities = (v.full_name for v in operator.outputs)
    _graph.emit(_ContainerSink(scope, container), x.full_name, x_type, layout, label, probabilities)


class _ContainerSink:
    """Writes into skl2onnx's container, with names unique in its scope."""

    def __init__(self, scope: Any, container: Any) -> None:
        self._scope = scope
        self._container = container

    def constant(self, hint: str, value: NDArray[Any], elem_type: int) -> str:
        name: str = self._scope.get_unique_variable_name(hint)
        content = np.asarray(value).ravel().tolist()
        self._container.add_initializer(name, elem_type, list(value.shape), content)
        return name

    def node(
        self, op: str, inputs: list[str], hint: str, out: str | None = None, **attrs: Any
    ) -> str:
        name: str = out if out is not None else self._scope.get_unique_variable_name(hint)
        self._container.add_node(
            op,
            inputs,
            [name],
            name=self._scope.get_unique_operator_name(op),
            op_version=_graph.OPSET,
            **attrs,
        )
        return name
