"""``LogisticRegression(firth=True)``: logistf's published estimates through the estimator,
its table from ``summary``, and what Firth's model refuses (each with what to do instead)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from oneneuron import LogisticRegression, load
from oneneuron.data import scan_csv
from oneneuron.firth import firth_fit

from .test_firth import LOGISTF_SEX2_CI, LOGISTF_SEX2_COEF, LOGISTF_SEX2_INTERCEPT, SEX2

DATA = "tests/data/"


@pytest.fixture(scope="module")
def sex2_frame():
    d = pd.read_csv(DATA + "sex2.csv")
    return d[SEX2], d["case"]


def test_firth_true_gives_logistfs_estimates(sex2_frame):
    X, y = sex2_frame
    m = LogisticRegression(firth=True).fit(X, y)
    assert m.converged_ and m.solver_ == "newton" and m.stop_reason_ == "tol"
    np.testing.assert_allclose(m.coef_[0], LOGISTF_SEX2_COEF, rtol=1e-6)
    assert m.intercept_[0] == pytest.approx(LOGISTF_SEX2_INTERCEPT, rel=1e-6)
    r = firth_fit(X.to_numpy(float), y.to_numpy())
    np.testing.assert_allclose(m.coef_[0], r.coef, rtol=1e-12)
    assert list(m.feature_names_in_) == SEX2
    h = m.history_
    assert list(h["iteration"]) == [0, m.n_iter_] and h["loss"][1] < h["loss"][0]
    assert h["grad_max"][1] < 1e-8
    p = m.predict_proba(X)[:, 1]
    assert np.all((p > 0) & (p < 1))


def test_firth_summary_from_the_estimator_is_logistfs_table(sex2_frame):
    X, y = sex2_frame
    m = LogisticRegression(firth=True).fit(X, y)
    s = m.summary(X, y)
    assert s.method == "Firth penalised likelihood"
    ci = np.c_[s.ci_lower, s.ci_upper]
    np.testing.assert_allclose(ci, [LOGISTF_SEX2_CI[-1], *LOGISTF_SEX2_CI[:-1]], rtol=1e-6)
    assert s.p_value[-1] == pytest.approx(4.951873e-03, rel=1e-6)  # dia, logistf via Glow


def test_separated_data_give_finite_estimates_without_a_warning():
    X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    y = np.array([0, 0, 0, 1, 1, 1])  # completely separated
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = LogisticRegression(firth=True).fit(X, y)
    assert np.all(np.isfinite(m.coef_)) and m.converged_
    assert 0 < m.coef_[0, 0] < 10


def test_weights_standardize_sparse_and_labels_change_nothing_they_should_not(sex2_frame):
    X, y = sex2_frame
    ref = LogisticRegression(firth=True).fit(X, y)
    Xa = X.to_numpy(float)
    np.testing.assert_allclose(
        LogisticRegression(firth=True, standardize=True).fit(Xa, y).coef_, ref.coef_, rtol=1e-9
    )
    np.testing.assert_allclose(
        LogisticRegression(firth=True).fit(sp.csr_matrix(Xa), y).coef_, ref.coef_, rtol=1e-9
    )
    labels = np.where(y == 1, "case", "control")  # "control" sorts after "case": flipped
    flipped = LogisticRegression(firth=True).fit(Xa, labels)
    np.testing.assert_allclose(flipped.coef_, -ref.coef_, rtol=1e-9)
    doubled = LogisticRegression(firth=True).fit(np.vstack([Xa, Xa]), np.r_[y, y])
    weighted = LogisticRegression(firth=True).fit(Xa, y, sample_weight=np.full(len(y), 2.0))
    np.testing.assert_allclose(weighted.coef_, doubled.coef_, rtol=1e-9)
    balanced = LogisticRegression(firth=True, class_weight="balanced").fit(Xa, y)
    assert not np.allclose(balanced.coef_, ref.coef_)


def test_max_iter_too_small_warns(sex2_frame):
    X, y = sex2_frame
    with pytest.warns(ConvergenceWarning, match="max_iter=2 before its exact root"):
        m = LogisticRegression(firth=True, max_iter=2).fit(X, y)
    assert not m.converged_ and m.n_iter_ == 2


def test_firth_model_saves_and_loads(sex2_frame, tmp_path):
    X, y = sex2_frame
    m = LogisticRegression(firth=True).fit(X, y)
    back = load(m.save(tmp_path / "firth.json"))
    assert back.firth is True and back.l1_ratio == 0.0
    np.testing.assert_array_equal(back.coef_, m.coef_)
    assert back.summary(X, y).method == "Firth penalised likelihood"


def test_alpha_is_not_used_and_a_set_alpha_says_so(sex2_frame):
    X, y = sex2_frame
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        default = LogisticRegression(firth=True).fit(X, y)  # the default alpha: quiet
        LogisticRegression(firth=True, alpha=0).fit(X, y)
    with pytest.warns(UserWarning, match="alpha=0.5 is not used"):
        m = LogisticRegression(firth=True, alpha=0.5).fit(X, y)
    np.testing.assert_array_equal(m.coef_, default.coef_)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"l1_ratio": 0.5}, r"got l1_ratio=0.5: set l1_ratio=0"),
        ({"solver": "lbfgs"}, r"got solver='lbfgs': use 'auto' or 'newton'"),
        ({"early_stopping": True}, "no early_stopping, eval_set or callbacks"),
        ({"firth": "yes"}, r"firth must be True or False; got 'yes'"),
    ],
)
def test_what_firth_refuses_is_named(sex2_frame, params, message):
    X, y = sex2_frame
    with pytest.raises(ValueError, match=message):
        LogisticRegression(**{"firth": True, **params}).fit(X, y)


def test_firth_needs_data_in_memory_and_fit(sex2_frame, tmp_path):
    X, y = sex2_frame
    path = tmp_path / "sex2.csv"
    X.assign(case=y).to_csv(path, index=False)
    with pytest.raises(ValueError, match="firth=True needs X in memory"):
        LogisticRegression(firth=True).fit(scan_csv(path, target="case"))
    with pytest.raises(ValueError, match="use fit"):
        next(LogisticRegression(firth=True).fit_iter(X, y))
    with pytest.raises(ValueError, match="fitted by fit only"):
        LogisticRegression(firth=True).partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="no early_stopping, eval_set or callbacks"):
        LogisticRegression(firth=True).fit(X, y, eval_set=(X, y))
