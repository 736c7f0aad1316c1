"""Shared by the ONNX tests: data, hand-set models, and the graph run in onnxruntime."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from scipy.special import expit

from oneneuron import LogisticRegression


def run_graph(onx, X, name="X"):
    """(labels, probabilities) from onnxruntime, after the full ONNX check."""
    import onnx
    import onnxruntime as ort

    onnx.checker.check_model(onx, full_check=True)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(
        onx.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    labels, proba = session.run(None, {name: X})
    return labels, proba


def features(n=300, seed=0, offset=True):
    """Rows on wildly different scales (and offsets), and 0/1 outcomes that overlap."""
    rng = np.random.default_rng(seed)
    U = rng.normal(size=(n, 4))
    y01 = (rng.random(n) < expit(U @ [1.5, -1.0, 0.5, 2.0] + 0.3)).astype(int)
    X = U * np.array([1.0, 10.0, 1000.0, 0.01])
    if offset:
        X += np.array([0.0, -50.0, 3000.0, 1.0])
    return X, y01


def softmax_reference(Z):
    shifted = Z - Z.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def by_hand(coef, intercept, classes, threshold=0.5):
    """A LogisticRegression with its fitted attributes set: any K (multiclass to come)."""
    model = LogisticRegression(threshold=threshold)
    model.coef_ = np.asarray(coef, dtype=float)
    model.intercept_ = np.asarray(intercept, dtype=float)
    model.classes_ = np.asarray(classes)
    model.n_features_in_ = model.coef_.shape[1]
    return model


ROOT = Path(__file__).resolve().parents[1]


def python_block(document, heading):
    """The first ```python block under ``heading`` in ``document`` (relative to the root)."""
    text = (ROOT / document).read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)
