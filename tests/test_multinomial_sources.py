"""K >= 3 classes from files read in blocks and from Dask collections: the in-memory
optimum, through the same block sums (labels found on the first pass)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from oneneuron import LogisticRegression
from oneneuron.data import scan_csv, scan_parquet

FEATURES = ["a", "b", "c", "d"]


def _frame(n=1500, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)) * [1, 2, 0.5, 3] + [0, 1, -2, 5]
    W = rng.normal(size=(3, 4))
    y = np.array(["red", "green", "blue"])[np.argmax(X @ W.T + rng.gumbel(size=(n, 3)), axis=1)]
    frame = pd.DataFrame(X, columns=FEATURES)
    frame["label"] = y
    frame["w"] = rng.uniform(0.3, 2.0, n)
    return frame


OPTIONS = {
    "plain": dict(),
    "weighted": dict(weight="w"),
    "standardize": dict(standardize=True),
    "balanced": dict(class_weight="balanced", weight="w"),
}


@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("kind", ["parquet", "csv"])
@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
def test_files_reach_the_in_memory_optimum(tmp_path, kind, option, solver):
    frame = _frame()
    opts = dict(OPTIONS[option])
    weight = opts.pop("weight", None)
    path = tmp_path / f"t.{kind}"
    if kind == "parquet":
        frame.to_parquet(path, row_group_size=400)
    else:
        frame.to_csv(path, index=False)
    scan = scan_parquet if kind == "parquet" else scan_csv
    source = scan(path, "label", FEATURES, weight=weight, batch_rows=300)
    kw = dict(solver=solver, alpha=1e-3, tol=1e-10, **opts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(**kw).fit(source)
    sw = None if weight is None else frame[weight].to_numpy()
    X, y = frame[FEATURES].to_numpy(), frame["label"].to_numpy()
    with warnings.catch_warnings():  # the weighted, balanced case reaches float64's floor
        warnings.simplefilter("ignore")
        ref = LogisticRegression(**kw).fit(X, y, sample_weight=sw)
    np.testing.assert_array_equal(model.classes_, ["blue", "green", "red"])
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(model.intercept_, ref.intercept_, rtol=1e-6, atol=1e-7)
    assert model.predict_proba(source).shape == (1500, 3)
    assert abs(model.score(source) - ref.score(X, y)) < 1e-12


def test_gd_and_sgd_read_files_too(tmp_path):
    frame = _frame()
    path = tmp_path / "t.parquet"
    frame.to_parquet(path, row_group_size=400)
    X, y = frame[FEATURES].to_numpy(), frame["label"].to_numpy()
    kw = dict(alpha=1e-2, standardize=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        streamed = LogisticRegression(solver="gd", max_iter=50, **kw)
        streamed.fit(scan_parquet(path, "label", FEATURES, batch_rows=300))
        in_memory = LogisticRegression(solver="gd", max_iter=50, **kw).fit(X, y)
        np.testing.assert_allclose(streamed.coef_, in_memory.coef_, rtol=1e-9, atol=1e-12)
        sgd = LogisticRegression(solver="sgd", max_iter=30, **kw)
        sgd.fit(scan_parquet(path, "label", FEATURES, batch_rows=300))
    best = LogisticRegression(alpha=1e-2, standardize=True).fit(X, y)
    assert np.abs(sgd.predict_proba(X) - best.predict_proba(X)).max() < 0.05


distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")


@pytest.fixture(scope="module")
def client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
    with cluster, distributed.Client(cluster) as c:
        yield c


@pytest.mark.parametrize("option", ["plain", "weighted", "balanced"])
def test_dask_reaches_the_in_memory_optimum(client, option):
    frame = _frame(n=2000)
    X = frame[FEATURES].to_numpy()
    y = frame["label"].to_numpy()
    sw = frame["w"].to_numpy() if option != "plain" else None
    kw = dict(alpha=1e-3, tol=1e-10, solver="lbfgs")
    if option == "balanced":
        kw["class_weight"] = "balanced"
    with warnings.catch_warnings():  # float64's floor before tol=1e-10: equal anyway
        warnings.simplefilter("ignore")
        ref = LogisticRegression(**kw).fit(X, y, sample_weight=sw)
    dX, dy = da.from_array(X, chunks=(500, 4)), da.from_array(y, chunks=500)
    dw = None if sw is None else da.from_array(sw, chunks=500)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = LogisticRegression(**kw).fit(dX, dy, sample_weight=dw)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-7)
    lazy = model.predict_proba(dX)
    np.testing.assert_allclose(lazy.compute(), ref.predict_proba(X), atol=1e-7)
    np.testing.assert_array_equal(model.predict(dX).compute(), ref.predict(X))
