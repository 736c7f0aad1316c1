"""The ``oneneuron`` command line: every command through ``main``, user errors, the entry point."""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sklearn import metrics as skm
from sklearn.datasets import make_blobs

import oneneuron
from oneneuron import LogisticRegression, plotting
from oneneuron._files import REPORT_MARKER
from oneneuron.cli import main

IMAGES = (
    "curves.png",
    "confusion.png",
    "roc.png",
    "boundary.png",
    "examples.png",
    "weights.png",
    "training.gif",
)
METRIC_KEYS = {
    "dataset",
    "seed",
    "accuracy",
    "log_loss",
    "precision",
    "recall",
    "f1",
    "roc_auc",
    "confusion_matrix",
    "n_iter",
    "converged",
    "n_train",
    "n_val",
    "n_test",
}


def run(argv, stdin=None):
    """main(argv) with stdout/stderr captured: (status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main([str(a) for a in argv])
    finally:
        sys.stdin = old_stdin
    return status, out.getvalue(), err.getvalue()


def assert_user_error(status, out, err, *fragments):
    assert status == 2
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("oneneuron: error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


# ------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """A CSV of two blobs: columns x1, x2 and the label 'animal' (cat/dog)."""
    X, y = make_blobs(n_samples=120, centers=[[-2, 0], [2, 1]], cluster_std=1.2, random_state=1)
    frame = pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "animal": np.array(["cat", "dog"])[y]})
    path = tmp_path_factory.mktemp("data") / "train.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.fixture(scope="module")
def trained(table, tmp_path_factory):
    path, _ = table
    model = tmp_path_factory.mktemp("model") / "model.json"
    status, out, err = run(["train", path, "--target", "animal", "--out", model, "--quiet"])
    assert status == 0, err
    return model, out


@pytest.fixture(scope="module")
def blobs_report(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("demo") / "report"
    status, out, err = run(["demo", "blobs", "--out", out_dir, "--epochs", "30"])
    assert status == 0, err
    return out_dir, out, err


# ----------------------------------------------------------------------------- demo
def test_demo_blobs_writes_every_file(blobs_report):
    out_dir, out, err = blobs_report
    expected = {
        "model.json",
        "metrics.json",
        "report.md",
        "index.html",
        "curves.png",
        "confusion.png",
        "roc.png",
        "boundary.png",
        "training.gif",
        REPORT_MARKER,  # marks the directory as a report oneneuron may replace
    }
    assert {p.name for p in out_dir.iterdir()} == expected
    assert out.splitlines()[-1] == str(out_dir / "index.html")
    assert not [p for p in out_dir.parent.iterdir() if p.name.startswith(".")]  # no temp dirs
    # plain progress lines (stderr is not a terminal): about 20, the last at the end
    lines = [s for s in err.splitlines() if s.startswith("iter")]
    assert 5 <= len(lines) <= 25
    assert re.fullmatch(r"iter +30/30  loss \S+  val_loss \S+  val_acc [01]\.\d{3}", lines[-1])


def test_demo_index_references_every_image(blobs_report):
    out_dir, _, _ = blobs_report
    page = (out_dir / "index.html").read_text()
    refs = set(re.findall(r'<img src="([^"]+)"', page))
    present = {name for name in IMAGES if (out_dir / name).exists()}
    assert refs == present
    assert all(f"]({name})" in (out_dir / "report.md").read_text() for name in present)


def test_demo_metrics_and_model(blobs_report):
    out_dir, _, _ = blobs_report
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert METRIC_KEYS <= set(metrics)
    assert metrics["dataset"] == "blobs" and metrics["seed"] == 0
    assert metrics["accuracy"] > 0.9 and metrics["n_iter"] == 30
    assert np.sum(metrics["confusion_matrix"]) == metrics["n_test"]
    model = oneneuron.load(out_dir / "model.json")
    ds = oneneuron.datasets.load("blobs", random_state=0)
    X = pd.DataFrame(ds.X, columns=ds.feature_names)
    assert model.score(X, ds.y) > 0.9
    with Image.open(out_dir / "training.gif") as gif:
        assert gif.n_frames > 1


def test_demo_digits_shows_images_and_weights(tmp_path):
    out_dir = tmp_path / "digits"
    status, _, err = run(["demo", "--out", out_dir, "--epochs", "3", "--quiet"])
    assert status == 0, err
    assert err.count("\n") <= 2  # --quiet: at most the notes
    for name in ("examples.png", "weights.png", "training.gif", "curves.png"):
        assert (out_dir / name).is_file()
    assert not (out_dir / "boundary.png").exists()
    with Image.open(out_dir / "training.gif") as gif:
        assert gif.n_frames == 4  # the start and 3 epochs
    assert json.loads((out_dir / "metrics.json").read_text())["dataset"] == "digits"


def test_failed_demo_leaves_nothing(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(plotting, "plot_roc", boom)
    status, out, err = run(["demo", "blobs", "--out", tmp_path / "new", "--epochs", "2"])
    assert_user_error(status, out, err.splitlines()[-1] + "\n", "disk full")
    assert list(tmp_path.iterdir()) == []
    old = tmp_path / "old"
    old.mkdir()
    (old / "index.html").write_text("earlier report")
    status, *_ = run(["demo", "blobs", "--out", old, "--epochs", "2", "--quiet"])
    assert status == 2
    assert [p.name for p in tmp_path.iterdir()] == ["old"]
    assert [p.name for p in old.iterdir()] == ["index.html"]
    assert (old / "index.html").read_text() == "earlier report"


def test_demo_replaces_an_earlier_report_but_not_other_directories(tmp_path):
    report = tmp_path / "report"
    status, _, err = run(["demo", "blobs", "--out", report, "--epochs", "2", "--quiet"])
    assert status == 0, err
    (report / "my-notes.txt").write_text("mine")  # a user's file inside the report
    old_index = (report / "index.html").read_text()
    status, _, err = run(["demo", "xor", "--out", report, "--epochs", "2", "--quiet"])
    assert status == 0, err
    assert "One neuron draws a straight boundary" in (report / "report.md").read_text()
    assert (report / "index.html").read_text() != old_index
    assert (report / "my-notes.txt").read_text() == "mine"
    assert not [p for p in report.iterdir() if p.name.endswith(".tmp")]
    # a directory that merely holds an index.html is not a report oneneuron wrote
    lookalike = tmp_path / "site"
    lookalike.mkdir()
    (lookalike / "index.html").write_text("my home page")
    (lookalike / "photo.jpg").write_text("precious")
    status, out, err = run(["demo", "--out", lookalike, "--quiet"])
    assert_user_error(status, out, err, "not a report written by oneneuron")
    assert sorted(p.name for p in lookalike.iterdir()) == ["index.html", "photo.jpg"]
    assert (lookalike / "index.html").read_text() == "my home page"
    other = tmp_path / "photos"
    other.mkdir()
    (other / "cat.jpg").write_text("precious")
    status, out, err = run(["demo", "--out", other, "--quiet"])
    assert_user_error(status, out, err, "not empty")
    assert [p.name for p in other.iterdir()] == ["cat.jpg"]


def _write_idx(path, array):
    code = {np.dtype("uint8"): 0x08}[array.dtype]
    header = bytes([0, 0, code, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape
    )
    path.write_bytes(header + array.tobytes())


def test_demo_mnist_from_idx_files(tmp_path):
    """Synthetic 28x28 'MNIST' (0: a ring, 1: a bar, plus 2s to filter out) in IDX files."""
    rng = np.random.default_rng(0)
    labels = np.tile(np.array([0, 1, 2], dtype=np.uint8), 40)
    images = rng.integers(0, 60, size=(len(labels), 28, 28)).astype(np.uint8)
    images[labels == 0, 6:22, 6:9] = 255
    images[labels == 0, 6:22, 19:22] = 255
    images[labels == 1, 4:24, 13:16] = 255
    data = tmp_path / "mnist"
    data.mkdir()
    _write_idx(data / "train-images-idx3-ubyte", images)
    _write_idx(data / "train-labels-idx1-ubyte", labels)
    out_dir = tmp_path / "report"
    argv = ["demo", "mnist", "--data", data, "--out", out_dir, "--epochs", "2", "--quiet"]
    status, _, err = run(argv)
    assert status == 0, err
    metrics = json.loads((out_dir / "metrics.json").read_text())
    assert metrics["n_train"] + metrics["n_val"] + metrics["n_test"] == 80
    assert metrics["accuracy"] > 0.9
    assert oneneuron.load(out_dir / "model.json").n_features_in_ == 784
    assert (out_dir / "weights.png").is_file() and (out_dir / "examples.png").is_file()


def test_progress_bar_only_on_a_terminal(monkeypatch):
    from oneneuron.cli import _progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(_progress, "BAR_DELAY_S", 0.0)
    monkeypatch.setattr(_progress, "BAR_REFRESH_S", 0.0)
    tty, plain = Terminal(), io.StringIO()
    for stream in (tty, plain):
        progress = _progress.Progress(100, "epoch", stream)
        for i in range(101):
            assert progress({"iteration": i, "loss": 1.0 / (i + 1)}, None) is False
        progress.close()
    assert "\r[##############################] 100/100 loss 0.0099" in tty.getvalue()
    assert tty.getvalue().endswith("\nepoch 100/100  loss 0.0099\n")
    lines = plain.getvalue().splitlines()
    assert len(lines) == 21 and "\r" not in plain.getvalue()
    assert lines[0] == "epoch   0/100  loss 1.0000" and lines[-1] == "epoch 100/100  loss 0.0099"


# ---------------------------------------------------------------------------- train
def test_train_writes_a_model_and_a_summary(trained, table):
    model_path, out = trained
    _, frame = table
    model = oneneuron.load(model_path)
    assert model.classes_.tolist() == ["cat", "dog"]
    assert model.feature_names_in_.tolist() == ["x1", "x2"]
    accuracy = model.score(frame[["x1", "x2"]], frame["animal"])
    assert f"training accuracy  {accuracy:.4f}" in out
    assert "converged" in out


def test_train_progress_lines_for_sgd(table, tmp_path):
    path, _ = table
    model = tmp_path / "m.json"
    argv = [
        "train",
        path,
        "--target",
        "animal",
        "--out",
        model,
        "--solver",
        "sgd",
        "--epochs",
        "40",
        "--validation",
        "0.2",
        "--seed",
        "3",
    ]
    status, _, err = run(argv)
    assert status == 0, err
    lines = [s for s in err.splitlines() if s.startswith("epoch")]
    assert 2 <= len(lines) <= 25
    assert all("val_loss" in s for s in lines)
    assert oneneuron.load(model).solver_ == "sgd"


# -------------------------------------------------------------------------- predict
def test_predict_table_to_stdout_and_file(trained, table, tmp_path):
    model_path, _ = trained
    data, frame = table
    status, out, err = run(["predict", model_path, data, "--proba"])
    assert status == 0, err
    result = pd.read_csv(io.StringIO(out))
    assert list(result.columns) == ["prediction", "proba"] and len(result) == len(frame)
    assert result["proba"].between(0, 1).all()
    model = oneneuron.load(model_path)
    assert result["prediction"].tolist() == model.predict(frame[["x1", "x2"]]).tolist()
    target = tmp_path / "pred.csv"
    status, out, _ = run(["predict", model_path, data, "--out", target])
    assert status == 0 and out == ""
    assert pd.read_csv(target).columns.tolist() == ["prediction"]


def test_predict_points(trained):
    model_path, _ = trained
    status, out, err = run(["predict", model_path, "--point", "2,1", "--point", "-1,3"])
    assert status == 0, err
    lines = out.splitlines()
    assert len(lines) == 2
    model = oneneuron.load(model_path)
    P = pd.DataFrame([[2.0, 1.0], [-1.0, 3.0]], columns=["x1", "x2"])
    proba = model.predict_proba(P)[:, 1]
    expected = [f"{c} (p={p:.3f})" for c, p in zip(model.predict(P), proba, strict=True)]
    assert lines == [f"2,1 -> {expected[0]}", f"-1,3 -> {expected[1]}"]


def test_predict_interactive_skips_bad_lines(trained, table, tmp_path):
    model_path, _ = trained
    data, _ = table
    typed = "2,1\nhello 1\n1 2 3\nnan,1\n" + "1," * 6000 + "\n-1 3\n\nnever read\n"
    plot = tmp_path / "points.png"
    argv = [
        "predict",
        model_path,
        "--interactive",
        "--plot",
        plot,
        "--data",
        data,
        "--target",
        "animal",
    ]
    status, out, err = run(argv, stdin=typed)
    assert status == 0, err
    answers = out.splitlines()
    assert answers[0].startswith("2,1 -> dog (p=")
    assert answers[1].startswith("-1,3 -> ")
    assert answers[2] == str(plot) and len(answers) == 3
    assert "'hello' is not a number" in err
    assert "expected 2 number(s)" in err
    assert "'nan' is not a finite number" in err
    assert "longer than 10000 characters" in err
    assert "Traceback" not in err
    with Image.open(plot) as png:
        assert png.format == "PNG"


# ------------------------------------------------------------------ evaluate, info, plot
def test_evaluate_json_matches_sklearn(trained, table):
    model_path, _ = trained
    data, frame = table
    status, out, err = run(["evaluate", model_path, data, "--target", "animal", "--json"])
    assert status == 0, err
    got = json.loads(out)
    model = oneneuron.load(model_path)
    X, y = frame[["x1", "x2"]], frame["animal"].to_numpy()
    pred, proba = model.predict(X), model.predict_proba(X)
    assert got["accuracy"] == skm.accuracy_score(y, pred)
    assert got["log_loss"] == pytest.approx(skm.log_loss(y, proba), rel=1e-12)
    assert got["precision"] == skm.precision_score(y, pred, pos_label="dog")
    assert got["recall"] == skm.recall_score(y, pred, pos_label="dog")
    assert got["f1"] == skm.f1_score(y, pred, pos_label="dog")
    assert got["roc_auc"] == skm.roc_auc_score(y == "dog", proba[:, 1])
    assert got["confusion_matrix"] == skm.confusion_matrix(y, pred, labels=["cat", "dog"]).tolist()
    status, out, _ = run(["evaluate", model_path, data, "--target", "animal"])
    assert status == 0 and "true cat" in out
    assert re.search(rf"accuracy +{got['accuracy']:.4f}\n", out)


def test_info(trained):
    model_path, _ = trained
    status, out, err = run(["info", model_path])
    assert status == 0, err
    assert "oneneuron-model version 1" in out and "x1, x2" in out and "cat, dog" in out
    status, out, _ = run(["info", model_path, "--json"])
    d = json.loads(out)
    assert d["n_features"] == 2 and d["classes"] == ["cat", "dog"]
    assert d["training"]["history_length"] == d["training"]["n_iter"] + 1


@pytest.mark.parametrize("kind", ["boundary", "roc", "confusion", "weights", "curves"])
def test_plot_kinds(trained, table, tmp_path, kind):
    model_path, _ = trained
    data, _ = table
    target = tmp_path / f"{kind}.png"
    argv = ["plot", model_path, data, "--target", "animal", "--kind", kind, "--out", target]
    status, out, err = run([*argv, "--shape", "1x2"] if kind == "weights" else argv)
    assert status == 0, err
    assert out.strip() == str(target)
    with Image.open(target) as png:
        assert png.format == "PNG"


def test_version_and_entry_point(trained):
    model_path, _ = trained
    status, out, _ = run(["--version"])
    assert status == 0 and out.strip() == f"oneneuron {oneneuron.__version__}"
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.run(
        [sys.executable, "-m", "oneneuron", "info", str(model_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "LogisticRegression" in proc.stdout


# ------------------------------------------------------------------------ user errors
@pytest.fixture(scope="module")
def bad_files(tmp_path_factory, table):
    d = tmp_path_factory.mktemp("bad")
    _, frame = table
    nan = frame.copy()
    nan.loc[3, "x2"] = np.nan
    nan.to_csv(d / "nan.csv", index=False)
    frame.assign(x3=1.0).to_csv(d / "three.csv", index=False)
    (d / "corrupt.json").write_text('{"format": "oneneuron-model", "format_versi')
    (d / "model.pkl").write_bytes(pickle.dumps({"W": [1, 2], "b": 0}))
    X = frame[["x1", "x2"]].to_numpy()
    LogisticRegression().fit(X, frame["animal"]).save(d / "nameless.json")
    return d


ERRORS = {
    "missing data file": (
        ["train", "{d}/nope.csv", "--target", "y", "--out", "{o}"],
        ["not found", "nope.csv"],
    ),
    "missing target": (
        ["train", "{data}", "--target", "label", "--out", "{o}"],
        ["'label' not found", "'x1', 'x2', 'animal'"],
    ),
    "NaN feature": (
        ["train", "{d}/nan.csv", "--target", "animal", "--out", "{o}"],
        ["NaN", "'x2'"],
    ),
    "bad value": (
        ["train", "{data}", "--target", "animal", "--out", "{o}", "--alpha", "-1"],
        ["--alpha"],
    ),
    "missing out dir": (
        ["train", "{data}", "--target", "animal", "--out", "{d}/no/m.json"],
        ["does not exist"],
    ),
    "corrupt model": (
        ["predict", "{d}/corrupt.json", "{data}", "--out", "{o}"],
        ["corrupt.json", "truncated"],
    ),
    "pickle model": (["predict", "{d}/model.pkl", "{data}", "--out", "{o}"], ["pickle"]),
    "missing model": (["info", "{d}/none.json"], ["model file not found"]),
    "wrong point count": (["predict", "{model}", "--point", "1,2,3"], ["expected 2 number(s)"]),
    "wrong column count": (
        ["predict", "{d}/nameless.json", "{d}/three.csv", "--out", "{o}"],
        ["expects 2 feature(s)", "3 numeric column(s)"],
    ),
    "non-finite point": (["predict", "{model}", "--point", "inf,1"], ["not a finite number"]),
    "unknown dataset": (["demo", "iris", "--out", "{o}"], ["invalid choice: 'iris'"]),
    "mnist without data": (["demo", "mnist", "--out", "{o}"], ["--data DIR", "t10k"]),
    "evaluate wrong target": (
        ["evaluate", "{model}", "{data}", "--target", "x"],
        ["'x' not found"],
    ),
    "plot needs data": (
        ["plot", "{model}", "--kind", "roc", "--out", "{o}"],
        ["needs DATA and --target"],
    ),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_user_errors_are_one_line_and_write_nothing(case, bad_files, table, trained, tmp_path):
    argv, fragments = ERRORS[case]
    out_file = tmp_path / "out" / ("result" if case.startswith(("unknown", "mnist")) else "r.json")
    out_file.parent.mkdir()
    fill = {"d": bad_files, "o": out_file, "data": table[0], "model": trained[0]}
    status, out, err = run([a.format(**fill) for a in argv])
    assert_user_error(status, out, err, *fragments)
    assert list(out_file.parent.iterdir()) == []
    assert out == ""
