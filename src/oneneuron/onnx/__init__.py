"""Export a fitted model to ONNX, alone or at the end of a scikit-learn Pipeline.

>>> from oneneuron.onnx import to_onnx
>>> onx = to_onnx(model)                                       # doctest: +SKIP
>>> open("model.onnx", "wb").write(onx.SerializeToString())   # doctest: +SKIP

The graph takes one input ``X`` of shape (n, d): the raw features, in the columns and
units the model was fitted on (``feature_names_in_``, when it has them, are written into
the input's description and the model's metadata). It has two outputs: ``label`` (n,),
the class ``predict`` gives (two classes: ``classes_[1]`` where P(``classes_[1]``) >=
``threshold``; K >= 3 classes: the largest logit), and ``probabilities`` (n, K), float64,
what ``predict_proba`` gives (a sigmoid of the logit for two classes, a softmax of the K
logits otherwise). ``coef_`` and ``intercept_`` are in raw feature units even for
``standardize=True`` models, so standardisation is folded in: the graph has no scaling
step. See ``docs/onnx.md``.

:func:`register_skl2onnx` teaches skl2onnx the same graph, so a ``Pipeline`` that ends in
a oneneuron ``LogisticRegression`` converts whole with ``skl2onnx.to_onnx``.

Needs the ``onnx`` package (``pip install 'oneneuron[onnx]'`` also brings onnxruntime and
skl2onnx).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

try:
    import onnx
    from onnx import TensorProto, helper, numpy_helper
except ImportError as exc:  # pragma: no cover - exercised by a test that hides onnx
    raise ImportError(
        f"oneneuron.onnx needs the onnx package ({exc}): pip install 'oneneuron[onnx]'"
    ) from exc

from .._version import __version__
from . import _graph
from ._graph import OPSET

__all__ = ["INPUT", "IR_VERSION", "OPSET", "OUTPUTS", "register_skl2onnx", "to_onnx"]

#: The graph's input and outputs.
INPUT = "X"
OUTPUTS = ("label", "probabilities")
#: The ONNX file format version written: the oldest that holds opset 13, so that older
#: runtimes read the file too (onnxruntime >= 1.6).
IR_VERSION = 7
_INPUT_TYPES = {np.dtype(np.float64): TensorProto.DOUBLE, np.dtype(np.float32): TensorProto.FLOAT}


def to_onnx(model: Any, *, dtype: DTypeLike = np.float64) -> onnx.ModelProto:
    """The ONNX graph of a fitted ``LogisticRegression``: labels and probabilities.

    Parameters
    ----------
    model : LogisticRegression
        Fitted; two classes (``coef_`` of shape (1, d)) or K >= 3 classes (``coef_`` of
        shape (K, d), a softmax over K logits).
    dtype : {numpy.float64, numpy.float32}, default=numpy.float64
        The element type of the input ``X``. The arithmetic is float64 either way (the
        coefficients are float64): a float32 input is cast to float64 as it enters.

    Returns
    -------
    onnx.ModelProto
        Input ``X`` (n, d) of ``dtype``; outputs ``label`` (n,) and ``probabilities``
        (n, K), float64. Labels are int64 for integer classes, bool, float64 or string
        tensors otherwise. ONNX opset 13, IR version 7.

    Raises
    ------
    TypeError
        ``model`` is not a oneneuron ``LogisticRegression``.
    ValueError
        ``dtype`` is neither float32 nor float64, or the model cannot be exported (its
        coefficients do not fit its classes, hold NaN, or its labels fit no tensor type).

    Notes
    -----
    Two classes (``z = X coef_^T + intercept_``, ``t = threshold``)::

        probabilities = [sigmoid(-z), sigmoid(z)]
        label         = classes_[1] if z >= logit(t) else classes_[0]

    K >= 3 classes (``Z = X coef_^T + intercept_``, shape (n, K))::

        probabilities = softmax(Z, axis=1)
        label         = classes_[argmax(Z, axis=1)]        (threshold is not used)
    """
    x_type = _input_type(dtype)
    layout = _graph.read(model)
    sink = _ModelSink()
    _graph.emit(sink, INPUT, x_type, layout, *OUTPUTS)
    names = layout.feature_names
    columns = f"columns {', '.join(names)}" if names else f"{layout.n_features} features"
    inputs = [helper.make_tensor_value_info(INPUT, x_type, ["N", layout.n_features])]
    inputs[0].doc_string = f"rows of raw features ({columns}), as given to predict"
    label, probabilities = OUTPUTS
    outputs = [
        helper.make_tensor_value_info(label, layout.label_type, ["N"]),
        helper.make_tensor_value_info(probabilities, TensorProto.DOUBLE, ["N", layout.n_classes]),
    ]
    outputs[0].doc_string = "the predicted class, as LogisticRegression.predict"
    outputs[1].doc_string = "P(classes_[k]) in column k, as LogisticRegression.predict_proba"
    graph = helper.make_graph(
        sink.nodes, "oneneuron_LogisticRegression", inputs, outputs, sink.initializers
    )
    onx = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        ir_version=IR_VERSION,
        producer_name="oneneuron",
        producer_version=__version__,
        doc_string=f"oneneuron LogisticRegression, {layout.n_classes} classes ({layout.kind})",
    )
    metadata = {
        "oneneuron.classes": json.dumps(layout.classes.tolist()),
        "oneneuron.threshold": json.dumps(float(model.threshold)),
    }
    if names is not None:
        metadata["oneneuron.feature_names"] = json.dumps(names)
    helper.set_model_props(onx, metadata)
    return onx


def register_skl2onnx() -> None:
    """Register oneneuron's ``LogisticRegression`` with skl2onnx (shape calculator and
    converter), so ``skl2onnx.to_onnx`` converts a ``Pipeline`` that ends in one.

    Call it once before converting; calling it again is harmless. The converted step has
    the outputs of :func:`to_onnx` (``label`` and float64 ``probabilities``, no ZipMap).

    Raises
    ------
    ImportError
        skl2onnx is not installed.
    """
    from ._skl2onnx import register

    register()


def _input_type(dtype: DTypeLike) -> int:
    try:
        key = np.dtype(dtype)
    except TypeError:
        key = None
    if key not in _INPUT_TYPES:
        raise ValueError(f"dtype must be float64 or float32; got {dtype!r}")
    return _INPUT_TYPES[key]


class _ModelSink:
    """Nodes and initializers for a standalone graph; names are the hints, made unique."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self._names = {INPUT, *OUTPUTS}

    def _unique(self, hint: str) -> str:
        name, k = hint, 1
        while name in self._names:
            k += 1
            name = f"{hint}_{k}"
        self._names.add(name)
        return name

    def constant(self, hint: str, value: NDArray[Any], elem_type: int) -> str:
        name = self._unique(hint)
        tensor = numpy_helper.from_array(value, name)
        assert tensor.data_type == elem_type, (hint, tensor.data_type, elem_type)
        self.initializers.append(tensor)
        return name

    def node(
        self, op: str, inputs: list[str], hint: str, out: str | None = None, **attrs: Any
    ) -> str:
        name = out if out is not None else self._unique(hint)
        self.nodes.append(helper.make_node(op, inputs, [name], name=f"{op}_{name}", **attrs))
        return name
