"""check_separation: detectseparation's published examples, constructed cases, and
detectseparation's own linear programs as an independent oracle on random data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import statsmodels.api as sm
from scipy.optimize import linprog

from oneneuron.diagnostics import SeparationReport, check_separation

DATA = "tests/data/"


@pytest.fixture(scope="module")
def endometrial():
    d = pd.read_csv(DATA + "endometrial.csv")
    return d[["NV", "PI", "EH"]], d["HG"].to_numpy()


def status(report: SeparationReport) -> dict[str, str]:
    return dict(zip(report.names, report.status, strict=True))


# ------------------------------------------------ detectseparation's examples
def test_endometrial_nv_diverges_to_plus_infinity(endometrial):
    X, y = endometrial
    report = check_separation(X, y)
    assert report.kind == "quasi-complete" and report.separated
    assert status(report) == {"intercept": "finite", "NV": "+inf", "PI": "finite", "EH": "finite"}
    assert report.infinite == {"NV": "+inf"}
    np.testing.assert_array_equal(report.separated_rows, np.flatnonzero(X["NV"] == 1))
    assert report.n_rows == 79
    np.testing.assert_allclose(report.direction, [0, 1, 0, 0], atol=1e-9)
    text = str(report)
    assert "quasi-complete" in text and "NV" in text and "+inf" in text
    assert "firth=True" in text and "alpha > 0" in text


def test_endometrial_finite_part_is_the_fit_on_the_overlapping_rows(endometrial):
    """The finite estimates are R's glm output in detectseparation's README."""
    X, y = endometrial
    report = check_separation(X, y)
    overlap = np.setdiff1d(np.arange(len(y)), report.separated_rows)
    Xo = sm.add_constant(X[["PI", "EH"]].to_numpy()[overlap])
    fit = sm.Logit(y[overlap], Xo).fit(disp=0, tol=1e-12)
    np.testing.assert_allclose(fit.params, [4.3045178, -0.0421834, -2.9026056], rtol=1e-6)


def test_endometrial_with_an_aliased_column(endometrial):
    X, y = endometrial
    report = check_separation(X.assign(NV2=2 * X["NV"])[["NV", "NV2", "PI", "EH"]], y)
    assert status(report) == {
        "intercept": "finite",
        "NV": "+inf",
        "NV2": "aliased",
        "PI": "finite",
        "EH": "finite",
    }
    assert np.isnan(report.direction[2])
    assert "Aliased" in str(report) and "NV2" in str(report)


def test_counterexample_is_completely_separated():
    X = np.array([[1, -1, 2], [1, -1, -2], [1, -2, -2], [1, 2, 2]], dtype=float)
    report = check_separation(X, [0, 1, 1, 1], fit_intercept=False)
    assert report.kind == "complete"
    assert len(report.separated_rows) == 4


def test_overlap_is_not_separated():
    report = check_separation(np.array([[-1.0], [0.0], [1.0], [2.0]]), [0, 1, 0, 1])
    assert report.kind == "none" and not report.separated
    assert report.infinite == {} and set(report.status) == {"finite"}
    assert "No separation" in str(report)


def test_lizards_counts_are_not_separated():
    d = pd.read_csv(DATA + "lizards.csv")
    X = pd.get_dummies(d[["height", "diameter", "light", "time"]], drop_first=True).astype(float)
    # binomial counts as weighted rows; rows with count 0 carry no observation
    Xw = pd.concat([X, X], ignore_index=True)
    y = np.r_[np.ones(len(d)), np.zeros(len(d))]
    w = np.r_[d["grahami"], d["opalinus"]].astype(float)
    report = check_separation(Xw, y, w)
    assert report.kind == "none" and report.n_rows == int((w > 0).sum())


# ---------------------------------------------------------- constructed
def test_a_separating_feature_among_noise():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(60, 4)), columns=["a", "b", "sep", "c"])
    y = (X["sep"] > 0.1).astype(int)
    report = check_separation(X, y)
    assert report.kind == "complete"
    assert report.infinite["sep"] == "+inf"
    # noise may tilt the separating plane either way: its coefficients are undetermined
    assert [status(report)[name] for name in "abc"] == ["undetermined"] * 3
    assert status(report)["intercept"] != "finite"
    assert check_separation(X, 1 - y).infinite["sep"] == "-inf"


def test_quasi_complete_with_a_negative_direction():
    x = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2], dtype=float)
    g = np.array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1], dtype=float)  # g = 1 -> always y = 0
    y = np.array([0, 1, 0, 1, 1, 0, 1, 0, 0, 0])
    report = check_separation(np.column_stack([x, g]), y, feature_names=["x", "g"])
    assert report.kind == "quasi-complete"
    assert status(report) == {"intercept": "finite", "x": "finite", "g": "-inf"}
    np.testing.assert_array_equal(report.separated_rows, [7, 8, 9])


@pytest.mark.parametrize("label, way", [(1, "+inf"), (0, "-inf")])
def test_one_label_is_an_intercept_only_separation(label, way):
    X = np.random.default_rng(0).normal(size=(12, 2))
    report = check_separation(X, np.full(12, label))
    assert report.kind == "complete" and report.infinite == {"intercept": way}
    assert status(report)["x1"] == "undetermined"
    report = check_separation(np.zeros((5, 0)), np.full(5, label))
    assert report.infinite == {"intercept": way} and report.names == ("intercept",)


def test_zero_weight_rows_are_left_out():
    x = np.array([[0.0], [1.0], [2.0], [3.0], [2.5]])
    y = np.array([0, 0, 1, 1, 0])  # the last row breaks the separation
    assert check_separation(x, y).kind == "none"
    report = check_separation(x, y, sample_weight=[1, 1, 1, 1, 0])
    assert report.kind == "complete" and report.n_rows == 4
    assert 4 not in report.separated_rows


def test_labels_any_two_values_and_sparse_input(endometrial):
    X, y = endometrial
    dense = check_separation(X, y)
    words = np.where(y == 1, "high", "low")  # sorted: "high" < "low", so "low" is positive
    flipped = check_separation(X, words)
    assert flipped.infinite == {"NV": "-inf"}
    for matrix in (sp.csr_matrix, sp.csc_matrix):
        report = check_separation(matrix(X.to_numpy()), y, feature_names=list(X.columns))
        assert report.status == dense.status and report.kind == dense.kind


def test_bad_input_is_named():
    X = np.zeros((4, 1))
    with pytest.raises(ValueError, match=r"y has 3 classes \(0, 1, 2\)"):
        check_separation(X, [0, 1, 2, 1])
    with pytest.raises(ValueError, match="y has 3 labels; X has 4 rows"):
        check_separation(X, [0, 1, 1])
    with pytest.raises(ValueError, match="only the label 'a'"):
        check_separation(X, ["a"] * 4)
    with pytest.raises(ValueError, match="sample_weight must be >= 0"):
        check_separation(X, [0, 1, 0, 1], sample_weight=[1, -1, 1, 1])
    with pytest.raises(ValueError, match="feature_names has 2 names; X has 1 features"):
        check_separation(X, [0, 1, 0, 1], feature_names=["a", "b"])


# --------------------------------- detectseparation's LPs as an oracle
def konis_separated(A: np.ndarray) -> bool:
    """detectseparation's separator: max 1^T A b s.t. A b >= 0, -1 <= b <= 1; > 0 iff separated."""
    k = A.shape[1]
    res = linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(len(A)), bounds=[(-1, 1)] * k)
    return -res.fun > 1e-7


def complete_separated(A: np.ndarray) -> bool:
    """detectseparation's separation_type: max t s.t. A b >= t, -1 <= b <= 1; t > 0 iff complete."""
    n, k = A.shape
    c = np.r_[np.zeros(k), -1.0]
    res = linprog(
        c, A_ub=np.c_[-A, np.ones(n)], b_ub=np.zeros(n), bounds=[(-1, 1)] * k + [(None, None)]
    )
    return -res.fun > 1e-7


@pytest.mark.parametrize("seed", range(30))
def test_random_designs_agree_with_detectseparations_programs(seed):
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(4, 14)), int(rng.integers(1, 4))
    X = np.round(rng.normal(size=(n, d)), 1)
    if seed % 3 == 0:
        X = (X > 0).astype(float)  # binary designs: quasi-complete separation is common
    y = X @ rng.normal(size=d) + rng.normal(scale=rng.choice([0.1, 1.0, 3.0]), size=n) > 0
    y = y.astype(int)
    if y.min() == y.max():
        y[0] = 1 - y[0]
    report = check_separation(X, y)
    A = (2 * y - 1)[:, None] * np.c_[np.ones(n), X]
    assert report.separated == konis_separated(A)
    assert (report.kind == "complete") == complete_separated(A)
    # the direction is a certificate: A b >= 0 on every row, > 0 exactly on the separated ones
    b = np.nan_to_num(report.direction)
    margins = A @ b
    scale = np.abs(A).max() * np.abs(b).max() + 1e-300
    assert np.all(margins >= -1e-7 * scale)
    if report.separated:
        assert np.all(margins[report.separated_rows] > 1e-9 * scale)
    # every row's own LP says whether some direction separates it; then the range of
    # each coefficient over the divergence directions, by brute-force LPs on all rows
    S = np.array([row_separable(A, i) for i in range(n)])
    np.testing.assert_array_equal(np.flatnonzero(S), report.separated_rows)
    if S.any():  # aliased columns (checked elsewhere) left out, as the report does
        kept = [j for j, st in enumerate(report.status) if st != "aliased"]
        assert [report.status[j] for j in kept] == brute_force_status(A[:, kept], S)


def row_separable(A: np.ndarray, i: int) -> bool:
    k = A.shape[1]
    res = linprog(-A[i], A_ub=-A, b_ub=np.zeros(len(A)), bounds=[(-1, 1)] * k)
    return -res.fun > 1e-7


def brute_force_status(A: np.ndarray, S: np.ndarray) -> list[str]:
    k = A.shape[1]
    eq = {"A_eq": A[~S], "b_eq": np.zeros((~S).sum())} if (~S).any() else {}
    out = []
    for j in range(k):
        c = np.eye(k)[j]
        lo = linprog(c, A_ub=-A[S], b_ub=-np.ones(S.sum()), bounds=[(None, None)] * k, **eq)
        hi = linprog(-c, A_ub=-A[S], b_ub=-np.ones(S.sum()), bounds=[(None, None)] * k, **eq)
        low = -np.inf if lo.status == 3 else lo.fun
        high = np.inf if hi.status == 3 else -hi.fun
        if low > 1e-7:
            out.append("+inf")
        elif high < -1e-7:
            out.append("-inf")
        elif abs(low) <= 1e-7 and abs(high) <= 1e-7:
            out.append("finite")
        else:
            out.append("undetermined")
    return out
