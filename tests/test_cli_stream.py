"""The command line on tables read in blocks: the same answers as in memory."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pandas as pd
import pytest

from oneneuron import load
from oneneuron.cli import main


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module", params=["parquet", "csv"])
def table(request, tmp_path_factory):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((3000, 3)) * [1, 5, 0.2] + [0, 10, 0]
    y = np.where(X @ [1.0, 0.2, -3.0] - 2 + rng.logistic(size=3000) > 0, "dog", "cat")
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2], "animal": y})
    path = tmp_path_factory.mktemp("data") / f"t.{request.param}"
    if request.param == "parquet":
        frame.to_parquet(path, row_group_size=500)
    else:
        frame.to_csv(path, index=False)
    return path, frame


def test_train_predict_evaluate_stream_as_in_memory(table, tmp_path):
    path, _ = table
    models = {}
    for mode in ("memory", "stream"):
        out_file = tmp_path / f"{mode}.json"
        argv = ["train", path, "--target", "animal", "--out", out_file, "--quiet"]
        status, out, err = run([*argv, "--stream"] if mode == "stream" else argv)
        assert status == 0, err
        models[mode] = load(out_file)
        assert ("streamed" in out) == (mode == "stream")
    np.testing.assert_allclose(models["stream"].coef_, models["memory"].coef_, rtol=1e-5)
    model = tmp_path / "memory.json"
    outputs = {}
    for mode in ("memory", "stream"):
        argv = ["predict", model, path, "--proba"]
        status, out, err = run([*argv, "--stream"] if mode == "stream" else argv)
        assert status == 0, err
        outputs[mode] = pd.read_csv(io.StringIO(out))
    assert (outputs["stream"]["prediction"] == outputs["memory"]["prediction"]).all()
    np.testing.assert_allclose(outputs["stream"]["proba"], outputs["memory"]["proba"], rtol=1e-12)
    reports = {}
    for mode in ("memory", "stream"):
        argv = ["evaluate", model, path, "--target", "animal", "--json"]
        status, out, err = run([*argv, "--stream"] if mode == "stream" else argv)
        assert status == 0, err
        reports[mode] = json.loads(out)
    for key, value in reports["memory"].items():
        if isinstance(value, float):
            assert reports["stream"][key] == pytest.approx(value, rel=1e-9), key
        else:
            assert reports["stream"][key] == value, key


def test_streams_on_its_own_above_the_budget(table, tmp_path, monkeypatch):
    path, _ = table
    monkeypatch.setenv("ONENEURON_MEMORY_BUDGET", "1000")
    out_file = tmp_path / "m.json"
    status, out, err = run(["train", path, "--target", "animal", "--out", out_file])
    assert status == 0, err
    assert "over the budget" in err and "streamed" in out
    status, out, err = run(["predict", out_file, path, "--out", tmp_path / "p.csv"])
    assert status == 0, err
    assert f"wrote 3000 predictions to {tmp_path / 'p.csv'}" in err
    assert len(pd.read_csv(tmp_path / "p.csv")) == 3000


def test_stream_refuses_what_needs_memory(table, tmp_path):
    path, _ = table
    argv = ["train", path, "--target", "animal", "--out", tmp_path / "m.json", "--stream"]
    status, _, err = run([*argv, "--validation", "0.2"])
    assert status == 2 and "--validation holds out rows in memory" in err
    assert list(tmp_path.iterdir()) == []
    monkey = tmp_path / "bad.txt"
    monkey.write_text("a,b\n1,2\n")
    status, _, err = run(
        ["train", monkey, "--target", "b", "--out", tmp_path / "m.json", "--stream"]
    )
    assert status == 2 and "streaming reads .csv, .tsv" in err


def test_every_model_option_reaches_a_streamed_fit(table, tmp_path):
    """--l1-ratio, --alpha, --class-weight and --threshold give the model they give in
    memory (the streamed train once dropped all but a few options without a word)."""
    path, _ = table
    options = ["--l1-ratio", "1", "--alpha", "0.1", "--class-weight", "cat=3,dog=1"]
    options += ["--threshold", "0.3", "--standardize", "--quiet"]
    models = {}
    for mode in ("memory", "stream"):
        out_file = tmp_path / f"{mode}.json"
        argv = ["train", path, "--target", "animal", "--out", out_file, *options]
        status, _, err = run([*argv, "--stream"] if mode == "stream" else argv)
        assert status == 0, err
        models[mode] = load(out_file)
    streamed, memory = models["stream"], models["memory"]
    assert streamed.l1_ratio == 1.0 and streamed.threshold == 0.3
    assert streamed.class_weight == {"cat": 3.0, "dog": 1.0}
    assert np.any(memory.coef_ == 0.0)  # the lasso's zeros, both ways
    np.testing.assert_array_equal(streamed.coef_ == 0.0, memory.coef_ == 0.0)
    np.testing.assert_allclose(streamed.coef_, memory.coef_, rtol=1e-4, atol=1e-6)
    bad = ["train", path, "--target", "animal", "--out", tmp_path / "x.json", "--stream"]
    status, _, err = run([*bad, "--class-weight", "cow=2"])
    assert status == 2 and "--class-weight names the label 'cow'" in err
