"""Extreme but finite numbers: features, weights and predictions of any finite magnitude.

The oracle is scale equivariance: the optimum of J on columns scaled by ``s`` is the
optimum on the unscaled columns with coefficients divided by ``s`` (with ``alpha=0``, or
the penalty scaled to match). pytest turns every RuntimeWarning into an error, and the
fits below also turn ConvergenceWarning into one.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from oneneuron import LogisticRegression, _scaling
from oneneuron.data import scan_csv


@pytest.fixture(scope="module")
def data(small):
    X, y = small
    return X[:, :3].copy(), y


def _fit(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        return LogisticRegression(alpha=0.0, **params).fit(X, y)


def _same(model, reference, scale, rtol=1e-4):
    """``model`` fitted on columns times ``scale`` is ``reference`` in the user's units."""
    np.testing.assert_allclose(model.coef_[0] * scale, reference.coef_[0], rtol=rtol, atol=1e-5)
    np.testing.assert_allclose(model.intercept_, reference.intercept_, rtol=rtol, atol=1e-5)


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e-12, 1e-5, 1e12, 1e160, 1e300])
def test_exact_solvers_give_the_model_of_the_rescaled_data(data, solver, scale):
    X, y = data
    reference = _fit(X, y, solver=solver, tol=1e-10)
    model = _fit(X * scale, y, solver=solver, tol=1e-10)
    assert model.converged_
    _same(model, reference, scale)


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_columns_of_opposite_extremes_and_the_largest_floats(data, solver):
    X, y = data
    reference = _fit(X, y, solver=solver, tol=1e-10)
    scale = np.array([1e200, 1e-200, 1.0])
    _same(_fit(X * scale, y, solver=solver, tol=1e-10), reference, scale)
    top = np.finfo(np.float64).max / np.abs(X).max(axis=0)  # values up to 1.8e308
    _same(_fit(X * top, y, solver=solver, tol=1e-10), reference, top)


@pytest.mark.parametrize("scale", [1e154, 1e200, 1e300])
@pytest.mark.parametrize("solver", ["newton", "lbfgs", "gd"])
def test_standardize_on_huge_columns(data, scale, solver):
    X, y = data
    params = dict(standardize=True, solver=solver, alpha=1e-3)
    if solver == "gd":
        params.update(learning_rate=1.0, max_iter=3000, tol=1e-7)
    reference = LogisticRegression(**params).fit(X, y)
    model = LogisticRegression(**params).fit(X * scale, y)
    assert np.all(np.isfinite(model.x_scale_)) and np.all(np.isfinite(model.x_mean_))
    np.testing.assert_allclose(model.x_scale_ / scale, reference.x_scale_, rtol=1e-12)
    _same(model, reference, scale, rtol=1e-6)


def test_sparse_and_float32_columns(data):
    X, y = data
    reference = _fit(X, y, tol=1e-10)
    for scale in (1e200, 1e-200):
        _same(_fit(sp.csr_matrix(X * scale), y, tol=1e-10), reference, scale)
        _same(_fit(sp.csc_matrix(X * scale), y, solver="lbfgs", tol=1e-10), reference, scale)
    standardized = LogisticRegression(standardize=True, alpha=1e-3).fit(X, y)
    huge = LogisticRegression(standardize=True, alpha=1e-3).fit(sp.csr_matrix(X * 1e200), y)
    _same(huge, standardized, 1e200, rtol=1e-6)
    X32 = (X * 1e30).astype(np.float32)  # float32 holds up to 3.4e38
    model = _fit(X32, y, tol=1e-4)
    np.testing.assert_allclose(model.coef_[0] * 1e30, reference.coef_[0], rtol=1e-3)


def test_rare_extreme_values_that_the_row_sample_misses(data):
    """Two rows of 10,000 hold 1e250 and -2e250 in column 0 (the strided sample of 4096
    rows reads every third row and misses both): the run's first evaluation shows them.
    Oracle: the other rows' values in that column are negligible next to its coefficient,
    so the model is the one on the column with only those two values (divided by 1e250)."""
    X, y = data
    rng = np.random.default_rng(0)
    rows = rng.integers(0, len(y), 10_000)
    X, y = X[rows], y[rows]
    X[[1, 5], 0] = [1e250, -2e250]
    y[[1, 5]] = [0, 0]
    model = _fit(X, y, tol=1e-10)
    X_oracle = X.copy()
    X_oracle[:, 0] = 0.0
    X_oracle[[1, 5], 0] = [1.0, -2.0]
    reference = _fit(X_oracle, y, tol=1e-10)
    _same(model, reference, np.array([1e250, 1.0, 1.0]))


def test_standardize_with_rare_extreme_values(data):
    """The same two rows as above, with standardize=True: the sample misses them, the
    column moments overflow, and are computed again on the column divided by 2^831."""
    X, y = data
    X = np.repeat(X, 40, axis=0)
    y = np.repeat(y, 40)
    X[[1, 5], 0] = [1e250, -2e250]
    model = LogisticRegression(standardize=True).fit(X, y)
    spikes = np.r_[1.0, -2.0, np.zeros(len(y) - 2)]  # the column / 1e250, to 1e-250
    assert model.x_mean_[0] / 1e250 == pytest.approx(spikes.mean(), rel=1e-12)
    assert model.x_scale_[0] / 1e250 == pytest.approx(spikes.std(), rel=1e-12)
    assert np.all(np.isfinite(model.coef_))


def test_a_table_read_in_blocks_is_rescaled_from_its_first_evaluation(data, tmp_path):
    """A file source has no row sample before its first pass: the first evaluation
    (lbfgs, the default for files) shows the huge columns."""
    X, y = data
    path = tmp_path / "huge.csv"
    pairs = zip(X, y, strict=True)
    rows = (f"{r[0] * 1e200:.17g},{r[1]:.17g},{r[2] * 1e-200:.17g},{t}" for r, t in pairs)
    lines = ["a,b,c,y", *rows]
    path.write_text("\n".join(lines) + "\n")
    reference = _fit(X, y, solver="lbfgs", tol=1e-10)
    model = _fit(scan_csv(path, "y"), None, solver="lbfgs", tol=1e-10)
    _same(model, reference, np.array([1e200, 1.0, 1e-200]))


def test_the_penalty_still_acts_on_the_users_coefficients(data):
    """Tiny columns are fitted in units of 2^-35: the penalty is weighted so that it is
    alpha/2 ||w||^2 on the user's w. On X * s that is the problem on X with alpha / s^2."""
    X, y = data
    s = 2.0**-35
    model = LogisticRegression(alpha=1e-25, tol=1e-10).fit(X * s, y)
    reference = LogisticRegression(alpha=1e-25 / s**2, tol=1e-10).fit(X, y)
    assert 1e-5 < 1e-25 / s**2 < 1e-3  # a penalty that matters
    _same(model, reference, s, rtol=1e-6)


@pytest.mark.parametrize("weight", [1e307, 1e-320, 5e-324])
def test_weights_of_any_finite_size(data, weight):
    X, y = data
    reference = LogisticRegression().fit(X, y)
    n = len(y)
    for params in ({}, {"class_weight": "balanced"}):
        model = LogisticRegression(**params).fit(X, y, sample_weight=np.full(n, weight))
        expected = LogisticRegression(**params).fit(X, y) if params else reference
        np.testing.assert_allclose(model.coef_, expected.coef_, rtol=1e-10)
    mixed = np.where(y == 1, weight, 2 * weight)
    model = LogisticRegression().fit(X, y, sample_weight=mixed)
    expected = LogisticRegression().fit(X, y, sample_weight=np.where(y == 1, 1.0, 2.0))
    np.testing.assert_allclose(model.coef_, expected.coef_, rtol=1e-10)


def test_probabilities_are_never_nan(data):
    X, y = data
    model = LogisticRegression().fit(X[:, :2], y)
    model.coef_, model.intercept_ = np.array([[3.0, -2.0]]), np.array([0.5])
    huge = np.array([[1e308, 1e308], [1e308, -1e308], [-1e308, 1e308], [1e-308, 0.0]])
    for rows in (huge, sp.csr_matrix(huge)):
        proba = model.predict_proba(rows)
        assert np.all(np.isfinite(proba)) and np.allclose(proba.sum(axis=1), 1.0)
        z = model.decision_function(rows)
        # 3e308 - 2e308 overflows term by term, but the logit is 1e308
        assert z[0] == pytest.approx(1e308, rel=1e-15)
        assert z[1] == np.inf and z[2] == -np.inf
        assert z[3] == 0.5
        np.testing.assert_array_equal(model.predict(rows), model.classes_[[1, 1, 0, 1]])
    assert not np.any(np.isnan(model.predict_log_proba(huge)))
    x32 = np.array([[3e38, 3e38]], dtype=np.float32)
    assert model.decision_function(x32)[0] == pytest.approx(3e38, rel=1e-6)
    model.intercept_ = np.array([-1e308])  # cancels the rest of the first logit
    assert model.decision_function(huge[:1])[0] == pytest.approx(0.0, abs=1e292)


def test_gd_and_sgd_step_in_the_units_of_x(data):
    X, y = data
    big = X * np.array([1e200, 1.0, 1.0])
    for solver in ("gd", "sgd"):
        with pytest.raises(ValueError, match=r"X column 0 holds values as large as .*e\+200.*"):
            LogisticRegression(solver=solver).fit(big, y)
        with pytest.raises(ValueError, match="standardize=True"):
            LogisticRegression(solver=solver).partial_fit(big, y, classes=[0, 1])
    with pytest.warns(UserWarning, match="X column 2 holds values no larger than"):
        LogisticRegression(solver="gd", max_iter=5, tol=None).fit(X * [1, 1, 1e-12], y)
    LogisticRegression(solver="sgd", standardize=True, max_iter=5, tol=None).fit(big, y)


def test_the_sample_finds_columns_and_the_first_evaluation_the_rest():
    """The unit pieces: column units are powers of two, the checks of a first evaluation."""
    absmax = np.array([0.0, 1.0, 3e-4, 2.0**31, 1e300])
    scale = _scaling.column_scale(absmax, _scaling.LIMIT)
    assert scale is not None
    np.testing.assert_array_equal(scale[:2], [1.0, 1.0])
    assert np.all(np.frexp(scale)[0] == 0.5)  # exact powers of two
    assert np.all((absmax[2:] / scale[2:] >= 1.0) & (absmax[2:] / scale[2:] < 2.0))
    assert _scaling.column_scale(np.array([1e-6]), _scaling.LIMIT, alpha=1e-4) is None

    class Evaluation:
        loss, grad, hess = 0.7, np.array([2.0**31, 0.0]), None

    assert _scaling.first_shows_extremes(Evaluation, 1, raw=True)
    assert not _scaling.first_shows_extremes(Evaluation, 1, raw=False)
    Evaluation.grad = np.array([1.0, 0.0])
    assert not _scaling.first_shows_extremes(Evaluation, 1, raw=True)
    Evaluation.hess = np.diag([4.0**31, 1.0])
    assert _scaling.first_shows_extremes(Evaluation, 1, raw=True)
    Evaluation.loss = float("inf")
    assert _scaling.first_shows_extremes(Evaluation, 1, raw=False)


def test_plots_and_the_command_line_on_huge_and_tiny_features(data, tmp_path):
    """No RuntimeWarning from figures or commands; the model file's own limits (|coef| and
    scales up to 1e100) are a one-line error naming the field."""
    import contextlib
    import io

    import matplotlib
    import pandas as pd

    from oneneuron.cli import main
    from oneneuron.plotting import plot_decision_boundary

    matplotlib.use("Agg")
    X, y = data
    for scale in (1e300, 1e-300):
        model = LogisticRegression().fit(X[:, :2] * scale, y)
        ax = plot_decision_boundary(model, X[:, :2] * scale, y)
        matplotlib.pyplot.close(ax.figure)

    def run(*argv):
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            return main([str(a) for a in argv]), err.getvalue()

    huge = tmp_path / "huge.csv"
    pd.DataFrame({"a": X[:, 0] * 1e300, "b": X[:, 1], "y": y}).to_csv(huge, index=False)
    model = tmp_path / "m.json"
    assert run("train", huge, "--target", "y", "--out", model)[0] == 0
    assert run("evaluate", model, huge, "--target", "y")[0] == 0
    assert run("predict", model, "--point", "1e308,1e308")[0] == 0
    tiny = tmp_path / "tiny.csv"
    pd.DataFrame({"a": X[:, 0] * 1e-300, "b": X[:, 1], "y": y}).to_csv(tiny, index=False)
    # with the default alpha the optimum on 1e-300 features is (nearly) zero weights
    assert run("train", tiny, "--target", "y", "--out", tmp_path / "t0.json")[0] == 0
    args = ("train", tiny, "--target", "y", "--alpha", "0", "--out", tmp_path / "t.json")
    status, err = run(*args)
    last = err.splitlines()[-1]  # progress lines come first on stderr
    assert status == 2 and last.startswith("oneneuron: error: cannot save this model")
    assert "'coef[0]' must be " in last and "1e+100" in last
    assert not (tmp_path / "t.json").exists()


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_the_sample_maxima_of_sparse_rows_are_those_of_the_dense_rows(fmt):
    """|x|'s column maxima of a sparse sample (read from its stored values, without a CSC
    copy of a CSR sample) equal the dense sample's, implicit zeros and negatives included."""
    X = sp.random(300, 40, density=0.05, format=fmt, random_state=2)
    rng = np.random.default_rng(2)
    X.data = rng.standard_normal(X.nnz) * 10.0 ** rng.integers(-5, 6, X.nnz)
    out = np.zeros(40)
    _scaling._absmax_into(out, X)
    np.testing.assert_array_equal(out, np.abs(X.toarray()).max(axis=0))
