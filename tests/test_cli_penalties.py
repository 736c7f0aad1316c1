"""The command line's penalties and inference: ``train --l1-ratio --firth``, ``summary``,
``path``; each checked against the Python API it fronts."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sklearn.datasets import load_breast_cancer

from oneneuron import LogisticRegression, load, path
from oneneuron.cli._parser import COV_TYPES
from oneneuron.inference import COV_TYPES as INFERENCE_COV_TYPES

from .test_cli import run
from .test_firth import LOGISTF_SEX2_COEF, SEX2


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    root = tmp_path_factory.mktemp("tables")
    frame = load_breast_cancer(as_frame=True).frame.iloc[:, [0, 1, 4, 5, 8, 30]]
    frame.to_csv(root / "cancer.csv", index=False)
    sex2 = pd.read_csv("tests/data/sex2.csv")
    sex2 = sex2.assign(clinic=np.arange(len(sex2)) % 7)
    sex2.to_csv(root / "sex2.csv", index=False)
    return root, frame, sex2


def test_train_l1_ratio_equals_the_estimator(tables, tmp_path):
    root, frame, _ = tables
    out = tmp_path / "l1.json"
    status, text, err = run(["train", str(root / "cancer.csv"), "--target", "target",
                             "--out", str(out), "--l1-ratio", "1", "--alpha", "0.05",
                             "--standardize", "--quiet"])  # fmt: skip
    assert status == 0, err
    assert "proxnewton" in text and "non-zero weights" in text
    model = load(out)
    assert model.l1_ratio == 1.0 and model.solver_ == "proxnewton"
    X, y = frame.drop(columns="target"), frame["target"]
    ref = LogisticRegression(alpha=0.05, l1_ratio=1.0, standardize=True).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-12)
    assert np.any(model.coef_ == 0)


def test_train_firth_then_summary_is_logistfs_table(tables, tmp_path):
    root, _, sex2 = tables
    out = tmp_path / "firth.json"
    status, _, err = run(["train", str(root / "sex2.csv"), "--target", "case", "--out", str(out),
                          "--firth", "--quiet"])  # fmt: skip
    assert status == 0, err
    model = load(out)
    assert model.firth is True and list(model.feature_names_in_) == [*SEX2, "clinic"]
    ref = LogisticRegression(firth=True).fit(sex2.drop(columns="case"), sex2["case"])
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-12)
    status, text, err = run(["summary", str(out), str(root / "sex2.csv"), "--target", "case"])
    assert status == 0, err
    assert "Firth penalised likelihood" in text and "P(LR)" in text and "clinic" in text
    plain = tmp_path / "plain.csv"
    sex2.drop(columns="clinic").to_csv(plain, index=False)
    run(["train", str(plain), "--target", "case", "--out", str(out), "--firth", "--quiet"])
    np.testing.assert_allclose(load(out).coef_[0], LOGISTF_SEX2_COEF, rtol=1e-6)  # logistf


def test_summary_json_and_covariance_types_match_the_api(tables, tmp_path):
    root, frame, _ = tables
    model_path = tmp_path / "ml.json"
    run(["train", str(root / "cancer.csv"), "--target", "target", "--out", str(model_path),
         "--alpha", "0", "--standardize", "--quiet"])  # fmt: skip
    model = load(model_path)
    X, y = frame.drop(columns="target"), frame["target"]
    for cov in ("nonrobust", "HC1"):
        status, text, err = run(["summary", str(model_path), str(root / "cancer.csv"),
                                 "--target", "target", "--cov-type", cov, "--json"])  # fmt: skip
        assert status == 0, err
        doc = json.loads(text)
        expected = model.summary(X, y, cov_type=cov)
        assert doc["cov_type"] == cov and doc["nobs"] == 569
        np.testing.assert_allclose([c["std_err"] for c in doc["coefficients"]], expected.std_err)
        assert doc["coefficients"][0]["name"] == "intercept"
        assert doc["llf"] == pytest.approx(expected.llf)
    status, text, _ = run(["summary", str(model_path), str(root / "cancer.csv"), "--target",
                           "target", "--ci", "profile", "--level", "0.9"])  # fmt: skip
    assert status == 0 and "[0.05" in text and "0.95]" in text


def test_summary_cluster_needs_groups_and_reads_them(tables, tmp_path):
    root, _, sex2 = tables
    model_path = tmp_path / "m.json"
    frame = sex2.drop(columns="clinic")
    frame.to_csv(tmp_path / "plain.csv", index=False)
    run(["train", str(tmp_path / "plain.csv"), "--target", "case", "--out", str(model_path),
         "--alpha", "0", "--quiet"])  # fmt: skip
    status, _, err = run(["summary", str(model_path), str(root / "sex2.csv"), "--target", "case",
                          "--cov-type", "cluster"])  # fmt: skip
    assert status == 2 and "--groups COL" in err
    argv = ["summary", str(model_path), str(root / "sex2.csv"), "--target", "case"]
    status, text, err = run([*argv, "--cov-type", "cluster", "--groups", "clinic", "--json"])
    assert status == 0, err
    model = load(model_path)
    expected = model.summary(sex2[SEX2], sex2["case"], cov_type="cluster", groups=sex2["clinic"])
    got = [c["std_err"] for c in json.loads(text)["coefficients"]]
    np.testing.assert_allclose(got, expected.std_err)


def test_summary_of_an_l1_model_is_a_one_line_error(tables, tmp_path):
    root, _, _ = tables
    model_path = tmp_path / "l1.json"
    run(["train", str(root / "cancer.csv"), "--target", "target", "--out", str(model_path),
         "--l1-ratio", "0.5", "--alpha", "0.01", "--quiet"])  # fmt: skip
    status, _, err = run(["summary", str(model_path), str(root / "cancer.csv"), "--target",
                          "target"])  # fmt: skip
    assert status == 2 and err.count("\n") == 1 and "L1 penalty" in err


def test_path_draws_the_figure_and_lists_entries(tables, tmp_path):
    root, frame, _ = tables
    fig = tmp_path / "path.png"
    status, text, err = run(["path", str(root / "cancer.csv"), "--target", "target", "--out",
                             str(fig), "--n-alphas", "12", "--standardize"])  # fmt: skip
    assert status == 0, err
    assert Image.open(fig).size[0] > 100
    X, y = frame.drop(columns="target"), frame["target"]
    ref = path(X, y, n_alphas=12, standardize=True)
    assert f"alpha_max {ref.alpha_max:.6g}" in text
    nonzero = ref.coef != 0
    entry = [np.argmax(nonzero[:, j]) if nonzero[:, j].any() else 99 for j in range(5)]
    first = [ref.feature_names[j] for j in range(5) if entry[j] == min(entry)]
    assert text.splitlines()[1].split()[-1] in " ".join(first)  # a feature entering first
    status, _, err = run(["path", str(root / "cancer.csv"), "--target", "target", "--out",
                          str(fig), "--l1-ratio", "0"])  # fmt: skip
    assert status == 2 and "must be a finite number > 0 and <= 1" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--l1-ratio", "1.5"], "--l1-ratio: must be a finite number >= 0 and <= 1"),
        (["--l1-ratio", "0.5", "--solver", "lbfgs"], "--solver lbfgs needs a smooth penalty"),
        (["--firth", "--l1-ratio", "0.5"], "set --l1-ratio=0, or no --firth"),
        (["--firth", "--solver", "sgd"], "use 'auto' or 'newton'"),
    ],
)
def test_train_refuses_bad_penalty_options(tables, tmp_path, argv, message):
    root, _, _ = tables
    status, _, err = run(["train", str(root / "cancer.csv"), "--target", "target",
                          "--out", str(tmp_path / "m.json"), "--quiet", *argv])  # fmt: skip
    assert status == 2 and message in err
    assert not (tmp_path / "m.json").exists()


def test_cov_types_are_inferences():
    assert COV_TYPES == list(INFERENCE_COV_TYPES)
