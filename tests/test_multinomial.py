"""Multinomial (softmax) regression, K >= 3 classes: oracles are scikit-learn's
multinomial LogisticRegression (the same optimum, C = 1 / (alpha sum_i s_i)) and finite
differences of the K-output objective."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.preprocessing import StandardScaler

from oneneuron import LogisticRegression, _kernels
from oneneuron.loss import log_softmax
from oneneuron.objective import Objective


def _data(n=300, d=5, K=4, seed=0, shift=0.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) + shift
    W = rng.normal(size=(K, d))
    y = np.argmax((X - shift) @ W.T + rng.gumbel(size=(n, K)), axis=1)
    return X, y


def J(model, X, y, alpha, sw=None, l1_ratio=0.0):
    """The multinomial objective of a fitted model (any library's coef_, intercept_)."""
    Z = np.asarray(X @ model.coef_.T) + model.intercept_
    codes = np.searchsorted(model.classes_, y)
    losses = -log_softmax(Z)[np.arange(len(y)), codes]
    sw = np.ones(len(y)) if sw is None else sw
    W = model.coef_
    penalty = alpha * ((1 - l1_ratio) / 2 * np.sum(W**2) + l1_ratio * np.abs(W).sum())
    return float(sw @ losses / sw.sum()) + penalty


def sklearn_fit(X, y, alpha, sw=None, class_weight=None):
    s = np.ones(len(y)) if sw is None else sw
    if class_weight is not None:
        from sklearn.utils.class_weight import compute_class_weight

        classes = np.unique(y)
        cw = compute_class_weight(class_weight, classes=classes, y=y)
        s = s * cw[np.searchsorted(classes, y)]
    return SkLogisticRegression(
        C=1.0 / (alpha * s.sum()), tol=1e-12, max_iter=100000, class_weight=class_weight
    ).fit(X, y, sample_weight=sw)


def quiet_fit(model, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(*args, **kwargs)


# ------------------------------------------------------------- the optimum
@pytest.mark.parametrize("solver", ["newton", "lbfgs", "auto", "gd", "proxnewton"])
@pytest.mark.parametrize("layout", ["dense", "csr", "csc"])
def test_optimum_equals_sklearn(solver, layout):
    X, y = _data()
    alpha = 1e-2
    rng = np.random.default_rng(1)
    sw = rng.uniform(0.5, 2.0, len(y))
    Xf = {"dense": X, "csr": sp.csr_matrix(X), "csc": sp.csc_matrix(X)}[layout]
    model = LogisticRegression(alpha=alpha, solver=solver, tol=1e-10, max_iter=20000)
    quiet_fit(model, Xf, y, sample_weight=sw)
    assert model.coef_.shape == (4, 5) and model.intercept_.shape == (4,)
    ref = sklearn_fit(X, y, alpha, sw)
    ours, theirs = J(model, X, y, alpha, sw), J(ref, X, y, alpha, sw)
    assert (ours - theirs) / theirs < 1e-8
    np.testing.assert_allclose(model.predict_proba(Xf), ref.predict_proba(X), atol=1e-6)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, atol=1e-5)


def test_sgd_gets_near_the_optimum():
    X, y = _data()
    alpha = 1e-2
    model = quiet_fit(
        LogisticRegression(alpha=alpha, solver="sgd", random_state=0, max_iter=200), X, y
    )
    ref = sklearn_fit(X, y, alpha)
    assert J(model, X, y, alpha) - J(ref, X, y, alpha) < 1e-3 * J(ref, X, y, alpha)


def test_string_labels_sorted_as_sklearn_and_small_alpha():
    X, y = _data(K=3)
    names = np.array(["pear", "apple", "fig"])[y]
    model = LogisticRegression(alpha=1e-5, tol=1e-10).fit(X, names)
    ref = sklearn_fit(X, names, 1e-5)
    np.testing.assert_array_equal(model.classes_, ref.classes_)
    assert (J(model, X, names, 1e-5) - J(ref, X, names, 1e-5)) / J(ref, X, names, 1e-5) < 1e-8
    np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(X), atol=1e-6)
    assert set(model.predict(X)) <= set(names)
    np.testing.assert_array_equal(model.predict(X), ref.predict(X))


@pytest.mark.parametrize("class_weight", [{0: 3.0, 2: 0.5}, "balanced"])
def test_class_weight_as_sklearn(class_weight):
    X, y = _data(K=3, seed=3)
    alpha = 1e-2
    model = LogisticRegression(alpha=alpha, class_weight=class_weight, tol=1e-10).fit(X, y)
    ref = sklearn_fit(X, y, alpha, class_weight=class_weight)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(X), atol=1e-7)


def test_standardize_is_sklearn_on_standardised_features():
    X, y = _data(shift=50.0)
    X[:, 1] *= 1e3
    alpha = 1e-2
    model = LogisticRegression(alpha=alpha, standardize=True, tol=1e-10).fit(X, y)
    Xs = StandardScaler().fit_transform(X)
    ref = sklearn_fit(Xs, y, alpha)
    np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(Xs), atol=1e-7)
    np.testing.assert_allclose(model.coef_ * X.std(axis=0), ref.coef_, atol=1e-6)


def test_elastic_net_proxnewton_gd_and_sklearn_saga_agree():
    X, y = _data(n=200, d=6, K=3, seed=4)
    alpha, ratio = 0.02, 0.5
    fits = [
        quiet_fit(
            LogisticRegression(alpha=alpha, l1_ratio=ratio, solver=s, tol=1e-9, max_iter=50000),
            X,
            y,
        )
        for s in ("auto", "gd")
    ]
    assert fits[0].solver_ == "proxnewton"
    values = [J(m, X, y, alpha, l1_ratio=ratio) for m in fits]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        saga = SkLogisticRegression(
            l1_ratio=ratio, C=1.0 / (alpha * len(y)), solver="saga", tol=1e-12, max_iter=50000
        ).fit(X, y)
    best = J(saga, X, y, alpha, l1_ratio=ratio)
    assert all(abs(v - best) / best < 1e-8 for v in values)
    assert np.any(fits[0].coef_ == 0.0)  # L1 makes weights exactly zero
    np.testing.assert_array_equal(fits[0].coef_ == 0, fits[1].coef_ == 0)


def test_float32_data():
    X, y = _data()
    model = LogisticRegression(alpha=1e-2).fit(X.astype(np.float32), y)
    ref = sklearn_fit(X, y, 1e-2)
    np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(X), atol=1e-4)


def test_intercepts_are_centred_and_no_intercept_works():
    X, y = _data()
    model = LogisticRegression(alpha=0.0, solver="newton").fit(X, y)
    assert abs(model.intercept_.sum()) < 1e-8
    assert np.abs(model.coef_.sum(axis=0)).max() < 1e-8  # without a penalty, W centred too
    bare = LogisticRegression(alpha=1e-2, fit_intercept=False, tol=1e-10).fit(X, y)
    ref = SkLogisticRegression(C=1 / (1e-2 * len(y)), fit_intercept=False, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(bare.coef_, ref.coef_, atol=1e-6)
    np.testing.assert_array_equal(bare.intercept_, np.zeros(4))


# ---------------------------------------------------- derivatives of the objective
@pytest.mark.parametrize("layout", ["dense", "csr", "float32-standardised"])
@pytest.mark.parametrize("options", ["plain", "standardised", "weighted", "no-intercept"])
def test_gradient_and_hessian_by_finite_differences(layout, options):
    X, y = _data(n=80, d=3, K=3, seed=5, shift=2.0)
    rng = np.random.default_rng(6)
    sw = rng.uniform(0.2, 3.0, len(y)) if options == "weighted" else None
    kw: dict = {}
    if options == "standardised" or layout == "float32-standardised":
        kw = dict(offset=X.mean(axis=0), scale=X.std(axis=0) * 1.5)
    Xf = {"dense": X, "csr": sp.csr_matrix(X), "float32-standardised": X.astype(np.float32)}[layout]
    intercept = options != "no-intercept"
    obj = Objective(Xf, y, sw, alpha=0.3, n_classes=3, fit_intercept=intercept, **kw)
    theta = rng.normal(size=obj.n_params)
    assert obj.n_params == 3 * 3 + 3 * int(options != "no-intercept")
    ev = obj.evaluate(theta, hessian=True, diagonal=True)
    obj64 = (
        Objective(X, y, sw, alpha=0.3, n_classes=3, fit_intercept=intercept, **kw)
        if layout == "float32-standardised"
        else obj
    )
    eps = 1e-6
    E = np.eye(obj.n_params)
    g = np.array(
        [(obj64.loss(theta + eps * e) - obj64.loss(theta - eps * e)) / (2 * eps) for e in E]
    )
    H = np.array(
        [(obj64.gradient(theta + eps * e) - obj64.gradient(theta - eps * e)) / (2 * eps) for e in E]
    )
    tol = 1e-4 if layout == "float32-standardised" else 1e-7
    np.testing.assert_allclose(ev.grad, g, atol=tol)
    np.testing.assert_allclose(ev.hess, H, atol=tol)
    np.testing.assert_allclose(ev.hess_diag, np.diag(ev.hess), atol=1e-12)
    # the loss itself, from its definition
    Wr, br = obj64.param.raw(theta)
    s = np.ones(len(y)) if sw is None else sw
    direct = s @ -log_softmax(X @ Wr.T + br)[np.arange(len(y)), y] / s.sum()
    direct += 0.15 * np.sum(theta[: obj.n_weights] ** 2)
    b = theta[obj.n_weights :]
    direct += 0.5 * b.sum() ** 2 / 3  # the centring term (zero at a centred model)
    assert abs(obj64.loss(theta) - direct) < 1e-12 * max(1.0, abs(direct))


def test_directions_agree_with_the_hessian():
    X, y = _data(n=120, d=4, K=3, seed=7)
    rng = np.random.default_rng(8)
    obj = Objective(sp.csr_matrix(X), y, rng.uniform(0.5, 2, len(y)), alpha=0.1, n_classes=3)
    theta, v = rng.normal(size=(2, obj.n_params))
    ev = obj.evaluate(theta, hessian=True)
    H = ev.hess
    np.testing.assert_allclose(obj.hessian_product(theta)(v), H @ v, atol=1e-12)
    assert abs(obj.curvature(theta, v) - v @ H @ v) < 1e-10 * abs(v @ H @ v)
    p = -ev.grad  # a descent direction
    t = obj.line_minimum(theta, p, max_iter=50)
    grid = np.linspace(0.5 * t, 1.5 * t, 201)
    best = grid[np.argmin([obj.loss(theta + s * p) for s in grid])]
    assert abs(best - t) <= (grid[1] - grid[0])
    with pytest.raises(ValueError, match="binary .* only; this one has 3 classes"):
        obj.curvature_weights(theta)


# ------------------------------------------------------------ predictions
def test_predictions_shapes_and_extremes():
    X, y = _data(K=3)
    model = LogisticRegression().fit(X, y)
    Z = model.decision_function(X)
    assert Z.shape == (300, 3)
    np.testing.assert_array_equal(model.predict(X), model.classes_[np.argmax(Z, axis=1)])
    P = model.predict_proba(X)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.log(P), model.predict_log_proba(X), atol=1e-12)
    huge = np.array([[1e308, -1e308, 1e308, 0, 1], [-1e308] * 5, [1e-308] * 5, [1e308] * 5])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        P = model.predict_proba(huge)
        L = model.predict_log_proba(huge)
        Z = model.decision_function(huge)
    assert np.all(np.isfinite(P)) and not np.any(np.isnan(L)) and not np.any(np.isnan(Z))
    # finite logits far beyond exp's range (about 1e4): the same log-sum-exp answer
    large = X[:20] * 1e4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logits = model.decision_function(large)
        np.testing.assert_allclose(model.predict_log_proba(large), log_softmax(logits), atol=1e-9)
        np.testing.assert_allclose(model.predict_proba(large), np.exp(log_softmax(logits)))
    assert np.abs(logits).max() > 1e3
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    # a huge row's most probable class is the one of the largest logit per unit of scale
    direction = huge[0] / 1e308
    expected = np.argmax(model.coef_ @ direction)
    assert np.argmax(P[0]) == expected and P[0, expected] == 1.0
    np.testing.assert_allclose(P[2], model.predict_proba(np.zeros((1, 5)))[0], atol=1e-12)


# --------------------------------------------------------- estimator features
def test_two_classes_stay_the_one_neuron_model():
    X, y = _data(K=2)
    model = LogisticRegression().fit(X, np.array(["no", "yes"])[y])
    assert model.coef_.shape == (1, 5) and model.intercept_.shape == (1,)
    assert model.decision_function(X).shape == (300,)


def test_refusals_name_the_problem():
    X, y = _data(K=3)
    with pytest.raises(ValueError, match="firth=True fits the binary model only; y has 3"):
        LogisticRegression(firth=True).fit(X, y)
    with pytest.raises(ValueError, match="threshold=0.7 applies to two classes only"):
        LogisticRegression(threshold=0.7).fit(X, y)
    with pytest.raises(ValueError, match=r"coef_init .* must have shape \(3, 5\)"):
        LogisticRegression().fit(X, y, coef_init=np.zeros(5))
    model = LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="describes a binary model; this one has 3 classes"):
        model.summary(X, y)
    from oneneuron import LogisticRegressionCV, path

    with pytest.raises(ValueError, match="Only binary classification is supported by the path"):
        path(X, y)
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        LogisticRegressionCV().fit(X, y)


def test_history_eval_set_early_stopping_and_coef_init():
    X, y = _data(n=600, K=3)
    model = LogisticRegression(solver="lbfgs").fit(X[:400], y[:400], eval_set=(X[400:], y[400:]))
    frame = model.history_.to_frame()
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} <= set(frame.columns)
    assert frame["loss"].iloc[-1] < frame["loss"].iloc[0]
    assert 0.5 < frame["val_accuracy"].iloc[-1] <= 1.0
    early = quiet_fit(
        LogisticRegression(solver="gd", early_stopping=True, random_state=0, n_iter_no_change=3),
        X,
        y,
    )
    assert "val_loss" in early.history_.to_frame().columns
    warm = LogisticRegression(solver="newton").fit(
        X, y, coef_init=model.coef_, intercept_init=model.intercept_
    )
    assert warm.n_iter_ <= 3
    np.testing.assert_allclose(warm.coef_, LogisticRegression().fit(X, y).coef_, atol=1e-6)


def test_partial_fit_with_classes():
    X, y = _data(n=600, K=3)
    model = LogisticRegression(alpha=1e-3, random_state=0)
    for chunk in range(3):
        rows = slice(200 * chunk, 200 * (chunk + 1))
        model.partial_fit(X[rows], y[rows], classes=[0, 1, 2, 3])
    assert model.coef_.shape == (4, 5) and list(model.classes_) == [0, 1, 2, 3]
    assert model.predict_proba(X).shape == (600, 4)
    assert model.score(X, y) > 0.6
    with pytest.raises(ValueError, match="not among the classes"):
        model.partial_fit(X[:5], np.full(5, 7))


@pytest.mark.parametrize("layout", ["dense", "csr", "float32"])
@pytest.mark.parametrize("options", ["plain", "standardised", "weighted"])
@pytest.mark.parametrize("accelerate", [False, True])
def test_diagonal_at_zero_weights(layout, options, accelerate):
    """At W = 0 (the usual start) every row has the probabilities softmax(b), and the
    preconditioner's diagonal is summed from the weights alone: it equals the full
    Hessian's diagonal there, and the general path's at W a hair from 0."""
    if accelerate and not _kernels.available():
        pytest.skip("Numba is not installed")
    X, y = _data(n=150, d=4, K=4, seed=8, shift=1.5)
    rng = np.random.default_rng(9)
    sw = rng.uniform(0.2, 3.0, len(y)) if options == "weighted" else None
    kw: dict = {}
    if options == "standardised":
        kw = dict(offset=X.mean(axis=0), scale=X.std(axis=0))
    Xf = {"dense": X, "csr": sp.csr_matrix(X), "float32": X.astype(np.float32)}[layout]
    obj = Objective(Xf, y, sw, alpha=0.1, n_classes=4, accelerate=accelerate, **kw)
    theta = np.zeros(obj.n_params)
    theta[-4:] = [0.4, -0.3, 0.0, 0.2]  # intercepts only
    ev = obj.evaluate(theta, hessian=True, diagonal=True)
    rtol = 1e-5 if layout == "float32" else 1e-12
    np.testing.assert_allclose(ev.hess_diag, np.diag(ev.hess), rtol=rtol)
    near = theta.copy()
    near[0] = 1e-300  # W not exactly 0: the general path
    general = obj.evaluate(near, diagonal=True).hess_diag
    np.testing.assert_allclose(ev.hess_diag, general, rtol=rtol)
