"""Gaps in the objective's tests found by mutation testing (docs/testing.md, "Mutation
testing"): each test holds a path the other tests did not reach to its definition
(written the obvious way here, in float64) or to finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit

from oneneuron.objective import Objective


def _binary(n=23, d=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * [1.0, 3.0, 0.5, 2.0][:d] + [0.5, 2.0, -1.0, 4.0][:d]
    X[rng.random((n, d)) < 0.3] = 0.0  # zeros, so that the CSR copies are sparse
    y = (rng.random(n) < 0.45).astype(float)
    sw = rng.uniform(0.2, 2.5, n)
    return X, y, sw


def _reference_hessian(X, y, sw, theta, offset, scale, alpha, rows=None):
    """``[X~ 1]^T diag(s h) [X~ 1] / S + alpha`` on the weights, X~ = (X - m) / s, with an
    intercept; ``rows`` (a boolean mask): only those rows enter, reweighted to S."""
    Xt = X.astype(np.float64)
    if offset is not None:
        Xt = Xt - offset
    if scale is not None:
        Xt = Xt / scale
    z = Xt @ theta[:-1] + theta[-1]
    p = expit(z)
    h = sw * p * (1 - p)
    S = sw.sum()
    if rows is not None:
        h = np.where(rows, h, 0.0) * S / sw[rows].sum()
    A = np.column_stack([Xt, np.ones(len(y))])
    H = A.T @ (h[:, None] * A) / S
    d = X.shape[1]
    H[np.arange(d), np.arange(d)] += alpha
    return H


ROW_SCALE = np.array([2.0, 8.0, 0.5, 4.0])  # powers of two, as the estimator's
CASES = {
    # (dtype, sparse, offset and scale: None, "moments" or "row_scale", row_scale)
    "dense": (np.float64, False, None, False),
    "dense-standardised": (np.float64, False, "moments", False),
    "float32-standardised-copy": (np.float32, False, "moments", False),
    "standardised-row-scaled-copy": (np.float64, False, "moments", True),
    "row-scaled-copy": (np.float64, False, "row_scale", True),
    "csr": (np.float64, True, None, False),
    "csr-standardised": (np.float64, True, "moments", False),
    "csr-standardised-row-scaled": (np.float64, True, "moments", True),
    "csr-row-scaled": (np.float64, True, "row_scale", True),
}


def _objective(case, X, y, sw, alpha, block_rows):
    """The objective of a case, and the offset and scale theta's model applies to X: an
    extreme column's rows are divided by ``row_scale`` in a block copy, with the
    standardisation's moments (standardize=True) or as the change of parameters itself
    (an exact solver without standardisation: scale = row_scale)."""
    dtype, sparse, standardise, row_scale = CASES[case]
    kw = {}
    if standardise == "moments":
        kw = dict(offset=X.mean(axis=0), scale=X.std(axis=0))
    elif standardise == "row_scale":
        kw = dict(scale=ROW_SCALE)
    if row_scale:
        kw["row_scale"] = ROW_SCALE
    data = X.astype(dtype)
    data = sp.csr_matrix(data) if sparse else data
    obj = Objective(data, y, sw, alpha=alpha, block_rows=block_rows, **kw)
    return obj, kw.get("offset"), kw.get("scale")


@pytest.mark.parametrize("case", list(CASES))
def test_hessian_block_is_the_hessian_of_its_columns(case):
    """Every way hessian_block reads rows (a dense or CSR block copy, the change of
    parameters pulled back for CSR rows), blocks of 5, 5, 5, 5 and 3 rows."""
    X, y, sw = _binary()
    obj, offset, scale = _objective(case, X, y, sw, 0.3, block_rows=5)
    theta = np.random.default_rng(1).normal(scale=0.4, size=5)
    cols = np.array([0, 2, 3])
    idx = [0, 2, 3, 4]
    H = _reference_hessian(X, y, sw, theta, offset, scale, 0.3)[np.ix_(idx, idx)]
    rtol = 1e-5 if CASES[case][0] == np.float32 else 1e-10
    np.testing.assert_allclose(obj.hessian_block(theta, cols), H, rtol=rtol, atol=1e-12)


def test_hessian_block_reads_a_block_of_one_row():
    """Blocks of 3, 3 and 1 rows: the last row enters too."""
    X, y, sw = _binary(n=7)
    obj = Objective(X, y, sw, alpha=0.1, block_rows=3)
    theta = np.array([0.3, -0.2, 0.5, 0.1, -0.4])
    cols = np.arange(4)
    H = _reference_hessian(X, y, sw, theta, None, None, 0.1)
    np.testing.assert_allclose(obj.hessian_block(theta, cols), H, rtol=1e-12)


def test_hessian_block_subsample_is_each_blocks_first_rows():
    """``fraction``: the first ceil(fraction * rows per block) rows of every block (here
    one row of each block of 10), reweighted; one block: no subsample at all."""
    X, y, sw = _binary(n=30)
    theta = np.array([0.3, -0.2, 0.5, 0.1, -0.4])
    cols = np.arange(4)
    obj = Objective(X, y, sw, alpha=0.1, block_rows=10)
    first = np.arange(30) % 10 == 0
    H = _reference_hessian(X, y, sw, theta, None, None, 0.1, rows=first)
    np.testing.assert_allclose(obj.hessian_block(theta, cols, 0.05), H, rtol=1e-12)
    whole = Objective(X, y, sw, alpha=0.1)  # one block of 30 rows
    H = _reference_hessian(X, y, sw, theta, None, None, 0.1)
    np.testing.assert_allclose(whole.hessian_block(theta, cols, 0.5), H, rtol=1e-12)


@pytest.mark.parametrize("sparse", [False, True])
def test_l1_fit_of_extreme_columns_is_scale_invariant(sparse):
    """Standardised, the model does not depend on the columns' units, even beyond 2^400
    where the rows are divided by powers of two in a block copy. A sparse L1 iterate
    takes the working set's Hessian (hessian_block), which once ignored that division:
    proximal Newton then stalled with a ConvergenceWarning, 0.08 away in the weights."""
    from oneneuron import LogisticRegression

    rng = np.random.default_rng(0)
    X = rng.standard_normal((400, 24))
    y = (X[:, 0] - 0.8 * X[:, 1] + 0.5 * X[:, 2] + rng.logistic(size=400) > 0).astype(int)
    c = np.ones(24)
    c[0], c[3] = 1e150, 1e-150
    kw = dict(alpha=0.05, l1_ratio=1.0, solver="proxnewton", tol=1e-8, standardize=True)
    A, B = (sp.csr_matrix(X), sp.csr_matrix(X * c)) if sparse else (X, X * c)
    plain = LogisticRegression(**kw).fit(A, y)
    extreme = LogisticRegression(**kw).fit(B, y)
    assert extreme.converged_
    assert 0 < np.count_nonzero(plain.coef_) < 6  # a sparse iterate: the block Hessian
    np.testing.assert_allclose(extreme.coef_ * c, plain.coef_, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(extreme.intercept_, plain.intercept_, rtol=1e-7)
