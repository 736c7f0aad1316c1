"""Gaps in the solvers' tests found by mutation testing (docs/testing.md, "Mutation
testing"): each test holds a path the other tests did not reach to its definition or to
a reference written out in full."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from oneneuron.solvers._cd import cd_quadratic
from oneneuron.solvers._cd_columns import cd_columns


def _column_model(seed=4, n=120, d=9, h_scale=1.0):
    """A sparse model ``H = X~^T diag(h) X~ + diag(mu)`` (intercept last) and the same H
    written out, for cd_columns against cd_quadratic."""
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=0.3, format="csc", random_state=seed)
    offset, scale = rng.uniform(-1, 1, d), rng.uniform(0.5, 2.0, d)
    h = h_scale * rng.uniform(0.01, 0.25, n) / n
    mu = np.full(d, 0.01)
    Xt = np.c_[(X.toarray() - offset) / scale, np.ones(n)]
    H = Xt.T @ (h[:, None] * Xt)
    H[np.arange(d), np.arange(d)] += mu
    g, w = rng.standard_normal(d + 1) * 0.1, np.append(rng.standard_normal(d), 0.0)
    lam = np.append(np.full(d, 0.02), 0.0)
    return X, offset, scale, h, mu, H, g, w, lam


@pytest.mark.parametrize("sweeps", [1, 3])
def test_column_cd_sweeps_are_the_quadratic_cd_sweeps(sweeps):
    """Coordinate descent is its update rule: a sweep of cd_columns (the model read from
    X's columns) moves every coordinate as a sweep of cd_quadratic on the written-out H,
    so after 1 or 3 sweeps (neither converged) they are at the same point."""
    X, offset, scale, h, mu, H, g, w, lam = _column_model()
    ref, n_ref = cd_quadratic(H, g, w, lam, tol=0.0, max_sweeps=sweeps)
    got, n_got = cd_columns(X, offset, scale, h, g, w[:-1], lam[:-1], mu, intercept=True,
                            tol=0.0, max_sweeps=sweeps)  # fmt: skip
    assert n_ref == n_got == sweeps
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-14)


def test_column_cd_without_curvature_leaves_the_intercept():
    """Every curvature weight zero (saturated probabilities): no information on the
    intercept, which stays; the weights minimise ``g.d + mu d^2 / 2 + lam |w + d|``, as
    cd_quadratic finds on the same (diagonal) H."""
    X, offset, scale, h, mu, H, g, w, lam = _column_model(h_scale=0.0)
    ref, _ = cd_quadratic(H, g, w, lam, tol=1e-12, max_sweeps=1000)
    got, _ = cd_columns(X, offset, scale, h, g, w[:-1], lam[:-1], mu, intercept=True,
                        tol=1e-12, max_sweeps=1000)  # fmt: skip
    assert got[-1] == 0.0
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-15)


def test_column_cd_converts_csr_columns():
    """CSR (or float32) columns are converted: the same step as from float64 CSC."""
    X, offset, scale, h, mu, _, g, w, lam = _column_model()
    X.data = np.round(X.data * 8) / 8  # exact in float32
    kw = dict(intercept=True, tol=1e-12, max_sweeps=1000)
    ref, _ = cd_columns(X, offset, scale, h, g, w[:-1], lam[:-1], mu, **kw)
    for other in (X.tocsr(), X.astype(np.float32), X.tocsr().astype(np.float32)):
        got, _ = cd_columns(other, offset, scale, h, g, w[:-1], lam[:-1], mu, **kw)
        np.testing.assert_array_equal(got, ref)
