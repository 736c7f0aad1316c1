"""Gaps in the table sources' tests found by mutation testing (docs/testing.md, "Mutation
testing", fourth part): ``data/_tables.py`` and ``data/_table_labels.py`` held to their
definitions or to pandas and NumPy reading the same file: rows named in errors beyond
the first block, numeric labels written as text, the progress line's words."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from oneneuron.data._tables import scan_csv, scan_parquet


def _frame(n=500, seed=1, labels=("no", "yes")):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, 2)), columns=["a", "b"])
    frame["label"] = np.array(labels, dtype=object)[rng.integers(0, len(labels), n)]
    frame["w"] = rng.uniform(0.5, 2.0, n)
    return frame


def _write(frame, tmp_path, kind, name="t"):
    path = tmp_path / f"{name}.{kind}"
    if kind == "parquet":
        frame.to_parquet(path, row_group_size=150)
    else:
        frame.to_csv(path, index=False)
    return path


def _scan(path, **kw):
    kw.setdefault("features", ["a", "b"])
    return (scan_parquet if path.suffix == ".parquet" else scan_csv)(path, **kw)


def test_a_missing_label_is_named_by_its_row_beyond_the_first_block(tmp_path):
    """The first of the missing labels, counted from the file's first row (Parquet: a
    CSV's empty field is read as the label "")."""
    frame = _frame()
    frame.loc[[234, 240, 300], "label"] = None
    path = _write(frame, tmp_path, "parquet")
    with pytest.raises(ValueError, match=r"t\.parquet: target 'label' is missing at row 234$"):
        _scan(path, target="label", batch_rows=100).labels()


@pytest.mark.parametrize("kind", ["parquet", "csv"])
@pytest.mark.parametrize("bad", [-0.5, np.nan, np.inf])
def test_a_bad_weight_is_named_by_its_row_beyond_the_first_block(tmp_path, kind, bad):
    """Weights must be finite and >= 0: the first bad one, its value and row, found by the
    first pass (the labels), before any block is read."""
    frame = _frame()
    frame.loc[[345, 350], "w"] = bad
    path = _write(frame, tmp_path, kind)
    source = _scan(path, target="label", weight="w", batch_rows=100)
    with pytest.raises(
        ValueError,
        match=rf"weight column 'w' has an invalid value \({bad!r}\) at row 345; weights must",
    ):
        source.labels()
    assert source._passes == 1


def test_a_zero_weight_is_valid(tmp_path):
    frame = _frame()
    frame.loc[10, "w"] = 0.0
    source = _scan(_write(frame, tmp_path, "csv"), target="label", weight="w")
    source.encode(source.labels())
    assert source.weight_sum == pytest.approx(frame["w"].sum(), rel=1e-12)


def test_numeric_labels_stored_as_text_are_numbers(tmp_path):
    """Labels "0", "1", "0.0", "1.0" stored as text: two labels 0 and 1, counted as pandas
    counts the numbers; signs and class weights from the numbers."""
    frame = _frame()
    y = (frame["label"] == "yes").to_numpy().astype(int)
    text = np.array(["0", "1"], dtype=object)[y]
    text[::7] = np.array(["0.0", "1.0"], dtype=object)[y[::7]]
    frame["label"] = text
    path = _write(frame, tmp_path, "parquet")  # a string column: the reader keeps text
    source = _scan(path, target="label", weight="w", batch_rows=64)
    classes = source.labels()
    assert classes.tolist() == [0, 1]
    counts = pd.Series(text).astype(float).value_counts()
    np.testing.assert_array_equal(source.label_counts(classes), [counts[0.0], counts[1.0]])
    np.testing.assert_array_equal(
        source.label_counts(np.array([0, 1, 2])), [*counts[[0.0, 1.0]], 0]
    )
    cw = np.array([0.25, 3.0])
    source.encode(classes, cw)
    w = frame["w"].to_numpy() * cw[y]
    assert source.weight_sum == pytest.approx(w.sum(), rel=1e-12)
    blocks = list(source.blocks())
    np.testing.assert_array_equal(np.concatenate([b.sign for b in blocks]), 1.0 - 2.0 * y)
    np.testing.assert_allclose(np.concatenate([b.weight for b in blocks]), w, rtol=1e-15)


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_the_progress_line_names_each_pass(tmp_path, kind, capsys):
    """``oneneuron: <file>: <what>``: the labels, the weights, each full pass by its number
    and sgd's epochs; the line is cleared at the end of each pass."""
    path = _write(_frame(), tmp_path, kind)
    source = _scan(path, target="label", weight="w", progress=True)
    source.encode(source.labels(), np.array([1.0, 2.0]))
    err = capsys.readouterr().err
    assert f"oneneuron: t.{kind}: reading labels" in err
    assert f"oneneuron: t.{kind}: reading weights" in err
    list(source.blocks())
    list(source.blocks())
    err = capsys.readouterr().err
    assert f"t.{kind}: pass 2" in err and f"t.{kind}: pass 3" in err
    assert err.endswith("\r\033[K")
    list(source.batches(50, np.random.default_rng(0)))
    assert f"t.{kind}: epoch" in capsys.readouterr().err


def test_the_column_kernels_passes_are_named_too(tmp_path, capsys, monkeypatch):
    """A pass summed by the compiled column kernel (``reduce``, L-BFGS's evaluations after
    the first full pass) shows its number like a block pass: every pass after the labels'
    read is named by its number, none as "None"."""
    from oneneuron import LogisticRegression, _kernels
    from oneneuron.data import _column_sums

    if not _kernels.available():
        pytest.skip("Numba is not installed")
    kernel_passes = []
    real = _column_sums.run

    def counted(*args):
        kernel_passes.append(1)
        return real(*args)

    monkeypatch.setattr(_column_sums, "run", counted)
    path = _write(_frame(), tmp_path, "parquet")
    source = _scan(path, target="label", progress=True)
    LogisticRegression(solver="lbfgs", max_iter=3, tol=None).fit(source)
    err = capsys.readouterr().err
    assert kernel_passes  # the column kernel summed some of the passes
    assert "None" not in err
    assert source._passes > 3  # the labels' read, then the passes numbered from 1
    for k in range(1, source._passes):
        assert f"t.parquet: pass {k} " in err


def test_a_csv_weight_that_is_not_a_number_is_named_with_the_file(tmp_path):
    """The weight column is read as numbers, like the features: a word in it is named
    with the file (not left to NumPy's conversion of text)."""
    frame = _frame().astype({"w": object})
    frame.loc[400, "w"] = "heavy"
    path = _write(frame, tmp_path, "csv")
    with pytest.raises(ValueError, match=r"t\.csv: .*'heavy'"):
        _scan(path, target="label", weight="w").labels()


def test_block_rows_default_to_about_block_bytes_and_at_least_256(tmp_path):
    from oneneuron.data import BLOCK_BYTES

    for d in (2047, 2049):  # 4 MB of float64 rows: 256.1 and 255.9 rows
        path = tmp_path / f"w{d}.csv"
        path.write_text(",".join([f"x{i}" for i in range(d)] + ["label"]) + "\n")
        source = scan_csv(path, target="label")
        assert source.n_features == d
        assert source._rows == max(256, BLOCK_BYTES // (8 * d))
    assert scan_csv(path, target="label", batch_rows=7)._rows == 7


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_parquet_files_size_is_known_before_any_pass(tmp_path, dtype):
    """Parquet: the row count is in the footer, so n_samples and nbytes (rows x features x
    itemsize) are known before the first pass."""
    path = _write(_frame(), tmp_path, "parquet")
    source = scan_parquet(path, target="label", dtype=dtype)
    assert source._passes == 0 and source.n_samples == 500 and source.n_features == 3
    assert source.nbytes == 500 * 3 * np.dtype(dtype).itemsize


def test_progress_by_default_only_on_a_terminal(tmp_path, monkeypatch):
    path = _write(_frame(), tmp_path, "parquet")
    assert not scan_parquet(path, target="label").progress
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert scan_parquet(path, target="label").progress
    assert not scan_parquet(path, target="label", progress=False).progress


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_the_first_pass_itself_names_a_nan(tmp_path, kind):
    """The first full pass checks every block (later passes need not): the NaN is named
    by that pass, not one later."""
    frame = _frame()
    frame.loc[321, "b"] = np.nan
    path = _write(frame, tmp_path, kind)
    source = _scan(path, target="label", batch_rows=100)
    source.encode(source.labels())
    with pytest.raises(ValueError, match=r"column 'b' holds NaN at row 321"):
        source.check_finite()  # a pass, when none has checked the file
    with pytest.raises(ValueError, match=r"column 'b' holds NaN at row 321"):
        for _ in source.blocks():
            pass
    with pytest.raises(ValueError, match=r"column 'b' holds NaN at row 321"):
        for _ in source.batches(32, np.random.default_rng(0)):  # sgd's first pass
            pass


@pytest.mark.parametrize("seed", [0, 1, 2, 3])  # 3: two groups swapped
@pytest.mark.parametrize(("n", "batch_rows", "shuffle_rows"), [(500, 150, 150), (300, 100, 200)])
def test_an_epoch_reads_the_row_groups_in_the_seeded_order(
    tmp_path, seed, n, batch_rows, shuffle_rows
):
    """sgd's epoch reads Parquet row groups in the order ``rng.permutation(row_groups)``
    (whenever there are two or more), each group in batches of ``batch_rows``, then
    shuffles the rows of each buffer, once it holds ``shuffle_rows`` rows."""
    frame = _frame(n)
    frame["a"] = np.arange(float(n))  # the row's number
    path = _write(frame, tmp_path, "parquet")  # row groups of 150 rows
    source = _scan(path, target="label", batch_rows=batch_rows, shuffle_rows=shuffle_rows)
    source.encode(source.labels())
    groups = -(-n // 150)
    assert source.reader.row_groups == groups
    order = np.random.default_rng(seed).permutation(groups)
    seen = np.concatenate(
        [b.X[:, 0] for b in source.batches(32, np.random.default_rng(seed))]
    ).astype(int)
    at, buffer = 0, []
    for g in order:  # each group read in batches of batch_rows rows
        rows = np.arange(150 * g, min(n, 150 * (g + 1)))
        for b in range(0, len(rows), batch_rows):
            buffer += rows[b : b + batch_rows].tolist()
            if len(buffer) >= shuffle_rows or (g == order[-1] and b + batch_rows >= len(rows)):
                assert sorted(seen[at : at + len(buffer)]) == sorted(buffer)
                at, buffer = at + len(buffer), []
    assert at == n


def test_a_file_whose_rows_change_under_the_same_size_and_time_is_detected(tmp_path):
    """A pass that reads another number of rows than the first pass counted fails, even
    when the size and modification time (the fingerprint) are unchanged."""
    path = tmp_path / "t.csv"
    path.write_text("a,label\n" + "".join(f"{i % 10}.0,{'xy'[i % 2]}\n" for i in range(300)))
    stat = path.stat()
    source = scan_csv(path, target="label", batch_rows=64)
    source.encode(source.labels())
    assert source.n_samples == 300
    text = path.read_text()
    path.write_text(
        text.replace("0.0,x\n1.0,y\n", "0,x\n1,y\n0,x\n", 1)
    )  # a row more, as many bytes
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with pytest.raises(
        ValueError, match=r"t\.csv changed during the fit: 301 rows now, 300 before"
    ):
        for _ in source.blocks():
            pass
    with pytest.raises(ValueError, match=r"t\.csv changed during the fit: 301 rows now"):
        for _ in source.batches(32, np.random.default_rng(0)):  # sgd's epoch too
            pass


def test_float32_blocks_carry_float32_signs_and_weights(tmp_path):
    """Blocks hold signs and weights in X's dtype (``Block``): a file to predict (signs
    all 1) and K classes with class weights (weights of the codes)."""
    frame = _frame(labels=("a", "b", "c"))
    path = _write(frame, tmp_path, "csv")
    for b in _scan(path, target=None, dtype=np.float32).blocks():
        assert b.X.dtype == b.sign.dtype == np.float32
        np.testing.assert_array_equal(b.sign, 1.0)
    source = _scan(path, target="label", weight="w", dtype=np.float32)
    cw = np.array([1.0, 2.0, 4.0])
    source.encode(source.labels(), cw)
    codes = np.searchsorted(["a", "b", "c"], frame["label"].to_numpy(str))
    (b,) = source.blocks()
    assert b.weight.dtype == np.float32
    np.testing.assert_array_equal(b.sign, codes)
    np.testing.assert_allclose(b.weight, frame["w"] * cw[codes], rtol=1e-7)


@pytest.mark.parametrize(
    ("n", "kind", "target", "batch_rows"),
    [(500, "parquet", "label", 64), (12288, "parquet", "label", 64), (500, "csv", None, 63)],
)
def test_the_strided_sample_is_every_kth_row_of_the_file(tmp_path, n, kind, target, batch_rows):
    """Every ``max(1, n // 4096)``-th row from the file's first row, whatever the blocks'
    edges (odd blocks here); every row while the row count is unknown (a CSV to predict:
    no label pass counts it)."""
    frame = _frame(n)
    path = _write(frame, tmp_path, kind)
    source = _scan(path, target=target, batch_rows=batch_rows)
    if target is not None:
        source.encode(source.labels())
    step = max(1, n // 4096) if source.n_samples > 0 else 1
    rows = np.arange(0, n, step)
    np.testing.assert_array_equal(source.strided(100).X, frame[["a", "b"]].to_numpy()[rows])


def test_column_moments_of_weights_summing_below_one(tmp_path):
    """The weighted standard deviation divides by the weights' sum, however small."""
    frame = _frame()
    frame["w"] *= 1e-4
    source = _scan(_write(frame, tmp_path, "csv"), target="label", weight="w")
    source.encode(source.labels())
    X, w = frame[["a", "b"]].to_numpy(), frame["w"].to_numpy()
    mean = np.average(X, axis=0, weights=w)
    std = np.sqrt(np.average((X - mean) ** 2, axis=0, weights=w))
    got_mean, got_std = source.column_moments()
    np.testing.assert_allclose(got_mean, mean, rtol=1e-12)
    np.testing.assert_allclose(got_std, std, rtol=1e-10)
