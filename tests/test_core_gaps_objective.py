"""Gaps in the objective's tests found by mutation testing (docs/testing.md, "Mutation
testing"): each test holds a path the other tests did not reach to its definition
(written the obvious way here, in float64) or to finite differences."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit, log_softmax

from oneneuron.objective import Objective, block_terms
from oneneuron.penalties import ElasticNet


def _binary(n=23, d=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * [1.0, 3.0, 0.5, 2.0][:d] + [0.5, 2.0, -1.0, 4.0][:d]
    X[rng.random((n, d)) < 0.3] = 0.0  # zeros, so that the CSR copies are sparse
    y = (rng.random(n) < 0.45).astype(float)
    sw = rng.uniform(0.2, 2.5, n)
    return X, y, sw


def _reference_hessian(X, y, sw, theta, offset, scale, alpha, rows=None, intercept=True):
    """``[X~ 1]^T diag(s h) [X~ 1] / S + alpha`` on the weights, X~ = (X - m) / s (without
    the 1 and the intercept when there is none); ``rows`` (a boolean mask): only those
    rows enter, reweighted to S."""
    sw = np.ones(len(y)) if sw is None else sw
    Xt = X.astype(np.float64)
    if offset is not None:
        Xt = Xt - offset
    if scale is not None:
        Xt = Xt / scale
    d = X.shape[1]
    z = Xt @ theta[:d] + (theta[d] if intercept else 0.0)
    p = expit(z)
    h = sw * p * (1 - p)
    S = sw.sum()
    if rows is not None:
        h = np.where(rows, h, 0.0) * S / sw[rows].sum()
    A = np.column_stack([Xt, np.ones(len(y))]) if intercept else Xt
    H = A.T @ (h[:, None] * A) / S
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
    "csr-centred": (np.float64, True, "offset", False),
    "csr-scaled": (np.float64, True, "scale", False),
    "csr-standardised-row-scaled": (np.float64, True, "moments", True),
    "csr-row-scaled": (np.float64, True, "row_scale", True),
}


def _objective(case, X, y, sw, alpha, block_rows, fit_intercept=True):
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
    elif standardise == "offset":
        kw = dict(offset=X.mean(axis=0))
    elif standardise == "scale":
        kw = dict(scale=X.std(axis=0))
    if row_scale:
        kw["row_scale"] = ROW_SCALE
    data = X.astype(dtype)
    data = sp.csr_matrix(data) if sparse else data
    obj = Objective(
        data, y, sw, alpha=alpha, block_rows=block_rows, fit_intercept=fit_intercept, **kw
    )
    return obj, kw.get("offset"), kw.get("scale")


@pytest.mark.parametrize("case", list(CASES))
def test_hessian_block_is_the_hessian_of_its_columns(case):
    """Every way hessian_block reads rows (a dense or CSR block copy, the change of
    parameters pulled back for CSR rows), blocks of 5, 5, 5, 5 and 3 rows; weighted with
    an intercept, then unweighted without one."""
    X, y, sw = _binary()
    theta = np.random.default_rng(1).normal(scale=0.4, size=5)
    cols = np.array([0, 2, 3])
    rtol = 1e-5 if CASES[case][0] == np.float32 else 1e-10
    obj, offset, scale = _objective(case, X, y, sw, 0.3, block_rows=5)
    idx = [0, 2, 3, 4]
    H = _reference_hessian(X, y, sw, theta, offset, scale, 0.3)[np.ix_(idx, idx)]
    np.testing.assert_allclose(obj.hessian_block(theta, cols), H, rtol=rtol, atol=1e-12)
    obj, offset, scale = _objective(case, X, y, None, 0.3, block_rows=5, fit_intercept=False)
    H = _reference_hessian(X, y, None, theta[:4], offset, scale, 0.3, intercept=False)
    H = H[np.ix_(cols, cols)]
    np.testing.assert_allclose(obj.hessian_block(theta[:4], cols), H, rtol=rtol, atol=1e-12)


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
    obj = Objective(X, y, alpha=0.1, block_rows=10)  # unweighted
    H = _reference_hessian(X, y, None, theta, None, None, 0.1, rows=first)
    np.testing.assert_allclose(obj.hessian_block(theta, cols, 0.05), H, rtol=1e-12)
    small = sw * 1e-3  # weights summing to less than 1: the same reweighting
    obj = Objective(X, y, small, alpha=0.1, block_rows=10)
    H = _reference_hessian(X, y, small, theta, None, None, 0.1, rows=first)
    np.testing.assert_allclose(obj.hessian_block(theta, cols, 0.05), H, rtol=1e-12)
    zero = np.where(first, 0.0, sw)  # a subsample of no weight: no data term, no NaN
    obj = Objective(X, y, zero, alpha=0.1, block_rows=10)
    np.testing.assert_array_equal(obj.hessian_block(theta, cols, 0.05), np.diag([0.1] * 4 + [0]))


@pytest.mark.parametrize("case", ["dense", "dense-standardised", "csr-standardised-row-scaled"])
def test_curvature_weights_with_sample_weights(case):
    """``h_i = s_i p_i (1 - p_i) / sum_i s_i`` for every row."""
    X, y, sw = _binary()
    obj, offset, scale = _objective(case, X, y, sw, 0.0, block_rows=5)
    theta = np.array([0.3, -0.2, 0.5, 0.1, -0.4])
    Xt = X if offset is None else X - offset
    Xt = Xt if scale is None else Xt / scale
    p = expit(Xt @ theta[:-1] + theta[-1])
    np.testing.assert_allclose(
        obj.curvature_weights(theta), sw * p * (1 - p) / sw.sum(), rtol=1e-12
    )


def test_curvature_weights_is_for_one_output_only():
    X, _, _ = _binary()
    obj = Objective(X, (X[:, 0] > 0).astype(int) + (X[:, 1] > 2), n_classes=3)
    with pytest.raises(ValueError, match="^curvature_weights is defined for the binary"):
        obj.curvature_weights(np.zeros(obj.n_params))
    with pytest.raises(ValueError, match="^hessian_block is defined for the binary"):
        obj.hessian_block(np.zeros(obj.n_params), np.arange(2))


@pytest.mark.parametrize("sparse", [False, True])
def test_softmax_hessian_product_sums_every_block(sparse):
    """K = 3 classes read in blocks of 4 rows: ``H v`` against central differences of
    the gradient (exact in theta, so its differences are accurate to ~1e-9)."""
    X, _, sw = _binary(n=22)
    codes = np.random.default_rng(2).integers(0, 3, size=22)
    data = sp.csr_matrix(X) if sparse else X
    obj = Objective(data, codes, sw, alpha=0.05, n_classes=3, block_rows=4)
    rng = np.random.default_rng(3)
    theta, v = rng.normal(scale=0.3, size=(2, obj.n_params))
    eps = 1e-5
    fd = (obj.gradient(theta + eps * v) - obj.gradient(theta - eps * v)) / (2 * eps)
    np.testing.assert_allclose(obj.hessian_product(theta)(v), fd, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("sparse", [False, True])
def test_block_terms_are_the_unnormalised_sums(sparse):
    """``block_terms``, what a Dask or file chunk maps to: the plain sums over its rows,
    accuracy at z >= 0 and no Hessian by default."""
    X, y, sw = _binary()
    w, b = np.array([0.4, -0.3, 0.8, 0.2]), -0.35
    data = sp.csr_matrix(X) if sparse else X
    t = block_terms(data, 1 - 2 * y, sw, w, b)
    z = X @ w + b
    r = sw * (expit(z) - y)
    assert t.loss == pytest.approx(float(sw @ (np.logaddexp(0, z) - y * z)), rel=1e-12)
    np.testing.assert_allclose(t.grad_w, X.T @ r, rtol=1e-12)
    assert t.grad_b == pytest.approx(r.sum(), rel=1e-12)
    assert t.n_correct == int(np.sum((z >= 0) == (y == 1)))
    assert 0 < t.n_correct < len(y)
    assert t.hess is None
    t = block_terms(data, 1 - 2 * y, None, w, b, z_threshold=1.0, hessian=True)
    assert t.n_correct == int(np.sum((z >= 1.0) == (y == 1)))
    p = expit(z)
    A = np.column_stack([X, np.ones(len(y))])
    np.testing.assert_allclose(t.hess, A.T @ ((p * (1 - p))[:, None] * A), rtol=1e-10)


@pytest.mark.parametrize("n", [40, 43])
def test_softmax_loss_matches_its_definition_with_a_block_copy(n):
    """K = 3, float32 rows standardised in a block copy, in blocks of 8 (43 rows: the
    last one short): J against its definition (with an elastic net, the centring term
    ``(sum b)^2 / 2K``)."""
    X, _, sw = _binary(n=n)
    codes = np.random.default_rng(4).integers(0, 3, size=n)
    offset, scale = X.mean(axis=0), X.std(axis=0)
    obj = Objective(
        X.astype(np.float32), codes, sw, penalty=ElasticNet(0.1, 0.5), n_classes=3,
        offset=offset, scale=scale, block_rows=8,
    )  # fmt: skip
    theta = np.random.default_rng(5).normal(scale=0.3, size=obj.n_params)
    W, b = theta[:12].reshape(3, 4), theta[12:]
    Z = ((X - offset) / scale) @ W.T + b
    data = sw @ -log_softmax(Z, axis=1)[np.arange(n), codes] / sw.sum()
    penalty = 0.1 * (0.5 * np.abs(W).sum() + 0.25 * np.sum(W**2))
    centring = 0.5 * b.sum() ** 2 / 3
    assert obj.loss(theta) == pytest.approx(data + penalty + centring, rel=1e-5)


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


def _multinomial(n=40, seed=4, block_rows=None, weights=None, **kw):
    X, _, sw = _binary(n=n)
    codes = np.random.default_rng(seed).integers(0, 3, size=n)
    sw = sw if weights is None else weights
    return Objective(X, codes, sw, n_classes=3, block_rows=block_rows, **kw), X, codes


def _objectives():
    """A binary and a K = 3 objective, weighted, with a small L2 penalty."""
    X, y, sw = _binary(n=40)
    yield Objective(X, y, sw, alpha=0.01)
    yield _multinomial(alpha=0.01)[0]


@pytest.mark.parametrize("which", [0, 1], ids=["binary", "K=3"])
def test_line_minimum_far_below_the_first_step(which):
    """From t = 1 down to a minimum near 0.01 (each Newton step may shrink t by 4 at
    most): within the 1% the 1-D Newton stops at, against scipy's bounded search."""
    from scipy.optimize import minimize_scalar

    obj = list(_objectives())[which]
    theta = np.zeros(obj.n_params)
    p = -40.0 * obj.gradient(theta) / np.abs(obj.gradient(theta)).max()
    best = minimize_scalar(
        lambda t: obj.loss(theta + t * p), bounds=(1e-6, 1.0), method="bounded",
        options={"xatol": 1e-9},
    ).x  # fmt: skip
    assert best < 0.05
    t = obj.line_minimum(theta, p)
    assert abs(t - best) <= 0.01 * best


@pytest.mark.parametrize("which", [0, 1], ids=["binary", "K=3"])
def test_line_minimum_along_a_flat_direction_keeps_its_step(which):
    """J flat along p (a column of zeros, no penalty; for K classes, opposite moves of
    two classes, which the centring term does not see): the step it was given."""
    X, y, sw = _binary(n=40)
    X[:, 2] = 0.0
    if which == 0:
        obj = Objective(X, y, sw)
        p = np.zeros(obj.n_params)
        p[2] = 1.0
    else:
        obj = Objective(X, np.arange(40) % 3, sw, n_classes=3)
        p = np.zeros(obj.n_params)
        p[2], p[4 + 2] = 1.0, -1.0  # column 2 of classes 0 and 1
    theta = np.full(obj.n_params, 0.1)
    assert obj.line_minimum(theta, p, step=0.7) == 0.7


@pytest.mark.parametrize("which", [0, 1], ids=["binary", "K=3"])
def test_curvature_with_weights_summing_below_one(which):
    """``v^T H v`` (exact under 4,096 rows) when the weights sum to less than 1."""
    X, y, _ = _binary(n=40)
    sw = np.random.default_rng(6).uniform(1e-3, 1e-2, size=40)
    if which == 0:
        obj = Objective(X, y, sw, alpha=0.01)
    else:
        obj = _multinomial(weights=sw, alpha=0.01)[0]
    rng = np.random.default_rng(7)
    theta, v = rng.normal(scale=0.3, size=(2, obj.n_params))
    eps = 1e-5
    vHv = v @ (obj.gradient(theta + eps * v) - obj.gradient(theta - eps * v)) / (2 * eps)
    assert obj.curvature(theta, v) == pytest.approx(vHv, rel=1e-6)


@pytest.mark.parametrize("sparse", [False, True])
def test_softmax_hessian_diagonal_over_blocks_with_centring(sparse):
    """K = 3, standardised (the diagonal's raw sums combine with the offsets), read in
    blocks of 6 rows: the diagonal against central differences of the gradient."""
    X, _, sw = _binary(n=40)
    codes = np.random.default_rng(4).integers(0, 3, size=40)
    data = sp.csr_matrix(X) if sparse else X
    obj = Objective(
        data, codes, sw, alpha=0.05, n_classes=3, block_rows=6,
        offset=X.mean(axis=0), scale=X.std(axis=0),
    )  # fmt: skip
    theta = np.random.default_rng(5).normal(scale=0.3, size=obj.n_params)
    eps = 1e-5
    E = np.eye(obj.n_params)
    fd = [
        (obj.gradient(theta + eps * e)[i] - obj.gradient(theta - eps * e)[i]) / (2 * eps)
        for i, e in enumerate(E)
    ]
    diag = obj.evaluate(theta, diagonal=True).hess_diag
    np.testing.assert_allclose(diag, fd, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("which", [0, 1], ids=["binary", "K=3"])
def test_line_minimum_takes_max_iter_newton_steps(which):
    """``max_iter=1``: one 1-D Newton step from ``step``, ``t - J'(t) / J''(t)`` with the
    derivatives along the line by central differences of J."""
    obj = list(_objectives())[which]
    theta = np.zeros(obj.n_params)
    p = -obj.gradient(theta)
    t, h = 3.0, 1e-4
    J = [obj.loss(theta + (t + k * h) * p) for k in (-1, 0, 1)]
    slope, curv = (J[2] - J[0]) / (2 * h), (J[2] - 2 * J[1] + J[0]) / h**2
    newton = max(t - slope / curv, 0.25 * t)
    assert obj.line_minimum(theta, p, step=t, max_iter=1) == pytest.approx(newton, rel=1e-4)
    assert abs(obj.line_minimum(theta, p, step=t, max_iter=30) - newton) > 0.05 * newton


@pytest.mark.parametrize("which", [0, 1], ids=["binary", "K=3"])
def test_hessian_diagonal_of_an_empty_csr_block(which):
    """CSR blocks of 600 rows, the first one without a stored value (its squares are
    summed in steps set by the block's non-zeros): the diagonal of the Hessian (the
    L-BFGS preconditioner) against central differences of the gradient."""
    rng = np.random.default_rng(9)
    X = rng.normal(size=(660, 3))
    X[:600] = 0.0
    sw = rng.uniform(0.5, 2.0, size=660)
    if which == 0:
        obj = Objective(sp.csr_matrix(X), rng.random(660) < 0.4, sw, block_rows=600)
    else:
        obj = Objective(sp.csr_matrix(X), np.arange(660) % 3, sw, n_classes=3, block_rows=600)
    theta = rng.normal(scale=0.3, size=obj.n_params)
    eps = 1e-5
    fd = [
        (obj.gradient(theta + eps * e)[i] - obj.gradient(theta - eps * e)[i]) / (2 * eps)
        for i, e in enumerate(np.eye(obj.n_params))
    ]
    diag = obj.evaluate(theta, diagonal=True).hess_diag
    np.testing.assert_allclose(diag, fd, rtol=1e-6, atol=1e-9)


def _fd_hessian(obj, theta, eps=1e-5):
    """Central differences of the gradient, column by column (symmetrised)."""
    H = np.array(
        [
            (obj.gradient(theta + eps * e) - obj.gradient(theta - eps * e)) / (2 * eps)
            for e in np.eye(obj.n_params)
        ]
    )
    return (H + H.T) / 2


@pytest.mark.parametrize("fraction", [1.0, 0.5])
def test_softmax_hessian_over_blocks_and_its_subsample(fraction):
    """K = 3, weighted, blocks of 8 rows: the Hessian is summed over every block (its
    class blocks below the diagonal too); ``hessian_fraction=0.5`` takes the first 4 rows
    of every block, reweighted: the Hessian of J over those rows alone."""
    obj, X, codes = _multinomial(n=40, block_rows=8, alpha=0.05)
    sw = obj.source.weight
    theta = np.random.default_rng(5).normal(scale=0.3, size=obj.n_params)
    rows = np.arange(40) % 8 < 8 * fraction
    sub = Objective(X[rows], codes[rows], sw[rows], n_classes=3, alpha=0.05)
    H = obj.evaluate(theta, hessian=True, hessian_fraction=fraction).hess
    np.testing.assert_allclose(H, _fd_hessian(sub, theta), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("which", [0, 1], ids=["binary", "K=3"])
def test_curvature_reads_at_most_max_rows(which):
    """``v^T H v`` from every k-th row, k = ceil(n / max_rows): by default 4,096 rows at
    most (4,097 rows: every second one), or as many as asked; the Hessian of J over
    those rows by central differences."""
    rng = np.random.default_rng(10)
    X = rng.normal(size=(4097, 3))
    sw = rng.uniform(0.5, 2.0, size=4097)
    y = np.arange(4097) % 3 if which else (rng.random(4097) < 0.4).astype(float)
    kw = dict(n_classes=3) if which else {}
    obj = Objective(X, y, sw, alpha=0.01, **kw)
    theta, v = rng.normal(scale=0.3, size=(2, obj.n_params))
    eps = 1e-5
    for max_rows, step in ((None, 2), (100, 41)):
        rows = np.arange(0, 4097, step)
        sub = Objective(X[rows], y[rows], sw[rows], alpha=0.01, **kw)
        vHv = v @ (sub.gradient(theta + eps * v) - sub.gradient(theta - eps * v)) / (2 * eps)
        got = obj.curvature(theta, v) if max_rows is None else obj.curvature(theta, v, max_rows)
        assert got == pytest.approx(vHv, rel=1e-6)


def _softmax_J(X, codes, sw, W, b):
    """The data term of J for K classes: the weighted mean cross-entropy."""
    Z = X @ W.T + b
    return float(sw @ -log_softmax(Z, axis=1)[np.arange(len(codes)), codes] / sw.sum())


def test_softmax_hessian_without_penalty_has_the_full_centring():
    """No penalty: J is flat along W_k + u for all k, and the centring term
    ``|sum_k W_k|^2 / 2K`` (with ``(sum_k b_k)^2 / 2K``) is in the Hessian."""
    obj, X, codes = _multinomial(n=40, block_rows=8)
    sw = obj.source.weight
    theta = np.random.default_rng(5).normal(scale=0.3, size=obj.n_params)
    W, b = theta[:12].reshape(3, 4), theta[12:]
    centring = 0.5 * (np.sum(W.sum(axis=0) ** 2) + b.sum() ** 2) / 3
    assert obj.loss(theta) == pytest.approx(_softmax_J(X, codes, sw, W, b) + centring, rel=1e-12)
    H = obj.evaluate(theta, hessian=True).hess
    np.testing.assert_allclose(H, _fd_hessian(obj, theta), rtol=1e-6, atol=1e-9)


def test_softmax_objective_with_a_penalty_of_its_own():
    """A penalty written to the :class:`~oneneuron.penalties.Penalty` interface (no
    ``alpha``): not zero, so only the intercepts are centred."""
    from oneneuron.penalties import Penalty

    class Quadratic(Penalty):
        def value(self, w):
            return float(np.sum(w**4))

        def gradient(self, w):
            return 4 * w**3

        def hessian_diag(self, w):
            return 12 * w**2

    X, _, sw = _binary(n=40)
    codes = np.random.default_rng(4).integers(0, 3, size=40)
    obj = Objective(X, codes, sw, n_classes=3, penalty=Quadratic())
    theta = np.random.default_rng(5).normal(scale=0.3, size=obj.n_params)
    W, b = theta[:12].reshape(3, 4), theta[12:]
    J = _softmax_J(X, codes, sw, W, b) + np.sum(W**4) + 0.5 * b.sum() ** 2 / 3
    assert obj.loss(theta) == pytest.approx(J, rel=1e-12)


def test_softmax_small_source_in_one_thread_chunks():
    """Ten classes of one feature, 30,000 rows in one block of 240 kB (under the 1 MiB of
    a small source): the passes take it in chunks small enough for one BLAS thread; J
    against its definition."""
    rng = np.random.default_rng(11)
    X = rng.normal(size=(30_000, 1))
    codes = rng.integers(0, 10, size=30_000)
    sw = rng.uniform(0.5, 2.0, size=30_000)
    obj = Objective(X, codes, sw, n_classes=10, alpha=0.1, block_rows=30_000)
    theta = rng.normal(scale=0.3, size=obj.n_params)
    W, b = theta[:10].reshape(10, 1), theta[10:]
    J = _softmax_J(X, codes, sw, W, b) + 0.05 * np.sum(W**2) + 0.5 * b.sum() ** 2 / 10
    ev = obj.evaluate(theta, hessian=True)  # the Hessian is summed without the chunks
    assert ev.loss == pytest.approx(J, rel=1e-12)
    np.testing.assert_allclose(ev.hess, _fd_hessian(obj, theta), rtol=1e-6, atol=1e-9)


def test_block_task_over_blocks_that_grow():
    """A distributed source runs :class:`BlockTask` over its chunks in one workspace
    that grows with them (chunks of 2, 3 and 9 rows, K = 3): the sums over all rows."""
    from oneneuron.data import Block
    from oneneuron.objective._blocks import BlockTask

    X, _, sw = _binary(n=14)
    codes = np.random.default_rng(4).integers(0, 3, size=14)
    W = np.random.default_rng(5).normal(scale=0.3, size=(3, 4))
    b = np.array([0.1, -0.2, 0.3])
    task = BlockTask(W, b, 0.0, 4, "<f8", outputs=3)
    edges = [0, 2, 5, 14]
    blocks = [Block(X[lo:hi], codes[lo:hi], sw[lo:hi], lo) for lo, hi in itertools.pairwise(edges)]
    t = task.run(blocks)
    Z = X @ W.T + b
    R = sw[:, None] * (np.exp(log_softmax(Z, axis=1)) - np.eye(3)[codes])
    assert t.loss == pytest.approx(_softmax_J(X, codes, sw, W, b) * sw.sum(), rel=1e-12)
    np.testing.assert_allclose(t.grad_w, R.T @ X, rtol=1e-12)
    np.testing.assert_allclose(t.grad_b, R.sum(axis=0), rtol=1e-12, atol=1e-15)
    assert t.n_correct == int(np.sum(Z.argmax(axis=1) == codes))


@pytest.mark.parametrize("sparse", [False, True])
def test_hessian_subsample_of_csr_blocks(sparse):
    """``hessian_fraction``: the first rows of every block (here 3 of 10), reweighted, for
    CSR rows as for dense ones: the Hessian of J over those rows alone."""
    X, y, sw = _binary(n=40)
    data = sp.csr_matrix(X) if sparse else X
    obj = Objective(data, y, sw, alpha=0.2, block_rows=10)
    theta = np.random.default_rng(1).normal(scale=0.4, size=5)
    rows = np.arange(40) % 10 < 3
    H = _reference_hessian(X, y, sw, theta, None, None, 0.2, rows=rows)
    got = obj.evaluate(theta, hessian=True, hessian_fraction=0.3).hess
    np.testing.assert_allclose(got, H, rtol=1e-12)


def test_batch_evaluate_is_the_batchs_estimate():
    """A mini-batch's J, gradient and accuracy: its rows' sums scaled by
    ``n / (len(rows) S)``, and the fraction of them classified right."""
    X, y, sw = _binary(n=40)
    obj = Objective(X, y, sw, alpha=0.2)
    theta = np.random.default_rng(1).normal(scale=0.4, size=5)
    rows = np.array([1, 4, 5, 11, 20, 33, 38])
    ev = obj.batch_evaluate(theta, rows)
    Xb, yb, sb = X[rows], y[rows], sw[rows]
    z = Xb @ theta[:4] + theta[4]
    scale = 40 / (len(rows) * sw.sum())
    loss = scale * sb @ (np.logaddexp(0, z) - yb * z) + 0.1 * theta[:4] @ theta[:4]
    r = sb * (expit(z) - yb)
    grad = scale * np.append(Xb.T @ r, r.sum()) + np.append(0.2 * theta[:4], 0.0)
    assert ev.loss == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(ev.grad, grad, rtol=1e-12)
    assert ev.n_samples == len(rows)
    assert ev.accuracy == np.mean((z >= 0) == (yb == 1))


@pytest.mark.parametrize("copy", ["float32-standardised", "row-scaled"])
def test_softmax_directions_read_the_block_copy(copy):
    """K = 3 classes worked in a block copy (float32 rows centred in it, or rows divided
    by powers of two): Hessian products and the curvature read the same rows as J, so
    they match central differences of its gradient."""
    X, _, sw = _binary(n=40)
    codes = np.random.default_rng(4).integers(0, 3, size=40)
    if copy == "row-scaled":
        data, kw = X, dict(scale=ROW_SCALE, row_scale=ROW_SCALE)
    else:
        data, kw = X.astype(np.float32), dict(offset=X.mean(axis=0), scale=X.std(axis=0))
    obj = Objective(data, codes, sw, alpha=0.05, n_classes=3, block_rows=8, **kw)
    rng = np.random.default_rng(3)
    theta, v = rng.normal(scale=0.3, size=(2, obj.n_params))
    eps = 1e-3 if copy == "float32-standardised" else 1e-5
    fd = (obj.gradient(theta + eps * v) - obj.gradient(theta - eps * v)) / (2 * eps)
    rtol, atol = (1e-3, 5e-5) if copy == "float32-standardised" else (1e-6, 1e-9)
    np.testing.assert_allclose(obj.hessian_product(theta)(v), fd, rtol=rtol, atol=atol)
    assert obj.curvature(theta, v) == pytest.approx(v @ fd, rel=rtol)
