"""Gaps in the data sources' tests found by mutation testing (docs/testing.md, "Mutation
testing"): the base class's block layout, the array and sparse sources and the table
files, each held to its definition or to NumPy/SciPy/scikit-learn on the same rows."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from oneneuron import LogisticRegression
from oneneuron.data import BLOCK_BYTES, Block
from oneneuron.data._arrays import (
    ArraySource,
    SparseSource,
    as_sparse,
    csr_rows_view,
    csr_transposed,
)
from oneneuron.data._tables import scan_csv, scan_parquet


@pytest.mark.parametrize(("d", "k"), [(10, 2), (10, 3), (3, 5), (2000, 2), (40_000, 2)])
def test_block_rows_hold_about_block_bytes(d, k):
    """Rows per block: BLOCK_BYTES over the bytes of a row of X (with K >= 3 classes, plus
    the row's K logits and probabilities, 32 K bytes), at least 16."""
    n = 2 if d > 10_000 else 50
    X = np.zeros((n, d))
    sign = np.zeros(n) if k > 2 else np.ones(n)
    source = ArraySource(X, sign, n_classes=k)
    row_bytes = 8 * d + (32 * k if k > 2 else 0)
    assert source.block_rows() == max(16, BLOCK_BYTES // row_bytes)
    assert type(source.block_rows()) is int  # a count of rows: blocks() steps by it
    assert sum(b.n_rows for b in source.blocks()) == n


def _problem(n=53, d=4, seed=0, k=2):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, d) + rng.normal(size=d)
    X[rng.random((n, d)) < 0.4] = 0.0  # zeros, for the sparse layouts
    codes = rng.integers(0, k, n)
    sign = codes.astype(float) if k > 2 else 1.0 - 2.0 * codes
    return X, sign, rng.uniform(0.2, 3.0, n)


def _layouts(X):
    return {
        "dense-C": X,
        "dense-F": np.asfortranarray(X),
        "float32": X.astype(np.float32),
        "csr": sp.csr_matrix(X),
        "csc": sp.csc_matrix(X),
        "csr_array": sp.csr_array(X),
        "csr-float32": sp.csr_matrix(X.astype(np.float32)),
        "csc-float32": sp.csc_matrix(X.astype(np.float32)),
    }


def _source(X, sign, weight=None, block_rows=None, n_classes=2):
    if sp.issparse(X):
        return SparseSource(X, sign, weight, block_rows=block_rows, n_classes=n_classes)
    return ArraySource(X, sign, weight, block_rows=block_rows, n_classes=n_classes)


def _dense(X):
    return X.toarray() if sp.issparse(X) else np.asarray(X)


@pytest.mark.parametrize("layout", ["dense-C", "dense-F", "float32", "csr", "csc", "csr_array"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("k", [2, 3])
def test_blocks_and_taken_rows_are_the_rows_of_the_source(layout, weighted, k):
    """Every block holds rows ``start .. start + m`` of X with their signs (class codes),
    weights, classes and start; ``take`` the given rows (start 0); sizes, dtype, bytes
    and the weight sum are those of the arrays."""
    X, sign, w = _problem(k=k)
    Xl = _layouts(X)[layout]
    weight = w if weighted else None
    source = _source(Xl, sign, weight, block_rows=10, n_classes=k)
    dtype = np.float32 if layout == "float32" else np.float64
    assert (source.n_samples, source.n_features, source.dtype) == (53, 4, dtype)
    assert source.n_classes == k and source.sparse == sp.issparse(Xl)
    assert source.weight_sum == pytest.approx(w.sum() if weighted else 53.0, rel=1e-12)
    if sp.issparse(Xl):
        assert source.nbytes == Xl.data.nbytes + Xl.indices.nbytes + Xl.indptr.nbytes
    else:
        assert source.nbytes == Xl.nbytes
        assert source.c_contiguous == bool(Xl.flags.c_contiguous)
    blocks = list(source.blocks())
    if layout == "csc":  # a full pass reads the matrix itself, never a copy
        assert len(blocks) == 1 and blocks[0].X is Xl
    sizes = [53] if layout == "csc" else [10] * 5 + [3]
    assert [b.n_rows for b in blocks] == sizes
    assert [b.start for b in blocks] == list(np.cumsum([0, *sizes[:-1]]))
    for b in blocks:
        rows = slice(b.start, b.start + b.n_rows)
        check_block(b, Xl, sign, weight, rows, k, dtype)
    for lo, hi in [(0, 53), (7, 31), (40, 53), (12, 12)]:
        part = list(source.blocks(lo, hi))
        got = [r for b in part for r in range(b.start, b.start + b.n_rows)]
        assert got == list(range(lo, hi))
        for b in part:
            check_block(b, Xl, sign, weight, slice(b.start, b.start + b.n_rows), k, dtype)
    rows = np.array([0, 3, 4, 17, 52])
    taken = source.take(rows)
    assert taken.start == 0
    check_block(taken, Xl, sign, weight, rows, k, dtype)


def check_block(b, X, sign, weight, rows, k, dtype):
    np.testing.assert_array_equal(_dense(b.X), _dense(X)[rows])
    assert sp.issparse(b.X) == sp.issparse(X) == b.is_sparse
    if sp.issparse(X):
        assert b.X.format in ("csr", "csc") and isinstance(b.X, sp.sparray) == isinstance(
            X, sp.sparray
        )
    assert b.X.dtype == dtype
    if k > 2:
        assert b.sign.dtype == np.intp and b.positive is None
        np.testing.assert_array_equal(b.sign, sign[rows].astype(np.intp))
    else:
        assert b.sign.dtype == dtype
        np.testing.assert_array_equal(b.sign, sign[rows])
        np.testing.assert_array_equal(b.positive, sign[rows] < 0)
        np.testing.assert_array_equal(b.is_positive(), sign[rows] < 0)
    if weight is None:
        assert b.weight is None
    else:
        assert b.weight.dtype == dtype
        np.testing.assert_array_equal(b.weight, weight[rows].astype(dtype))


def test_is_positive_from_the_signs_when_not_kept():
    b = Block(np.zeros((3, 1)), np.array([1.0, -1.0, 1.0]), None)
    np.testing.assert_array_equal(b.is_positive(), [False, True, False])
    assert (b.start, b.n_rows, b.is_sparse) == (0, 3, False)
    kept = np.array([True, True, False])
    np.testing.assert_array_equal(Block(b.X, b.sign, None, 0, kept).is_positive(), kept)


@pytest.mark.parametrize("layout", ["dense-C", "csr"])
@pytest.mark.parametrize(
    ("n", "rows", "k"),
    [(53, 10, 2), (53, 10, 3), (53, 10, 6), (53, 10, 9), (50, 10, 5), (5, 10, 4)],
)
def test_partitions_are_contiguous_whole_blocks(layout, n, rows, k):
    """At most k parts (no more than the blocks), contiguous, in order, each a whole number
    of blocks and of nearly equal block counts, covering every row once."""
    X, sign, _ = _problem(n=n)
    source = _source(_layouts(X)[layout], sign, block_rows=rows)
    parts = source.partitions(k)
    n_blocks = -(-n // rows)
    assert len(parts) == max(1, min(k, n_blocks))
    spans = []
    for part in parts:
        blocks = list(part())
        assert blocks and all(b.n_rows == rows for b in blocks[:-1])
        spans.append((blocks[0].start, blocks[-1].start + blocks[-1].n_rows, len(blocks)))
    assert spans[0][0] == 0 and spans[-1][1] == n
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert all(lo % rows == 0 for lo, _, _ in spans)
    counts = [c for _, _, c in spans]
    assert max(counts) - min(counts) <= 1
    assert source.partitions(1) == [source.blocks] or len(source.partitions(1)) == 1


def test_one_partition_of_a_csc_matrix_or_a_stream():
    X, sign, _ = _problem()
    source = _source(sp.csc_matrix(X), sign, block_rows=10)
    assert len(source.partitions(4)) == 1
    assert [b.n_rows for b in source.partitions(4)[0]()] == [53]
    dense = _source(X, sign, block_rows=10)
    dense.in_memory = False
    assert len(dense.partitions(4)) == 1 and dense.cheap_sample(5) is None


@pytest.mark.parametrize("layout", ["dense-C", "dense-F", "float32", "csr", "csc"])
@pytest.mark.parametrize(
    ("max_rows", "step"), [(10, 6), (53, 1), (100, 1), (1, 53), (0, 53), (27, 2)]
)
def test_strided_takes_every_kth_row(layout, max_rows, step):
    """At most ``max_rows`` rows (at least one), every k-th row from the first with
    ``k = ceil(n / max_rows)``; the cheap sample of data in memory is the same (of a
    dense X: views of its arrays, no copy)."""
    X, sign, w = _problem()
    Xl = _layouts(X)[layout]
    source = _source(Xl, sign, w)
    rows = np.arange(0, 53, step)
    dtype = np.float32 if layout == "float32" else np.float64
    for b in (source.strided(max_rows), source.cheap_sample(max_rows)):
        check_block(b, Xl, sign, w, rows, 2, dtype)
    if layout.startswith("dense"):
        assert np.shares_memory(source.cheap_sample(max_rows).X, Xl)


@pytest.mark.parametrize("layout", ["dense-C", "csr", "csc"])
def test_batches_are_a_permutation_cut_in_sorted_batches(layout):
    """One epoch: the rows of ``rng.permutation(n)`` cut into batches of ``batch_size``,
    each batch's rows in increasing order."""
    X, sign, w = _problem()
    Xl = _layouts(X)[layout]
    source = _source(Xl, sign, w)
    order = np.random.default_rng(3).permutation(53)
    batches = list(source.batches(8, np.random.default_rng(3)))
    assert [b.n_rows for b in batches] == [8] * 6 + [5]
    for i, b in enumerate(batches):
        check_block(b, Xl, sign, w, np.sort(order[8 * i : 8 * i + 8]), 2, np.float64)


@pytest.mark.parametrize(
    "layout",
    ["dense-C", "dense-F", "float32", "csr", "csc", "csr_array", "csr-float32", "csc-float32"],
)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("scaled", [False, True])
def test_column_moments_are_numpys_weighted_mean_and_std(layout, weighted, scaled):
    """Weighted mean and (population) standard deviation of each column, in float64,
    against ``np.average`` on the dense rows; ``scale`` (powers of two) gives the same."""
    X, sign, w = _problem(n=45)
    X[:, 2] += 1e3  # a large mean: the deviations must be taken from it
    Xl = _layouts(X)[layout]
    weight = w if weighted else None
    source = _source(Xl, sign, weight, block_rows=10)
    D = _dense(Xl).astype(np.float64)
    mean = np.average(D, axis=0, weights=weight)
    std = np.sqrt(np.average((D - mean) ** 2, axis=0, weights=weight))
    scale = np.array([2.0**-3, 2.0**5, 1.0, 2.0**2]) if scaled else None
    got_mean, got_std = source.column_moments(scale)
    assert got_mean.dtype == got_std.dtype == np.float64
    np.testing.assert_allclose(got_mean, mean, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got_std, std, rtol=1e-9, atol=1e-12)


def test_float32_column_moments_of_many_rows_are_summed_in_float64():
    """Found in the sixth session: unweighted float32 rows were averaged in float32, and
    300,000 rows near 1,000 gave a mean 0.84 too small and a standard deviation 1.31
    instead of 1.00 (so ``standardize=True`` penalised other coefficients than it says)."""
    rng = np.random.default_rng(5)
    X = (1000.0 + rng.standard_normal((200_000, 2))).astype(np.float32)
    D = X.astype(np.float64)
    mean, std = ArraySource(X, np.ones(200_000, dtype=np.float32)).column_moments()
    np.testing.assert_allclose(mean, D.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(std, D.std(axis=0), rtol=1e-9)
    model = LogisticRegression(standardize=True, max_iter=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, (rng.random(200_000) < 0.5).astype(int))
    np.testing.assert_allclose(model.x_mean_, D.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(model.x_scale_, D.std(axis=0), rtol=1e-9)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize(
    "spoil",
    ["indptr-length", "indptr-start", "indptr-end", "indptr-order", "index-high", "index-low"],
)
def test_malformed_index_arrays_are_refused(fmt, spoil):
    """indptr of length outer + 1 from 0 to nnz, non-decreasing; indices in [0, inner)."""
    X = sp.random(6, 4, density=0.5, format=fmt, random_state=1)
    X.indptr, X.indices = X.indptr.copy(), X.indices.copy()
    if spoil == "indptr-length":
        X.indptr = X.indptr[:-1]
    elif spoil == "indptr-start":
        X.indptr[0] = 1
    elif spoil == "indptr-end":
        X.indptr[-1] -= 1
    elif spoil == "indptr-order":
        X.indptr[2], X.indptr[3] = X.indptr[3], X.indptr[2] - 1
    elif spoil == "index-high":
        X.indices[0] = X.shape[1] if fmt == "csr" else X.shape[0]
    else:
        X.indices[-1] = -1
    with pytest.raises(ValueError, match=f"sparse {fmt.upper()} matrix is malformed"):
        SparseSource(X, np.ones(6))


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_well_formed_index_arrays_pass(fmt):
    """Indices at the edges of the range, an empty matrix and empty rows pass."""
    X = sp.csr_matrix(np.array([[1.0, 0, 0, 2.0], [0, 0, 0, 0], [0, 0, 0, 3.0]]))
    X = X.asformat(fmt)
    assert SparseSource(X, np.ones(3)).n_samples == 3
    assert (
        SparseSource(X, np.ones(3)).n_classes == ArraySource(X.toarray(), np.ones(3)).n_classes == 2
    )
    assert SparseSource(sp.csr_matrix((3, 4)).asformat(fmt), np.ones(3)).nbytes > 0


def test_sparse_source_refuses_other_formats():
    with pytest.raises(TypeError, match="SparseSource takes CSR or CSC; got COO"):
        SparseSource(sp.coo_matrix(np.eye(3)), np.ones(3))


@pytest.mark.parametrize(
    "kind", [sp.coo_matrix, sp.coo_array, sp.lil_matrix, sp.csr_matrix, sp.csc_array]
)
def test_as_sparse_keeps_csr_and_csc_and_converts_the_rest(kind):
    X = kind(np.array([[0.0, 1.0], [2.0, 0.0]]))
    got = as_sparse(X)
    if X.format in ("csr", "csc"):
        assert got is X
    else:
        assert got.format == "csr" and isinstance(got, sp.sparray) == isinstance(X, sp.sparray)
        np.testing.assert_array_equal(got.toarray(), X.toarray())


@pytest.mark.parametrize("kind", [sp.csr_matrix, sp.csr_array])
def test_csr_views_and_transposes_are_the_rows_and_the_transpose(kind):
    X = kind(sp.random(9, 5, density=0.4, random_state=2, dtype=np.float32))
    for lo, hi in [(0, 9), (2, 6), (4, 4), (8, 9)]:
        view = csr_rows_view(X, lo, hi)
        view.check_format(full_check=True)  # a well-formed CSR matrix of hi - lo rows
        assert type(view) is type(X) and view.dtype == np.float32
        assert view.indptr.dtype == X.indices.dtype
        np.testing.assert_array_equal(view.toarray(), X[lo:hi].toarray())
        other = np.arange(X.indptr[hi] - X.indptr[lo], dtype=np.float32) + 1
        other_view = csr_rows_view(X, lo, hi, other)
        assert other_view.data is other  # the pattern of the rows, the values given
        np.testing.assert_array_equal(other_view.toarray() != 0, view.toarray() != 0)
    T = csr_transposed(X)
    assert T.format == "csc" and isinstance(T, sp.sparray) == isinstance(X, sp.sparray)
    assert T.dtype == np.float32 and T.data is X.data
    np.testing.assert_array_equal(T.toarray(), X.toarray().T)


def test_csc_take_converts_once():
    X, sign, _ = _problem()
    source = _source(sp.csc_matrix(X), sign)
    a = source.take(np.array([1, 2]))
    csr = source._as_csr()
    source.take(np.array([3]))
    assert source._as_csr() is csr and csr.format == "csr"
    np.testing.assert_array_equal(a.X.toarray(), X[[1, 2]])


def test_block_rows_argument_and_its_floor():
    X, sign, _ = _problem()
    assert ArraySource(X, sign, block_rows=0).block_rows() == 1
    assert SparseSource(sp.csr_matrix(X), sign, block_rows=0).block_rows() == 1
    assert SparseSource(sp.csc_matrix(X), sign, block_rows=5).block_rows() == 53
    assert ArraySource(X, sign).block_rows() == max(16, BLOCK_BYTES // (8 * 4))


# ---------------------------------------------------------------- table files


def _table(n=300, seed=0, labels=("no", "yes")):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        rng.normal(size=(n, 3)) * [1.0, 2.0, 0.5] + [0, 1e3, -1], columns=["a", "b", "c"]
    )
    frame["label"] = np.array(labels, dtype=object)[rng.integers(0, len(labels), n)]
    frame["w"] = rng.uniform(0.2, 2.5, n)
    return frame


def _table_file(frame, tmp_path, kind, name="t"):
    if kind == "parquet":
        path = tmp_path / f"{name}.parquet"
        frame.to_parquet(path, row_group_size=70)
    else:
        path = tmp_path / f"{name}.{kind}"
        frame.to_csv(path, index=False, sep="\t" if kind == "tsv" else ",")
    return path


def _open_table(path, **kw):
    return (scan_parquet if path.suffix == ".parquet" else scan_csv)(path, **kw)


def _encoded(path, classes, class_weights=None, **kw):
    source = _open_table(path, target="label", features=["a", "b", "c"], batch_rows=64, **kw)
    source.encode(np.asarray(classes), class_weights)
    return source


@pytest.mark.parametrize("kind", ["parquet", "csv", "tsv"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("balanced", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_table_blocks_are_the_files_rows(tmp_path, kind, weighted, balanced, dtype):
    """Every block: rows ``start .. start + m`` of the file, signs ``-1`` for classes[1],
    weights (the weight column times the class weight), in the chosen dtype; the labels,
    their counts and the weight sum are pandas' on the same file."""
    frame = _table()
    path = _table_file(frame, tmp_path, kind)
    source = _open_table(
        path,
        target="label",
        features=["a", "b", "c"],
        weight="w" if weighted else None,
        batch_rows=64,
        dtype=dtype,
    )
    assert source.features == source.feature_names == ["a", "b", "c"]
    np.testing.assert_array_equal(source.labels(), ["no", "yes"])
    assert source.n_samples == 300 and source.nbytes == 300 * 3 * np.dtype(dtype).itemsize
    counts = frame["label"].value_counts()
    np.testing.assert_array_equal(
        source.label_counts(np.array(["no", "yes", "x"])), [counts["no"], counts["yes"], 0]
    )
    cw = np.array([0.7, 2.0]) if balanced else None
    source.encode(np.array(["no", "yes"]), cw)
    positive = (frame["label"] == "yes").to_numpy()
    w = frame["w"].to_numpy() if weighted else np.ones(300)
    if balanced:
        w = w * np.where(positive, 2.0, 0.7)
    assert source.weight_sum == pytest.approx(w.sum(), rel=1e-12)
    blocks = list(source.blocks())
    assert [b.start for b in blocks] == list(np.cumsum([0] + [b.n_rows for b in blocks[:-1]]))
    assert sum(b.n_rows for b in blocks) == 300
    if kind != "parquet":
        assert [b.n_rows for b in blocks] == [64] * 4 + [44]
    for b in blocks:
        rows = slice(b.start, b.start + b.n_rows)
        assert b.X.dtype == b.sign.dtype == dtype
        np.testing.assert_array_equal(b.X, frame[["a", "b", "c"]].to_numpy()[rows].astype(dtype))
        np.testing.assert_array_equal(b.sign, np.where(positive[rows], -1.0, 1.0))
        np.testing.assert_array_equal(b.positive, positive[rows])
        if weighted or balanced:
            assert b.weight.dtype == dtype
            np.testing.assert_allclose(b.weight, w[rows].astype(dtype), rtol=1e-7)
        else:
            assert b.weight is None


@pytest.mark.parametrize("kind", ["parquet", "csv"])
@pytest.mark.parametrize("balanced", [False, True])
def test_table_blocks_of_k_classes_carry_codes(tmp_path, kind, balanced):
    """K >= 3 labels: the blocks carry the codes (positions among the classes), weights the
    class weights of the codes."""
    frame = _table(labels=("b", "c", "a", "d"))
    path = _table_file(frame, tmp_path, kind)
    source = _open_table(path, target="label", features=["a", "b", "c"], weight="w", batch_rows=64)
    classes = source.labels()
    np.testing.assert_array_equal(classes, ["a", "b", "c", "d"])
    cw = np.array([0.5, 1.0, 2.0, 4.0]) if balanced else None
    source.encode(classes, cw)
    assert source.n_classes == 4
    codes = np.searchsorted(classes, frame["label"].to_numpy(str))
    w = frame["w"].to_numpy() * (cw[codes] if balanced else 1.0)
    assert source.weight_sum == pytest.approx(w.sum(), rel=1e-12)
    for b in source.blocks():
        rows = slice(b.start, b.start + b.n_rows)
        assert b.sign.dtype == np.intp and b.positive is None
        np.testing.assert_array_equal(b.sign, codes[rows])
        np.testing.assert_allclose(b.weight, w[rows], rtol=1e-12)


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_numeric_labels_are_numbers_in_the_blocks(tmp_path, kind):
    """Labels 0/1 (or 1/2/3): numbers, sorted as numbers; class 1 is classes[1]."""
    frame = _table()
    frame["label"] = np.where(frame["label"] == "yes", 10, 9)
    path = _table_file(frame, tmp_path, kind)
    source = _open_table(path, target="label", features=["a", "b", "c"], weight="w", batch_rows=64)
    np.testing.assert_array_equal(source.labels(), [9, 10])
    source.encode(source.labels(), np.array([1.0, 3.0]))
    positive = (frame["label"] == 10).to_numpy()
    w = frame["w"].to_numpy() * np.where(positive, 3.0, 1.0)
    assert source.weight_sum == pytest.approx(w.sum(), rel=1e-12)
    got = np.concatenate([b.sign for b in source.blocks()])
    np.testing.assert_array_equal(got, np.where(positive, -1.0, 1.0))
    frame["label"] = np.where(frame["label"] == 10, 3, np.where(frame.index % 2, 1, 2))
    path = _table_file(frame, tmp_path, kind, "k")
    source = _open_table(path, target="label", features=["a", "b", "c"], batch_rows=64)
    source.encode(source.labels(), np.array([1.0, 2.0, 3.0]))
    codes = np.concatenate([b.sign for b in source.blocks()])
    np.testing.assert_array_equal(codes, frame["label"].to_numpy() - 1)
    assert source.weight_sum == pytest.approx((frame["label"]).sum(), rel=1e-12)


def test_over_a_thousand_labels_are_refused(tmp_path):
    frame = pd.DataFrame({"a": np.arange(1001.0), "label": [f"l{i}" for i in range(1001)]})
    path = _table_file(frame, tmp_path, "csv")
    with pytest.raises(ValueError, match="target 'label' has over 1000 labels"):
        scan_csv(path, target="label").labels()
    frame = frame.iloc[:1000]
    assert len(scan_csv(_table_file(frame, tmp_path, "csv", "ok"), target="label").labels()) == 1000


def test_labels_need_a_target(tmp_path):
    path = _table_file(_table(), tmp_path, "csv")
    source = scan_csv(path, target=None)
    assert source.features == ["a", "b", "c", "label", "w"] or "label" in source.features
    with pytest.raises(ValueError, match="no target column was named"):
        source.labels()


def test_a_file_to_predict_has_no_signs_or_weights(tmp_path):
    """No target: every sign 1, no weights, no classes; all rows read."""
    frame = _table().drop(columns=["label"])
    path = _table_file(frame, tmp_path, "csv")
    source = scan_csv(path, target=None, features=["a", "b", "c"], batch_rows=100)
    blocks = list(source.blocks())
    assert [b.n_rows for b in blocks] == [100, 100, 100]
    for b in blocks:
        assert b.weight is None and b.positive is None
        np.testing.assert_array_equal(b.sign, np.ones(b.n_rows))


@pytest.mark.parametrize("kind", ["parquet", "csv"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("scaled", [False, True])
def test_table_column_moments_are_numpys(tmp_path, kind, weighted, scaled):
    """One pass, blocks merged: the weighted mean and standard deviation of all rows."""
    frame = _table()
    path = _table_file(frame, tmp_path, kind)
    source = _encoded(path, ["no", "yes"], weight="w" if weighted else None)
    X = frame[["a", "b", "c"]].to_numpy()
    w = frame["w"].to_numpy() if weighted else None
    mean = np.average(X, axis=0, weights=w)
    std = np.sqrt(np.average((X - mean) ** 2, axis=0, weights=w))
    scale = np.array([0.25, 2.0**10, 1.0]) if scaled else None
    got_mean, got_std = source.column_moments(scale)
    np.testing.assert_allclose(got_mean, mean, rtol=1e-12)
    np.testing.assert_allclose(got_std, std, rtol=1e-10)


def test_table_column_moments_skip_blocks_of_zero_weight(tmp_path):
    frame = _table()
    frame.loc[:149, "w"] = 0.0  # the first blocks weigh nothing
    path = _table_file(frame, tmp_path, "csv")
    source = _encoded(path, ["no", "yes"], weight="w")
    X = frame[["a", "b", "c"]].to_numpy()
    mean = np.average(X, axis=0, weights=frame["w"])
    std = np.sqrt(np.average((X - mean) ** 2, axis=0, weights=frame["w"]))
    got_mean, got_std = source.column_moments()
    np.testing.assert_allclose(got_mean, mean, rtol=1e-12)
    np.testing.assert_allclose(got_std, std, rtol=1e-10)


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_table_sample_is_every_kth_row_of_the_first_pass(tmp_path, kind):
    """The strided sample kept from the first full pass: every ``max(1, n // 4096)``-th row
    counted from the file's first row, whatever the blocks' edges (one pass if none)."""
    frame = _table(n=9000)
    path = _table_file(frame, tmp_path, kind)
    source = _encoded(path, ["no", "yes"], weight="w")
    assert source.cheap_sample(100) is None
    sample = source.strided(100)
    assert source.cheap_sample(100) is sample
    rows = np.arange(0, 9000, 2)
    np.testing.assert_array_equal(sample.X, frame[["a", "b", "c"]].to_numpy()[rows])
    np.testing.assert_array_equal(sample.weight, frame["w"].to_numpy()[rows])
    np.testing.assert_array_equal(sample.positive, (frame["label"] == "yes").to_numpy()[rows])


def test_table_options_and_sizes(tmp_path):
    frame = _table()
    path = _table_file(frame, tmp_path, "parquet")
    source = scan_parquet(path, target="label")
    assert source.features == ["a", "b", "c", "w"]  # every column but the target
    assert source.n_samples == 300 and source.weight_sum == 300.0  # Parquet: known rows
    assert source._rows == max(256, BLOCK_BYTES // (8 * 4))
    assert source.shuffle_rows == max(65_536, source._rows) and not source.progress
    wide = pd.DataFrame(np.ones((4, 600)), columns=[f"x{i}" for i in range(600)])
    wide_path = _table_file(wide.assign(label=[0, 1, 0, 1]), tmp_path, "parquet", "wide")
    wide_source = scan_parquet(wide_path, target="label")
    assert wide_source._rows == BLOCK_BYTES // (8 * 600) and wide_source.shuffle_rows == 65_536
    small = scan_parquet(path, target="label", weight="w", batch_rows=10, shuffle_rows=5)
    assert small.features == ["a", "b", "c"] and small.shuffle_rows == 10
    wide = scan_parquet(path, target="label", features=["a"] * 1)
    assert wide._columns() == ["a", "label"]
    both = scan_parquet(path, target="label", features=["a", "label"], weight="w")
    assert both._columns() == ["a", "label", "w"]
    csv = _table_file(frame, tmp_path, "csv")
    streamed = scan_csv(csv, target="label", weight="w")
    assert streamed.n_samples == -1 and streamed.nbytes == 0 and streamed.weight_sum == 0.0
    with pytest.raises(ValueError, match="dtype must be float64 or float32; got int64"):
        scan_parquet(path, target="label", dtype=np.int64)
    with pytest.raises(ValueError, match="no feature columns"):
        scan_parquet(path, target="label", features=[])
    with pytest.raises(ValueError, match="weight column 'v' not found"):
        scan_parquet(path, target="label", weight="v")


@pytest.mark.parametrize(
    ("name", "sep"), [("t.tsv", "\t"), ("T.TSV", "\t"), ("t.csv", ","), ("t.txt", ";")]
)
def test_scan_csv_separator_from_the_name(tmp_path, name, sep):
    frame = _table(n=20)
    path = tmp_path / name
    frame.to_csv(path, index=False, sep=sep)
    kw = {"sep": ";"} if sep == ";" else {}
    source = scan_csv(path, target="label", **kw)
    assert source.features == ["a", "b", "c", "w"]
    source.encode(source.labels())
    X = np.concatenate([b.X for b in source.blocks()])
    np.testing.assert_array_equal(X, frame[["a", "b", "c", "w"]].to_numpy())


def test_table_batches_visit_every_row_once_per_epoch(tmp_path):
    """sgd's epoch: row groups in a seeded order, rows shuffled in a buffer; every row
    once, with its own label and weight."""
    frame = _table(n=700)
    frame["a"] = np.arange(700.0)  # the row's number
    path = _table_file(frame, tmp_path, "parquet")
    source = _encoded(path, ["no", "yes"], weight="w", shuffle_rows=100)
    seen = []
    for b in source.batches(32, np.random.default_rng(0)):
        assert b.n_rows <= 32
        rows = b.X[:, 0].astype(int)
        np.testing.assert_array_equal(b.weight, frame["w"].to_numpy()[rows])
        np.testing.assert_array_equal(b.positive, (frame["label"] == "yes").to_numpy()[rows])
        seen.extend(rows)
    assert sorted(seen) == list(range(700)) and seen != sorted(seen)


@pytest.mark.parametrize("layout", ["dense-C", "float32", "csr", "csc"])
def test_check_finite_names_the_array_and_the_column(layout):
    """NaN or inf anywhere: ValueError naming the array (``X`` unless told) and the
    column; finite data pass."""
    X, sign, _ = _problem()
    source = _source(_layouts(X)[layout], sign)
    source.check_finite()
    X[7, 2] = np.nan
    X[0, 1] = 0.0
    source = _source(_layouts(X)[layout], sign)
    with pytest.raises(ValueError, match=r"^X contains NaN in column 2"):
        source.check_finite()
    with pytest.raises(ValueError, match=r"^X_val contains NaN in column 2"):
        source.check_finite("X_val")
