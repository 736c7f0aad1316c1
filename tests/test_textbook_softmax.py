"""The textbook's layer of neurons: its gradients by finite differences, its optimum
against scikit-learn's multinomial LogisticRegression, and K = 2 as one neuron."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from oneneuron import textbook
from oneneuron import textbook_softmax as tb


def _iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


def test_gradients_are_the_derivatives_of_the_cost():
    X, y = _iris()
    Y = tb.one_hot(y)
    rng = np.random.default_rng(0)
    layer = {"W": rng.standard_normal((4, 3)), "b": rng.standard_normal(3)}
    P, _ = tb.forward_layer(X, layer)
    grads = tb.backward_layer(X, Y, P)

    def cost(W, b):
        return tb.compute_cross_entropy(Y, tb.forward_layer(X, {"W": W, "b": b})[1])

    h = 1e-6
    for i in range(4):
        for k in range(3):
            E = np.zeros((4, 3))
            E[i, k] = h
            fd = (cost(layer["W"] + E, layer["b"]) - cost(layer["W"] - E, layer["b"])) / (2 * h)
            assert grads["dW"][i, k] == pytest.approx(fd, rel=1e-6, abs=1e-9)
    for k in range(3):
        e = np.zeros(3)
        e[k] = h
        fd = (cost(layer["W"], layer["b"] + e) - cost(layer["W"], layer["b"] - e)) / (2 * h)
        assert grads["db"][k] == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_training_reaches_scikit_learns_multinomial_optimum():
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=300, n_features=4, n_informative=3, n_redundant=0, n_classes=3,
        n_clusters_per_class=1, flip_y=0.15, random_state=0,
    )  # fmt: skip
    layer, costs = tb.layer_model(X, y, num_iterations=5000, learning_rate=1.0)
    assert costs[-1] < costs[0] and all(np.diff(costs) <= 1e-12)  # gd never goes uphill here
    sk = SkLogisticRegression(C=1e8, tol=1e-12, max_iter=10000).fit(X, y)  # no penalty
    # the optimum is flat in the direction that adds a constant to every class: compare
    # probabilities, which do not see it
    P, _ = tb.forward_layer(X, layer)
    np.testing.assert_allclose(P, sk.predict_proba(X), atol=1e-6)
    pred, logp = tb.predict_layer(X, layer)
    assert (pred == sk.predict(X)).all()
    np.testing.assert_allclose(np.exp(logp).sum(axis=1), 1.0)


def test_two_classes_are_one_neuron():
    """softmax(z1, z2)_2 = sigmoid(z2 - z1): a layer of two is one neuron on the difference."""
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 3))
    layer = {"W": rng.standard_normal((3, 2)), "b": rng.standard_normal(2)}
    P, _ = tb.forward_layer(X, layer)
    one = {"W": (layer["W"][:, 1] - layer["W"][:, 0]).reshape(3, 1),
           "b": float(layer["b"][1] - layer["b"][0])}  # fmt: skip
    A, _ = textbook.forward_propagation(X, one)
    np.testing.assert_allclose(P[:, 1], A.ravel(), rtol=1e-12)


def test_extreme_logits_stay_exact_and_bad_input_is_named():
    X = np.array([[1e3], [-1e3]])
    layer = {"W": np.array([[1.0, 0.0, -1.0]]), "b": np.zeros(3)}
    P, cache = tb.forward_layer(X, layer)
    assert np.all(np.isfinite(P)) and np.allclose(P.sum(axis=1), 1.0)
    assert tb.compute_cross_entropy(tb.one_hot([2, 0], 3), cache) == pytest.approx(2000.0)
    with pytest.raises(ValueError, match="class numbers start at 0"):
        tb.one_hot([-1, 1])
    with pytest.raises(ValueError, match="W \\(1, K\\)"):
        tb.forward_layer(X, {"W": np.zeros((2, 3)), "b": np.zeros(3)})
    with pytest.raises(ValueError, match="learning_rate"):
        tb.layer_model(X, [0, 1], learning_rate=-1)
