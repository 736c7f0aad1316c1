"""``data._csc.csc_float64``: CSR to float64 CSC in two threads, against SciPy's tocsc."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from oneneuron import _kernels
from oneneuron.data import _csc


def _same(got, X):
    want = X.tocsc().astype(np.float64)
    assert got.format == "csc" and got.dtype == np.float64 and got.shape == X.shape
    np.testing.assert_array_equal(got.indptr, want.indptr)
    np.testing.assert_array_equal(got.indices, want.indices)  # each column's rows in order
    np.testing.assert_array_equal(got.data, want.data)


def _cases():
    rng = np.random.default_rng(0)
    X = sp.random(301, 57, density=0.1, format="csr", random_state=1)
    X.data = rng.standard_normal(X.data.size)
    yield "random", X
    yield "float32", X.astype(np.float32)
    Z = X.tolil()
    Z[:40] = 0  # empty rows, at the start and in the middle
    Z[150:170] = 0
    Z[:, 5] = 0  # an empty column
    yield "empty rows and a column", Z.tocsr()
    yield "one row", X[:1]
    yield "no values", sp.csr_matrix((7, 4))
    dup = sp.csr_matrix((np.arange(1.0, 6.0), [3, 1, 3, 0, 2], [0, 3, 5]), shape=(2, 4))
    yield "duplicates, unsorted within rows", dup  # kept as they are, as SciPy does
    big = X.copy()
    big.indices, big.indptr = big.indices.astype(np.int64), big.indptr.astype(np.int64)
    yield "int64 indices", big
    yield "csr_array", sp.csr_array(X)


@pytest.mark.parametrize("threads", [True, False])
@pytest.mark.parametrize(("name", "X"), list(_cases()), ids=[n for n, _ in _cases()])
def test_csc_float64_is_scipys_tocsc(monkeypatch, name, X, threads):
    if threads:  # the two-thread sort even on small matrices
        monkeypatch.setattr(_csc, "PARALLEL_MIN_NNZ", 0)
    _same(_csc.csc_float64(X), X)


def test_a_float64_csc_matrix_is_used_as_it_is():
    X = sp.random(30, 8, density=0.3, format="csc", random_state=2)
    assert _csc.csc_float64(X) is X
    Y = X.astype(np.float32)
    _same(_csc.csc_float64(Y), Y)


@pytest.mark.skipif(not _kernels.available(), reason="Numba not installed")
def test_the_two_halves_are_sorted_by_the_kernels(monkeypatch):
    """With the kernels switched off (ONENEURON_ACCELERATOR=numpy) SciPy converts; with
    them on, a matrix above the threshold goes through the two-thread sort."""
    monkeypatch.delenv("ONENEURON_ACCELERATOR", raising=False)
    X = sp.random(2000, 300, density=0.2, format="csr", random_state=3)
    calls = []
    scatter = _csc._SCATTER
    monkeypatch.setattr(_csc, "_SCATTER", lambda *a: calls.append(a[3:5]) or scatter(*a))
    monkeypatch.setattr(_csc, "PARALLEL_MIN_NNZ", 1000)
    _same(_csc.csc_float64(X), X)
    assert sorted(calls) == [(0, 1000), (1000, 2000)]
    calls.clear()
    monkeypatch.setenv("ONENEURON_ACCELERATOR", "numpy")
    _same(_csc.csc_float64(X), X)
    assert calls == []
