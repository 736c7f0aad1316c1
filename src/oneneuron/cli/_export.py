"""The ``export`` command: a model file in another format (ONNX so far).

onnx is imported only here, when the command runs, so ``oneneuron --help`` and the other
commands never load it; without it the command is a one-line error that says how to get
it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ._common import atomic_write, check_out_file, is_stdout, load_model_file

__all__ = ["export"]


def export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write ``args.model`` as ONNX to ``args.out`` (atomically; ``-``: stdout)."""
    target = check_out_file(args.out)
    try:
        from onnx import TensorProto

        from ..onnx import INPUT, OPSET, OUTPUTS, to_onnx
    except ImportError as exc:
        raise ValueError(
            f"exporting to ONNX needs the onnx package ({exc}): pip install 'oneneuron[onnx]'"
        ) from None
    model = load_model_file(args.model)
    onx = to_onnx(model, dtype=args.dtype)
    data = onx.SerializeToString()

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    atomic_write(target, write)
    if is_stdout(target):  # the graph went to stdout: the summary goes to stderr
        out = err
    k = len(model.classes_)
    label_type = onx.graph.output[0].type.tensor_type.elem_type
    rule = f"threshold {model.threshold:g}" if k == 2 else "largest logit"
    out.write(
        f"{'standard output' if is_stdout(target) else target}: ONNX opset {OPSET}, "
        f"{len(data)} bytes; input {INPUT} {args.dtype} (N, {model.n_features_in_}); outputs "
        f"{OUTPUTS[0]} {TensorProto.DataType.Name(label_type).lower()} (N,) by {rule}, "
        f"{OUTPUTS[1]} float64 (N, {k})\n"
    )
    return 0
