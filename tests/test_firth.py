"""Firth's logistic regression against R's logistf (published results), an exact 2x2
oracle, and finite differences of the penalised log-likelihood written out here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy import stats
from scipy.optimize import minimize_scalar
from scipy.special import log_expit

from oneneuron import LogisticRegression
from oneneuron.firth import (
    FirthLikelihood,
    firth_conf_int,
    firth_fit,
    firth_lr_test,
    firth_summary,
)
from oneneuron.inference import ProfileError, SingularInformationError, summary
from oneneuron.inference._design import Design

DATA = "tests/data/"
SEX2 = ["age", "oc", "vic", "vicl", "vis", "dia"]


@pytest.fixture(scope="module")
def sex2():
    d = pd.read_csv(DATA + "sex2.csv")
    return d[SEX2].to_numpy(float), d["case"].to_numpy()


@pytest.fixture(scope="module")
def separated():
    d = pd.read_csv(DATA + "firthmodels_separation.csv")
    return d[["separator", "x1", "x2", "x3"]].to_numpy(), d["y"].to_numpy()


@pytest.fixture(scope="module")
def endometrial():
    d = pd.read_csv(DATA + "endometrial.csv")
    return d[["NV", "PI", "EH"]].to_numpy(float), d["HG"].to_numpy()


# theta order everywhere: [coef..., intercept]
LOGISTF_SEX2_COEF = [-1.10598130, -0.06881673, 2.26887464, -2.11140816, -0.78831694, 3.09601263]
LOGISTF_SEX2_INTERCEPT = 0.12025404
LOGISTF_SEX2_CI = [
    [-1.9737884, -0.30742514],
    [-0.9414363, 0.78920202],
    [1.2730216, 3.43543273],
    [-3.2608611, -1.11773495],
    [-1.6080879, 0.01518468],
    [0.7745682, 8.03029352],
    [-0.8185591, 1.07315122],
]


# ----------------------------------------------------------- logistf: sex2
def test_sex2_coefficients_match_logistf(sex2):
    X, y = sex2
    r = firth_fit(X, y)
    assert r.converged and r.n_iter < 25
    # logistf stops at its own tolerance (1e-5): its printed digits agree to ~3e-7
    np.testing.assert_allclose(r.coef, LOGISTF_SEX2_COEF, rtol=1e-6)
    assert r.intercept == pytest.approx(LOGISTF_SEX2_INTERCEPT, rel=1e-6)
    np.testing.assert_allclose(r.theta, np.r_[r.coef, r.intercept])


def test_sex2_profile_intervals_match_logistf(sex2):
    X, y = sex2
    ci = firth_conf_int(X, y)
    np.testing.assert_allclose(ci, LOGISTF_SEX2_CI, rtol=1e-6)


def test_sex2_penalised_lr_test_of_dia_matches_logistf(sex2):
    X, y = sex2
    chi2, p = firth_lr_test(X, y, params=[5])
    assert p[0] == pytest.approx(4.951873e-03, rel=1e-6)
    assert chi2[0] == pytest.approx(stats.chi2.isf(4.951873e-03, 1), rel=1e-5)


def test_sex2_wald_interval_of_older_logistf_uses_the_fisher_information(sex2):
    """logistf < 1.24 (and Heinze & Schemper 2002) took the SE from inv(I): Glow's table."""
    X, y = sex2
    r = firth_fit(X, y)
    se = np.sqrt(np.diag(np.linalg.inv(r.fisher_information)))
    lo, hi = r.coef[5] + np.array([-1, 1]) * stats.norm.ppf(0.975) * se[5]
    # Glow printed logistf's limits; its coefficient (3.09601263) stopped ~8e-7 short
    assert (lo, hi) == pytest.approx((-0.1869446, 6.37896984), abs=2e-6)


def test_aggregated_sexagg_with_counts_equals_sex2(sex2):
    """logistf's own example: weights=COUNT on the aggregated data gives the same fit."""
    X, y = sex2
    d = pd.read_csv(DATA + "sexagg.csv")
    Xa, ya, w = d[SEX2].to_numpy(float), d["case"].to_numpy(), d["COUNT"].to_numpy(float)
    assert w.sum() == len(y)
    full, agg = firth_fit(X, y), firth_fit(Xa, ya, w)
    np.testing.assert_allclose(agg.theta, full.theta, rtol=1e-9)
    np.testing.assert_allclose(agg.covariance, full.covariance, rtol=1e-8)
    assert agg.loglik == pytest.approx(full.loglik, rel=1e-12)
    some = [5, 6]  # dia and the intercept: the weights enter every refit the same way
    np.testing.assert_allclose(
        firth_conf_int(Xa, ya, w, params=some), firth_conf_int(X, y, params=some), rtol=1e-8
    )
    np.testing.assert_allclose(
        firth_lr_test(Xa, ya, w, params=some)[1], firth_lr_test(X, y, params=some)[1], rtol=1e-8
    )


def test_logistf_control_settings_reproduce_its_iterates(endometrial):
    """maxit=25, maxhs=0, xconv=gconv=lconv=1e-5: logistf's printed endometrial fit."""
    X, y = endometrial
    r = firth_fit(X, y, max_iter=25, max_halfstep=0, xtol=1e-5, gtol=1e-5, ltol=1e-5)
    # every printed digit (8 decimals): within half a unit of the last one
    np.testing.assert_allclose(
        r.theta, [2.92927330, -0.03475175, -2.60416387, 3.77455951], rtol=0, atol=5e-9
    )
    exact = firth_fit(X, y)  # run to convergence, the estimate moves in the 7th digit
    assert np.max(np.abs(exact.theta - r.theta)) > 5e-8


# ------------------------------------------------- logistf: endometrial
def test_endometrial_matches_logistf(endometrial):
    X, y = endometrial
    r = firth_fit(X, y)
    np.testing.assert_allclose(
        r.theta, [2.92927330, -0.03475175, -2.60416387, 3.77455951], rtol=1e-6
    )
    ci = firth_conf_int(X, y, result=r)
    expected = [
        [0.6097244, 7.85463171],
        [-0.1244587, 0.04045547],
        [-4.3651832, -1.23272106],
        [1.0825371, 7.20928050],
    ]
    np.testing.assert_allclose(ci, expected, rtol=1e-6)


# ------------------------------- logistf (via firthmodels): separated data
def test_quasi_separated_sample_matches_logistf_to_ten_digits(separated):
    X, y = separated
    r = firth_fit(X, y)
    np.testing.assert_allclose(
        r.theta,
        [3.6577140153, 0.6759781501, -0.8633119501, 0.3385788510, -0.4434562830],
        rtol=2e-7,  # the reference stopped at a 1e-6 tolerance; ours is the exact root
    )
    # logistf's vcov is the inverse of X~' diag((s + h) p (1 - p)) X~, evaluated by
    # logistf one iteration before its (1e-5) convergence: agreement ~1e-6
    np.testing.assert_allclose(
        r.std_err,
        [1.4822786334, 0.2687886213, 0.3874453554, 0.1370778814, 0.3452906671],
        rtol=5e-6,
    )
    _, p = firth_lr_test(X, y, result=r)
    np.testing.assert_allclose(
        p, [0.0002084147149, 0.0093173148959, 0.0236385713206, 0.0055887969164, 0.1997147194],
        rtol=1e-8,
    )  # fmt: skip
    ci = firth_conf_int(X, y, result=r)
    np.testing.assert_allclose(
        ci[:, 0], [1.3901042899, 0.1602568036, -1.6677883758, 0.0893054012, -1.16089382506],
        rtol=1e-8,
    )  # fmt: skip
    np.testing.assert_allclose(
        ci[:, 1], [8.5876062114, 1.2568999211, -0.1135186948, 0.6572681313, 0.2295139209],
        rtol=1e-8,
    )  # fmt: skip


# ------------------------------------------------------ exact oracles
@pytest.mark.parametrize("cells", [(3, 5, 7, 2), (0, 6, 4, 4), (5, 0, 0, 5), (10, 1, 2, 30)])
def test_two_by_two_table_adds_a_half_to_every_cell(cells):
    """In a saturated 2x2 model Firth's estimate is the ML estimate of the table with 1/2
    added to every cell (Firth 1993): log odds ratio log((a+.5)(d+.5) / ((b+.5)(c+.5)))."""
    a, b, c, d = cells  # x=0: a failures, b successes; x=1: c failures, d successes
    X = np.array([[0.0], [0.0], [1.0], [1.0]])
    y = np.array([0, 1, 0, 1])
    w = np.array([a, b, c, d], dtype=float)
    r = firth_fit(X, y, w)
    ha, hb, hc, hd = a + 0.5, b + 0.5, c + 0.5, d + 0.5
    assert r.coef[0] == pytest.approx(np.log(hd * ha / (hc * hb)), rel=1e-10)
    assert r.intercept == pytest.approx(np.log(hb / ha), rel=1e-10, abs=1e-12)
    rows = np.repeat(np.arange(4), w.astype(int))
    expanded = firth_fit(X[rows], y[rows])
    np.testing.assert_allclose(expanded.theta, r.theta, rtol=1e-9, atol=1e-12)


def penalised_loglik(theta, X, y, s):
    """l*(theta) = l + log det(X~' W X~) / 2, written out independently."""
    Xt = np.c_[X, np.ones(len(y))]
    z = Xt @ theta
    ll = float(s @ (y * log_expit(z) + (1 - y) * log_expit(-z)))
    p = 1 / (1 + np.exp(-z))
    _, logdet = np.linalg.slogdet(Xt.T @ (Xt * (s * p * (1 - p))[:, None]))
    return ll + 0.5 * logdet


def numerical_gradient(f, theta, h=1e-6):
    return np.array([(f(theta + e) - f(theta - e)) / (2 * h) for e in np.eye(len(theta)) * h])


def test_modified_score_is_the_gradient_of_the_penalised_loglik(separated):
    X, y = separated
    s = np.random.default_rng(0).uniform(0.3, 2.0, len(y))
    lik = FirthLikelihood(Design(X.astype(float), True), y.astype(float), s)
    for theta in np.random.default_rng(1).normal(scale=0.5, size=(3, 5)):
        point = lik.at(theta)
        f = lambda t: penalised_loglik(t, X, y, s)  # noqa: E731
        assert point.value == pytest.approx(f(theta), rel=1e-12)
        np.testing.assert_allclose(point.score, numerical_gradient(f, theta), rtol=1e-6, atol=1e-6)
    r = firth_fit(X, y, s)
    gradient = numerical_gradient(lambda t: penalised_loglik(t, X, y, s), r.theta)
    np.testing.assert_allclose(gradient, 0, atol=1e-6)


def test_loglik_and_hat_values(sex2):
    X, y = sex2
    r = firth_fit(X, y)
    assert r.loglik == pytest.approx(penalised_loglik(r.theta, X, y, np.ones(len(y))), rel=1e-12)
    assert r.hat.sum() == pytest.approx(7, rel=1e-10)  # trace of the hat matrix: k
    assert np.all((r.hat > 0) & (r.hat < 1))


# ------------------------------------------------------------- options
def test_sparse_and_dense_agree(sex2):
    X, y = sex2
    dense, sparse = firth_fit(X, y), firth_fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.theta, dense.theta, rtol=1e-12)
    np.testing.assert_allclose(sparse.covariance, dense.covariance, rtol=1e-10)


def test_without_intercept(separated):
    X, y = separated
    r = firth_fit(X, y, fit_intercept=False)
    assert r.intercept == 0.0 and r.theta.shape == (4,) and r.covariance.shape == (4, 4)
    ci = firth_conf_int(X, y, fit_intercept=False, result=r, params=[1])
    assert ci.shape == (1, 2) and ci[0, 0] < r.coef[1] < ci[0, 1]
    s = firth_summary(X, y, fit_intercept=False)
    assert s.names == ("x1", "x2", "x3", "x4")
    assert s.llnull == pytest.approx(
        FirthLikelihood(Design(X.astype(float), False), y, None).at(np.zeros(4)).value
    )


def test_not_converged_is_reported(sex2):
    X, y = sex2
    r = firth_fit(X, y, max_iter=2)
    assert not r.converged and r.n_iter == 2


# ------------------------------------------------------------- summary
def test_firth_summary_is_logistfs_table(sex2):
    X, y = sex2
    s = firth_summary(X, y, feature_names=SEX2)
    assert s.names == ("intercept", *SEX2)
    r = firth_fit(X, y)
    np.testing.assert_allclose(s.coef, np.r_[r.intercept, r.coef], rtol=1e-10)
    np.testing.assert_allclose(
        np.c_[s.ci_lower, s.ci_upper], [LOGISTF_SEX2_CI[-1], *LOGISTF_SEX2_CI[:-1]], rtol=1e-6
    )
    assert s.p_value[-1] == pytest.approx(4.951873e-03, rel=1e-6)
    assert s.p_value_method == "penalised likelihood ratio" and "P(LR)" in str(s)
    assert s.llf == pytest.approx(r.loglik)
    # logistf's null model: only the intercept free, the penalty of the full model
    f = lambda b: -penalised_loglik(np.r_[np.zeros(6), b], X, y, np.ones(len(y)))  # noqa: E731
    best = minimize_scalar(f, bracket=(-1, 1), tol=1e-12)
    assert s.llnull == pytest.approx(-best.fun, rel=1e-10)
    assert s.llr == pytest.approx(2 * (r.loglik + best.fun), rel=1e-8)
    assert s.df_model == 6 and s.method == "Firth penalised likelihood"


def test_summary_dispatches_for_a_model_marked_firth(sex2):
    """When LogisticRegression gains firth=True, summary(model, X, y) is Firth's table."""
    X, y = sex2
    model = LogisticRegression(alpha=0, tol=1e-10).fit(X, y)
    r = firth_fit(X, y)
    model.coef_, model.intercept_ = r.coef.reshape(1, -1), np.array([r.intercept])
    model.firth = True
    s = summary(model, X, y)
    assert s.method == "Firth penalised likelihood" and s.names[0] == "intercept"
    np.testing.assert_allclose(s.coef, np.r_[r.intercept, r.coef], rtol=1e-9)
    np.testing.assert_allclose(s.std_err, np.r_[r.std_err[-1], r.std_err[:-1]], rtol=1e-9)
    ci = np.c_[s.ci_lower, s.ci_upper]
    np.testing.assert_allclose(ci, [LOGISTF_SEX2_CI[-1], *LOGISTF_SEX2_CI[:-1]], rtol=1e-6)
    assert s.p_value[-1] == pytest.approx(4.951873e-03, rel=1e-6)
    with pytest.raises(ValueError, match="needs the training data"):
        summary(model)
    with pytest.raises(ValueError, match="not available for Firth's model"):
        summary(model, X, y, cov_type="HC0")


# ------------------------------------------------------------- bad use
def test_bad_input_is_named(sex2):
    X, y = sex2
    with pytest.raises(ValueError, match="y01 must hold labels 0 and 1.*found 2"):
        firth_fit(X, np.where(y == 1, 2, 0))
    with pytest.raises(ValueError, match="y01 has 5 values; X has 239 rows"):
        firth_fit(X, y[:5])
    with pytest.raises(ValueError, match=r"params \[9\] out of range"):
        firth_lr_test(X, y, params=[9])
    with pytest.raises(ValueError, match=r"level must be in \(0, 1\)"):
        firth_conf_int(X, y, level=1.5)
    with pytest.raises(SingularInformationError, match="age, age2 are collinear"):
        firth_fit(np.c_[X, 3 * X[:, 0]], y, feature_names=[*SEX2, "age2"])


def test_unbracketable_limit_names_the_parameter(sex2, monkeypatch):
    import oneneuron.inference._profile as profile_module

    X, y = sex2
    monkeypatch.setattr(profile_module, "MAX_STANDARD_ERRORS", 0.5)
    with pytest.raises(ProfileError, match="limit of dia") as info:
        firth_conf_int(X, y, params=[5], feature_names=SEX2)
    assert info.value.parameter == "dia" and info.value.side == "lower"


@pytest.mark.parametrize(
    "y, coef, wald, p_value",
    [
        ([0, 0, 1, 1, 1, 1], 0.2434646, (-2.020431, 2.507360), 0.796830),
        ([0, 0, 1, 0, 1, 1], 0.8731197, (-1.495994, 3.242234), 0.3609153),
    ],
)
def test_glows_six_row_tables_from_logistf(y, coef, wald, p_value):
    """Glow's LogisticRegressionSuite: logistf(y ~ g), g = (0, 1, 2, 0, 0, 1)."""
    g = np.array([[0.0], [1], [2], [0], [0], [1]])
    y = np.array(y)
    r = firth_fit(g, y)
    assert r.coef[0] == pytest.approx(coef, abs=5e-6)  # logistf stops at 1e-5
    se = np.sqrt(np.linalg.inv(r.fisher_information)[0, 0])  # that logistf's Wald SE
    q = stats.norm.ppf(0.975)
    assert (r.coef[0] - q * se, r.coef[0] + q * se) == pytest.approx(wald, abs=5e-6)
    assert firth_lr_test(g, y, params=[0])[1][0] == pytest.approx(p_value, rel=1e-6)
