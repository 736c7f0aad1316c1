"""Solvers tell the truth: what early stopping kept, divergence, hints, rank deficiency."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_breast_cancer, make_classification
from sklearn.exceptions import ConvergenceWarning

from oneneuron import LogisticRegression, load
from oneneuron._fitting import RankDeficientWarning
from oneneuron.solvers import _driver, _stop_messages


@pytest.fixture(scope="module")
def overfit():
    """Few rows, many noisy features: the validation loss is lowest early."""
    X, y = make_classification(300, 20, n_informative=3, n_redundant=0, random_state=0, flip_y=0.2)
    return X, y


@pytest.fixture(scope="module")
def raw_cancer():
    return load_breast_cancer(return_X_y=True)


# ------------------------------------------------------------------------ early stopping
def test_early_stopping_reports_the_iterate_it_kept(overfit, tmp_path):
    X, y = overfit
    model = LogisticRegression(alpha=0.0, early_stopping=True, random_state=0, record_weights=True)
    model.fit(X, y)
    h = model.history_
    kept = model.n_iter_
    assert kept == len(h) - 1 == int(np.argmin(h["val_loss"]))
    assert not model.converged_
    assert model.stop_reason_.startswith(f"early stopping: kept iteration {kept}, the lowest")
    stopped = int(model.stop_reason_.split("stopped at iteration ")[1].split(":")[0])
    assert stopped > kept and model.stop_reason_.endswith(": tol)")  # Newton converged
    # the kept weights are the model's, and the history's last record is theirs
    np.testing.assert_array_equal(h["coef"][-1], model.coef_[0])
    assert h["intercept"][-1] == model.intercept_[0]
    same = load(model.save(tmp_path / "m.json"))
    assert (same.n_iter_, same.converged_, same.stop_reason_) == (
        model.n_iter_,
        model.converged_,
        model.stop_reason_,
    )
    assert len(same.history_) == len(h)
    np.testing.assert_array_equal(same.coef_, model.coef_)


def test_early_stopping_that_keeps_the_last_iterate_changes_nothing(overfit):
    X, y = overfit
    kw = dict(solver="gd", learning_rate=0.01, max_iter=20, tol=None, random_state=0)
    stopped = LogisticRegression(early_stopping=True, n_iter_no_change=50, **kw).fit(X, y)
    assert stopped.n_iter_ == 20 == len(stopped.history_) - 1
    assert stopped.stop_reason_ == "max_iter"
    assert np.all(np.diff(stopped.history_["val_loss"]) < 0)


# ---------------------------------------------------------------------------- divergence
@pytest.mark.parametrize("solver", ["gd", "sgd"])
def test_a_rising_loss_is_divergence_and_the_warning_says_what_helps(raw_cancer, solver):
    X, y = raw_cancer
    with pytest.warns(ConvergenceWarning) as record:
        model = LogisticRegression(solver=solver, random_state=0).fit(X, y)
    message = str(record[-1].message)
    assert f"solver '{solver}' diverged: its loss rose from 0.6931 to as much as" in message
    assert "stayed above 1.693 for 5 iterations (training stopped at iteration 5" in message
    assert message.endswith(
        "lower learning_rate (it is 0.1) or set standardize=True (steps of one rate suit "
        "features of one scale)"
    )
    assert model.n_iter_ == 5 and not model.converged_ and len(model.history_) == 6
    assert model.stop_reason_.startswith("diverged: the loss rose from 0.6931 to ")
    assert min(model.history_["loss"][1:]) > 1.693
    with pytest.warns(ConvergenceWarning) as record:  # also with a fixed budget
        LogisticRegression(solver=solver, standardize=True, learning_rate=1e4, tol=None).fit(X, y)
    assert str(record[-1].message).endswith("lower learning_rate (it is 10000)")


def test_the_rising_rule_needs_five_steps_well_above_the_start():
    rising = _driver._Rising(0.69)
    assert rising.bound == pytest.approx(1.69)
    assert not any(rising.up(x) for x in [5.0, 5.0, 5.0, 5.0, 1.0, 5.0, 5.0, 5.0, 5.0])
    assert rising.up(9.0) and rising.worst == 9.0
    small = _driver._Rising(0.01)  # a start near the optimum: a nat of noise is allowed
    assert small.bound == pytest.approx(1.01)


def test_stable_momentum_and_slow_rates_are_not_divergence(raw_cancer):
    X, y = raw_cancer
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        LogisticRegression(solver="gd", learning_rate=1e-6, momentum=0.9).fit(X, y)
        LogisticRegression(solver="sgd", standardize=True, momentum=0.9, max_iter=20).fit(X, y)


@pytest.mark.parametrize("solver", ["gd", "lbfgs"])
def test_hints_only_suggest_standardize_when_it_is_not_set(raw_cancer, solver):
    X, y = raw_cancer
    kw = dict(solver=solver, max_iter=2, learning_rate=1e-7)
    with pytest.warns(ConvergenceWarning, match="standardize=True"):
        LogisticRegression(**kw).fit(X, y)
    with pytest.warns(ConvergenceWarning) as record:
        LogisticRegression(standardize=True, **kw).fit(X, y)
    assert all("standardi" not in str(w.message) for w in record)


def test_an_exact_solver_that_overflows_says_no_learning_rate():
    class Newton:
        name, exact, hint = "newton", True, "raise max_iter"

    class Objective:
        offset = None

    message = _stop_messages.overflowed(Newton(), Objective(), 3)
    assert "learning_rate" not in message and message.endswith("; raise max_iter")


# ---------------------------------------------------------------------- rank deficiency
@pytest.fixture(scope="module")
def full():
    X, y = make_classification(300, 4, n_informative=3, n_redundant=0, flip_y=0.2, random_state=0)
    return X, y


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (lambda X: X[:, 0], r"X columns \(0, 4\) are linearly dependent"),
        (lambda X: np.full(len(X), 3.0), r"X column 4 and the intercept are linearly dependent"),
        (lambda X: np.zeros(len(X)), r"X column 4 is all zero"),
        (lambda X: X[:, 0] - 2 * X[:, 1], r"X columns \(0, 1, 4\) are linearly dependent"),
    ],
)
@pytest.mark.parametrize("solver", ["newton", "lbfgs", "gd"])
def test_rank_deficient_designs_with_alpha_0_warn(full, extra, message, solver):
    X, y = full
    Xd = np.c_[X, extra(X)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.warns(RankDeficientWarning, match=message + ".*not unique"):
            LogisticRegression(alpha=0.0, solver=solver, max_iter=50).fit(Xd, y)
        with warnings.catch_warnings():
            warnings.simplefilter("error", RankDeficientWarning)
            LogisticRegression(alpha=1e-3, solver=solver, max_iter=50).fit(Xd, y)


def test_full_rank_designs_do_not_warn_even_when_the_sample_is_deficient(full):
    """A rare indicator column is zero on every row of the strided sample (so the
    sample's Gram matrix is singular), but not on all rows: no warning."""
    X, y = full
    X = np.repeat(X, 30, axis=0)  # 9000 rows: the sample takes every third
    y = np.repeat(y, 30)
    rare = np.zeros(len(y))
    rare[[1, 4, 7]] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", RankDeficientWarning)
        LogisticRegression(alpha=0.0).fit(np.c_[X, rare], y)
        LogisticRegression(alpha=0.0).fit(sp.csr_matrix(np.c_[X, rare]), y)
    with pytest.warns(RankDeficientWarning, match=r"X columns \(1, 4\)"):
        LogisticRegression(alpha=0.0).fit(sp.csr_matrix(np.c_[X, X[:, 1]]), y)


def test_fewer_rows_than_parameters_warn(full):
    X, y = full
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", UserWarning)  # separable, too
        with pytest.warns(RankDeficientWarning, match="linearly dependent"):
            LogisticRegression(alpha=0.0, solver="lbfgs").fit(X[:4], y[:4])


def test_rows_without_weight_do_not_count_for_the_rank(full):
    X, y = full
    extra = np.zeros(len(y))
    extra[:10] = 1.0  # nonzero only on rows of weight 0
    weight = np.r_[np.zeros(10), np.ones(len(y) - 10)]
    with pytest.warns(RankDeficientWarning, match=r"X column 4 is all zero \(on the rows that"):
        LogisticRegression(alpha=0.0).fit(np.c_[X, extra], y, sample_weight=weight)


def test_the_rank_check_takes_columns_of_any_size(full):
    X, y = full
    huge = np.c_[X, X[:, 0]] * 1e300
    with pytest.warns(RankDeficientWarning, match=r"X columns \(0, 4\)"):
        LogisticRegression(alpha=0.0).fit(huge, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RankDeficientWarning)
        LogisticRegression(alpha=0.0).fit(X * np.array([1e300, 1e-300, 1.0, 1.0]), y)


def _quasi_separated(n=200, seed=0):
    """x1 > 0 only in class 1, x1 < 0 only in class 0, and rows with x1 = 0 in both:
    quasi-complete separation (the classic case of Albert & Anderson)."""
    rng = np.random.default_rng(seed)
    x1 = np.r_[rng.uniform(0.5, 2, n // 4), -rng.uniform(0.5, 2, n // 4), np.zeros(n // 2)]
    y = np.r_[np.ones(n // 4), np.zeros(n // 4), rng.integers(0, 2, n // 2)].astype(int)
    x2 = rng.standard_normal(n)
    return np.c_[x1, x2], y


@pytest.mark.parametrize("solver", ["newton", "lbfgs"])
def test_quasi_complete_separation_with_alpha_0_warns_and_names_the_column(solver):
    from oneneuron.diagnostics import SeparationWarning

    X, y = _quasi_separated()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        expected = r"quasi-complete separation: 100 of 200.*diverging: x1 to \+inf"
        with pytest.warns(SeparationWarning, match=expected):
            LogisticRegression(alpha=0.0, solver=solver, max_iter=200).fit(X, y)
        frame = pd.DataFrame(X, columns=["dose", "noise"])
        with pytest.warns(SeparationWarning, match=r"diverging: dose to \+inf.*firth=True"):
            LogisticRegression(alpha=0.0, solver=solver, max_iter=200).fit(frame, y)
        with warnings.catch_warnings():  # a penalty gives a finite optimum: no warning
            warnings.simplefilter("error", SeparationWarning)
            LogisticRegression(alpha=1e-3, solver=solver).fit(X, y)


def test_no_separation_warning_on_overlapping_classes_even_with_large_margins():
    """A strong feature gives some rows probabilities within 1e-10 of their labels (the
    screen fires), but the classes overlap: the exact check says no, and nothing warns."""
    from oneneuron.diagnostics import SeparationWarning

    rng = np.random.default_rng(1)
    x = np.r_[rng.normal(-1, 1, 300), rng.normal(1, 1, 300), 40.0]  # one far outlier
    y = np.r_[np.zeros(300), np.ones(301)].astype(int)
    X = np.c_[x, rng.normal(0, 1, 601)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)
        model = LogisticRegression(alpha=0.0).fit(X, y)
    z = X @ model.coef_[0] + model.intercept_[0]
    assert np.abs(z).max() > 23  # the screen did fire; the linear program said no


def test_separation_screen_skipped_beyond_the_exact_checks_size(monkeypatch):
    """Data too large for the exact check get no screen either (its product X w would
    decide nothing): the screen runs at or under the limit, not over it."""
    from oneneuron import _separated

    rng = np.random.default_rng(2)
    X = rng.standard_normal((200, 3))
    y = (X[:, 0] + rng.standard_normal(200) > 0).astype(int)
    screened = []
    real = _separated._correct_margins
    monkeypatch.setattr(_separated, "_correct_margins", lambda *a: screened.append(1) or real(*a))
    LogisticRegression(alpha=0.0).fit(X, y)
    assert screened == [1]
    monkeypatch.setattr(_separated, "EXACT_MAX_ENTRIES", 200 * 4 - 1)
    LogisticRegression(alpha=0.0).fit(X, y)
    assert screened == [1]
