"""The regularisation path (alpha_max, warm starts) and LogisticRegressionCV (scikit-learn's
splitters and scorers), against cold fits, scikit-learn and hand-made folds."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import GroupKFold, StratifiedKFold

import oneneuron
from oneneuron import LogisticRegression, LogisticRegressionCV, alpha_max, path
from oneneuron.data import scan_csv
from oneneuron.plotting import plot_cv, plot_path

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def cancer_frame():
    d = load_breast_cancer(as_frame=True)
    return d.data.iloc[:, :12], d.target


def test_alpha_max_is_the_formula_and_the_boundary(cancer):
    X, y = cancer
    ybar = y.mean()
    expected = np.max(np.abs(X.T @ (ybar - y))) / len(y)
    assert alpha_max(X, y) == pytest.approx(expected, rel=1e-12)
    assert alpha_max(X, y, l1_ratio=0.25) == pytest.approx(expected / 0.25, rel=1e-12)
    top = alpha_max(X, y)
    above = LogisticRegression(alpha=top * 1.001, l1_ratio=1.0).fit(X, y)
    below = LogisticRegression(alpha=top * 0.98, l1_ratio=1.0).fit(X, y)
    assert np.all(above.coef_ == 0) and np.count_nonzero(below.coef_) >= 1
    # scikit-learn agrees on the boundary (its C = 1 / (alpha n))
    sk = SkLogisticRegression(C=1 / (top * 0.98 * len(y)), l1_ratio=1.0, solver="saga",
                              tol=1e-10, max_iter=10_000).fit(X, y)  # fmt: skip
    np.testing.assert_array_equal(sk.coef_ != 0, below.coef_ != 0)


def test_alpha_max_with_weights_standardize_and_no_intercept():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 4)) * [1, 5, 0.2, 3] + [2, 0, -1, 4]
    y = (rng.random(200) < 0.3).astype(float)
    sw = rng.uniform(0.5, 2.0, 200)
    ybar = sw @ y / sw.sum()
    Xs = (X - np.average(X, axis=0, weights=sw)) / np.sqrt(
        np.average((X - np.average(X, axis=0, weights=sw)) ** 2, axis=0, weights=sw)
    )
    got = alpha_max(X, y, sw, standardize=True)
    assert got == pytest.approx(np.max(np.abs(Xs.T @ (sw * (ybar - y)))) / sw.sum(), rel=1e-10)
    no_b = alpha_max(X, y, fit_intercept=False)
    assert no_b == pytest.approx(np.max(np.abs(X.T @ (0.5 - y))) / len(y), rel=1e-12)
    with pytest.raises(ValueError, match=r"l1_ratio in \(0, 1\]; got 0"):
        alpha_max(X, y, l1_ratio=0)


def test_path_equals_cold_fits_at_every_alpha(cancer_frame):
    X, y = cancer_frame
    p = path(X, y, n_alphas=12, l1_ratio=0.8, standardize=True, tol=1e-10)
    assert p.alphas[0] == pytest.approx(p.alpha_max) and np.all(np.diff(p.alphas) < 0)
    assert p.alphas[-1] == pytest.approx(1e-3 * p.alpha_max)
    assert p.n_nonzero[0] == 0 and p.n_nonzero[-1] > 5 and p.converged.all()
    assert p.feature_names == list(X.columns)
    for i in (1, 5, 11):
        cold = LogisticRegression(alpha=p.alphas[i], l1_ratio=0.8, standardize=True, tol=1e-10)
        cold.fit(X, y)
        np.testing.assert_allclose(p.coef[i], cold.coef_[0], atol=1e-7)
        assert p.intercept[i] == pytest.approx(cold.intercept_[0], abs=1e-7)
        np.testing.assert_array_equal(p.coef[i] == 0, cold.coef_[0] == 0)
    frame = p.to_frame()
    assert list(frame.columns[:3]) == ["alpha", "n_nonzero", "intercept"] and len(frame) == 12


def test_warm_starts_save_iterations(cancer):
    X, y = cancer
    p = path(X, y, n_alphas=20)
    cold = [LogisticRegression(alpha=a, l1_ratio=1.0).fit(X, y).n_iter_ for a in p.alphas]
    assert p.n_iter.sum() < sum(cold)


def test_given_alphas_any_order_and_ridge(cancer):
    X, y = cancer
    p = path(X, y, alphas=[0.01, 0.1, 0.05])
    np.testing.assert_array_equal(p.alphas, [0.1, 0.05, 0.01])
    ridge = path(X, y, alphas=[0.1, 0.01], l1_ratio=0.0)
    cold = LogisticRegression(alpha=0.01, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(ridge.coef[-1], cold.coef_[0], atol=1e-6)
    assert np.isinf(ridge.alpha_max)
    with pytest.raises(ValueError, match="needs l1_ratio > 0"):
        path(X, y, l1_ratio=0.0)
    with pytest.raises(ValueError, match="alphas must be finite numbers >= 0"):
        path(X, y, alphas=[0.1, -1.0])


def test_path_reads_a_file_source(cancer_frame, tmp_path):
    X, y = cancer_frame
    csv = tmp_path / "cancer.csv"
    X.assign(label=y).to_csv(csv, index=False)
    from_file = path(scan_csv(csv, target="label"), n_alphas=6)
    in_memory = path(X, y, n_alphas=6)
    np.testing.assert_allclose(from_file.alphas, in_memory.alphas, rtol=1e-12)
    np.testing.assert_allclose(from_file.coef, in_memory.coef, atol=1e-9)


def test_cv_scores_are_scikit_learns_on_its_folds(cancer_frame):
    X, y = cancer_frame
    cv = LogisticRegressionCV(n_alphas=6, cv=3, standardize=True, tol=1e-10).fit(X, y)
    grid = cv.alphas_[0]
    assert grid[0] == pytest.approx(alpha_max(X, y, standardize=True))
    folds = list(StratifiedKFold(3).split(X, y))
    for k in (0, 2):
        train, test = folds[k]
        for j in (1, 4):
            model = LogisticRegression(alpha=grid[j], l1_ratio=1.0, standardize=True, tol=1e-10)
            model.fit(X.iloc[train], y.iloc[train])
            expected = -log_loss(y.iloc[test], model.predict_proba(X.iloc[test]))
            assert cv.scores_[0, k, j] == pytest.approx(expected, rel=1e-6)
    best = np.argmax(cv.cv_mean_[0])
    assert cv.alpha_ == grid[best] and cv.l1_ratio_ == 1.0
    assert cv.alpha_1se_ >= cv.alpha_
    np.testing.assert_allclose(cv.cv_std_err_, cv.scores_.std(axis=1) / np.sqrt(3))
    refit = LogisticRegression(alpha=cv.alpha_, l1_ratio=1.0, standardize=True, tol=1e-10)
    refit.fit(X, y)
    np.testing.assert_allclose(cv.coef_, refit.coef_, atol=1e-9)
    assert list(cv.feature_names_in_) == list(X.columns)
    np.testing.assert_array_equal(cv.predict(X), refit.predict(X))


def test_cv_over_l1_ratios_with_scorer_groups_and_weights(cancer):
    X, y = cancer
    X = X[:, :10]
    groups = np.arange(len(y)) % 4
    sw = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    cv = LogisticRegressionCV(
        l1_ratios=[0.2, 1.0], n_alphas=5, cv=GroupKFold(4), scoring="accuracy"
    ).fit(X, y, sample_weight=sw, groups=groups)
    assert cv.scores_.shape == (2, 4, 5) and cv.alphas_.shape == (2, 5)
    np.testing.assert_allclose(cv.alphas_[0], cv.alphas_[1] * 5)  # alpha_max / l1_ratio
    i, j = np.unravel_index(np.argmax(cv.cv_mean_), cv.cv_mean_.shape)
    assert (cv.l1_ratio_, cv.alpha_) == ([0.2, 1.0][i], cv.alphas_[i, j])
    train, test = next(GroupKFold(4).split(X, y, groups))
    m = LogisticRegression(alpha=cv.alphas_[1, 2], l1_ratio=1.0).fit(X[train], y[train], sw[train])
    expected = accuracy_score(y[test], m.predict(X[test]), sample_weight=sw[test])
    assert cv.scores_[1, 0, 2] == pytest.approx(expected)


def test_cv_refuses_bad_settings(small):
    X, y = small
    with pytest.raises(ValueError, match="l1_ratio 0 has no alpha_max"):
        LogisticRegressionCV(l1_ratios=[0.0]).fit(X, y)
    with pytest.raises(ValueError, match="l1_ratios must be a finite number >= 0 and <= 1"):
        LogisticRegressionCV(l1_ratios=[2.0]).fit(X, y)
    ridge = LogisticRegressionCV(l1_ratios=[0.0], alphas=[1.0, 0.01], cv=3).fit(X, y)
    assert ridge.alpha_ in (1.0, 0.01)


def test_plots_draw_the_path_and_the_cv_band(cancer_frame):
    X, y = cancer_frame
    p = path(X, y, n_alphas=8, standardize=True)
    ax = plot_path(p)
    assert len(ax.get_lines()) == X.shape[1] + 1  # one per feature, and the zero line
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), p.coef[:, 0] * p.scale[0])
    assert ax.get_xscale() == "log" and ax.xaxis_inverted()
    assert p.plot() is not None
    cv = LogisticRegressionCV(n_alphas=5, cv=3, standardize=True).fit(X, y)
    ax = plot_cv(cv)
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].max() == pytest.approx((cv.cv_mean_ + cv.cv_std_err_).max())
    with pytest.raises(ValueError, match=r"l1_ratio 0.5 was not cross-validated; valid: \[1.0\]"):
        plot_cv(cv, l1_ratio=0.5)


def test_top_level_names():
    assert oneneuron.path is path and oneneuron.LogisticRegressionCV is LogisticRegressionCV
