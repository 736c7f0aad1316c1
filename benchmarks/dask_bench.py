"""oneneuron on Dask against dask-ml, on one 2-worker LocalCluster (make bench).

Both fit the same objective on the same persisted dask array: dask-ml's
``LogisticRegression(C)`` minimises ``sum_i l_i + ||beta||^2 / (2 C)`` over beta = [w, b]
(its L2 penalty covers the intercept), which is oneneuron's J with a column of ones
appended, ``fit_intercept=False`` and ``alpha = 1 / (C n)``. J* comes from a tight Newton
fit of the same array in memory. Each solver's smallest effort (``max_iter``) reaching
``(J - J*) / J* <= 1e-6`` is found by doubling, and that cold fit is timed; a solver that
never gets there reports the best suboptimality it reached.

Also measured, for docs/scaling.md: the round trips per iteration, the time one chunk's
block sums take on one core, and the bytes that travel per evaluation (the task out, the
sums back).

    python benchmarks/dask_bench.py [--rows 2000000] [--cols 50] [--chunk 100000]
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1e-6


def data(n: int, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = np.empty((n, d + 1))
    X[:, -1] = 1.0  # the intercept as a feature (dask-ml penalises it too)
    y = np.empty(n, dtype=np.int64)
    w = rng.standard_normal(d) * (2.0 / np.sqrt(d))
    for i, lo in enumerate(range(0, n, 200_000)):
        hi = min(n, lo + 200_000)
        r = np.random.default_rng([seed, i])
        X[lo:hi, :d] = r.standard_normal((hi - lo, d))
        y[lo:hi] = r.random(hi - lo) < 1.0 / (1.0 + np.exp(-(X[lo:hi, :d] @ w + 0.3)))
    return X, y


def objective(X: Any, y: Any, alpha: float) -> Any:
    from oneneuron.objective import Objective

    return Objective(X, y, alpha=alpha, fit_intercept=False)


def oneneuron_fit(solver: str) -> Any:
    def fit(Xd: Any, yd: Any, alpha: float, C: float, effort: int) -> np.ndarray:
        from oneneuron import LogisticRegression

        m = LogisticRegression(
            solver=solver, alpha=alpha, fit_intercept=False, tol=0.0, max_iter=effort
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.fit(Xd, yd)
        fit.evaluations = m.history_  # type: ignore[attr-defined]
        return np.asarray(m.coef_[0])

    return fit


def daskml_fit(solver: str) -> Any:
    def fit(Xd: Any, yd: Any, alpha: float, C: float, effort: int) -> np.ndarray:
        from dask_ml.linear_model import LogisticRegression

        m = LogisticRegression(solver=solver, C=C, fit_intercept=False, max_iter=effort, tol=1e-14)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.fit(Xd, yd)
        return np.asarray(m.coef_)

    return fit


def race(name: str, fit: Any, Xd: Any, yd: Any, obj: Any, jstar: float, args: Any) -> dict:
    n = obj.n_samples
    alpha = 1.0 / n
    C = 1.0  # scikit-learn's default, as our alpha = 1 / (C n)
    probes: dict[int, dict[str, float]] = {}
    effort, spent = 1, 0.0
    while True:
        t0 = time.perf_counter()
        coef = fit(Xd, yd, alpha, C, effort)
        t = time.perf_counter() - t0
        spent += t
        rel = (obj.loss(coef) - jstar) / abs(jstar)
        probes[effort] = {"time": t, "rel": rel}
        print(f"  {name:>22} effort {effort:>4}: {t:7.2f} s, rel {rel:.2e}", flush=True)
        if rel <= TARGET or effort >= args.max_effort or spent > args.budget:
            break
        effort *= 2
    reached = [k for k, v in probes.items() if v["rel"] <= TARGET]
    out: dict[str, Any] = {"solver": name, "reached": bool(reached)}
    if reached:
        out.update(effort=min(reached), time=probes[min(reached)]["time"])
    out["best_rel"] = min(v["rel"] for v in probes.values())
    out["probes"] = probes
    return out


def _noop(i: int) -> int:
    return i


def chunk_costs(X: np.ndarray, y: np.ndarray, chunk: int, d: int) -> dict[str, float]:
    """One chunk's block sums on one core, and the bytes per evaluation each way."""
    from oneneuron.data import Block
    from oneneuron.objective._blocks import BlockTask

    task = BlockTask(np.zeros(d + 1), 0.0, 0.0, d + 1, "<f8", kernel=True)  # what the client sends
    sign = np.where(y[:chunk] == 1, -1.0, 1.0)
    block = Block(np.ascontiguousarray(X[:chunk]), sign, None)
    ws = task.workspace(chunk)
    task.run([block], ws)
    t0 = time.perf_counter()
    for _ in range(5):
        terms = task.run([block], ws)
    per_chunk = (time.perf_counter() - t0) / 5
    return {
        "chunk_rows": chunk,
        "chunk_bytes": float(block.X.nbytes),
        "chunk_sums_s": per_chunk,
        "task_bytes": float(len(pickle.dumps(task))),
        "sums_bytes": float(len(pickle.dumps(terms))),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--cols", type=int, default=50)
    ap.add_argument("--chunk", type=int, default=100_000)
    ap.add_argument("--max-effort", type=int, default=256)
    ap.add_argument("--budget", type=float, default=300.0, help="seconds per solver")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "dask-results.json")
    args = ap.parse_args(argv)
    import dask.array as da
    from distributed import Client, LocalCluster

    X, y = data(args.rows, args.cols)
    n = X.shape[0]
    obj = objective(X, y, 1.0 / n)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import reference_optimum  # the same J* as the main benchmark

    _, jstar = reference_optimum(obj)
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "rows": n,
        "cols": args.cols,
        "chunk": args.chunk,
        "bytes": int(X.nbytes),
        "jstar": jstar,
        "races": [],
        "chunk_costs": chunk_costs(X, y, args.chunk, args.cols),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        )
    with cluster, Client(cluster) as client:
        Xd = da.from_array(X, chunks=(args.chunk, X.shape[1])).persist()
        yd = da.from_array(y, chunks=args.chunk).persist()
        client.wait_for_workers(2)
        del X
        contenders = [
            ("oneneuron lbfgs", oneneuron_fit("lbfgs")),
            ("oneneuron newton", oneneuron_fit("newton")),
            ("dask-ml lbfgs", daskml_fit("lbfgs")),
            ("dask-ml newton", daskml_fit("newton")),
            ("dask-ml admm", daskml_fit("admm")),
        ]
        for name, fit in contenders:
            r = race(name, fit, Xd, yd, obj, jstar, args)
            results["races"].append(r)
        # round trips per iteration of oneneuron's L-BFGS: evaluations / iterations
        counts = {"evaluations": 0}
        from oneneuron.data import _dask

        original = _dask.DaskSource.reduce

        def counted(self: Any, task: Any) -> Any:
            counts["evaluations"] += 1
            return original(self, task)

        _dask.DaskSource.reduce = counted  # type: ignore[method-assign]
        from oneneuron import LogisticRegression

        for solver in ("lbfgs", "newton"):
            counts["evaluations"] = 0
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m = LogisticRegression(
                    alpha=1.0 / n, solver=solver, fit_intercept=False, tol=1e-8
                ).fit(Xd, yd)
            seconds = time.perf_counter() - t0
            results.setdefault("round_trips", []).append(
                {
                    "solver": m.solver_,
                    "iterations": int(m.n_iter_),
                    "evaluations": counts["evaluations"],
                    "fit_s": seconds,
                    "s_per_evaluation": seconds / max(1, counts["evaluations"]),
                }
            )
        _dask.DaskSource.reduce = original  # type: ignore[method-assign]
        # the scheduler's cost per task: trivial tasks submitted and gathered
        t0 = time.perf_counter()
        client.gather(client.map(_noop, range(2000), pure=False))
        results["scheduler_s_per_task"] = (time.perf_counter() - t0) / 2000
    args.out.write_text(json.dumps(results, indent=1))
    print(json.dumps({k: v for k, v in results.items() if k != "races"}, indent=1))
    for r in results["races"]:
        print(r["solver"], r["reached"], r.get("time"), f"{r['best_rel']:.1e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
