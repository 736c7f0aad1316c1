"""``predict --stream`` and ``evaluate --stream`` with a model of K >= 3 classes: the same
answers as the in-memory commands, read in several blocks."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from oneneuron.data import _tables

from .test_cli_stream import run


@pytest.fixture(scope="module", params=["parquet", "csv"])
def table(request, tmp_path_factory):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((3000, 3)) * [1, 5, 0.2] + [0, 10, 0]
    W = np.array([[1.0, 0.2, -3.0], [-1.0, 0.0, 2.0], [0.5, -0.3, 0.0], [0.0, 0.1, 1.0]])
    names = np.array(["ant", "bee", "cat", "dog"])
    y = names[np.argmax(X @ W.T + rng.gumbel(size=(3000, 4)), axis=1)]
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2], "animal": y})
    folder = tmp_path_factory.mktemp("data")
    path = folder / f"t.{request.param}"
    if request.param == "parquet":
        frame.to_parquet(path, row_group_size=500)
    else:
        frame.to_csv(path, index=False)
    model = folder / "m.json"
    status, _, err = run(["train", path, "--target", "animal", "--out", model, "--quiet"])
    assert status == 0, err
    return path, model


@pytest.fixture
def small_blocks(monkeypatch):
    """Blocks of 256 rows (the smallest), so the 3000 rows come in twelve."""
    monkeypatch.setattr(_tables, "BLOCK_BYTES", 1)


def _both(argv):
    outputs = {}
    for mode in ("memory", "stream"):
        status, out, err = run([*argv, "--stream"] if mode == "stream" else argv)
        assert status == 0, err
        outputs[mode] = out
    return outputs["memory"], outputs["stream"]


@pytest.mark.parametrize("proba", [False, True])
def test_predict_stream_writes_what_predict_writes(table, small_blocks, proba):
    path, model = table
    memory, stream = _both(["predict", model, path, *(["--proba"] if proba else [])])
    expected = "prediction" + (",proba_ant,proba_bee,proba_cat,proba_dog" if proba else "")
    assert stream.splitlines()[0] == memory.splitlines()[0] == expected
    a, b = pd.read_csv(io.StringIO(memory)), pd.read_csv(io.StringIO(stream))
    assert len(b) == 3000 and set(b["prediction"]) == {"ant", "bee", "cat", "dog"}
    assert (a["prediction"] == b["prediction"]).all()
    if proba:
        np.testing.assert_allclose(b.iloc[:, 1:], a.iloc[:, 1:], rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(b.iloc[:, 1:].sum(axis=1), 1.0, rtol=1e-12)


def test_predict_stream_to_a_file(table, small_blocks, tmp_path):
    path, model = table
    target = tmp_path / "p.csv"
    status, _, err = run(["predict", model, path, "--proba", "--stream", "--out", target])
    assert status == 0 and "wrote 3000 predictions" in err
    memory, _ = _both(["predict", model, path, "--proba"])
    np.testing.assert_allclose(
        pd.read_csv(target).iloc[:, 1:], pd.read_csv(io.StringIO(memory)).iloc[:, 1:], rtol=1e-12
    )


def _same(stream, memory, where="metrics"):
    """Every value of the in-memory report, floats within rounding."""
    assert type(stream) is type(memory), where
    if isinstance(memory, dict):
        assert stream.keys() == memory.keys(), where
        for key in memory:
            _same(stream[key], memory[key], f"{where}.{key}")
    elif isinstance(memory, list):
        assert len(stream) == len(memory), where
        for i, (s, m) in enumerate(zip(stream, memory, strict=True)):
            _same(s, m, f"{where}[{i}]")
    elif isinstance(memory, float):
        assert stream == pytest.approx(memory, rel=1e-9), where
    else:
        assert stream == memory, where


def test_evaluate_stream_reports_what_evaluate_reports(table, small_blocks):
    path, model = table
    memory, stream = _both(["evaluate", model, path, "--target", "animal", "--json"])
    m, s = json.loads(memory), json.loads(stream)
    assert m["labels"] == ["ant", "bee", "cat", "dog"] and m["n_samples"] == 3000
    assert 0.4 < m["accuracy"] < 1.0 and m["per_class"]  # a K-class report, not binary
    _same(s, m)
    memory, stream = _both(["evaluate", model, path, "--target", "animal"])
    head_m, *rest_m = memory.splitlines()
    head_s, *rest_s = stream.splitlines()
    assert "3000 rows, 4 classes" in head_m and "3000 rows, 4 classes, streamed" in head_s
    assert rest_s == rest_m  # metrics, per-class rows and the 4 x 4 confusion matrix


def test_evaluate_stream_names_labels_the_model_does_not_know(table, tmp_path):
    path, model = table
    frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    frame.loc[7, "animal"] = "eel"
    other = tmp_path / "other.csv"
    frame.to_csv(other, index=False)
    status, _, err = run(["evaluate", model, other, "--target", "animal", "--stream"])
    assert status == 2 and "['eel'] are not classes of the model" in err
