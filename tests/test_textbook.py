"""Tests of oneneuron.textbook: the seeds' step-by-step API."""

from __future__ import annotations

import pickle
import re
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.metrics import log_loss

from oneneuron import textbook as tb


def noisy_data(m: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A small non-separable problem: X (m, 2), Y (m, 1)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, 2))
    Y = (X @ np.array([1.5, -1.0]) + 0.3 + rng.logistic(size=m) > 0).astype(int)
    return X, Y.reshape(-1, 1)


def cost_at(X: np.ndarray, Y: np.ndarray, W: np.ndarray, b: float) -> float:
    A, cache = tb.forward_propagation(X, {"W": W, "b": b})
    return tb.compute_cost(A, Y, cache)


# ---------------------------------------------------------------------------- maths


def test_backward_propagation_matches_finite_differences() -> None:
    X, Y = noisy_data(50, seed=1)
    W, b = np.array([[0.7], [-0.4]]), 0.2
    A, _ = tb.forward_propagation(X, {"W": W, "b": b})
    grads = tb.backward_propagation(X, Y, A)
    assert grads["dW"].shape == (2, 1)
    assert isinstance(grads["db"], float)
    h = 1e-6
    numeric = []
    for j in range(2):
        e = np.zeros((2, 1))
        e[j] = h
        numeric.append((cost_at(X, Y, W + e, b) - cost_at(X, Y, W - e, b)) / (2 * h))
    numeric_db = (cost_at(X, Y, W, b + h) - cost_at(X, Y, W, b - h)) / (2 * h)
    np.testing.assert_allclose(grads["dW"].ravel(), numeric, rtol=1e-6)
    np.testing.assert_allclose(grads["db"], numeric_db, rtol=1e-6)


def test_sigmoid_and_cost_are_safe_for_huge_logits() -> None:
    z = np.array([-1e5, -800.0, 800.0, 1e5])
    X = z.reshape(-1, 1)
    params = {"W": np.array([[1.0]]), "b": 0.0}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = tb.sigmoid(z)
        A, cache = tb.forward_propagation(X, params)
        wrong = tb.compute_cost(A, [1, 1, 0, 0], cache)
        right = tb.compute_cost(A, [0, 0, 1, 1], cache)
        right_from_A = tb.compute_cost(A, [0, 0, 1, 1])
        wrong_from_A = tb.compute_cost(A, [1, 1, 0, 0])
    np.testing.assert_array_equal(s, [0.0, 0.0, 1.0, 1.0])
    np.testing.assert_array_equal(cache["Z"].ravel(), z)
    assert wrong == pytest.approx((1e5 + 800 + 800 + 1e5) / 4, rel=1e-15)
    assert right == 0.0
    assert right_from_A == 0.0
    assert wrong_from_A == np.inf  # A alone has lost how wrong; documented, no warning
    # The seeds' naive formula overflows here; show that the test would catch it.
    with pytest.warns(RuntimeWarning):
        _ = 1 / (1 + np.exp(-z))


def test_cost_equals_sklearn_log_loss() -> None:
    X, Y = noisy_data()
    params = {"W": np.array([[0.8], [-0.5]]), "b": 0.1}
    A, cache = tb.forward_propagation(X, params)
    expected = log_loss(Y.ravel(), A.ravel(), labels=[0, 1])
    assert tb.compute_cost(A, Y, cache) == pytest.approx(expected, rel=1e-12)
    assert tb.compute_cost(A, Y.ravel()) == pytest.approx(expected, rel=1e-12)


def test_update_parameters_is_one_step_and_returns_a_new_dict() -> None:
    params = {"W": np.array([[1.0], [2.0]]), "b": 0.5}
    grads = {"dW": np.array([[0.1], [-0.2]]), "db": 0.3}
    new = tb.update_parameters(params, grads, 0.5)
    np.testing.assert_allclose(new["W"], [[0.95], [2.1]])
    assert new["b"] == pytest.approx(0.35)
    np.testing.assert_array_equal(params["W"], [[1.0], [2.0]])


def test_initialize_parameters_is_seeded_small_and_has_zero_bias() -> None:
    p1 = tb.initialize_parameters(3, random_state=7)
    p2 = tb.initialize_parameters(3, random_state=7)
    assert p1["W"].shape == (3, 1) and p1["b"] == 0.0
    np.testing.assert_array_equal(p1["W"], p2["W"])
    assert np.all(np.abs(p1["W"]) < 0.1)


# ---------------------------------------------------------------------------- training


def test_seed_000_workflow_on_blobs(capsys: pytest.CaptureFixture[str]) -> None:
    X, Y = make_blobs(n_samples=200, centers=2, random_state=42)
    Y = Y.reshape(-1, 1)
    parameters, costs = tb.model(
        X, Y, num_iterations=1000, learning_rate=0.1, print_cost=True, random_state=0
    )
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10
    assert re.fullmatch(r"Cost after iteration 0: \d+\.\d+", lines[0])
    assert lines[-1].startswith("Cost after iteration 900: ")
    assert len(costs) == 1000
    assert np.all(np.diff(costs) <= 0)
    predictions, probabilities = tb.predict(X, parameters)
    assert predictions.shape == probabilities.shape == (200, 1)
    assert predictions.dtype.kind == "i"
    assert tb.accuracy(predictions, Y) >= 0.99


def test_print_every(capsys: pytest.CaptureFixture[str]) -> None:
    X, Y = noisy_data(40)
    tb.model(X, Y, num_iterations=25, print_cost=True, print_every=10, random_state=0)
    out = capsys.readouterr().out
    assert [int(s) for s in re.findall(r"iteration (\d+):", out)] == [0, 10, 20]
    tb.model(X, Y, num_iterations=25, random_state=0)
    assert capsys.readouterr().out == ""


def test_model_reaches_sklearn_optimum() -> None:
    X, Y = noisy_data()
    parameters, costs = tb.model(X, Y, num_iterations=5000, learning_rate=2.0, random_state=0)
    sk = SkLogisticRegression(C=np.inf, solver="newton-cholesky", tol=1e-12).fit(X, Y.ravel())
    assert costs[-1] == pytest.approx(log_loss(Y.ravel(), sk.predict_proba(X)), rel=1e-10)
    np.testing.assert_allclose(parameters["W"].ravel(), sk.coef_.ravel(), rtol=1e-4)
    assert parameters["b"] == pytest.approx(sk.intercept_[0], rel=1e-4)
    A, _ = tb.forward_propagation(X, parameters)
    grads = tb.backward_propagation(X, Y, A)
    assert np.max(np.abs(grads["dW"])) < 1e-8


def test_model_does_not_modify_initial_parameters() -> None:
    X, Y = noisy_data(30)
    init = tb.initialize_parameters(2, random_state=3)
    W0 = init["W"].copy()
    tb.model(X, Y, num_iterations=5, parameters=init)
    np.testing.assert_array_equal(init["W"], W0)


def test_bad_inputs_raise_clear_errors() -> None:
    X, Y = noisy_data(30)
    with pytest.raises(ValueError, match="labels must be 0 or 1"):
        tb.model(X, Y * 2, num_iterations=1)
    with pytest.raises(ValueError, match=r"Y must have shape \(30,\)"):
        tb.model(X, Y[:10], num_iterations=1)
    with pytest.raises(ValueError, match="3 weights, X has 2 features"):
        tb.model(X, Y, parameters={"W": np.zeros((3, 1)), "b": 0.0})
    with pytest.raises(ValueError, match="threshold"):
        tb.predict(X, {"W": np.zeros((2, 1)), "b": 0.0}, threshold=1.5)


# ---------------------------------------------------------------------------- seed 003


def test_seed_003_workflow() -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 2))
    y = ((X[:, 0] + X[:, 1]) > 0).astype(int).reshape(-1, 1)
    model = tb.LogisticRegressionNN(input_size=2, random_state=0)
    assert model.weights.shape == (2, 1) and model.bias.shape == (1, 1)
    initial_cost = model.compute_cost(X, y)
    costs = model.train(X, y)
    final_cost = model.compute_cost(X, y)
    assert final_cost < initial_cost
    assert costs[0] == pytest.approx(initial_cost) and len(costs) == 1000
    predictions = model.predict(X)
    assert predictions.shape == (100, 1)
    assert np.mean(predictions == y) > 0.9
    np.testing.assert_array_equal(model.predict(np.array([[1, 2], [-1, -2]])).ravel(), [1, 0])
    dw, db = model.compute_gradients(X, y)
    assert dw.shape == (2, 1) and isinstance(db, float)


def test_neuron_forward() -> None:
    neuron = tb.Neuron(3, random_state=0)
    out = neuron.forward([1.0, 2.0, 3.0])
    assert isinstance(out, float) and 0.0 < out < 1.0
    expected = 1 / (1 + np.exp(-(neuron.weights @ [1.0, 2.0, 3.0])))
    assert out == pytest.approx(expected, rel=1e-14)
    assert np.asarray(neuron.forward(np.ones((4, 3)))).shape == (4,)


# ---------------------------------------------------------------------------- files


def test_save_load_round_trip_is_exact(tmp_path) -> None:
    X, Y = noisy_data(50)
    parameters, _ = tb.model(X, Y, num_iterations=50, random_state=0)
    path = tmp_path / "logistic_model.pkl"  # the seeds' name; the content is JSON
    tb.save_parameters(parameters, path)
    loaded = tb.load_parameters(str(path))
    assert loaded["W"].shape == (2, 1)
    np.testing.assert_array_equal(loaded["W"], parameters["W"])
    assert loaded["b"] == parameters["b"]
    assert path.read_text().startswith('{"format": "oneneuron-textbook-parameters"')


class _Payload:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("protocol", [0, pickle.HIGHEST_PROTOCOL])
def test_pickle_is_refused_and_not_executed(tmp_path, protocol: int) -> None:
    # The payload is live: unpickling it creates its marker file.
    probe = tmp_path / "probe"
    pickle.loads(pickle.dumps(_Payload(str(probe)), protocol=protocol)).close()
    assert probe.exists()

    marker = tmp_path / "marker"
    path = tmp_path / "evil.pkl"
    path.write_bytes(pickle.dumps(_Payload(str(marker)), protocol=protocol))
    with pytest.raises(ValueError, match=r"evil\.pkl.*pickle.*runs code"):
        tb.load_parameters(path)
    assert not marker.exists()


@pytest.mark.parametrize(
    "content",
    [
        '{"format": "something-else", "version": 1}',
        "[1, 2]",
        '{"format": "oneneuron-textbook-parameters", "version": 1, "W": ["a"], "b": 0}',
        "not json at all",
    ],
)
def test_load_rejects_other_files(tmp_path, content: str) -> None:
    path = tmp_path / "params.json"
    path.write_text(content)
    with pytest.raises(ValueError, match=r"params\.json"):
        tb.load_parameters(path)


def test_failed_save_leaves_existing_file_intact(tmp_path, monkeypatch) -> None:
    path = tmp_path / "params.json"
    old = {"W": np.array([[1.0], [2.0]]), "b": 3.0}
    tb.save_parameters(old, path)
    before = path.read_bytes()

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OSError, match="disk full"):
        tb.save_parameters({"W": np.array([[9.0], [9.0]]), "b": 9.0}, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["params.json"]  # no temp file left


def test_save_refuses_non_finite(tmp_path) -> None:
    with pytest.raises(ValueError):
        tb.save_parameters({"W": np.array([[np.nan]]), "b": 0.0}, tmp_path / "p.json")
    assert not (tmp_path / "p.json").exists()


# ---------------------------------------------------------------------------- mini-batches


def test_random_mini_batches_cover_every_row_once() -> None:
    m = 130
    X = np.arange(2 * m, dtype=float).reshape(m, 2)
    Y = (np.arange(m) % 2).reshape(-1, 1)
    batches = tb.random_mini_batches(X, Y, batch_size=64, random_state=0)
    assert [len(xb) for xb, _ in batches] == [64, 64, 2]
    Xs = np.concatenate([xb for xb, _ in batches])
    Ys = np.concatenate([yb for _, yb in batches])
    assert Ys.shape == (m, 1)
    np.testing.assert_array_equal(np.sort(Xs[:, 0]), X[:, 0])
    rows = (Xs[:, 0] / 2).astype(int)  # the original row of each shuffled row
    np.testing.assert_array_equal(Ys.ravel(), Y.ravel()[rows])  # pairs kept together
    assert not np.array_equal(rows, np.arange(m))  # shuffled


def test_random_mini_batches_are_reproducible() -> None:
    X, Y = noisy_data(100)
    a = tb.random_mini_batches(X, Y.ravel(), 32, random_state=5)
    b = tb.random_mini_batches(X, Y.ravel(), 32, random_state=5)
    c = tb.random_mini_batches(X, Y.ravel(), 32, random_state=6)
    for (xa, ya), (xb, yb) in zip(a, b, strict=True):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(a[0][0], c[0][0])


# ---------------------------------------------------------------------------- user input


PARAMS = {"W": np.array([[1.0], [-0.5]]), "b": 0.25}


def test_predict_user_input_string_and_list(capsys: pytest.CaptureFixture[str]) -> None:
    pred_s, prob_s = tb.predict_user_input("2,1; -1,3", PARAMS)
    out = capsys.readouterr().out.splitlines()
    pred_l, prob_l = tb.predict_user_input([[2, 1], [-1, 3]], PARAMS)
    assert pred_s.shape == prob_s.shape == (2, 1)
    np.testing.assert_array_equal(pred_s, pred_l)
    np.testing.assert_array_equal(prob_s, prob_l)
    np.testing.assert_array_equal(pred_s.ravel(), [1, 0])
    p = 1 / (1 + np.exp(-(2 - 0.5 + 0.25)))
    assert out[0] == f"Point [2. 1.] -> class 1 (p = {p:.2f})"
    assert out[1].startswith("Point [-1.  3.] -> class 0 (p = ")


def test_predict_user_input_errors() -> None:
    with pytest.raises(ValueError, match=r"'x'.*'-1,x'"):
        tb.predict_user_input("2,1; -1,x", PARAMS)
    with pytest.raises(ValueError, match="different numbers of coordinates"):
        tb.predict_user_input("2,1; 3", PARAMS)
    with pytest.raises(ValueError, match="needs 2 coordinates"):
        tb.predict_user_input("1,2,3", PARAMS)


# ---------------------------------------------------------------------------- estimator


def test_model_equals_estimator_gd() -> None:
    from oneneuron import LogisticRegression

    X, Y = noisy_data()
    n_iter, lr = 300, 0.5
    init = tb.initialize_parameters(2, random_state=1)
    parameters, costs = tb.model(X, Y, n_iter, lr, parameters=init)
    est = LogisticRegression(solver="gd", alpha=0.0, learning_rate=lr, max_iter=n_iter, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, Y.ravel(), coef_init=init["W"].ravel(), intercept_init=init["b"])
    assert est.n_iter_ == n_iter
    np.testing.assert_allclose(est.coef_, parameters["W"].T, rtol=1e-12)
    np.testing.assert_allclose(est.intercept_, [parameters["b"]], rtol=1e-12)
    np.testing.assert_allclose(est.history_["loss"][:n_iter], costs, rtol=1e-12)


# ---------------------------------------------------------------------------- input checks
def _with_nan(X: np.ndarray, row: int, column: int, value: float = np.nan) -> np.ndarray:
    X = X.copy()
    X[row, column] = value
    return X


X30, Y30 = noisy_data(30)
P2 = {"W": np.array([[0.5], [-0.5]]), "b": 0.1}


@pytest.mark.parametrize(
    "call",
    [
        lambda X: tb.model(X, Y30, num_iterations=3),
        lambda X: tb.predict(X, P2),
        lambda X: tb.forward_propagation(X, P2),
        lambda X: tb.backward_propagation(X, Y30, np.full((30, 1), 0.5)),
        lambda X: tb.random_mini_batches(X, Y30, 8),
        lambda X: tb.LogisticRegressionNN(2, random_state=0).train(X, Y30, epochs=3),
        lambda X: tb.LogisticRegressionNN(2, random_state=0).compute_cost(X, Y30),
        lambda X: tb.Neuron(2, random_state=0).forward(X),
        lambda X: tb.predict_user_input(X, P2),
    ],
    ids=[
        "model",
        "predict",
        "forward",
        "backward",
        "batches",
        "nn-train",
        "nn-cost",
        "neuron",
        "user",
    ],
)
def test_nan_and_infinity_in_X_are_named_by_row_and_column(call) -> None:
    where = r"(X|inputs|user_input) holds"
    with pytest.raises(ValueError, match=rf"{where} NaN \(a missing value\) at row 4, column 1; "):
        call(_with_nan(X30, 4, 1))
    with pytest.raises(ValueError, match=rf"{where} an infinite value at row 2, column 0; "):
        call(_with_nan(X30, 2, 0, -np.inf))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: tb.model(np.zeros((0, 2)), np.zeros(0)),
            r"X is empty: it has no examples \(rows\), shape \(0, 2\)",
        ),
        (
            lambda: tb.model(np.zeros((3, 0)), np.zeros(3)),
            r"X is empty: it has no features \(columns\)",
        ),
        (lambda: tb.predict(np.zeros((0, 2)), P2), "X is empty"),
        (lambda: tb.accuracy([], []), "predictions is empty"),
        (lambda: tb.compute_cost([], []), "Y is empty"),
        (
            lambda: tb.model([["a", "b"]], [1]),
            r"X must hold only numbers, in rows of one length "
            r"\(could not convert string to float: 'a'\)",
        ),
        (lambda: tb.predict(np.array([[1j, 2]]), P2), "X holds complex numbers"),
        (lambda: tb.model(X30, np.full(30, np.nan)), r"labels must be 0 or 1, got values \(nan\)"),
        (lambda: tb.model(X30, Y30 * 2), r"labels must be 0 or 1, got values \(0, 2\)"),
        (
            lambda: tb.accuracy([0.5, 1], [0, 1]),
            r"predictions must be 0 or 1, got values \(0.5, 1\)",
        ),
        (
            lambda: tb.compute_cost([np.nan, 0.5], [0, 1]),
            "A must hold probabilities from 0 to 1; it holds nan",
        ),
        (
            lambda: tb.compute_cost([1.5, 0.5], [0, 1]),
            "A must hold probabilities from 0 to 1; it holds 1.5",
        ),
        (
            lambda: tb.backward_propagation(X30, Y30, np.full((29, 1), 0.5)),
            r"A must hold 30 probabilities",
        ),
        (
            lambda: tb.compute_cost(np.full(30, 0.5), Y30, {"Z": np.full(30, np.nan)}),
            r"cache\['Z'\] holds NaN",
        ),
        (
            lambda: tb.predict(X30, {"W": [[np.nan], [0.0]], "b": 0.0}),
            r"parameters\['W'\] holds NaN \(a missing value\) at position 0",
        ),
        (
            lambda: tb.predict(X30, {"W": [[1.0], [0.0]], "b": np.float64(np.inf)}),
            r"parameters\['b'\] must be a finite number; got inf",
        ),
        (
            lambda: tb.predict(X30, {"W": [1.0, 2.0, 3.0], "b": 0.0}),
            r"parameters\['W'\] has 3 weights, X has 2 features",
        ),
        (
            lambda: tb.predict(X30, {"w": [1.0, 2.0]}),
            r"parameters must be a dict with 'W' and 'b'; got a dict with keys \['w'\]",
        ),
        (
            lambda: tb.predict(X30, {"W": [1e308, 1e308], "b": 0.0}),
            r"the logits Z = X W \+ b overflowed .*: the weights are too large",
        ),
        (
            lambda: tb.save_parameters({"W": np.array([np.nan]), "b": 0.0}, "never.json"),
            r"parameters\['W'\] holds NaN",
        ),
    ],
    ids=[
        "no-rows",
        "no-columns",
        "predict-empty",
        "accuracy-empty",
        "cost-empty",
        "text",
        "complex",
        "nan-labels",
        "labels-0-2",
        "predictions-0.5",
        "nan-probability",
        "probability-1.5",
        "A-size",
        "nan-logits",
        "nan-weight",
        "inf-bias",
        "weights-count",
        "parameters-keys",
        "overflowing-logits",
        "save-nan",
    ],
)
def test_bad_data_gets_a_plain_error(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: tb.model(X30, Y30, 5, 0),
            "learning_rate must be a finite number greater than 0; got 0",
        ),
        (
            lambda: tb.model(X30, Y30, 5, -0.1),
            "learning_rate must be a finite number greater than 0; got -0.1",
        ),
        (
            lambda: tb.model(X30, Y30, 5, np.float64(np.nan)),
            "learning_rate must be a finite number greater than 0; got nan",
        ),
        (
            lambda: tb.model(X30, Y30, 5, "0.1"),
            "learning_rate must be a finite number greater than 0; got '0.1'",
        ),
        (
            lambda: tb.model(X30, Y30, 5, True),
            "learning_rate must be a finite number greater than 0; got True",
        ),
        (
            lambda: tb.update_parameters(P2, {"dW": np.ones((2, 1)), "db": 0.0}, -1),
            "learning_rate must be",
        ),
        (
            lambda: tb.model(X30, Y30, -1),
            "num_iterations must be a whole number of at least 0; got -1",
        ),
        (
            lambda: tb.model(X30, Y30, 2.5),
            "num_iterations must be a whole number of at least 0; got 2.5",
        ),
        (
            lambda: tb.model(X30, Y30, True),
            "num_iterations must be a whole number of at least 0; got True",
        ),
        (
            lambda: tb.model(X30, Y30, np.int64(-2)),
            "num_iterations must be a whole number of at least 0; got -2",
        ),
        (
            lambda: tb.model(X30, Y30, 3, print_cost=True, print_every=0),
            "print_every must be a whole number of at least 1; got 0",
        ),
        (
            lambda: tb.predict(X30, P2, threshold=1.5),
            "threshold must be a finite number from 0 to 1; got 1.5",
        ),
        (
            lambda: tb.predict(X30, P2, threshold=np.nan),
            "threshold must be a finite number from 0 to 1; got nan",
        ),
        (
            lambda: tb.random_mini_batches(X30, Y30, 0),
            "batch_size must be a whole number of at least 1; got 0",
        ),
        (
            lambda: tb.random_mini_batches(X30, Y30, 1.5),
            "batch_size must be a whole number of at least 1; got 1.5",
        ),
        (
            lambda: tb.initialize_parameters(0),
            "input_size must be a whole number of at least 1; got 0",
        ),
        (
            lambda: tb.initialize_parameters(2.0),
            "input_size must be a whole number of at least 1; got 2.0",
        ),
        (
            lambda: tb.initialize_parameters(2, scale=-1.0),
            "scale must be a finite number of at least 0; got -1.0",
        ),
        (
            lambda: tb.initialize_parameters(2, random_state="seed"),
            "random_state must be None, a whole number >= 0 or a numpy Generator; got 'seed'",
        ),
        (lambda: tb.Neuron(0), "num_inputs must be a whole number of at least 1; got 0"),
        (
            lambda: tb.Neuron(2, random_state=0).forward([1.0, 2.0, 3.0]),
            "inputs must have shape (2,) or (k, 2); got (3,)",
        ),
        (
            lambda: tb.LogisticRegressionNN(-1),
            "input_size must be a whole number of at least 1; got -1",
        ),
        (
            lambda: tb.LogisticRegressionNN(2).train(X30, Y30, epochs=-3),
            "epochs must be a whole number of at least 0; got -3",
        ),
    ],
    ids=lambda v: "" if callable(v) else v.split(" must")[0],
)
def test_bad_arguments_get_a_plain_error(call, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("nan, 1", "'nan' in point 'nan, 1' is not a finite number"),
        ("2,1; inf,3", "'inf' in point 'inf,3' is not a finite number"),
        ("1e999, 0", "'1e999' in point '1e999, 0' is not a finite number"),
        ("", "no points given; write points as 'x1,x2; x1,x2'"),
        ("   ", "no points given"),
        ("2,1;", "could not read '' in point '' as a number"),
        ("2,,1", "could not read '' in point '2,,1' as a number"),
    ],
)
def test_user_input_that_is_not_a_point(text: str, message: str, capsys) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        tb.predict_user_input(text, PARAMS)
    assert capsys.readouterr().out == ""  # nothing printed before the error


def test_user_input_as_lists() -> None:
    with pytest.raises(
        ValueError, match=r"user_input holds NaN \(a missing value\) at row 1, column 0"
    ):
        tb.predict_user_input([[1.0, 2.0], [np.nan, 1.0]], PARAMS)
    with pytest.raises(
        ValueError, match="user_input must hold only numbers, in rows of one length"
    ):
        tb.predict_user_input([[1.0, 2.0], [3.0]], PARAMS)
    with pytest.raises(ValueError, match=r"user_input must be a list of points \(k, n\)"):
        tb.predict_user_input(np.zeros((1, 1, 2)), PARAMS)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"W": [1e999], "b": 0', "holds a number too large for a float"),
        ('"W": [1.0], "b": -1e400', "holds a number too large for a float"),
        ('"W": [1' + "0" * 400 + '], "b": 0', "holds a number too large for a float"),
        ('"W": [' + "7" * 5000 + '], "b": 0', "holds a number too long to read"),
        ('"W": [1.0], "b": true', "'W' must be a non-empty list of numbers, 'b' a number"),
    ],
    ids=["1e999", "-1e400", "10**400", "5000-digits", "bool"],
)
def test_parameter_files_with_numbers_beyond_float(tmp_path, text: str, message: str) -> None:
    path = tmp_path / "params.json"
    path.write_text('{"format": "oneneuron-textbook-parameters", "version": 1, ' + text + "}")
    with pytest.raises(ValueError, match=rf"params\.json.*{re.escape(message)}"):
        tb.load_parameters(path)


# ---------------------------------------------------------------------------- divergence
@pytest.mark.parametrize("learning_rate", [1e3, 1e4, 1e100])
def test_a_diverging_learning_rate_stops_with_advice(learning_rate: float, capsys) -> None:
    X, Y = noisy_data()
    with pytest.raises(ValueError) as info:
        tb.model(X, Y, 200, learning_rate, print_cost=True, print_every=1, random_state=0)
    message = str(info.value)
    assert message.startswith("gradient descent diverged by iteration ")
    assert re.search(r"the cost grew from 0\.69\d* to [\d.e+]+\.", message), message
    assert f"learning_rate={learning_rate:g} is too large for this data" in message
    assert f"lower it (try {learning_rate / 10:g})" in message
    printed = [
        float(c) for c in re.findall(r"Cost after iteration \d+: (\S+)", capsys.readouterr().out)
    ]
    assert printed and max(printed) <= tb.DIVERGENCE_FACTOR * max(printed[0], 1.0)


def test_divergence_is_a_hundredfold_growth_of_the_cost() -> None:
    """The line between a run that oscillates and one that diverges."""
    X, Y = noisy_data()
    _, costs = tb.model(X, Y, 200, 100.0, random_state=0)  # oscillates, never 100x
    assert max(costs) > 1.5 * costs[0]
    assert max(costs) <= tb.DIVERGENCE_FACTOR * max(costs[0], 1.0)


def test_a_step_that_overflows_stops_with_advice() -> None:
    X, Y = noisy_data()
    with pytest.raises(
        ValueError,
        match=r"diverged by iteration 1: the update overflowed .*: the learning rate is too "
        r"large\. learning_rate=1e\+308",
    ):
        tb.model(X * 1e3, Y, 5, 1e308, random_state=0)


def test_starting_weights_that_overflow_are_not_blamed_on_the_learning_rate() -> None:
    X, Y = noisy_data()
    with pytest.raises(ValueError, match=r"^the logits Z = X W \+ b overflowed") as info:
        tb.model(X, Y, 5, parameters={"W": np.array([[1e308], [1e308]]), "b": 0.0})
    assert "learning_rate" not in str(info.value)


def test_the_checks_leave_the_weights_bit_identical_to_the_estimator() -> None:
    """Checking never changes a computed number: same bits as solver="gd" from the same start."""
    from oneneuron import LogisticRegression

    X, Y = noisy_data()
    init = tb.initialize_parameters(2, random_state=1)
    parameters, _ = tb.model(X, Y, 300, 0.5, parameters=init)
    est = LogisticRegression(solver="gd", alpha=0.0, learning_rate=0.5, max_iter=300, tol=None)
    est.fit(X, Y.ravel(), coef_init=init["W"].ravel(), intercept_init=init["b"])
    np.testing.assert_array_equal(est.coef_, parameters["W"].T)
    assert est.intercept_[0] == parameters["b"]


def test_plot_decision_boundary_draws_the_plotting_modules_figure():
    """The seeds' argument order (X, Y, parameters) for oneneuron.plotting's drawing: the
    same Axes content as calling it directly with (parameters, X, Y)."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from oneneuron.plotting import plot_decision_boundary

    X, y = make_blobs(60, centers=2, random_state=0)
    Y = y.reshape(-1, 1)
    parameters = tb.model(X, Y, num_iterations=50, learning_rate=0.1, print_cost=False)[0]
    ax = tb.plot_decision_boundary(X, Y, parameters, ax=Figure().add_subplot())
    ref = plot_decision_boundary(parameters, X, Y, ax=Figure().add_subplot())
    assert len(ax.collections) == len(ref.collections) > 0
    np.testing.assert_array_equal(
        ax.collections[-1].get_offsets(), ref.collections[-1].get_offsets()
    )
