"""The estimator's contract: labels, attributes, history, options and clear errors."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from oneneuron import History, LogisticRegression


@pytest.mark.parametrize(
    "labels",
    [(0, 1), (-1, 1), ("cat", "dog"), (False, True), (2.5, 7.0)],
    ids=["01", "pm1", "str", "bool", "float"],
)
def test_any_two_labels(labels, small):
    X, y01 = small
    y = np.where(y01 == 1, labels[1], labels[0])
    m = LogisticRegression().fit(X, y)
    assert list(m.classes_) == sorted(labels)
    pred = m.predict(X)
    assert pred.dtype == y.dtype and set(pred) <= set(labels)
    ref = LogisticRegression().fit(X, y01)
    np.testing.assert_array_equal(m.coef_, ref.coef_)
    np.testing.assert_array_equal(pred == labels[1], ref.predict(X) == 1)


def test_fitted_attributes(small):
    X, y = small
    m = LogisticRegression().fit(X, y)
    assert m.coef_.shape == (1, 5) and m.intercept_.shape == (1,)
    assert m.n_features_in_ == 5 and not hasattr(m, "feature_names_in_")
    assert m.converged_ and m.n_iter_ >= 1 and m.solver_ == "newton"
    assert isinstance(m.history_, History) and len(m.history_) == m.n_iter_ + 1
    assert {"iteration", "loss", "accuracy", "grad_max", "time"} <= set(m.history_.columns)
    np.testing.assert_array_equal(m.history_["iteration"], np.arange(m.n_iter_ + 1))
    assert m.history_["accuracy"][-1] == pytest.approx(m.score(X, y))
    proba = m.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(m.predict_log_proba(X)), proba, rtol=1e-12)
    frame = m.history_.to_frame()
    assert len(frame) == len(m.history_) and "loss" in frame


def test_dataframe_feature_names(small):
    X, y = small
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    m = LogisticRegression().fit(df, y)
    assert list(m.feature_names_in_) == list(df.columns)
    np.testing.assert_array_equal(m.predict(df), m.predict(X))


def test_unfitted_model_refuses_to_predict(small):
    with pytest.raises(NotFittedError):
        LogisticRegression().predict(small[0])


def test_verbose_prints_the_cost(small, capsys):
    X, y = small
    with pytest.warns(ConvergenceWarning):
        LogisticRegression(solver="gd", verbose=2, max_iter=5, tol=0).fit(X, y)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 6 and out[0].startswith("gd iteration 0: cost 0.693147")
    with pytest.warns(ConvergenceWarning):
        LogisticRegression(solver="gd", verbose=1, max_iter=100, tol=0).fit(X, y)
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 11 and out[-1].startswith("gd iteration 100: cost")


def test_eval_set_and_weight_snapshots(small):
    X, y = small
    m = LogisticRegression(solver="gd", max_iter=20, record_weights=True, tol=0)
    with pytest.warns(ConvergenceWarning):
        m.fit(X[:200], y[:200], eval_set=(X[200:], y[200:]))
    h = m.history_
    assert h["val_loss"].shape == (21,) and np.all(h["val_loss"] > 0)
    assert h["coef"].shape == (21, 5) and h["intercept"].shape == (21,)
    np.testing.assert_allclose(h["coef"][-1], m.coef_[0])
    np.testing.assert_array_equal(h["coef"][0], np.zeros(5))
    val_acc = h["val_accuracy"][-1]
    assert val_acc == pytest.approx(m.score(X[200:], y[200:]))


def test_early_stopping_keeps_the_best_weights():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 30))
    y = (X[:, 0] + rng.normal(scale=2.0, size=200) > 0).astype(int)  # easy to overfit
    m = LogisticRegression(
        solver="gd",
        alpha=0.0,
        learning_rate=0.5,
        max_iter=2000,
        early_stopping=True,
        n_iter_no_change=5,
        record_weights=True,
        random_state=0,
    ).fit(X, y)
    h = m.history_
    # the model, n_iter_, converged_ and the history all describe the kept iterate
    best = int(np.argmin(h["val_loss"]))
    assert best == len(h) - 1 == m.n_iter_ and not m.converged_
    stopped = int(m.stop_reason_.split("stopped at iteration ")[1].split(":")[0])
    assert m.stop_reason_.startswith(f"early stopping: kept iteration {best}, the lowest")
    assert m.stop_reason_.endswith(": callback)") and stopped - best == 5  # the patience
    np.testing.assert_array_equal(m.coef_[0], h["coef"][-1])


def test_partial_fit_learns_over_epochs(cancer):
    X, y = cancer
    m = LogisticRegression(random_state=0, learning_rate=0.05)
    with pytest.raises(ValueError, match="classes must be given"):
        m.partial_fit(X, y)
    m.partial_fit(X[:300], y[:300], classes=[0, 1])
    first = m.history_["loss"][-1]
    for _ in range(5):
        m.partial_fit(X[:300], y[:300])
    assert m.history_["loss"][-1] < first and m.n_iter_ == 6
    assert m.score(X[300:], y[300:]) > 0.9
    with pytest.raises(ValueError, match="not among the classes"):
        m.partial_fit(X[:10], np.full(10, 5))


def test_threshold_moves_predictions(small):
    X, y = small
    low = LogisticRegression(threshold=0.1).fit(X, y).predict(X)
    high = LogisticRegression(threshold=0.9).fit(X, y).predict(X)
    assert low.sum() > high.sum()


def test_standardize_gives_the_same_raw_solution_without_penalty(small):
    X, y = small
    X = X * [1, 100, 0.01, 1, 1000] + 50
    a = LogisticRegression(alpha=0.0, tol=1e-10).fit(X, y)
    b = LogisticRegression(alpha=0.0, tol=1e-10, standardize=True).fit(X, y)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-6)
    np.testing.assert_allclose(b.predict_proba(X), a.predict_proba(X), atol=1e-9)
    assert b.x_mean_.shape == (5,) and a.x_mean_ is None


def test_standardize_makes_gd_converge_on_badly_scaled_data(small):
    X, y = small
    X = X * [1, 100, 0.01, 1, 1000] + 50
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m = LogisticRegression(solver="gd", standardize=True, max_iter=500).fit(X, y)
        raw = LogisticRegression(solver="gd", learning_rate=1e-7, max_iter=500).fit(X, y)
    ref = LogisticRegression(standardize=True, tol=1e-10).fit(X, y)
    assert m.history_["loss"][-1] == pytest.approx(ref.history_["loss"][-1], rel=1e-3)
    assert raw.history_["loss"][-1] > 1.05 * ref.history_["loss"][-1]


def test_class_weight_balanced_equals_sample_weights(imbalanced):
    X, y = imbalanced
    a = LogisticRegression(class_weight="balanced", tol=1e-10).fit(X, y)
    w = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
    b = LogisticRegression(tol=1e-10).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-8)
    c = LogisticRegression(class_weight={0: 1.0, 1: 5.0}, tol=1e-10).fit(X, y)
    assert c.predict(X).sum() > b.predict(X).sum() * 0.5


def test_float32_input(cancer):
    X, y = cancer
    a = LogisticRegression(tol=1e-8).fit(X, y)
    b = LogisticRegression(tol=1e-6).fit(X.astype(np.float32), y)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-3, atol=1e-3)


def test_warm_start_from_coef_init(cancer):
    X, y = cancer
    a = LogisticRegression(tol=1e-10).fit(X, y)
    b = LogisticRegression(tol=1e-10).fit(X, y, coef_init=a.coef_, intercept_init=a.intercept_)
    assert b.n_iter_ <= 1
    with pytest.raises(ValueError, match="coef_init has 3 values; X has 30"):
        LogisticRegression().fit(X, y, coef_init=[1, 2, 3])


# ---------------------------------------------------------------- bad input
def test_nan_names_the_column(small):
    X, y = small
    X = X.copy()
    X[17, 3] = np.nan
    with pytest.raises(ValueError, match=r"NaN in column 3 \(first at row 17\)"):
        LogisticRegression().fit(X, y)
    X[17, 3] = np.inf
    with pytest.raises(ValueError, match=r"inf in column 3"):
        LogisticRegression().fit(X, y)
    m = LogisticRegression().fit(small[0], y)
    with pytest.raises(ValueError, match="column 3"):
        m.predict(X)


@pytest.mark.parametrize(
    ("y", "message"),
    [
        (np.zeros(300), "only 1 class"),
        (np.linspace(0, 1, 300), "Unknown label type"),
        (np.zeros(299), "inconsistent numbers of samples"),
    ],
)
def test_bad_labels(small, y, message):
    with pytest.raises(ValueError, match=message):
        LogisticRegression().fit(small[0], y)


def test_non_numeric_and_empty_data():
    with pytest.raises(ValueError, match="X holds non-numeric values"):
        LogisticRegression().fit(np.array([["a", "b"], ["c", "d"]]), [0, 1])
    df = pd.DataFrame({"size": [1.0, 2.0], "colour": ["red", "blue"]})
    with pytest.raises(ValueError, match="column 'colour' is not numeric"):
        LogisticRegression().fit(df, [0, 1])
    with pytest.raises(ValueError, match="0 sample"):
        LogisticRegression().fit(np.empty((0, 3)), [])


def test_wrong_feature_count_at_predict(small):
    m = LogisticRegression().fit(*small)
    with pytest.raises(ValueError, match="X has 4 features, but LogisticRegression is expecting 5"):
        m.predict(small[0][:, :4])


@pytest.mark.parametrize(
    ("sw", "message"),
    [
        (-np.ones(300), "non-negative; index 0"),
        (np.zeros(300), "zero for every sample"),
        (np.ones(5), r"shape \(5,\); expected \(300,\)"),
        (np.r_[np.ones(299), np.nan], "NaN or inf at index 299"),
    ],
)
def test_bad_sample_weight(small, sw, message):
    with pytest.raises(ValueError, match=message):
        LogisticRegression().fit(*small, sample_weight=sw)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (dict(solver="adam"), "unknown solver 'adam'; valid: auto, gd, sgd, newton, lbfgs"),
        (dict(alpha=-1.0), "alpha must be a finite number >= 0"),
        (dict(learning_rate=0.0), "learning_rate must be a finite number > 0"),
        (dict(momentum=1.0), "momentum must be a finite number >= 0 and < 1"),
        (dict(batch_size=0), "batch_size must be an integer >= 1"),
        (dict(max_iter=2.5), "max_iter must be an integer >= 0"),
        (dict(lr_schedule="exp"), "unknown lr_schedule 'exp'; valid: constant"),
        (dict(threshold=2.0), "threshold must be a finite number"),
        (dict(class_weight="auto"), "class_weight must be None, 'balanced' or a dict"),
        (dict(class_weight={3: 1.0}), "class_weight names labels"),
    ],
)
def test_bad_parameters_list_valid_values(small, params, message):
    with pytest.raises(ValueError, match=message):
        LogisticRegression(**params).fit(*small)


def test_diverging_gd_says_how_to_fix_it(small):
    X, y = small
    with pytest.warns(ConvergenceWarning, match="diverged: .* lower learning_rate"):
        LogisticRegression(solver="gd", learning_rate=1e10, alpha=1.0).fit(X, y)
    with pytest.raises(FloatingPointError, match=r"overflowed\): lower learning_rate"):
        LogisticRegression(solver="gd", learning_rate=1e100, alpha=1.0).fit(X, y)


def test_random_state_accepts_generators_and_seeds(small):
    X, y = small
    kw = dict(solver="sgd", max_iter=3, tol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = LogisticRegression(random_state=np.random.default_rng(5), **kw).fit(X, y)
        b = LogisticRegression(random_state=np.random.default_rng(5), **kw).fit(X, y)
        c = LogisticRegression(random_state=np.random.RandomState(5), **kw).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert np.all(np.isfinite(c.coef_))
    with pytest.raises(ValueError, match="random_state must be"):
        LogisticRegression(random_state="five", **kw).fit(X, y)


@pytest.mark.parametrize("standardize", [False, True])
def test_validation_metrics_match_scikit_learn(cancer, standardize):
    from sklearn.metrics import accuracy_score, log_loss

    X, y = cancer
    X = X * 10 + 3  # raw scale differs from the standardised one
    m = LogisticRegression(solver="lbfgs", standardize=standardize, max_iter=30, tol=1e-10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m.fit(X[:400], y[:400], eval_set=(X[400:], y[400:]))
    assert m.history_["val_loss"][-1] == pytest.approx(
        log_loss(y[400:], m.predict_proba(X[400:])), rel=1e-10
    )
    assert m.history_["val_accuracy"][-1] == accuracy_score(y[400:], m.predict(X[400:]))
    with pytest.raises(ValueError, match="eval_set has 169 rows in X but 3 labels"):
        m.fit(X[:400], y[:400], eval_set=(X[400:], y[:3]))


def test_early_stopping_with_standardize_scores_in_the_right_space(cancer):
    X, y = cancer
    X = X * 10 + 3
    m = LogisticRegression(
        solver="gd", standardize=True, early_stopping=True, max_iter=300, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        m.fit(X, y)
    assert m.history_["val_accuracy"].max() > 0.95 and m.score(X, y) > 0.95


def test_tol_none_is_a_fixed_budget(small):
    X, y = small
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        m = LogisticRegression(solver="newton", tol=None, max_iter=4).fit(X, y)
    assert m.n_iter_ == 4 and not m.converged_ and m.stop_reason_ == "max_iter"


@pytest.mark.parametrize(
    "y",
    [
        np.array([3, 7, 7, 3, 7], dtype=np.int8),
        np.array([True, False, True]),
        np.array([-1.0, 1.0, 1.0]),
        np.array([2**40, 5, 5], dtype=np.uint64),
        np.array(["b", "a", "b"]),
        np.array([1, 2, 3]),
        np.array([4, 4, 4]),
    ],
    ids=["int8", "bool", "float", "uint64", "str", "three", "one"],
)
def test_label_encoding_agrees_with_unique(y):
    """The fast path for numeric labels gives what np.unique gives, or the same error."""
    from oneneuron._validation import encode_binary_labels

    found = np.unique(y)
    if len(found) != 2:
        with pytest.raises(ValueError):
            encode_binary_labels(y)
        return
    classes, y01 = encode_binary_labels(y)
    np.testing.assert_array_equal(classes, found)
    assert classes.dtype == found.dtype
    np.testing.assert_array_equal(y01, (y == found[1]).astype(float))
    np.testing.assert_array_equal(encode_binary_labels(y[:1], classes)[0], classes)
    with pytest.raises(ValueError, match="not among the classes"):
        encode_binary_labels(y, np.array([found[0], found[0]]))


def test_plain_arrays_skip_nothing_that_validation_does(small):
    """The fast path for float ndarrays gives what scikit-learn's validation gives."""
    X, y = small
    a = LogisticRegression().fit(X, y)
    b = LogisticRegression().fit(X.tolist(), y.tolist())  # through validate_data
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.n_features_in_ == b.n_features_in_ == X.shape[1]
    m = LogisticRegression().fit(pd.DataFrame(X, columns=list("abcde")), y)
    assert list(m.feature_names_in_) == list("abcde")
    m.fit(X, y)  # refit on an ndarray forgets the names
    assert not hasattr(m, "feature_names_in_")
    with pytest.raises(ValueError, match=r"y has a missing label \(NaN\) at index 3"):
        LogisticRegression().fit(X, np.where(y == 1, np.nan, 0.0))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        LogisticRegression().fit(X, y[:-1])


@pytest.mark.parametrize("solver", ["newton", "lbfgs", "gd", "sgd"])
def test_fit_iter_walks_the_same_path_as_fit(small, solver):
    X, y = small
    kw = dict(solver=solver, max_iter=15, random_state=3, learning_rate=0.05)
    fitted = LogisticRegression(**kw).fit(X, y)
    stepped = LogisticRegression(**kw)
    records = list(stepped.fit_iter(X, y))
    assert [r["iteration"] for r in records] == list(range(fitted.n_iter_ + 1))
    np.testing.assert_array_equal(stepped.coef_, fitted.coef_)
    np.testing.assert_array_equal(stepped.history_["loss"], fitted.history_["loss"])
    assert stepped.converged_ == fitted.converged_ and stepped.n_iter_ == fitted.n_iter_


def test_fit_iter_can_stop_anywhere_and_predict(small):
    X, y = small
    model = LogisticRegression(solver="gd", tol=None, max_iter=10**9, learning_rate=0.1)
    losses = []
    for record in model.fit_iter(X, y):
        losses.append(record["loss"])
        assert model.n_iter_ == record["iteration"] == len(model.history_) - 1
        if record["iteration"] == 30:
            break
    assert losses[-1] < losses[0]
    assert model.predict(X).shape == y.shape and model.stop_reason_ == "interrupted"
    assert model.history_["loss"][-1] == pytest.approx(losses[-1])
