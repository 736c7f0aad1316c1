"""``oneneuron export MODEL --format onnx --out FILE``: the written graph predicts as the model."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from oneneuron import LogisticRegression
from oneneuron.cli import main

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from .onnx_helpers import features, run_graph  # noqa: E402

NAMES = ["age", "income", "steps", "ratio"]


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


def one_line_error(result, fragment):
    status, _, err = result
    assert status == 2 and "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("oneneuron: error: ")
    assert fragment in err, err


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A model fitted on a DataFrame (string labels, threshold 0.35), saved; and its rows."""
    X, y01 = features()
    frame = pd.DataFrame(X, columns=NAMES)
    model = LogisticRegression(standardize=True, threshold=0.35)
    model.fit(frame, np.array(["stay", "leave"])[y01])
    path = model.save(tmp_path_factory.mktemp("model") / "model.json")
    return path, model, X


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_export_writes_a_graph_that_predicts_as_the_model(saved, tmp_path, dtype):
    path, model, X = saved
    out = tmp_path / "model.onnx"
    status, stdout, err = run(["export", path, "--format", "onnx", "--out", out, "--dtype", dtype])
    assert status == 0, err
    assert stdout.startswith(f"{out}: ONNX opset 13") and f"input X {dtype} (N, 4)" in stdout
    assert "label string (N,) by threshold 0.35" in stdout
    onx = onnx.load(out)
    Xd = X.astype(dtype)
    labels, proba = run_graph(onx, Xd)
    rows = pd.DataFrame(Xd.astype(np.float64), columns=NAMES)
    np.testing.assert_allclose(proba, model.predict_proba(rows), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(labels, model.predict(rows))
    meta = {p.key: p.value for p in onx.metadata_props}
    assert meta["oneneuron.feature_names"] == '["age", "income", "steps", "ratio"]'


def test_export_to_stdout(saved, tmp_path):
    path, model, X = saved
    proc = subprocess.run(
        [sys.executable, "-m", "oneneuron", "export", str(path), "--out", "-"],
        capture_output=True,
        cwd=tmp_path,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.startswith(b"standard output: ONNX opset 13")
    labels, _ = run_graph(onnx.load_from_string(proc.stdout), X)  # stdout holds only the graph
    assert list(tmp_path.iterdir()) == []
    np.testing.assert_array_equal(labels, model.predict(pd.DataFrame(X, columns=NAMES)))


def test_a_failed_export_leaves_the_old_file(saved, tmp_path):
    out = tmp_path / "model.onnx"
    out.write_bytes(b"old")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "oneneuron-model"')
    one_line_error(run(["export", bad, "--out", out]), str(bad))
    one_line_error(run(["export", tmp_path / "none.json", "--out", out]), "not found")
    one_line_error(run(["export", saved[0], "--out", tmp_path]), str(tmp_path))
    assert out.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "model.onnx"]


def test_export_without_onnx_says_how_to_get_it(saved, tmp_path, monkeypatch):
    for name in [
        m for m in sys.modules if m == "oneneuron.onnx" or m.startswith("oneneuron.onnx.")
    ]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx now raises ImportError
    result = run(["export", saved[0], "--out", tmp_path / "m.onnx"])
    one_line_error(result, "pip install 'oneneuron[onnx]'")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ImportError, match=r"pip install 'oneneuron\[onnx\]'"):
        import oneneuron.onnx  # noqa: F401


def test_help_does_not_import_onnx():
    code = (
        "import sys, contextlib, io\n"
        "from oneneuron.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    status = main(['export', '--help'])\n"
        "print(status, 'onnx' in sys.modules, 'numpy' in sys.modules, '--dtype' in out.getvalue())"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.split() == ["0", "False", "False", "True"], proc.stderr
