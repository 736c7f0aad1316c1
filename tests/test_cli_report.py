"""The command line's new options, honest figures, its own words, and ``report``."""

from __future__ import annotations

import contextlib
import io
import json
import re

import numpy as np
import pandas as pd
import pytest

import oneneuron
from oneneuron import LogisticRegression
from oneneuron._files import REPORT_MARKER
from oneneuron._validation import as_generator, holdout_split
from oneneuron.cli import main


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


def _value(stdout, row):
    return re.search(rf"^{row}\s+(.*)$", stdout, re.M).group(1)


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """Two overlapping blobs of cats and dogs, 30% dogs, columns x1, x2, animal."""
    rng = np.random.default_rng(1)
    n = 200
    dog = rng.random(n) < 0.3
    X = rng.normal(size=(n, 2)) + np.where(dog, 1.2, -0.3)[:, None]
    path = tmp_path_factory.mktemp("tables") / "animals.csv"
    frame = pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "animal": np.where(dog, "dog", "cat")})
    frame.to_csv(path, index=False)
    return path, frame


# ----------------------------------------------------------------------------- train
def test_train_threshold_and_class_weight_reach_the_model(table, tmp_path):
    path, frame = table
    out = tmp_path / "m.json"
    argv = ["train", path, "--target", "animal", "--out", out, "--threshold", "0.3"]
    status, _, err = run([*argv, "--class-weight", "cat=1,dog=2.5"])
    assert status == 0, err
    model = oneneuron.load(out)
    assert model.threshold == 0.3 and model.class_weight == {"cat": 1.0, "dog": 2.5}
    X = frame[["x1", "x2"]]
    expected = LogisticRegression(threshold=0.3, class_weight={"cat": 1, "dog": 2.5}).fit(
        X, frame["animal"]
    )
    np.testing.assert_allclose(model.coef_, expected.coef_, rtol=1e-10)
    assert run([*argv, "--class-weight", "balanced"])[0] == 0
    assert oneneuron.load(out).class_weight == "balanced"


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--class-weight", "cow=2"], "--class-weight names the label 'cow'; the labels in "),
        (["--class-weight", "dog"], "expected 'balanced' or LABEL=WEIGHT pairs"),
        (["--class-weight", "dog=-1"], "weight of 'dog': must be a finite number >= 0"),
        (["--threshold", "1.5"], "must be a finite number >= 0 and <= 1; got '1.5'"),
        (["--alpha", "1e200"], "--alpha must be a finite number >= 0 and <= 1e+100"),
    ],
)
def test_bad_new_options_are_one_line_errors(table, tmp_path, option, message):
    path, _ = table
    status, _, err = run(
        ["train", path, "--target", "animal", "--out", tmp_path / "m.json", *option]
    )
    assert status == 2 and err.count("\n") == 1 and message in err, err


def test_train_reports_accuracy_on_the_training_rows_and_the_final_validation_loss(table, tmp_path):
    path, frame = table
    out = tmp_path / "m.json"
    argv = ["train", path, "--target", "animal", "--out", out, "--validation", "0.3", "--seed", "4"]
    status, stdout, err = run(argv)
    assert status == 0, err
    model = oneneuron.load(out)
    X = frame[["x1", "x2"]].to_numpy()
    y01 = (frame["animal"] == "dog").to_numpy(float)
    # the rows the estimator held out: the same split from the same seed
    X_train, _, y_train, _, _ = holdout_split(X, y01, None, 0.3, as_generator(4))
    predicted = model.predict(pd.DataFrame(X_train, columns=["x1", "x2"]))
    train_accuracy = np.mean((predicted == "dog") == (y_train == 1))
    assert _value(stdout, "training accuracy") == f"{train_accuracy:.4f}"
    assert float(_value(stdout, "validation loss")) == pytest.approx(
        model.history_["val_loss"][-1], abs=5e-5
    )
    assert _value(stdout, "validation accuracy") == f"{model.history_['val_accuracy'][-1]:.4f}"


def test_sgd_trains_a_fixed_budget_without_a_warning(table, tmp_path):
    path, _ = table
    argv = ["train", path, "--target", "animal", "--out", tmp_path / "m.json"]
    status, stdout, err = run([*argv, "--solver", "sgd", "--epochs", "4", "--seed", "0"])
    assert status == 0 and "note" not in err, err
    assert _value(stdout, "iterations") == "4 (a fixed budget, stop: max_iter)"


def test_messages_name_the_commands_options(table, tmp_path):
    _, frame = table
    big = tmp_path / "big.csv"
    frame.assign(x1=frame["x1"] * 1e4).to_csv(big, index=False)
    argv = ["train", big, "--target", "animal", "--out", tmp_path / "m.json"]
    status, _, err = run([*argv, "--solver", "gd", "--learning-rate", "10"])
    assert status == 2
    assert "lower --learning-rate (it is 10) or set --standardize" in err
    assert "learning_rate" not in err and "standardize=True" not in err
    status, _, err = run([*argv, "--solver", "lbfgs", "--epochs", "2"])
    assert status == 0
    assert "raise --epochs, set --standardize, or use --solver newton" in err
    assert "max_iter" not in err


# ----------------------------------------------------------------------------- report
def test_report_writes_the_demos_report_for_a_table(table, tmp_path):
    path, _ = table
    out = tmp_path / "report"
    argv = ["report", path, "--target", "animal", "--out", out, "--seed", "2", "--quiet"]
    status, stdout, err = run(argv)
    assert status == 0, err
    assert stdout.strip().splitlines()[-1] == str((out / "index.html").absolute())
    names = {p.name for p in out.iterdir()}
    assert {"index.html", "report.md", "metrics.json", "model.json", "curves.png"} <= names
    assert {"boundary.png", "training.gif", REPORT_MARKER} <= names  # two features
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["dataset"] == "animals.csv" and metrics["solver"] == "newton"
    assert metrics["n_train"] + metrics["n_val"] + metrics["n_test"] == 200
    model = oneneuron.load(out / "model.json")
    assert model.classes_.tolist() == ["cat", "dog"] and model.converged_
    html = (out / "index.html").read_text()
    assert "Newton&#x27;s method" in html and "animals.csv" in html
    # an earlier report is replaced; any other folder is refused, untouched
    assert run(argv)[0] == 0
    other = tmp_path / "photos"
    other.mkdir()
    (other / "cat.jpg").write_text("precious")
    status, _, err = run(["report", path, "--target", "animal", "--out", other, "--quiet"])
    assert status == 2 and "not empty" in err
    assert [p.name for p in other.iterdir()] == ["cat.jpg"]


def test_report_fits_the_model_its_options_describe(table, tmp_path):
    """--l1-ratio and --alpha reach the report's model (they were accepted and dropped)."""
    path, _ = table
    out = tmp_path / "lasso"
    argv = ["report", path, "--target", "animal", "--out", out, "--quiet"]
    status, _, err = run([*argv, "--l1-ratio", "1", "--alpha", "5", "--solver", "proxnewton"])
    assert status == 0, err
    model = oneneuron.load(out / "model.json")
    assert model.l1_ratio == 1.0 and model.alpha == 5.0
    np.testing.assert_array_equal(model.coef_, 0.0)  # alpha far above alpha_max: all zero


def test_report_with_sgd_and_a_missing_column(table, tmp_path):
    path, _ = table
    out = tmp_path / "sgd"
    argv = ["report", path, "--target", "animal", "--out", out, "--solver", "sgd", "--quiet"]
    status, _, err = run([*argv, "--epochs", "3", "--standardize"])
    assert status == 0 and "note" not in err, err
    summary = json.loads((out / "metrics.json").read_text())
    assert summary["n_iter"] == 3 and summary["learning_rate"] == 0.1
    status, _, err = run(["report", path, "--target", "species", "--out", tmp_path / "r"])
    assert status == 2 and "species" in err and not (tmp_path / "r").exists()


# ------------------------------------------------------------------------------ mnist
def _write_idx(path, array):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape
    )
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def _digits(n, seed):
    """Synthetic 28x28 digits: 0 a ring, 1 a bar, and 2s that are filtered out."""
    rng = np.random.default_rng(seed)
    labels = np.tile(np.array([0, 1, 2], dtype=np.uint8), n // 3)
    images = rng.integers(0, 60, size=(len(labels), 28, 28)).astype(np.uint8)
    images[labels == 0, 6:22, 6:9] = 255
    images[labels == 0, 6:22, 19:22] = 255
    images[labels == 1, 4:24, 13:16] = 255
    return images, labels


@pytest.mark.parametrize("with_test_files", [True, False])
def test_demo_mnist_tests_on_the_t10k_files_when_they_are_there(tmp_path, with_test_files):
    data = tmp_path / "mnist"
    data.mkdir()
    images, labels = _digits(120, 0)
    _write_idx(data / "train-images-idx3-ubyte", images)
    _write_idx(data / "train-labels-idx1-ubyte", labels)
    if with_test_files:
        images, labels = _digits(45, 1)
        _write_idx(data / "t10k-images-idx3-ubyte", images)
        _write_idx(data / "t10k-labels-idx1-ubyte", labels)
    out = tmp_path / "report"
    status, _, err = run(["demo", "mnist", "--data", data, "--out", out, "--epochs", "2"])
    assert status == 0, err
    metrics = json.loads((out / "metrics.json").read_text())
    if with_test_files:  # 30 zeros and ones in t10k; 80 in the training files
        assert metrics["n_test"] == 30 and metrics["n_train"] + metrics["n_val"] == 80
        assert "from the t10k files" in (out / "report.md").read_text()
        assert "no t10k files" not in err
    else:
        assert metrics["n_train"] + metrics["n_val"] + metrics["n_test"] == 80
        assert "no t10k files in --data: the test part is split from the training files" in err
