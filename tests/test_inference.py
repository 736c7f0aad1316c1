"""Inference for LogisticRegression: statsmodels as the oracle, finite differences elsewhere.

The model is fitted with ``alpha=0, solver="newton", tol=1e-10`` for the comparisons, so
both libraries sit at the same optimum; tolerances are 1e-6 relative unless said.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import statsmodels.api as sm
from scipy import stats
from scipy.special import log_expit
from sklearn.exceptions import NotFittedError
from sklearn.utils.class_weight import compute_class_weight

from oneneuron import LogisticRegression
from oneneuron.inference import (
    PENALTY_SHIFT_WARN,
    NotAtOptimumWarning,
    PenaltyWarning,
    ProfileError,
    SingularInformationError,
    Summary,
    conf_int,
    fit_stats,
    summary,
)

RTOL = 1e-6


def exact(**kw):
    return LogisticRegression(**{"alpha": 0, "solver": "newton", "tol": 1e-10, **kw})


@pytest.fixture(scope="module")
def spector():
    d = sm.datasets.spector.load_pandas().data
    return d[["GPA", "TUCE", "PSI"]], d["GRADE"].to_numpy()


@pytest.fixture(scope="module")
def anes():
    d = sm.datasets.anes96.load_pandas().data
    cols = ["logpopul", "TVnews", "selfLR", "ClinLR", "DoleLR", "age", "educ", "income"]
    return d[cols], d["vote"].to_numpy(), d["PID"].to_numpy().astype(int)


def sm_logit(X, y, cov_kwds=None, **fit):
    if cov_kwds is not None:
        fit["cov_kwds"] = cov_kwds
    return sm.Logit(y, sm.add_constant(np.asarray(X, float))).fit(disp=0, **fit)


def close(actual, expected, rtol=RTOL, atol=0.0):
    np.testing.assert_allclose(np.asarray(actual), np.asarray(expected), rtol=rtol, atol=atol)


# ------------------------------------------------------------------ oracles
def test_spector_matches_statsmodels_logit(spector):
    X, y = spector
    s = summary(exact().fit(X, y), X, y)
    r = sm_logit(X, y)
    assert s.names == ("intercept", "GPA", "TUCE", "PSI")
    close(s.coef, r.params)
    close(s.std_err, r.bse)
    close(s.z, r.tvalues)
    close(s.p_value, r.pvalues)
    close(np.column_stack([s.ci_lower, s.ci_upper]), r.conf_int())
    close(s.cov, r.cov_params())
    for ours, theirs in [
        ("llf", "llf"),
        ("llnull", "llnull"),
        ("llr", "llr"),
        ("llr_pvalue", "llr_pvalue"),
        ("pseudo_r2", "prsquared"),
        ("aic", "aic"),
        ("bic", "bic"),
        ("df_model", "df_model"),
        ("df_resid", "df_resid"),
        ("nobs", "nobs"),
    ]:
        close(getattr(s, ours), getattr(r, theirs))
    assert s.converged is True and s.cov_type == "nonrobust"


@pytest.mark.parametrize("level", [0.9, 0.99])
def test_wald_interval_level(spector, level):
    X, y = spector
    m = exact().fit(X, y)
    ci = conf_int(m, X, y, level=level)
    close(ci.to_numpy(), sm_logit(X, y).conf_int(alpha=1 - level))


def test_anes_matches_statsmodels_glm_binomial(anes):
    X, y, _ = anes
    s = summary(exact().fit(X, y), X, y)
    r = sm.GLM(y, sm.add_constant(X.to_numpy()), family=sm.families.Binomial()).fit(tol=1e-12)
    close(s.coef, r.params)
    close(s.std_err, r.bse)
    close(s.z, r.tvalues)
    close(np.log(s.p_value), np.log(r.pvalues))  # p down to 1e-42: compare on log scale
    close(s.llf, r.llf)
    close(s.llnull, r.llnull)
    close(s.aic, r.aic)


@pytest.mark.parametrize("cov_type", ["HC0", "HC1", "cluster"])
def test_robust_covariances_match_statsmodels(anes, cov_type):
    X, y, pid = anes
    m = exact().fit(X, y)
    groups = pid if cov_type == "cluster" else None
    s = summary(m, X, y, cov_type=cov_type, groups=groups)
    kw = {"groups": pid} if cov_type == "cluster" else None
    # statsmodels' own "HC1" for Logit and GLM applies no small-sample factor (it equals
    # its HC0); ours is the textbook HC1 = N / (N - k) HC0 (MacKinnon & White 1985)
    r = sm_logit(X, y, cov_type="HC0" if cov_type == "HC1" else cov_type, cov_kwds=kw)
    factor = len(y) / (len(y) - 9) if cov_type == "HC1" else 1.0
    close(s.cov, r.cov_params() * factor)
    close(s.std_err, r.bse * np.sqrt(factor))
    assert s.cov_type == cov_type
    assert s.n_groups == (len(np.unique(pid)) if cov_type == "cluster" else None)


def test_hc1_is_hc0_times_n_over_n_minus_k(spector):
    X, y = spector
    m = exact().fit(X, y)
    hc0 = summary(m, X, y, cov_type="HC0").cov
    hc1 = summary(m, X, y, cov_type="HC1").cov
    close(hc1, hc0 * 32 / 28, rtol=1e-12)


def test_frequency_weights_match_glm_and_the_expanded_data(anes):
    X, y, pid = anes
    w = np.random.default_rng(0).integers(1, 4, len(y)).astype(float)
    m = exact().fit(X, y, sample_weight=w)
    s = summary(m, X, y, sample_weight=w)
    glm = sm.GLM(y, sm.add_constant(X.to_numpy()), family=sm.families.Binomial(), freq_weights=w)
    r = glm.fit(tol=1e-12)
    close(s.coef, r.params)
    close(s.std_err, r.bse)
    close(s.llf, r.llf)
    close(s.llnull, r.llnull)
    close(s.bic, r.bic_llf)
    assert s.nobs == len(y) and s.weight_sum == w.sum()
    reps = w.astype(int)
    Xe, ye, ge = np.repeat(X.to_numpy(), reps, axis=0), np.repeat(y, reps), np.repeat(pid, reps)
    N, k = w.sum(), 9
    for cov_type, kw, factor in [
        ("HC0", None, 1.0),
        ("HC1", None, N / (N - k)),
        ("cluster", {"groups": ge}, 1.0),
    ]:
        groups = pid if cov_type == "cluster" else None
        ours = summary(m, X, y, sample_weight=w, cov_type=cov_type, groups=groups)
        theirs = sm_logit(Xe, ye, cov_type="HC0" if cov_type == "HC1" else cov_type, cov_kwds=kw)
        close(ours.std_err, theirs.bse * np.sqrt(factor))


def test_non_integer_weights_and_class_weight_match_glm(spector):
    X, y = spector
    w = np.random.default_rng(1).uniform(0.2, 3.0, len(y))
    m = exact(class_weight="balanced").fit(X, y, sample_weight=w)
    s = summary(m, X, y, sample_weight=w)
    per_row = w * compute_class_weight("balanced", classes=np.array([0.0, 1.0]), y=y)[y.astype(int)]
    r = sm.GLM(
        y, sm.add_constant(X.to_numpy()), family=sm.families.Binomial(), freq_weights=per_row
    ).fit(tol=1e-12)
    close(s.coef, r.params)
    close(s.std_err, r.bse)
    close(s.weight_sum, per_row.sum())


def test_no_intercept_matches_statsmodels_and_uses_the_zero_logit_null(spector):
    X, y = spector
    m = exact(fit_intercept=False).fit(X, y)
    s = summary(m, X, y)
    r = sm.Logit(y, X.to_numpy()).fit(disp=0)
    assert s.names == ("GPA", "TUCE", "PSI")
    close(s.coef, r.params)
    close(s.std_err, r.bse)
    close(s.llf, r.llf)
    # the nested null model without an intercept is p = 1/2 (statsmodels uses a constant)
    close(s.llnull, -len(y) * np.log(2))
    assert s.df_model == 3


def test_fit_stats_information_is_the_negative_hessian(spector):
    X, y = spector
    m = exact().fit(X, y)
    stats_ = fit_stats(X.to_numpy(), y, None, m.coef_, m.intercept_[0], True)
    r = sm_logit(X, y)
    order = [1, 2, 3, 0]  # statsmodels: const first; fit_stats: [w, b]
    close(stats_["information"], -r.model.hessian(r.params)[np.ix_(order, order)])
    close(stats_["llf"], r.llf)
    close(stats_["llnull"], r.llnull)
    assert stats_["nobs"] == 32 and stats_["weight_sum"] == 32.0


def test_summary_without_data_reads_fit_stats(spector):
    X, y = spector
    m = exact(solver="lbfgs").fit(X, y)  # no Hessian at the end: keeps none
    with pytest.raises(ValueError, match="pass the training data"):
        summary(m)
    m = exact().fit(X, y)
    m._fit_stats = fit_stats(X.to_numpy(), y, None, m.coef_, m.intercept_[0], True)
    a, b = m.summary(), m.summary(X, y)
    close(a.to_frame().to_numpy(), b.to_frame().to_numpy(), rtol=1e-12)
    assert (a.llf, a.llnull, a.nobs) == (b.llf, b.llnull, b.nobs)
    with pytest.raises(ValueError, match="cov_type='HC0' needs the training data"):
        m.summary(cov_type="HC0")
    with pytest.raises(ValueError, match="ci_method='profile' needs the training data"):
        m.summary(ci_method="profile")
    m._fit_stats = dict(m._fit_stats, information=np.eye(2))
    with pytest.raises(ValueError, match=r"stored information is \(2, 2\), not \(4, 4\)"):
        m.summary()


@pytest.mark.parametrize("standardize", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 0.01])
@pytest.mark.parametrize("layout", ["dense", "csr"])
def test_fit_keeps_what_summary_needs_from_its_last_hessian(
    spector, standardize, weighted, fit_intercept, alpha, layout
):
    """Newton ends on the exact Hessian of J at its final theta: fit keeps the
    information, llf and llnull from it (no pass), equal to fit_stats on the training
    data, and summary() without data equals summary(X, y)."""
    X, y = spector
    Xn = X.to_numpy() if layout == "dense" else sp.csr_matrix(X.to_numpy())
    s = np.linspace(0.5, 2.0, y.size) if weighted else None
    m = LogisticRegression(alpha=alpha, solver="newton", tol=1e-10, standardize=standardize,
                           fit_intercept=fit_intercept)  # fmt: skip
    m.fit(Xn, y, sample_weight=s)
    if standardize and not fit_intercept:
        # centred columns without an intercept make a raw intercept that fit_stats' [w]
        # has no place for
        assert m._fit_stats is None
        return
    want = fit_stats(Xn, y, s, m.coef_, m.intercept_[0], fit_intercept)
    kept = m._fit_stats
    close(kept["information"], want["information"], rtol=1e-9)
    close(kept["llf"], want["llf"], rtol=1e-12)
    close(kept["llnull"], want["llnull"], rtol=1e-12)
    assert (kept["nobs"], kept["weight_sum"]) == (want["nobs"], want["weight_sum"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the penalty's warning, for both
        a, b = m.summary(), m.summary(Xn, y, s)
    close(a.to_frame().to_numpy(), b.to_frame().to_numpy(), rtol=1e-7)


def test_a_centred_model_without_intercept_is_refused(spector):
    """standardize=True with fit_intercept=False centres the columns, so the raw model
    has an intercept (-x_mean_ . coef_) that the [w] parameters have no place for: the
    table would describe another model (its optimum check said a step would move 181 SE)."""
    X, y = spector
    m = exact(standardize=True, fit_intercept=False).fit(X.to_numpy(), y)
    assert m.intercept_[0] != 0.0 and m._fit_stats is None
    for call in (lambda: m.summary(X.to_numpy(), y), m.summary, m.conf_int):
        with pytest.raises(ValueError, match="fit_intercept=False but intercept_="):
            call()
    plain = exact(fit_intercept=False).fit(X.to_numpy(), y)  # no intercept: fine
    close(plain.summary(X.to_numpy(), y).to_frame()["coef"].to_numpy(), plain.coef_[0], 1e-12)


def test_kept_information_is_dropped_or_refused_when_it_no_longer_applies(spector):
    """A subsampled Hessian keeps nothing; coefficients changed after fit (set by hand,
    or by partial_fit) make summary() ask for the data instead of using stale values."""
    X, y = spector
    m = exact().fit(X, y)
    m.coef_ = m.coef_ * 1.01
    with pytest.raises(ValueError, match="not those its information matrix was kept for"):
        m.summary()
    m = exact(solver="sgd", random_state=0, max_iter=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m.fit(X, y)
    assert m._fit_stats is None
    rng = np.random.default_rng(0)
    Xt = rng.standard_normal((300_000, 2))  # two blocks of rows or more
    yt = (Xt[:, 0] + rng.logistic(size=300_000) > 0).astype(int)
    tall = exact().fit(Xt, yt)  # 3 parameters: Newton's Hessian is subsampled
    assert tall._fit_stats is None
    with pytest.raises(ValueError, match="keeps no information matrix"):
        tall.summary()


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_X_gives_the_dense_answer(anes, fmt):
    X, y, pid = anes
    m = exact().fit(X, y)
    Xs = {"csr": sp.csr_matrix, "csc": sp.csc_matrix}[fmt](X.to_numpy())
    for cov_type in ["nonrobust", "HC1", "cluster"]:
        groups = pid if cov_type == "cluster" else None
        dense = summary(m, X.to_numpy(), y, cov_type=cov_type, groups=groups)
        sparse = summary(m, Xs, y, cov_type=cov_type, groups=groups)
        close(sparse.cov, dense.cov, rtol=1e-10)
    info = fit_stats(Xs, y, None, m.coef_, m.intercept_[0], True)["information"]
    close(info, fit_stats(X, y, None, m.coef_, m.intercept_[0], True)["information"], 1e-12)


# ------------------------------------------------ penalties: finite differences
def penalised_loglik(theta, X, y, s, alpha, scale):
    """l(theta) - alpha S / 2 ||w * scale||^2, written out independently."""
    w, b = theta[:-1], theta[-1]
    z = X @ w + b
    ll = float(s @ (y * log_expit(z) + (1 - y) * log_expit(-z)))
    return ll - alpha * s.sum() / 2 * float(np.sum((w * scale) ** 2))


def fd_hessian(f, theta, h=1e-4):
    k = len(theta)
    H = np.empty((k, k))
    for i in range(k):
        for j in range(k):
            e_i, e_j = np.eye(k)[i] * h, np.eye(k)[j] * h
            H[i, j] = (
                f(theta + e_i + e_j) - f(theta + e_i - e_j) - f(theta - e_i + e_j)
                + f(theta - e_i - e_j)
            ) / (4 * h * h)  # fmt: skip
    return H


@pytest.mark.parametrize("standardize", [False, True])
def test_penalised_covariance_is_the_inverse_penalised_hessian(spector, standardize):
    X, y = spector
    Xa = X.to_numpy()
    s = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    alpha = 0.05
    m = LogisticRegression(alpha=alpha, tol=1e-10, standardize=standardize).fit(Xa, y, s)
    with pytest.warns(PenaltyWarning), warnings.catch_warnings():
        warnings.simplefilter("error", NotAtOptimumWarning)  # the penalised optimum
        result = summary(m, Xa, y, s)
    theta = np.append(m.coef_[0], m.intercept_[0])
    scale = m.x_scale_ if standardize else np.ones(3)
    H = -fd_hessian(lambda t: penalised_loglik(t, Xa, y, s, alpha, scale), theta)
    order = [3, 0, 1, 2]
    H = H[np.ix_(order, order)]
    close(np.linalg.inv(result.cov), H, rtol=1e-6, atol=1e-6 * abs(H).max())
    assert result.method == "L2-penalised maximum likelihood" and result.alpha == alpha


def test_penalty_shift_predicts_the_distance_to_the_ml_fit(anes):
    X, y, _ = anes
    ml = exact().fit(X, y)
    pen = LogisticRegression(alpha=2e-3, tol=1e-10).fit(X, y)
    with pytest.warns(PenaltyWarning, match=r"moved the estimates by up to [\d.]+ standard"):
        s = summary(pen, X, y)
    distance = np.abs(np.r_[ml.intercept_, ml.coef_[0]] - s.coef) / s.std_err
    assert s.penalty_shift == pytest.approx(distance.max(), rel=0.15)
    assert s.penalty_shift > PENALTY_SHIFT_WARN
    assert "not classical" in str(s)


def test_default_alpha_on_small_data_summarises_without_warning(spector):
    X, y = spector
    m = LogisticRegression(tol=1e-10).fit(X, y)  # the default alpha=1e-4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = m.summary(X, y)
    assert s.alpha == 1e-4 and 0 < s.penalty_shift < PENALTY_SHIFT_WARN
    assert "Penalty:" in str(s) and "alpha=0.0001" in str(s)
    close(s.coef, sm_logit(X, y).params, rtol=0.05)


# ------------------------------------------------------ profile likelihood
def test_profile_limits_cut_the_likelihood_at_the_chi2_quantile(spector):
    """Oracle: statsmodels refits with the parameter held at each limit (an offset)."""
    X, y = spector
    m = exact().fit(X, y)
    ci = conf_int(m, X, y, method="profile")
    Xc = sm.add_constant(X.to_numpy())
    top = sm_logit(X, y).llf
    q = stats.chi2.ppf(0.95, 1)
    for j, name in enumerate(ci.index):
        for t in ci.loc[name]:
            rest = np.delete(Xc, j, axis=1)
            r = sm.GLM(y, rest, family=sm.families.Binomial(), offset=t * Xc[:, j]).fit(tol=1e-13)
            assert 2 * (top - r.llf) == pytest.approx(q, rel=1e-7)
    coef = np.r_[m.intercept_, m.coef_[0]]
    assert np.all(ci["ci_lower"] < coef) and np.all(coef < ci["ci_upper"])
    wald = conf_int(m, X, y)
    assert not np.allclose(ci.to_numpy(), wald.to_numpy(), rtol=1e-3)  # they differ


def test_profile_summary_reports_profile_intervals(spector):
    X, y = spector
    m = exact().fit(X, y)
    s = m.summary(X, y, ci_method="profile", level=0.9)
    close(s.to_frame()[["ci_lower", "ci_upper"]], m.conf_int(X, y, method="profile", level=0.9))
    assert s.ci_method == "profile likelihood" and "Intervals: profile" in str(s)


def test_profile_under_separation_names_the_diverging_feature():
    d = pd.read_csv("tests/data/endometrial.csv")
    X, y = d[["NV", "PI", "EH"]], d["HG"].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = exact(max_iter=30).fit(X, y)
    with pytest.raises(ProfileError, match=r"NV -> \+inf") as info:
        m.conf_int(X, y, method="profile")
    assert info.value.parameter == "NV"


def test_profile_limit_that_cannot_be_bracketed_names_parameter_and_side(spector, monkeypatch):
    import oneneuron.inference._profile as profile_module

    X, y = spector
    m = exact().fit(X, y)
    monkeypatch.setattr(profile_module, "MAX_STANDARD_ERRORS", 0.5)
    message = r"cannot bracket the lower 95% profile-likelihood limit of GPA: .* \(1 SE from"
    with pytest.raises(ProfileError, match=message):
        m.conf_int(X, y, method="profile")


# --------------------------------------------------------------- the table
def test_frame_odds_ratios_and_printout(spector):
    X, y = spector
    s = exact().fit(X, y).summary(X, y)
    assert isinstance(s, Summary)
    frame = s.to_frame()
    assert list(frame.columns) == ["coef", "std_err", "z", "p_value", "ci_lower", "ci_upper"]
    assert list(frame.index) == ["intercept", "GPA", "TUCE", "PSI"]
    odds = s.odds_ratios()
    close(odds["odds_ratio"], np.exp(frame["coef"]), rtol=1e-15)
    close(odds["ci_upper"], np.exp(frame["ci_upper"]), rtol=1e-15)
    close(s.cov_params().loc["GPA", "PSI"], s.cov[1, 3], rtol=0)
    text = str(s)
    pieces = ["Logistic regression results", "intercept", "GPA", "-13.0213", "2.8261"]
    pieces += ["Pseudo R-squ.", "0.3740", "LLR p-value", "[0.025", "0.975]", "nonrobust"]
    for piece in pieces:
        assert piece in text, piece
    assert repr(s) == text
    assert max(len(line) for line in text.splitlines() if not line.startswith("[")) <= 78


def test_string_labels_and_dataframe_names(spector):
    X, y = spector
    labels = np.where(y == 1, "pass", "fail")
    a = exact().fit(X, labels).summary(X, labels)
    b = exact().fit(X, y).summary(X, y)
    close(a.coef, b.coef, rtol=1e-10)
    assert a.positive_class == "pass" and "y = pass" in str(a)
    with pytest.raises(ValueError, match="columns"):
        exact().fit(X, y).summary(X[["TUCE", "GPA", "PSI"]], y)


# ------------------------------------------------------------- bad use
def test_summary_before_fit_says_to_fit():
    with pytest.raises(NotFittedError, match=r"call fit\(X, y\) before summary\(\)"):
        LogisticRegression().summary()


def test_bad_arguments_are_named(spector):
    X, y = spector
    m = exact().fit(X, y)
    Xa = X.to_numpy()
    cases = [
        (dict(X=Xa[:, :2], y=y), "X has 2 features, but the model was fitted with 3"),
        (dict(X=Xa, y=y[:5]), "y has 5 labels; X has 32 rows"),
        (dict(X=Xa, y=None), "y is required"),
        (dict(X=Xa, y=y, cov_type="HC3"), "unknown cov_type 'HC3'; valid: nonrobust, HC0"),
        (dict(X=Xa, y=y, cov_type="cluster"), "needs groups"),
        (dict(X=Xa, y=y, cov_type="cluster", groups=[1, 2]), "groups has 2 labels"),
        (dict(X=Xa, y=y, cov_type="cluster", groups=np.ones(32)), "at least 2 groups; got 1"),
        (dict(X=Xa, y=y, groups=np.ones(32)), "only with cov_type='cluster'"),
        (dict(X=Xa, y=y, level=95), r"level must be in \(0, 1\)"),
        (dict(X=Xa, y=y, ci_method="exact"), "unknown ci_method 'exact'; valid: wald, profile"),
        (dict(X=Xa, y=y, sample_weight=-np.ones(32)), "sample_weight must be >= 0"),
        (dict(X=Xa, y=np.full(32, 3)), r"y has labels \(3\) that are not among the classes"),
        (dict(X=np.where(Xa > 3, np.nan, Xa), y=y), "NaN in column 0"),
    ]
    for kwargs, message in cases:
        X_ = kwargs.pop("X")
        y_ = kwargs.pop("y")
        with pytest.raises(ValueError, match=message):
            summary(m, X_, y_, **kwargs)


def test_singular_information_names_the_collinear_features(spector):
    X, y = spector
    X2 = X.assign(GPA2=2 * X["GPA"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = exact(max_iter=20).fit(X2, y)
    with pytest.raises(SingularInformationError, match=r"GPA, GPA2 are collinear") as info:
        m.summary(X2, y)
    assert "-0.5*GPA" in str(info.value) or "0.5*GPA" in str(info.value)
    X3 = X.assign(ten=10.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = exact(max_iter=20).fit(X3, y)
    with pytest.raises(SingularInformationError, match=r"intercept, ten are collinear"):
        m.summary(X3, y)
    X4 = X.assign(zero=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = exact(max_iter=20).fit(X4, y)
    with pytest.raises(SingularInformationError, match="zero is 0 in every row"):
        m.summary(X4, y)


def test_the_example_in_docs_runs(capsys):
    text = open("docs/inference.md").read()
    code = text.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(code, "docs/inference.md", "exec"), {})
    out = capsys.readouterr().out
    assert "GRADE = 1.0" in out and "No separation" in out and "Firth penalised" in out


def test_wrong_data_or_missing_weights_warn(spector):
    X, y = spector
    w = np.random.default_rng(4).uniform(0.2, 3.0, len(y))
    m = exact().fit(X, y, sample_weight=w)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m.summary(X, y, sample_weight=w)  # the training data: silent
    with pytest.warns(NotAtOptimumWarning, match="Pass the training X, y and sample_weight"):
        m.summary(X, y)
    with pytest.warns(NotAtOptimumWarning, match=r"would move \w+ by [\d.e+]+ standard errors"):
        LogisticRegression(solver="gd", alpha=0, max_iter=3, tol=None).fit(X, y).summary(X, y)


def test_penalised_profile_limits_against_scipy(spector):
    """Oracle: scipy's BFGS maximises the penalised log-likelihood with GPA held fixed."""
    from scipy.optimize import minimize

    X, y = spector
    Xa, s, alpha = X.to_numpy(), np.ones(len(y)), 0.02
    m = LogisticRegression(alpha=alpha, tol=1e-10).fit(Xa, y)
    with pytest.warns(PenaltyWarning):
        ci = m.conf_int(Xa, y, method="profile")
    f = lambda t: -penalised_loglik(t, Xa, y, s, alpha, np.ones(3))  # noqa: E731
    theta = np.r_[m.coef_[0], m.intercept_]
    top = -f(theta)
    for t in ci.loc["x1"]:
        rest = minimize(
            lambda r, t=t: f(np.r_[t, r]), theta[1:], method="BFGS", options={"gtol": 1e-9}
        )
        assert 2 * (top + rest.fun) == pytest.approx(stats.chi2.ppf(0.95, 1), rel=1e-6)


def test_the_optimum_check_counts_standard_errors(anes):
    X, y, _ = anes
    m = exact().fit(X, y)
    se = m.summary(X, y).std_err[1:]  # the features' standard errors, ~0.01-0.03
    base = m.coef_.copy()
    m.coef_ = base + 0.03 * se  # 0.03 SE off: within OPTIMUM_WARN = 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m.summary(X, y)
    m.coef_ = base + np.where(np.arange(8) == 2, 0.5 * se, 0.0)  # selfLR 0.5 SE off
    with pytest.warns(NotAtOptimumWarning, match="would move"):
        m.summary(X, y)


def test_columns_of_extreme_magnitude_keep_no_overflowed_information(spector):
    """The raw information of columns near 1e200 overflows: fit keeps none (and warns
    nothing), and summary() asks for the data."""
    X, y = spector
    Xh = X.to_numpy() * np.array([1e200, 1.0, 1.0])
    m = exact().fit(Xh, y)
    assert m._fit_stats is None
    with pytest.raises(ValueError, match="keeps no information matrix"):
        m.summary()
    with pytest.raises(ValueError, match="information matrix overflows for x1: its values"):
        summary(m, Xh, y)


@pytest.mark.parametrize("scale", [1e-300, 1.0, 3e290])
def test_kept_information_counts_the_users_weights(spector, scale):
    """The fit rescales the weights by a power of two (J does not change); what it keeps
    counts them as given, class weights included: fit_stats of the same weights."""
    X, y = spector
    s = np.linspace(0.5, 2.0, y.size) * scale
    m = exact(class_weight={0: 1.0, 1: 3.0}).fit(X, y, sample_weight=s)
    full = s * np.where(y == 1, 3.0, 1.0)
    want = fit_stats(X.to_numpy(), y, full, m.coef_, m.intercept_[0], True)
    kept = m._fit_stats
    close(kept["information"], want["information"], rtol=1e-9)
    close(np.array([kept["llf"], kept["llnull"], kept["weight_sum"]]),
          np.array([want["llf"], want["llnull"], want["weight_sum"]]), rtol=1e-12)  # fmt: skip


def test_weights_too_small_for_the_information_say_so(spector):
    """Weights of 1e-320: the fit is the same, the information underflows; summary()
    says so instead of an overflow warning."""
    X, y = spector
    m = exact().fit(X, y, sample_weight=np.full(y.size, 1e-320))
    for call in (m.summary, lambda: m.summary(X, y, np.full(y.size, 1e-320))):
        with pytest.raises(ValueError, match="information matrix is too close to 0"):
            call()
