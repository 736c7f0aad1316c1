"""Every data source reaches the same optimum through every solver, with every option.

Parametrised over the source registry (:data:`SOURCES`) and the solver registry
(:data:`oneneuron.solvers.SOLVERS`): a new source or solver is tested here without edits.
The reference is a tight Newton fit on the dense float64 array; scikit-learn's
newton-cholesky is the oracle for that reference.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from oneneuron import LogisticRegression, load
from oneneuron.data import make_source
from oneneuron.objective import Objective
from oneneuron.solvers import SOLVERS


def _problem(n=240, d=6, density=0.5, seed=0):
    """Features with different scales and offsets, a third of entries zero, overlapping
    classes: a unique finite optimum even with alpha=0."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * np.linspace(0.5, 4.0, d) + np.linspace(0, 3, d)
    X[rng.random((n, d)) > density + 0.3] = 0.0
    w = rng.standard_normal(d) / np.linspace(0.5, 4.0, d)
    y = (X @ w - 1.0 + rng.logistic(size=n) > 0).astype(int)
    sw = rng.uniform(0.2, 3.0, n)
    return X, y, sw


#: Source name -> X in that form. The estimator turns each into a Source.
SOURCES = {
    "dense": lambda X: np.ascontiguousarray(X),
    "dense-F": lambda X: np.asfortranarray(X),
    "float32": lambda X: X.astype(np.float32),
    "csr": lambda X: sp.csr_matrix(X),
    "csc": lambda X: sp.csc_matrix(X),
    "csr-array": lambda X: sp.csr_array(X),
    "csr-float32": lambda X: sp.csr_matrix(X.astype(np.float32)),
}
OPTIONS = {
    "plain": dict(),
    "weighted": dict(weighted=True),
    "standardize": dict(standardize=True),
    "no-intercept": dict(fit_intercept=False),
    "all": dict(weighted=True, standardize=True, alpha=0.0),
}
#: Settings that take each solver close to the optimum on this problem; gd and sgd get a
#: step of 1/L, L the largest curvature at the start (the textbook choice).
#: An exact solver not listed (a new one) gets ``tol=1e-10``.
SOLVER_SETTINGS = {
    "proxnewton": dict(tol=1e-10),  # on a smooth penalty: one CD model per step
    "gd": dict(max_iter=20000, tol=1e-8),
    "sgd": dict(batch_size=24, lr_schedule="cosine", max_iter=200, random_state=0),
}
#: Relative distance to the reference objective each kind of solver must reach.
REACH = {"exact": 1e-9, "float32": 2e-5, "gd": 1e-5, "sgd": 2e-3}


def _step(X, y, sw, alpha, opts):
    """1 / L for L the largest eigenvalue of the Hessian at zero, in the fit's coordinates."""
    offset = scale = None
    if opts.get("standardize"):
        s = np.ones(len(y)) if sw is None else sw
        offset = np.average(X, axis=0, weights=s)
        scale = np.sqrt(np.average((X - offset) ** 2, axis=0, weights=s))
    obj = Objective(
        X, y, sw, alpha=alpha, fit_intercept=opts.get("fit_intercept", True),
        offset=offset, scale=scale,
    )  # fmt: skip
    hess = obj.evaluate(np.zeros(obj.n_params), hessian=True).hess
    return 1.0 / float(np.linalg.eigvalsh(hess)[-1])


def _fit(source, option, solver):
    X, y, sw = _problem()
    opts = dict(OPTIONS[option])
    weighted = opts.pop("weighted", False)
    alpha = opts.pop("alpha", 1e-2)
    sw = sw if weighted else None
    kw = dict(SOLVER_SETTINGS.get(solver, dict(tol=1e-10)), alpha=alpha, **opts)
    if solver in ("gd", "sgd"):
        kw["learning_rate"] = _step(X, y, sw, alpha, opts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)
        model = LogisticRegression(solver=solver, **kw)
        model.fit(SOURCES[source](X), y, sample_weight=sw)
    return model, X, y, sw, alpha, opts


def _objective_at(model, X, y, sw, alpha, opts):
    """J of the model's coefficients on the dense float64 data, in its parametrisation."""
    obj = Objective(
        X,
        y,
        sw,
        alpha=alpha,
        fit_intercept=model.fit_intercept,
        offset=model.x_mean_,
        scale=model.x_scale_,
    )
    theta = obj.param.from_raw(model.coef_[0], model.intercept_[0])
    return obj.loss(theta)


@pytest.fixture(scope="module")
def references():
    """The tight dense Newton optimum per option (checked against scikit-learn below)."""
    out = {}
    for option in OPTIONS:
        model, X, y, sw, alpha, opts = _fit("dense", option, "newton")
        out[option] = _objective_at(model, X, y, sw, alpha, opts)
    return out


@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("solver", list(SOLVERS))
@pytest.mark.parametrize("source", list(SOURCES))
def test_every_source_solver_and_option_reaches_the_optimum(source, solver, option, references):
    model, X, y, sw, alpha, opts = _fit(source, option, solver)
    j = _objective_at(model, X, y, sw, alpha, opts)
    kind = "float32" if "float32" in source else solver if solver in ("gd", "sgd") else "exact"
    if kind == "float32" and solver in ("gd", "sgd"):
        kind = solver
    j_star = references[option]
    assert j >= j_star * (1 - 1e-12)  # nobody beats the optimum
    assert (j - j_star) / j_star <= REACH[kind], (j, j_star)


def test_reference_is_scikit_learns_optimum():
    X, y, sw = _problem()
    model, *_ = _fit("dense", "weighted", "newton")
    sk = SkLogisticRegression(C=1 / (1e-2 * sw.sum()), solver="newton-cholesky", tol=1e-12)
    sk.fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(model.coef_, sk.coef_, rtol=1e-6, atol=1e-8)


# --------------------------------------------------------------- the objective itself
@pytest.mark.parametrize("accelerate", [False, True])
@pytest.mark.parametrize("standardised", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("layout", ["csr", "csc", "dense-F"])
def test_objective_is_the_same_on_every_layout(layout, fit_intercept, standardised, accelerate):
    from oneneuron import _kernels

    if accelerate and not _kernels.available():
        pytest.skip("Numba is not installed")
    X, y, sw = _problem(n=97, d=5)
    kw = dict(alpha=0.3, fit_intercept=fit_intercept, block_rows=13, accelerate=accelerate)
    if standardised:
        kw.update(offset=X.mean(0), scale=X.std(0))
    dense = Objective(X, y, sw, **kw)
    other = Objective(SOURCES[layout](X), y, sw, **kw)
    theta = np.random.default_rng(1).standard_normal(dense.n_params)
    a, b = dense.evaluate(theta, hessian=True), other.evaluate(theta, hessian=True)
    assert b.loss == pytest.approx(a.loss, rel=1e-13)
    np.testing.assert_allclose(b.grad, a.grad, rtol=1e-11, atol=1e-13)
    np.testing.assert_allclose(b.hess, a.hess, rtol=1e-10, atol=1e-12)
    assert a.n_correct == b.n_correct
    v = np.random.default_rng(2).standard_normal(dense.n_params)
    np.testing.assert_allclose(other.hessian_product(theta)(v), a.hess @ v, rtol=1e-10)
    assert other.curvature(theta, v) == pytest.approx(v @ a.hess @ v, rel=1e-10)
    p = -a.grad
    assert other.line_minimum(theta, p) == pytest.approx(dense.line_minimum(theta, p), rel=1e-10)
    rows = np.array([3, 8, 40, 41, 90])
    ba, bb = dense.batch_evaluate(theta, rows), other.batch_evaluate(theta, rows)
    np.testing.assert_allclose(bb.grad, ba.grad, rtol=1e-11, atol=1e-13)


def test_standardisation_as_change_of_parameters_is_the_model_on_standardised_data():
    """theta on raw X with (offset, scale) == theta on the standardised copy of X."""
    X, y, sw = _problem(n=80, d=4)
    m, s = X.mean(0), X.std(0)
    theta = np.random.default_rng(3).standard_normal(5)
    mapped = Objective(X, y, sw, alpha=0.2, offset=m, scale=s).evaluate(theta, hessian=True)
    copied = Objective((X - m) / s, y, sw, alpha=0.2).evaluate(theta, hessian=True)
    assert mapped.loss == pytest.approx(copied.loss, rel=1e-13)
    np.testing.assert_allclose(mapped.grad, copied.grad, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(mapped.hess, copied.hess, rtol=1e-10, atol=1e-14)


# ------------------------------------------------------------------------ sparse input
def test_sparse_is_never_densified(monkeypatch):
    X, y, sw = _problem(n=300, d=40, density=0.05)
    big = X.size
    for cls in (sp.csr_matrix, sp.csc_matrix, sp.csr_array, sp.csc_array):
        for method in ("toarray", "todense"):
            original = getattr(cls, method)

            def refuse(self, *args, _original=original, **kwargs):
                if self.shape[0] * self.shape[1] >= big:
                    raise AssertionError(f"densified a {self.shape} sparse matrix")
                return _original(self, *args, **kwargs)

            monkeypatch.setattr(cls, method, refuse)
    for layout in ("csr", "csc"):
        for solver in SOLVERS:
            Xs = sp.csr_matrix(X) if layout == "csr" else sp.csc_matrix(X)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                m = LogisticRegression(solver=solver, standardize=True, max_iter=5, random_state=0)
                m.fit(Xs, y, sample_weight=sw)
            m.predict_proba(Xs)
            m.partial_fit(Xs, y, sample_weight=sw)
            m.score(Xs, y)


@pytest.mark.parametrize("fmt", ["coo", "lil", "dok", "bsr", "dia"])
def test_other_sparse_formats_are_converted_once(fmt):
    X, y, _ = _problem(n=60, d=4)
    dense = LogisticRegression(tol=1e-10).fit(X, y)
    other = LogisticRegression(tol=1e-10).fit(sp.csr_matrix(X).asformat(fmt), y)
    np.testing.assert_allclose(other.coef_, dense.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        other.predict_proba(sp.csr_matrix(X).asformat(fmt)), dense.predict_proba(X), rtol=1e-9
    )


def test_pandas_sparse_frame_trains_like_dense():
    X, y, _ = _problem(n=60, d=4)
    frame = pd.DataFrame(X, columns=list("abcd")).astype(pd.SparseDtype(float, 0.0))
    m = LogisticRegression(tol=1e-10).fit(frame, y)
    d = LogisticRegression(tol=1e-10).fit(pd.DataFrame(X, columns=list("abcd")), y)
    np.testing.assert_allclose(m.coef_, d.coef_, rtol=1e-9)
    assert list(m.feature_names_in_) == list("abcd")


@pytest.mark.parametrize("layout", ["csr", "csc"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_in_stored_values_is_named(layout, bad):
    X, y, _ = _problem(n=50, d=5)
    X[[7, 30], 3] = 1.0
    X[30, 3] = bad
    X[40, 4] = bad
    Xs = SOURCES[layout](X)
    word = "NaN" if np.isnan(bad) else "inf"
    with pytest.raises(ValueError, match=rf"{word} in column 3 \(first at row 30\)"):
        LogisticRegression().fit(Xs, y)
    fitted = LogisticRegression().fit(np.nan_to_num(X, nan=0.0, posinf=0.0), y)
    with pytest.raises(ValueError, match=rf"{word} in column 3"):
        fitted.predict(Xs)


def test_integer_sparse_data_work():
    X, y, _ = _problem(n=80, d=4)
    Xi = np.rint(X).astype(np.int64)
    a = LogisticRegression(tol=1e-10).fit(sp.csr_matrix(Xi), y)
    b = LogisticRegression(tol=1e-10).fit(Xi.astype(float), y)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-9)


def test_sparse_and_dense_give_the_same_model_file(tmp_path):
    X, y, sw = _problem()
    files = []
    for name, Xs in (("dense", X), ("sparse", sp.csr_matrix(X))):
        m = LogisticRegression(standardize=True, tol=1e-10).fit(Xs, y, sample_weight=sw)
        files.append(m.save(tmp_path / f"{name}.json"))
    a, b = (load(f) for f in files)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-9)
    np.testing.assert_allclose(a.x_scale_, b.x_scale_, rtol=1e-12)
    np.testing.assert_allclose(b.predict_proba(sp.csr_matrix(X)), a.predict_proba(X), rtol=1e-9)


def test_malformed_sparse_structure_is_refused():
    X = sp.csr_matrix(np.eye(4))
    X.indices = X.indices.copy()
    X.indices[2] = 99  # points outside the matrix: the kernel would read out of bounds
    with pytest.raises(ValueError, match="malformed"):
        make_source(X, np.array([0, 1, 0, 1]))


def test_float32_sparse_stays_float32_and_agrees():
    X, y, sw = _problem()
    s32 = make_source(sp.csr_matrix(X.astype(np.float32)), y, sw)
    assert s32.dtype == np.float32 and s32.sparse
    theta = np.random.default_rng(0).standard_normal(X.shape[1] + 1) * 0.1
    a = Objective(s32, alpha=0.1).evaluate(theta)
    b = Objective(X, y, sw, alpha=0.1).evaluate(theta)
    assert a.loss == pytest.approx(b.loss, rel=1e-6)
    np.testing.assert_allclose(a.grad, b.grad, rtol=1e-4, atol=1e-6)


def test_newton_refuses_a_hessian_too_large_to_hold():
    X = sp.random(20, 6000, density=0.01, format="csr", random_state=0)
    y = np.arange(20) % 2
    with pytest.raises(ValueError, match=r"6001 x 6001 Hessian.*solver='lbfgs'"):
        LogisticRegression(solver="newton").fit(X, y)
    assert LogisticRegression(max_iter=5).fit(X, y).solver_ == "lbfgs"


def test_partitions_cover_every_row_once():
    X, y, _ = _problem(n=1003, d=3)
    for layout in ("dense", "csr"):
        source = make_source(SOURCES[layout](X), y, block_rows=10)
        for k in (1, 2, 3, 7):
            starts = [(b.start, b.n_rows) for part in source.partitions(k) for b in part()]
            covered = list(itertools.chain.from_iterable(range(s, s + m) for s, m in starts))
            assert covered == list(range(1003))


@pytest.mark.parametrize("square_rows", [4096, 4])  # 4: a block squared in pieces
@pytest.mark.parametrize("standardised", [False, True])
@pytest.mark.parametrize("layout", ["dense", "csr", "csc", "float32"])
def test_hessian_diagonal_comes_with_the_pass(layout, standardised, square_rows, monkeypatch):
    from oneneuron.objective import _blocks

    monkeypatch.setattr(_blocks, "SQUARE_ROWS", square_rows)
    X, y, sw = _problem(n=97, d=5)
    kw = dict(alpha=0.3, block_rows=13)
    if standardised:
        kw.update(offset=X.mean(0), scale=X.std(0))
    obj = Objective(SOURCES[layout](X), y, sw, **kw)
    theta = np.random.default_rng(1).standard_normal(obj.n_params)
    full = obj.evaluate(theta, hessian=True)
    ev = obj.evaluate(theta, diagonal=True)
    rtol = 1e-5 if layout == "float32" else 1e-10
    np.testing.assert_allclose(ev.hess_diag, np.diag(full.hess), rtol=rtol)
    assert ev.loss == pytest.approx(full.loss, rel=rtol)


def test_csr_blocks_share_the_matrix_values_and_indices():
    """A CSR block is a view (scipy's row slicing, and its constructor's prune, copy)."""
    X, y, _ = _problem(n=400, d=6)
    Xs = sp.csr_matrix(np.where(np.abs(X) > 0.5, X, 0.0))
    source = make_source(Xs, y, block_rows=37)
    blocks = list(source.blocks())
    assert len(blocks) == 11
    for b in blocks:
        assert np.shares_memory(b.X.data, Xs.data) and np.shares_memory(b.X.indices, Xs.indices)
    np.testing.assert_array_equal(sp.vstack([b.X for b in blocks]).toarray(), Xs.toarray())


def test_a_csr_blocks_transpose_shares_its_arrays():
    """``X.T @ v`` of a CSR block: scipy's ``.T`` copies a row view (its constructor's
    prune); the block path's transpose shares the arrays and gives the same product."""
    from oneneuron.data._arrays import csr_rows_view, csr_transposed

    X, _, _ = _problem(n=400, d=6)
    Xs = sp.csr_matrix(np.where(np.abs(X) > 0.5, X, 0.0))
    block = csr_rows_view(Xs, 100, 130)
    T = csr_transposed(block)
    assert T.format == "csc" and T.shape == (6, 30)
    assert np.shares_memory(T.data, Xs.data) and np.shares_memory(T.indices, Xs.indices)
    v = np.random.default_rng(0).standard_normal(30)
    np.testing.assert_allclose(T @ v, Xs[100:130].toarray().T @ v, rtol=1e-13)
