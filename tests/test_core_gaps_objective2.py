"""Gaps in the objective's tests found by mutation testing of its block sums, passes,
workspaces, evaluations and the objective itself (docs/testing.md, "Mutation testing",
fifth part): each test holds a path the other tests did not reach to its definition,
written the obvious way here in float64 (NumPy, SciPy), or to finite differences."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit

from oneneuron import _kernels
from oneneuron.data import ArraySource, Block
from oneneuron.objective import Objective
from oneneuron.objective._blocks import BlockTask

#: The compiled kernels (when Numba is installed) and the NumPy path.
KERNEL = [False, *([True] if _kernels.available() else [])]
needs_numba = pytest.mark.skipif(not _kernels.available(), reason="Numba is not installed")


def _data(n=41, d=4, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * [1.0, 3.0, 0.5, 2.0][:d] + [0.5, 2.0, -1.0, 4.0][:d]
    X[rng.random((n, d)) < 0.3] = 0.0  # zeros, so that sparse copies are sparse
    y = (rng.random(n) < 0.45).astype(float)
    sw = rng.uniform(0.2, 2.5, n)
    return X.astype(dtype), y, sw


def _sums(X, y, sw, w, b, z_threshold=0.0):
    """The unnormalised block sums, the obvious way in float64: loss, gradient (w, b),
    correct predictions, ``[X 1]^T diag(s h) [X 1]`` and the diagonal's raw sums."""
    X = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    s = np.ones(len(y)) if sw is None else np.asarray(sw, dtype=np.float64)
    z = X @ np.asarray(w, dtype=np.float64) + b
    p = expit(z)
    r = s * (p - y)
    h = s * p * (1 - p)
    A = np.column_stack([X, np.ones(len(y))])
    return {
        "loss": float(s @ (np.logaddexp(0.0, z) - y * z)),
        "grad_w": X.T @ r,
        "grad_b": float(r.sum()),
        "n_correct": int(np.sum((z >= z_threshold) == (y == 1))),
        "hess": A.T @ (h[:, None] * A),
        "diag": (h @ X**2, h @ X, float(h.sum())),
    }


def _reference(X, y, sw, theta, alpha=0.0, offset=None, scale=None, intercept=True):
    """J, its gradient and Hessian (and the Hessian's diagonal) in theta's coordinates,
    for the model on ``(X - offset) / scale``."""
    X = np.asarray(X.toarray() if sp.issparse(X) else X, dtype=np.float64)
    Xt = (X - (0.0 if offset is None else offset)) / (1.0 if scale is None else scale)
    d = X.shape[1]
    b = theta[d] if intercept else 0.0
    t = _sums(Xt, y, sw, theta[:d], b)
    S = len(y) if sw is None else float(np.sum(sw))
    p = d + int(intercept)
    w = theta[:d]
    grad = np.append(t["grad_w"], t["grad_b"])[:p] / S
    grad[:d] += alpha * w
    hess = t["hess"][:p, :p] / S
    hess[np.arange(d), np.arange(d)] += alpha
    return {
        "loss": t["loss"] / S + 0.5 * alpha * w @ w,
        "grad": grad,
        "hess": hess,
        "n_correct": t["n_correct"],
    }


def _check(ev, ref, rtol=1e-11):
    assert ev.loss == pytest.approx(ref["loss"], rel=rtol)
    np.testing.assert_allclose(ev.grad, ref["grad"], rtol=rtol, atol=rtol * 1e-3)
    assert ev.n_correct == ref["n_correct"]
    if ev.hess is not None:
        np.testing.assert_allclose(ev.hess, ref["hess"], rtol=rtol, atol=rtol * 1e-3)
    if ev.hess_diag is not None:
        np.testing.assert_allclose(ev.hess_diag, np.diag(ref["hess"]), rtol=rtol)


def _sparse(X, layout):
    return {"dense": X, "csr": sp.csr_matrix(X), "csc": sp.csc_matrix(X)}[layout]


def _assert_sums(terms, ref, rtol=1e-11, hessian=False, diagonal=False):
    assert terms.loss == pytest.approx(ref["loss"], rel=rtol)
    np.testing.assert_allclose(terms.grad_w, ref["grad_w"], rtol=rtol, atol=1e-12)
    assert terms.grad_b == pytest.approx(ref["grad_b"], rel=rtol, abs=1e-12)
    assert terms.n_correct == ref["n_correct"]
    if hessian:
        np.testing.assert_allclose(terms.hess, ref["hess"], rtol=rtol, atol=1e-12)
    if diagonal:
        for got, want in zip(terms.diag, ref["diag"], strict=True):
            np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("layout", ["dense", "csr", "csc"])
@pytest.mark.parametrize("kernel", KERNEL)
@pytest.mark.parametrize("diagonal", [False, True])
def test_block_task_sums_blocks_that_grow_in_one_workspace(layout, kernel, diagonal):
    """Blocks of 2, 3 and 12 rows (the last one denser: more than 1024 stored values)
    summed in one workspace sized for them all, whose reused buffers (the squared rows of
    the diagonal) must grow with the blocks; by the compiled kernel too (CSR rows, a CSC
    block on the SciPy path, the dense kernel's diagonal), and without a workspace."""
    rng = np.random.default_rng(5)
    d = 4 if layout == "dense" else 120
    X = rng.normal(size=(17, d))
    X[:5][rng.random((5, d)) < 0.97] = 0.0  # the first blocks nearly empty
    y = (rng.random(17) < 0.5).astype(float)
    sw = rng.uniform(0.2, 2.0, 17)
    w, b = rng.normal(scale=0.3, size=d), 0.4
    cuts = [(0, 2), (2, 5), (5, 17)]
    blocks = [Block(_sparse(X[lo:hi], layout), 1.0 - 2.0 * y[lo:hi], sw[lo:hi]) for lo, hi in cuts]
    task = BlockTask(w, b, 0.2, d, "<f8", hessian=True, kernel=kernel, diagonal=diagonal)
    ref = _sums(X, y, sw, w, b, z_threshold=0.2)
    _assert_sums(task.run(blocks, task.workspace(12)), ref, hessian=True, diagonal=diagonal)
    _assert_sums(task.run(blocks), ref, hessian=True, diagonal=diagonal)


@pytest.mark.parametrize("layout", ["dense", "csr", "csc"])
def test_hessian_diagonal_of_a_block_squared_in_several_chunks(layout):
    """The diagonal's squares are taken a chunk of rows at a time (4096 dense rows, about
    64K stored values): a block of 5,000 rows with 40 values a row needs two chunks."""
    rng = np.random.default_rng(6)
    n, d = 5000, 3 if layout == "dense" else 50
    X = rng.normal(size=(n, d))
    if layout != "dense":
        X[rng.random((n, d)) < 0.2] = 0.0
    y = (rng.random(n) < 0.5).astype(float)
    theta = rng.normal(scale=0.2, size=d + 1)
    obj = Objective(_sparse(X, layout), y, block_rows=n, alpha=0.1)
    ev = obj.evaluate(theta, diagonal=True)
    ref = _reference(X, y, None, theta, alpha=0.1)
    np.testing.assert_allclose(ev.hess_diag, np.diag(ref["hess"]), rtol=1e-11)


def test_float32_rows_centred_in_a_block_copy_of_uneven_blocks():
    """float32 rows standardised in a block copy, 41 rows in blocks of 8: the last block
    (one row) reads only its own rows of the copy."""
    X, y, sw = _data(n=41)
    X32 = X.astype(np.float32)
    offset, scale = X32.mean(axis=0, dtype=np.float64), X32.std(axis=0, dtype=np.float64)
    obj = Objective(X32, y, sw, offset=offset, scale=scale, block_rows=8, alpha=0.1)
    theta = np.random.default_rng(1).normal(scale=0.5, size=obj.n_params)
    ref = _reference(X32, y, sw, theta, alpha=0.1, offset=offset, scale=scale)
    ev = obj.evaluate(theta, hessian=True)
    assert ev.loss == pytest.approx(ref["loss"], rel=1e-6)
    np.testing.assert_allclose(ev.grad, ref["grad"], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ev.hess, ref["hess"], rtol=1e-4, atol=1e-6)


class _Remote(ArraySource):
    """A source that computes a pass's sums itself, as a cluster does: the task travels
    (pickled) and runs over the blocks without a workspace of the objective's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tasks = []

    def reduce(self, task):
        task = pickle.loads(pickle.dumps(task))
        self.tasks.append(task)
        return task.run(self.blocks())


@pytest.mark.parametrize("kernel", KERNEL)
def test_a_source_that_sums_its_own_blocks(kernel):
    """The objective hands a source that computes sums where its data live (Dask) a task
    that runs without the objective's workspaces: the same J, gradient, Hessian (in
    standardised coordinates, subsampled as in memory) and diagonal as a pass of its own."""
    X, y, sw = _data(n=41)
    offset, scale = X.mean(axis=0), X.std(axis=0)
    source = _Remote(X, 1.0 - 2.0 * y, sw, block_rows=8)
    kw = dict(offset=offset, scale=scale, alpha=0.1, accelerate=kernel)
    obj = Objective(source, **kw)
    theta = np.random.default_rng(2).normal(scale=0.5, size=obj.n_params)
    ref = _reference(X, y, sw, theta, alpha=0.1, offset=offset, scale=scale)
    ev = obj.evaluate(theta, hessian=True, diagonal=True)
    _check(ev, ref)
    assert source.tasks[-1].hessian and source.tasks[-1].diagonal
    # the subsample: the first half of each block's rows, reweighted (as in-memory)
    local = Objective(X, y, sw, block_rows=8, **kw)
    half = obj.evaluate(theta, hessian=True, hessian_fraction=0.5)
    np.testing.assert_allclose(
        half.hess, local.evaluate(theta, hessian=True, hessian_fraction=0.5).hess, rtol=1e-12
    )
    assert source.tasks[-1].hessian_rows == 4


def test_a_source_that_sums_its_own_blocks_of_k_classes():
    """The same for K = 3 outputs: the task says how many (the workspace's shapes)."""
    X, _, sw = _data(n=41)
    codes = np.random.default_rng(4).integers(0, 3, size=41)
    source = _Remote(X, codes, sw, block_rows=8, n_classes=3)
    obj = Objective(source, alpha=0.1)
    local = Objective(X, codes, sw, alpha=0.1, n_classes=3, block_rows=8)
    theta = np.random.default_rng(2).normal(scale=0.5, size=obj.n_params)
    a, b = obj.evaluate(theta, hessian=True), local.evaluate(theta, hessian=True)
    assert len(source.tasks) == 1
    assert a.loss == pytest.approx(b.loss, rel=1e-13)
    np.testing.assert_allclose(a.grad, b.grad, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(a.hess, b.hess, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("layout", ["dense", "csr"])
@pytest.mark.parametrize("n_threads", [2, 3])
def test_partitions_read_by_threads_add_up(layout, n_threads):
    """A pass over several partitions (one thread each) sums every one of them."""
    X, y, sw = _data(n=41)
    obj = Objective(_sparse(X, layout), y, sw, alpha=0.1, block_rows=5, n_threads=n_threads)
    assert len(obj.source.partitions(n_threads)) == n_threads
    theta = np.random.default_rng(2).normal(scale=0.5, size=obj.n_params)
    _check(obj.evaluate(theta, hessian=True, diagonal=True), _reference(X, y, sw, theta, 0.1))


def test_hessian_subsample_needs_several_blocks():
    """``hessian_fraction`` takes the first rows of every block; with every row in one
    block there is no spread-out subsample, and the Hessian is the full one."""
    X, y, sw = _data(n=41)
    theta = np.random.default_rng(2).normal(scale=0.5, size=5)
    ref = _reference(X, y, sw, theta, 0.1)
    for block_rows in (None, 41, 100):
        obj = Objective(X, y, sw, alpha=0.1, block_rows=block_rows)
        ev = obj.evaluate(theta, hessian=True, hessian_fraction=0.3)
        np.testing.assert_allclose(ev.hess, ref["hess"], rtol=1e-12)


def test_hessian_subsample_of_one_row_per_block():
    """A fraction of a block below one row keeps one row of each block, reweighted."""
    X, y, sw = _data(n=41)
    theta = np.random.default_rng(2).normal(scale=0.5, size=5)
    obj = Objective(X, y, sw, alpha=0.1, block_rows=3)
    ev = obj.evaluate(theta, hessian=True, hessian_fraction=0.2)  # ceil(0.6) = 1 row
    rows = np.arange(41) % 3 == 0
    Xt = X[rows]
    z = Xt @ theta[:4] + theta[4]
    h = sw[rows] * expit(z) * (1 - expit(z))
    A = np.column_stack([Xt, np.ones(rows.sum())])
    H = A.T @ (h[:, None] * A) / sw[rows].sum() + np.diag([0.1] * 4 + [0.0])
    np.testing.assert_allclose(ev.hess, H, rtol=1e-12)
    np.testing.assert_allclose(ev.grad, _reference(X, y, sw, theta, 0.1)["grad"], rtol=1e-12)


def test_a_mini_batch_takes_no_hessian():
    """A mini-batch's evaluation is J and its gradient only (sgd's cost per step)."""
    X, y, sw = _data(n=41)
    obj = Objective(X, y, sw, alpha=0.1, block_rows=8)
    theta = np.random.default_rng(2).normal(scale=0.5, size=5)
    ev = obj.batch_evaluate(theta, np.arange(3, 20))
    assert ev.hess is None and ev.hess_diag is None


@pytest.mark.parametrize("layout", ["dense", "csr"])
def test_columns_beyond_2_to_the_500_are_worked_divided_by_their_row_scale(layout):
    """Columns of magnitude 2^600 and 2^-600, standardised: their squares would overflow
    or underflow, so every block is divided by the powers of two first (in a copy); the
    Hessian and its diagonal in theta's coordinates are those of the standardised rows."""
    X, y, sw = _data(n=41)
    c = np.array([2.0**600, 1.0, 2.0**-600, 1.0])
    Xc = X * c
    offset, scale = X.mean(axis=0) * c, X.std(axis=0) * c  # exact: powers of two
    obj = Objective(_sparse(Xc, layout), y, sw, alpha=0.1, offset=offset, scale=scale, row_scale=c)
    theta = np.random.default_rng(2).normal(scale=0.5, size=obj.n_params)
    ref = _reference(X, y, sw, theta, alpha=0.1, offset=offset / c, scale=scale / c)
    _check(obj.evaluate(theta, hessian=True, diagonal=True), ref, rtol=1e-10)


def test_float32_rows_only_centred_in_a_block_copy():
    """float32 rows with an offset and no scale: the block copy only subtracts it."""
    X, y, sw = _data(n=41)
    X32 = X.astype(np.float32)
    offset = X32.mean(axis=0, dtype=np.float64)
    obj = Objective(X32, y, sw, offset=offset, alpha=0.1)
    theta = np.random.default_rng(1).normal(scale=0.5, size=obj.n_params)
    ref = _reference(X32, y, sw, theta, alpha=0.1, offset=offset)
    ev = obj.evaluate(theta, hessian=True)
    assert ev.loss == pytest.approx(ref["loss"], rel=1e-6)
    np.testing.assert_allclose(ev.grad, ref["grad"], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ev.hess, ref["hess"], rtol=1e-4, atol=1e-6)


def test_the_hessian_diagonal_only_when_asked_for():
    """``hess_diag`` (and a block's diagonal sums) come only with ``diagonal=True``:
    binary and K = 3 evaluations, and the sums of one block (``block_terms``)."""
    from oneneuron.objective import block_terms

    X, y, sw = _data(n=41)
    codes = np.random.default_rng(4).integers(0, 3, size=41)
    for obj in (Objective(X, y, sw), Objective(X, codes, sw, n_classes=3)):
        theta = np.zeros(obj.n_params)
        plain = obj.evaluate(theta)
        assert plain.hess is None and plain.hess_diag is None
        assert obj.evaluate(theta, hessian=True).hess_diag is None
        assert obj.evaluate(theta, diagonal=True).hess_diag is not None
    t = block_terms(X, 1.0 - 2.0 * y, sw, np.zeros(4), 0.0, z_threshold=0.0, hessian=True)
    assert t.diag is None and t.hess is not None


def _subsample_hessian(X, y, sw, theta, rows, alpha):
    """The Hessian of the rows in ``rows`` reweighted to all of S (penalty added)."""
    z = X @ theta[:-1] + theta[-1]
    h = np.where(rows, sw * expit(z) * (1 - expit(z)), 0.0)
    A = np.column_stack([X, np.ones(len(y))])
    S, Sr = sw.sum(), sw[rows].sum()
    H = A.T @ (h[:, None] * A) / S * (S / Sr if Sr > 0 else 1.0)
    return H + np.diag([alpha] * X.shape[1] + [0.0])


def test_hessian_subsample_of_weights_summing_below_one():
    """The subsample is reweighted by S / S_sub even when S_sub is below 1."""
    X, y, sw = _data(n=41)
    sw = sw * 1e-3
    theta = np.random.default_rng(2).normal(scale=0.5, size=5)
    obj = Objective(X, y, sw, alpha=0.1, block_rows=8)
    ev = obj.evaluate(theta, hessian=True, hessian_fraction=0.5)
    rows = np.arange(41) % 8 < 4
    np.testing.assert_allclose(ev.hess, _subsample_hessian(X, y, sw, theta, rows, 0.1), rtol=1e-11)


def test_hessian_subsample_of_rows_without_weight_stays_finite():
    """A subsample whose rows all weigh 0 has no curvature to rescale: the penalty's."""
    X, y, sw = _data(n=41)
    sw = np.where(np.arange(41) % 8 < 4, 0.0, sw)
    theta = np.random.default_rng(2).normal(scale=0.5, size=5)
    obj = Objective(X, y, sw, alpha=0.1, block_rows=8)
    ev = obj.evaluate(theta, hessian=True, hessian_fraction=0.5)
    np.testing.assert_array_equal(ev.hess, np.diag([0.1] * 4 + [0.0]))


@pytest.mark.parametrize("layout", ["dense", "csr"])
@pytest.mark.parametrize("moments", ["offset", "scale", "both"])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_hessian_diagonal_in_theta_coordinates(layout, moments, fit_intercept):
    """The diagonal formed from a pass's raw sums (``sum s h x^2``, ``sum s h x``,
    ``sum s h``) is the full Hessian's, with the centring and scaling of the change of
    parameters and with or without an intercept."""
    X, y, sw = _data(n=41)
    offset = X.mean(axis=0) if moments != "scale" else None
    scale = X.std(axis=0) if moments != "offset" else None
    obj = Objective(
        _sparse(X, layout), y, sw, alpha=0.1, offset=offset, scale=scale,
        fit_intercept=fit_intercept, block_rows=8,
    )  # fmt: skip
    theta = np.random.default_rng(2).normal(scale=0.5, size=obj.n_params)
    ref = _reference(X, y, sw, theta, 0.1, offset, scale, intercept=fit_intercept)
    ev = obj.evaluate(theta, diagonal=True)
    assert ev.hess_diag.shape == (obj.n_params,)
    np.testing.assert_allclose(ev.hess_diag, np.diag(ref["hess"]), rtol=1e-11)


@pytest.mark.parametrize("with_scale", [True, False])
def test_float32_rows_far_from_zero_are_centred_before_the_product(with_scale):
    """float32 columns around 30,000 with a spread of about 1: ``x . w_raw + b_raw`` in
    float32 would lose the logit to cancellation (errors of 1e-3), so the rows are
    centred in a block copy first: J to float32's precision of the centred rows."""
    rng = np.random.default_rng(7)
    X32 = (rng.normal(size=(41, 4)) * [1.0, 3.0, 0.5, 2.0] + 3e4).astype(np.float32)
    y = (rng.random(41) < 0.45).astype(float)
    offset = X32.mean(axis=0, dtype=np.float64)
    scale = X32.std(axis=0, dtype=np.float64) if with_scale else None
    obj = Objective(X32, y, offset=offset, scale=scale, alpha=0.1, block_rows=8)
    theta = rng.normal(scale=0.5, size=obj.n_params)
    ref = _reference(X32, y, None, theta, alpha=0.1, offset=offset, scale=scale)
    ev = obj.evaluate(theta)
    assert ev.loss == pytest.approx(ref["loss"], rel=1e-6)
    np.testing.assert_allclose(ev.grad, ref["grad"], rtol=1e-4, atol=1e-5)


def test_the_data_are_checked_for_nan_only_when_asked():
    """``check_finite`` is the caller's choice (the estimator checks once, up front): by
    default a NaN in X makes J NaN instead of an error at construction."""
    X, y, _ = _data(n=41)
    X[5, 2] = np.nan
    obj = Objective(X, y, accelerate=False)
    with np.errstate(invalid="ignore"):
        assert np.isnan(obj.loss(np.full(5, 0.1)))
    with pytest.raises(ValueError, match="NaN"):
        Objective(X, y, check_finite=True, accelerate=False)


def test_remembering_keeps_one_evaluation_for_the_same_point_and_options():
    """Inside ``remembering()``, the last evaluation is returned (once) by the next
    evaluate at the same theta with the same options, and by no other."""
    X, y, sw = _data(n=41)
    obj = Objective(X, y, sw, alpha=0.1)
    t1, t2 = np.full(5, 0.1), np.full(5, 0.2)
    first = obj.evaluate(t1)
    assert obj.evaluate(t1) is not first  # nothing kept unless asked
    with obj.remembering():
        a = obj.evaluate(t1)
    assert obj.evaluate(t1.copy()) is a  # once, then gone
    again = obj.evaluate(t1)
    assert again is not a and again.loss == a.loss
    for other in (
        lambda: obj.evaluate(t2),
        lambda: obj.evaluate(t1, hessian=True),
        lambda: obj.evaluate(t1, hessian=True, hessian_fraction=0.5),
        lambda: obj.evaluate(t1, diagonal=True),
    ):
        with obj.remembering():
            a = obj.evaluate(t1)
        b = other()
        assert b is not a
    with obj.remembering():
        a = obj.evaluate(t1, hessian=True)
    assert obj.evaluate(t2).loss == pytest.approx(_reference(X, y, sw, t2, 0.1)["loss"])
    assert obj.evaluate(t1, hessian=True) is not a  # forgotten by the evaluation between
    b = obj.evaluate(t1)
    assert obj.evaluate(t1) is not b  # outside remembering(): nothing kept


class _Counted(ArraySource):
    """An array source that counts its NaN/inf checks."""

    checks = 0

    def check_finite(self):
        type(self).checks += 1
        super().check_finite()


@pytest.mark.parametrize("kernel", KERNEL)
@pytest.mark.parametrize("check_finite", [False, True])
def test_the_nan_check_runs_once_or_never(kernel, check_finite):
    """``check_finite``: one check (at construction, or with the compiled kernel, none at
    all once the first full pass came out finite); without it none, mini-batches too."""
    X, y, sw = _data(n=41)
    theta = np.full(5, 0.1)
    for batch_first in (False, True):
        _Counted.checks = 0
        source = _Counted(X, 1.0 - 2.0 * y, sw, block_rows=8)
        obj = Objective(source, check_finite=check_finite, accelerate=kernel)
        if batch_first:  # a mini-batch cannot tell: the check runs before it
            obj.batch_evaluate(theta, np.arange(10))
        obj.evaluate(theta)
        obj.evaluate(theta, hessian=True)
        obj.batch_evaluate(theta, np.arange(10, 20))
        deferred = kernel and not batch_first
        assert _Counted.checks == (1 if check_finite and not deferred else 0)


def test_an_evaluation_counts_its_samples_and_accuracy():
    X, y, sw = _data(n=41)
    obj = Objective(X, y, sw, block_rows=8)
    theta = np.random.default_rng(2).normal(scale=0.5, size=5)
    ev = obj.evaluate(theta)
    ref = _reference(X, y, sw, theta)
    assert ev.n_samples == 41 and ev.n_correct == ref["n_correct"]
    assert ev.accuracy == ref["n_correct"] / 41


def test_softmax_hessian_of_standardised_rows_is_in_theta_coordinates():
    """K = 3 on dense rows standardised by the change of parameters: the Hessian of a
    pass (built on the standardised rows) matches central differences of the gradient."""
    X, _, sw = _data(n=41)
    codes = np.random.default_rng(4).integers(0, 3, size=41)
    obj = Objective(
        X, codes, sw, alpha=0.05, n_classes=3, offset=X.mean(axis=0), scale=X.std(axis=0),
        block_rows=8,
    )  # fmt: skip
    theta = np.random.default_rng(3).normal(scale=0.3, size=obj.n_params)
    H = obj.evaluate(theta, hessian=True).hess
    eps = 1e-5
    fd = np.array(
        [
            (obj.gradient(theta + eps * e) - obj.gradient(theta - eps * e)) / (2 * eps)
            for e in np.eye(obj.n_params)
        ]
    )
    np.testing.assert_allclose(H, fd, rtol=1e-6, atol=1e-8)


def test_sparse_sources_are_read_in_threads_from_a_smaller_size(monkeypatch):
    """A sparse pass costs more per byte than a dense one (gathers and scatters), so its
    threads start at PARALLEL_MIN_BYTES_SPARSE, below the dense PARALLEL_MIN_BYTES."""
    from oneneuron.objective import _objective, _parallel

    monkeypatch.setattr(_objective, "num_threads", lambda: 2)
    X = sp.random(4000, 300, density=0.5, format="csr", random_state=0)  # about 7 MB
    y = np.arange(4000) % 2
    sparse_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    assert _parallel.PARALLEL_MIN_BYTES_SPARSE < sparse_bytes * 2 < _parallel.PARALLEL_MIN_BYTES
    dense = X.toarray()
    monkeypatch.setattr(_objective, "PARALLEL_MIN_BYTES_SPARSE", sparse_bytes)
    monkeypatch.setattr(_objective, "PARALLEL_MIN_BYTES", dense.nbytes + 1)
    assert Objective(X, y).n_threads == 2
    assert Objective(dense, y).n_threads == 1
    monkeypatch.setattr(_objective, "PARALLEL_MIN_BYTES_SPARSE", sparse_bytes + 1)
    assert Objective(X, y).n_threads == 1
