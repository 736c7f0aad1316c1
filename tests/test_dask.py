"""Dask collections on a real cluster: the same optimum as in memory, lazy predictions.

The cluster is a ``distributed.LocalCluster`` with two worker *processes* (started once per
test process), so every task and result crosses a process boundary and serialisation
bugs show.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning

from oneneuron import LogisticRegression, load

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
    with cluster, distributed.Client(cluster) as c:
        yield c


def _problem(n=3000, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * np.linspace(0.5, 3, d) + np.linspace(0, 2, d)
    y = (X @ rng.standard_normal(d) * 0.5 + rng.logistic(size=n) > 0).astype(int)
    sw = rng.uniform(0.3, 2.0, n)
    return X, y, sw


OPTIONS = {
    "plain": dict(),
    "weighted": dict(weighted=True),
    "standardize": dict(standardize=True),
    "balanced": dict(class_weight="balanced"),
    "no-intercept": dict(fit_intercept=False, alpha=0.0),
}


@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("solver", ["lbfgs", "newton"])
def test_same_optimum_as_in_memory(client, solver, option):
    X, y, sw = _problem()
    opts = dict(OPTIONS[option])
    weighted = opts.pop("weighted", False)
    kw = dict(solver=solver, tol=1e-10, alpha=opts.pop("alpha", 1e-3), **opts)
    w = sw if weighted else None
    ref = LogisticRegression(**kw).fit(X, y, sample_weight=w)
    Xd, yd = da.from_array(X, chunks=(700, 5)), da.from_array(y, chunks=700)
    wd = None if w is None else da.from_array(w, chunks=700)
    model = LogisticRegression(**kw).fit(Xd, yd, sample_weight=wd)
    assert model.converged_
    j, j_ref = model.history_["loss"][-1], ref.history_["loss"][-1]
    assert abs(j - j_ref) <= 1e-9 * abs(j_ref)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-8)


def test_gd_walks_the_same_path(client):
    X, y, _ = _problem(n=1000)
    kw = dict(solver="gd", learning_rate=0.2, max_iter=15, tol=None)
    ref = LogisticRegression(**kw).fit(X, y)
    model = LogisticRegression(**kw).fit(
        da.from_array(X, chunks=(300, 5)), da.from_array(y, chunks=300)
    )
    np.testing.assert_allclose(model.history_["loss"], ref.history_["loss"], rtol=1e-12)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-11)


def test_dataframe_with_names_and_string_labels(client, tmp_path):
    X, y, _ = _problem()
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(5)])
    labels = np.array(["no", "yes"])[y]
    ref = LogisticRegression(tol=1e-10).fit(frame, labels)
    ddf = dd.from_pandas(frame, npartitions=4)
    ys = dd.from_pandas(pd.Series(labels), npartitions=4)
    model = LogisticRegression(tol=1e-10).fit(ddf, ys)
    assert list(model.feature_names_in_) == list(frame.columns)
    assert model.classes_.tolist() == ["no", "yes"]
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-7)
    # lazy predictions on the cluster
    proba = model.predict_proba(ddf)
    assert hasattr(proba, "compute") and proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.compute(), ref.predict_proba(frame), rtol=1e-7, atol=1e-9)
    labels_out = model.predict(ddf)
    assert hasattr(labels_out, "compute")
    z_ref = ref.decision_function(frame)
    sure = np.abs(z_ref) > 1e-6  # rows on the boundary may go either way
    assert (labels_out.compute()[sure] == ref.predict(frame)[sure]).all()
    z = model.decision_function(ddf)
    np.testing.assert_allclose(z.compute(), ref.decision_function(frame), rtol=1e-7, atol=1e-8)
    # the same model file as any other fit
    loaded = load(model.save(tmp_path / "m.json"))
    np.testing.assert_allclose(loaded.predict_proba(frame), proba.compute(), rtol=1e-12)


def test_nan_is_named(client):
    X, y, _ = _problem(n=500)
    X[321, 2] = np.nan
    with pytest.raises(ValueError, match=r"NaN in column 2 \(first at row 321\)"):
        LogisticRegression().fit(da.from_array(X, chunks=(100, 5)), da.from_array(y, chunks=100))


def test_unsupported_uses_are_refused_clearly(client):
    X, y, _ = _problem(n=300)
    Xd, yd = da.from_array(X, chunks=(100, 5)), da.from_array(y, chunks=100)
    with pytest.raises(ValueError, match="solver='sgd' draws random rows"):
        LogisticRegression(solver="sgd").fit(Xd, yd)
    with pytest.raises(ValueError, match="early_stopping.*eval_set"):
        LogisticRegression(early_stopping=True).fit(Xd, yd)
    with pytest.raises(ValueError, match=r"1 class\(es\) \(0\); training needs at least two"):
        LogisticRegression().fit(Xd, da.from_array(np.zeros(300, int), chunks=100))
    with pytest.raises(ValueError, match="needs y"):
        LogisticRegression().fit(Xd, None)
    model = LogisticRegression().fit(Xd, yd)
    with pytest.raises(ValueError, match="5 columns"):
        model.predict(da.from_array(X[:, :3], chunks=(100, 3)))


def test_eval_set_and_history(client):
    X, y, _ = _problem(n=1200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = LogisticRegression(max_iter=5).fit(
            da.from_array(X[:1000], chunks=(250, 5)),
            da.from_array(y[:1000], chunks=250),
            eval_set=(X[1000:], y[1000:]),
        )
    assert "val_loss" in model.history_.columns and len(model.history_) == model.n_iter_ + 1


@pytest.mark.parametrize("working_sets", [False, True])
def test_elastic_net_on_the_cluster_reaches_the_in_memory_optimum(
    client, working_sets, monkeypatch
):
    from oneneuron.solvers import proxnewton

    if working_sets:  # the Hessian of each working set, from blocks fetched here
        monkeypatch.setattr(proxnewton, "FULL_HESSIAN_PARAMS", 0)
    X, y, _ = _problem(d=8)
    kw = dict(alpha=0.05, l1_ratio=0.8, standardize=True, tol=1e-9)
    ref = LogisticRegression(**kw).fit(X, y)
    m = LogisticRegression(**kw).fit(da.from_array(X, chunks=(700, 8)), da.from_array(y, 700))
    assert m.solver_ == "proxnewton" and m.converged_
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-8)
    np.testing.assert_array_equal(m.coef_ == 0, ref.coef_ == 0)
    assert np.any(m.coef_ == 0)


def test_auto_takes_newton_on_the_cluster_while_the_model_is_small(client):
    """Each evaluation is one round trip, with the Hessian or without: Newton's fewer
    iterations win (benchmarks/dask_bench.py), as for data in memory; not for files."""
    X, y, _ = _problem()
    Xd, yd = da.from_array(X, chunks=(700, 5)), da.from_array(y, chunks=700)
    assert LogisticRegression().fit(Xd, yd).solver_ == "newton"
    wide = da.from_array(np.tile(X, (1, 50)), chunks=(700, 250))  # 251 parameters
    assert LogisticRegression(alpha=1e-2).fit(wide, yd).solver_ == "lbfgs"
