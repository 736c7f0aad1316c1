"""Files read in blocks (scan_parquet, scan_csv): the in-memory optimum, named errors,
a file that changes mid-fit, seeded shuffling for sgd, predictions and scores."""

from __future__ import annotations

import gzip
import io
import os
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

from oneneuron import LogisticRegression
from oneneuron.data import scan_csv, scan_parquet

FEATURES = [f"f{i}" for i in range(5)]


def _frame(n=4000, seed=0, labels=("no", "yes")):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 5)) * [1, 2, 0.5, 3, 1] + [0, 1, -1, 4, 0]
    y = (X @ [0.8, -0.3, 1.0, 0.2, 0.0] - 0.5 + rng.logistic(size=n) > 0).astype(int)
    frame = pd.DataFrame(X, columns=FEATURES)
    frame["label"] = np.array(labels)[y]
    frame["w"] = rng.uniform(0.2, 2.5, n)
    return frame


def _write(frame, tmp_path, kind):
    if kind == "parquet":
        path = tmp_path / "t.parquet"
        frame.to_parquet(path, row_group_size=900)
    elif kind == "csv":
        path = tmp_path / "t.csv"
        frame.to_csv(path, index=False)
    elif kind == "tsv.gz":
        path = tmp_path / "t.tsv.gz"
        with gzip.open(path, "wt") as f:
            frame.to_csv(f, index=False, sep="\t")
    return path


def _scan(path, **kw):
    return (scan_parquet if path.suffix == ".parquet" else scan_csv)(path, **kw)


KINDS = ["parquet", "csv", "tsv.gz"]
OPTIONS = {
    "plain": dict(),
    "weighted": dict(weight="w"),
    "standardize": dict(standardize=True),
    "balanced": dict(class_weight="balanced", weight="w"),
    "no-intercept": dict(fit_intercept=False),
}


@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("solver", ["lbfgs", "newton", "gd"])
@pytest.mark.parametrize("kind", KINDS)
def test_same_optimum_as_in_memory(tmp_path, kind, solver, option):
    frame = _frame()
    path = _write(frame, tmp_path, kind)
    opts = dict(OPTIONS[option])
    weight = opts.pop("weight", None)
    kw = dict(solver=solver, tol=1e-10 if solver != "gd" else 1e-7, alpha=1e-3, **opts)
    if solver == "gd":
        kw.update(learning_rate=1.0 if opts.get("standardize") else 0.05, max_iter=4000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = LogisticRegression(**kw).fit(
            frame[FEATURES], frame["label"], sample_weight=None if weight is None else frame[weight]
        )
        if solver == "gd":  # compare paths: the same iterates, not a converged optimum
            kw.update(max_iter=25, tol=None)
            ref = LogisticRegression(**kw).fit(
                frame[FEATURES], frame["label"], None if weight is None else frame[weight]
            )
        model = LogisticRegression(**kw).fit(
            _scan(path, target="label", features=FEATURES, weight=weight, batch_rows=700)
        )
    assert list(model.feature_names_in_) == FEATURES
    assert model.classes_.tolist() == ["no", "yes"]
    j, j_ref = model.history_["loss"][-1], ref.history_["loss"][-1]
    assert abs(j - j_ref) <= 1e-9 * abs(j_ref)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("kind", KINDS)
def test_predict_score_and_feature_names_from_the_file(tmp_path, kind):
    frame = _frame()
    path = _write(frame, tmp_path, kind)
    source = _scan(path, target="label", features=FEATURES)
    model = LogisticRegression(tol=1e-10).fit(source)
    ref = LogisticRegression(tol=1e-10).fit(frame[FEATURES], frame["label"])
    np.testing.assert_allclose(
        model.predict_proba(source), ref.predict_proba(frame[FEATURES]), rtol=1e-7
    )
    assert (model.predict(source) == ref.predict(frame[FEATURES])).all()
    assert model.score(source) == pytest.approx(ref.score(frame[FEATURES], frame["label"]))
    unlabelled = _scan(path, target=None, features=FEATURES)
    np.testing.assert_allclose(
        model.decision_function(unlabelled),
        ref.decision_function(frame[FEATURES]),
        rtol=1e-7,
        atol=1e-8,
    )


def test_numeric_labels_written_two_ways_are_one_label(tmp_path):
    frame = _frame()
    frame["label"] = np.where(frame["label"] == "yes", "1", "0")
    frame.loc[::7, "label"] = frame.loc[::7, "label"].map({"1": "1.0", "0": "0.0"})
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    model = LogisticRegression().fit(scan_csv(path, target="label", features=FEATURES))
    assert model.classes_.tolist() == [0, 1]


@pytest.mark.parametrize("kind", ["parquet", "csv"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_named_by_file_column_and_row(tmp_path, kind, bad):
    frame = _frame()
    frame.loc[2345, "f3"] = bad
    path = _write(frame, tmp_path, kind)
    word = "NaN" if np.isnan(bad) else "inf"
    with pytest.raises(ValueError, match=rf"t\.{kind}: column 'f3' holds {word} at row 2345"):
        LogisticRegression().fit(_scan(path, target="label", features=FEATURES, batch_rows=500))


def test_non_numeric_value_named_by_column_and_row(tmp_path):
    frame = _frame().astype({"f2": object})
    frame.loc[3001, "f2"] = "n/a?"
    path = _write(frame, tmp_path, "csv")
    with pytest.raises(
        ValueError, match=r"t\.csv: column 'f2' holds a value that is not a number at row 3001"
    ):
        LogisticRegression().fit(scan_csv(path, target="label", features=FEATURES))


def test_missing_label_bad_weight_and_columns_are_named(tmp_path):
    frame = _frame()
    frame.loc[17, "label"] = None
    path = _write(frame, tmp_path, "parquet")
    with pytest.raises(ValueError, match="target 'label' is missing at row 17"):
        LogisticRegression().fit(scan_parquet(path, target="label", features=FEATURES))
    frame = _frame()
    frame.loc[99, "w"] = -1.0
    path = _write(frame, tmp_path, "parquet")
    with pytest.raises(
        ValueError, match=r"weight column 'w' has an invalid value \(-1.0\) at row 99"
    ):
        LogisticRegression().fit(scan_parquet(path, target="label", weight="w"))
    with pytest.raises(ValueError, match="target column 'y' not found"):
        scan_parquet(path, target="y")
    with pytest.raises(ValueError, match=r"feature column\(s\) \['g'\] not found"):
        scan_parquet(path, target="label", features=["g"])
    with pytest.raises(FileNotFoundError, match="data file not found"):
        scan_csv(tmp_path / "none.csv", target="label")
    (tmp_path / "junk.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(ValueError, match=r"junk\.parquet: not a readable Parquet file"):
        scan_parquet(tmp_path / "junk.parquet", target="label")


def test_an_empty_text_label_in_a_csv_is_missing(tmp_path):
    """Not a third label "" (which would quietly make a K = 3 model): named by its row,
    as a Parquet null is."""
    frame = _frame()
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = lines[1 + 1234].split(",")
    cells[header.index("label")] = ""
    lines[1 + 1234] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    assert pd.read_csv(path)["label"].isna().sum() == 1  # pandas reads it as missing too
    with pytest.raises(ValueError, match="target 'label' is missing at row 1234"):
        LogisticRegression().fit(scan_csv(path, target="label", features=FEATURES))


def test_three_labels_make_a_multinomial_model(tmp_path):
    frame = _frame()
    frame.loc[::3, "label"] = "maybe"
    path = _write(frame, tmp_path, "csv")
    model = LogisticRegression().fit(scan_csv(path, target="label", features=FEATURES))
    assert len(model.classes_) == 3 and model.coef_.shape == (3, len(FEATURES))
    one = _write(frame.assign(label="maybe"), tmp_path, "csv")
    with pytest.raises(ValueError, match="1 class"):
        LogisticRegression().fit(scan_csv(one, target="label", features=FEATURES))


def test_a_file_that_changes_during_the_fit_is_detected(tmp_path):
    frame = _frame()
    path = _write(frame, tmp_path, "parquet")
    source = scan_parquet(path, target="label", features=FEATURES)

    def rewrite(record, theta):
        if record["iteration"] == 1:
            frame.iloc[::2].to_parquet(path)
            os.utime(path, ns=(1, 1))

    with pytest.raises(ValueError, match=r"t\.parquet changed since it was first read"):
        LogisticRegression(solver="gd").fit(source, callbacks=[rewrite])


def test_progress_line_only_when_asked_or_on_a_terminal(tmp_path, capsys):
    path = _write(_frame(), tmp_path, "parquet")
    LogisticRegression(max_iter=2, tol=None).fit(scan_parquet(path, target="label"))
    assert capsys.readouterr().err == ""  # pytest's stderr is not a terminal
    LogisticRegression(max_iter=2, tol=None).fit(scan_parquet(path, target="label", progress=True))
    err = capsys.readouterr().err
    assert "\roneneuron: t.parquet: pass" in err and "100%" in err


def test_sgd_shuffle_buffer_is_seeded_and_visits_every_row(tmp_path):
    frame = _frame(n=3000)
    path = _write(frame, tmp_path, "parquet")
    source = scan_parquet(
        path, target="label", features=FEATURES, batch_rows=400, shuffle_rows=1000
    )
    source.labels()
    source.encode(np.array(["no", "yes"]))
    rows_a = [b.X[:, 0] for b in source.batches(64, np.random.default_rng(1))]
    rows_b = [b.X[:, 0] for b in source.batches(64, np.random.default_rng(1))]
    rows_c = [b.X[:, 0] for b in source.batches(64, np.random.default_rng(2))]
    seen = np.sort(np.concatenate(rows_a))
    np.testing.assert_array_equal(seen, np.sort(frame["f0"].to_numpy()))  # each row once
    assert all(np.array_equal(a, b) for a, b in zip(rows_a, rows_b, strict=True))
    assert not all(np.array_equal(a, c) for a, c in zip(rows_a, rows_c, strict=False))
    assert not np.array_equal(np.concatenate(rows_a), frame["f0"].to_numpy())  # shuffled
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        kw = dict(solver="sgd", max_iter=8, random_state=0, learning_rate=0.05)
        a = LogisticRegression(**kw).fit(scan_parquet(path, target="label"))
        b = LogisticRegression(**kw).fit(scan_parquet(path, target="label"))
    np.testing.assert_array_equal(a.coef_, b.coef_)
    ref = LogisticRegression(tol=1e-8).fit(frame[FEATURES], frame["label"])
    assert a.history_["loss"][-1] < ref.history_["loss"][-1] * 1.02


def test_non_utf8_csv_is_named(tmp_path):
    path = tmp_path / "latin.csv"
    buf = io.StringIO()
    _frame(n=50, labels=("caf\xe9", "th\xe9")).to_csv(buf, index=False)
    path.write_bytes(buf.getvalue().encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin\.csv.*UTF-8"):
        LogisticRegression().fit(scan_csv(path, target="label", features=FEATURES))


def test_a_pass_holds_a_few_blocks_not_the_file(tmp_path):
    """The first pass keeps a strided sample of rows (for curvature and scaling): copies,
    never views that would keep every block of the file alive until the pass ends."""
    import tracemalloc

    frame = _frame(n=40_000)
    path = _write(frame, tmp_path, "parquet")
    source = scan_parquet(path, target="label", batch_rows=1000)
    source.labels()
    file_bytes = 40_000 * source.n_features * 8
    tracemalloc.start()
    try:
        blocks = 0
        for _ in source.blocks():
            blocks += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert blocks == 40 and source._sample is not None
    assert source._sample.n_rows < 5000  # every 9th row
    assert peak < 0.4 * file_bytes, (peak, file_bytes)
