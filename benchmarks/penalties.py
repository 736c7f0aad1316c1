"""L1 and elastic-net fits against scikit-learn (liblinear, saga) and skglm; Firth and
``summary()`` as ratios to a plain fit.

    .venv/bin/python benchmarks/penalties.py           # every case (a few minutes)
    .venv/bin/python benchmarks/penalties.py --quick   # small cases, seconds

Method (that of ``benchmarks/run.py``): J* is the objective at our proximal Newton fit with
``tol=1e-13`` (and never above any J a solver reached); every solver is fitted cold with an
effort knob (``max_iter``, epochs for saga) and no tolerance; the smallest effort whose
coefficients reach ``(J - J*) / J* <= 1e-6`` (J computed by oneneuron's Objective for
everyone) is found by doubling then bisection, and that fit is timed (median of
``--repeats``). The peers' objectives are ours: scikit-learn's ``C = 1 / (alpha n)`` with
``l1_ratio``; liblinear (L1 only) penalises the intercept as a weight of a constant
feature of value 100 (negligible here); skglm's ``SparseLogisticRegression(alpha,
l1_ratio)`` is the same objective.

Results go to ``benchmarks/penalties-results.json`` and to the table in
``docs/penalties.md`` between its markers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peers import Peer, _quiet
from run import race, synthetic

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "penalties-results.json"
DOC = ROOT / "docs" / "penalties.md"
MARK_START = "<!-- penalties results: start (written by benchmarks/penalties.py) -->"
MARK_END = "<!-- penalties results: end -->"


# ----------------------------------------------------------------------------- data
def sparse_case(n: int, d: int, density: float, seed: int = 0) -> tuple[Any, np.ndarray]:
    """CSR features with ``density`` non-zeros (standard normal), 20 informative columns."""
    rng = np.random.default_rng(seed)
    X = sp.random(n, d, density=density, format="csr", random_state=seed, dtype=np.float64)
    X.data = rng.standard_normal(X.data.size)
    w = np.zeros(d)
    w[rng.choice(d, 20, replace=False)] = rng.standard_normal(20) * 3
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return X, (rng.random(n) < p).astype(np.int64)


def correlated(n: int, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Dense features mixed by a random matrix (correlated), 10 informative."""
    rng = np.random.default_rng(seed)
    mix = 0.3 * np.eye(d) + 0.7 * rng.standard_normal((d, d)) / np.sqrt(d)
    X = np.ascontiguousarray(rng.standard_normal((n, d)) @ mix)
    return X, (X[:, :10].sum(axis=1) + rng.logistic(size=n) > 0).astype(np.int64)


def load(name: str) -> tuple[Any, np.ndarray, str]:
    if name == "cancer-raw":
        from sklearn.datasets import load_breast_cancer

        X, y = load_breast_cancer(return_X_y=True)
        return np.ascontiguousarray(X), y, "breast cancer, raw units (569 x 30)"
    kind, shape = name.split("-", 1)
    n, d = (int(float(v)) for v in shape.split("x"))
    if kind == "dense":
        X, y = synthetic(n, d)
        return X, y, f"dense Gaussian {n:,} x {d}"
    if kind == "correlated":
        X, y = correlated(n, d)
        return X, y, f"dense correlated {n:,} x {d}"
    X, y = sparse_case(n, d, density=0.002)
    return X, y, f"sparse CSR {n:,} x {d:,}, density 0.2%"


# ---------------------------------------------------------------------------- peers
def oneneuron_fit(l1_ratio: float) -> Any:
    def fit(X: Any, y: np.ndarray, alpha: float, effort: int) -> tuple[np.ndarray, float]:
        from oneneuron import LogisticRegression

        m = LogisticRegression(alpha=alpha, l1_ratio=l1_ratio, tol=0.0, max_iter=effort)
        _quiet(lambda: m.fit(X, y))
        return np.asarray(m.coef_[0], float), float(m.intercept_[0])

    return fit


def sklearn_fit(solver: str, l1_ratio: float) -> Any:
    def fit(X: Any, y: np.ndarray, alpha: float, effort: int) -> tuple[np.ndarray, float]:
        from sklearn.linear_model import LogisticRegression

        kw: dict[str, Any] = {"tol": 0.0}
        if solver == "liblinear":
            kw.update(intercept_scaling=100.0, tol=1e-15)
        if solver == "saga":
            kw["random_state"] = 0
        m = LogisticRegression(
            C=1.0 / (alpha * X.shape[0]), l1_ratio=l1_ratio, solver=solver, max_iter=effort, **kw
        )
        _quiet(lambda: m.fit(X, y))
        return np.asarray(m.coef_[0], float), float(m.intercept_[0])

    return fit


def skglm_fit(l1_ratio: float) -> Any:
    def fit(X: Any, y: np.ndarray, alpha: float, effort: int) -> tuple[np.ndarray, float]:
        from skglm import SparseLogisticRegression

        # skglm sizes its inner solves from tol: its effort knob is tol = 10^(-effort/2)
        # (max_iter=100 outer iterations), where tol=1e-14 with few outer iterations would
        # run every inner solve to its epoch cap
        tol = 10.0 ** (-effort / 2.0)
        m = SparseLogisticRegression(alpha=alpha, l1_ratio=l1_ratio, tol=tol, max_iter=100)
        _quiet(lambda: m.fit(X, y))
        return np.asarray(m.coef_[0], float), float(np.ravel(m.intercept_)[0])

    return fit


def peers(l1_ratio: float) -> list[Peer]:
    from owlqn import owlqn_fit

    out = [
        Peer("oneneuron auto (proxnewton)", oneneuron_fit(l1_ratio), 100),
        Peer("oneneuron-owlqn (prototype, benchmarks/owlqn.py)", owlqn_fit(l1_ratio), 3000),
    ]
    if l1_ratio == 1.0:
        out.append(Peer("sklearn liblinear", sklearn_fit("liblinear", l1_ratio), 1000))
    out.append(Peer("sklearn saga", sklearn_fit("saga", l1_ratio), 2000))
    try:
        import skglm  # noqa: F401

        out.append(Peer("skglm", skglm_fit(l1_ratio), 30))
    except ImportError:  # pragma: no cover - skglm is optional
        print("skglm is not installed: pip install skglm to race it", file=sys.stderr)
    return out


# ------------------------------------------------------------------------- the race
def reference(X: Any, y: np.ndarray, alpha: float, l1_ratio: float) -> tuple[Any, float]:
    from oneneuron import LogisticRegression
    from oneneuron.objective import Objective
    from oneneuron.penalties import ElasticNet

    m = LogisticRegression(alpha=alpha, l1_ratio=l1_ratio, tol=1e-13, max_iter=500)
    _quiet(lambda: m.fit(X, y))
    obj = Objective(X, y, penalty=ElasticNet(alpha, l1_ratio))
    return obj, obj.loss(np.append(m.coef_[0], m.intercept_))


def one_case(name: str, l1_ratio: float, alpha_fraction: float, repeats: int) -> dict[str, Any]:
    from oneneuron import alpha_max

    X, y, what = load(name)
    alpha = alpha_fraction * alpha_max(X, y, l1_ratio=l1_ratio)
    obj, jstar = reference(X, y, alpha, l1_ratio)
    rows = []
    for peer in peers(l1_ratio):
        Xfit = X
        if peer.name == "skglm":  # its preferred layouts, made before timing
            Xfit = X.tocsc() if sp.issparse(X) else np.asfortranarray(X)
        r = race(peer, X, Xfit, y, alpha, obj, jstar, repeats, budget=300.0, fit_cap=60.0)
        jstar = min(jstar, min(p["loss"] for p in r["probes"]))
        rows.append(r)
    ours = rows[0]
    coef, _ = oneneuron_fit(l1_ratio)(X, y, alpha, ours.get("effort", 100))
    nnz = int(np.count_nonzero(coef))
    others = [r for r in rows[1:] if r["reached"] and not r["solver"].startswith("oneneuron")]
    fastest = min(others, key=lambda r: r["time"], default=None)
    return {
        "case": name,
        "data": what,
        "l1_ratio": l1_ratio,
        "alpha": alpha,
        "alpha_fraction_of_max": alpha_fraction,
        "nonzero": nnz,
        "features": X.shape[1],
        "rows": rows,
        "ratio": None if fastest is None or not ours["reached"] else ours["time"] / fastest["time"],
        "fastest_peer": None if fastest is None else fastest["solver"],
    }


def median_time(fn: Any, repeats: int) -> float:
    """The median of ``repeats`` timed calls after one untimed warm-up."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def firth_and_summary(sizes: list[tuple[int, int]], repeats: int) -> list[dict[str, Any]]:
    """Firth and summary() as ratios to ``LogisticRegression(solver="newton", alpha=0).fit``."""
    out = []
    for n, d in sizes:
        out.append({"n": n, "d": d, **firth_times(*synthetic(n, d, seed=1), repeats)})
    return out


def firth_times(X: np.ndarray, y: np.ndarray, repeats: int) -> dict[str, float]:
    from oneneuron import LogisticRegression

    plain = LogisticRegression(solver="newton", alpha=0.0)
    fit = median_time(lambda: plain.fit(X, y), repeats)
    firth = median_time(lambda: LogisticRegression(firth=True).fit(X, y), repeats)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        summary = median_time(lambda: plain.summary(X, y), repeats)
    return {"fit": fit, "firth": firth, "summary": summary}


# --------------------------------------------------------------------------- report
def fmt(t: float | None) -> str:
    if t is None:
        return "-"
    return f"{t * 1e3:.3g} ms" if t < 1 else f"{t:.3g} s"


def report(results: dict[str, Any]) -> str:
    lines = [
        f"Run of {results['when']} on {results['machine']} (load average {results['load']});"
        " times to 1e-6 relative suboptimality, median of the repeats.",
        "",
        "| case | l1_ratio | alpha / alpha_max | non-zero | oneneuron | OWL-QN prototype "
        "| liblinear | saga | skglm | ratio to the fastest peer |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in results["cases"]:
        by = {r["solver"].split(" ")[0] + ("" if "sklearn" not in r["solver"] else
              " " + r["solver"].split(" ")[1]): r for r in c["rows"]}  # fmt: skip

        def cell(key: str, by: dict[str, Any] = by) -> str:
            r = by.get(key)
            if r is None:
                return "n/a"
            if not r["reached"]:
                return f"not reached (best {r['best_rel']:.1e})"
            return fmt(r["time"])

        ratio = "-" if c["ratio"] is None else f"{c['ratio']:.2f}x ({c['fastest_peer']})"
        lines.append(
            f"| {c['data']} | {c['l1_ratio']:g} | {c['alpha_fraction_of_max']:g} | "
            f"{c['nonzero']} of {c['features']} | {cell('oneneuron')} | "
            f"{cell('oneneuron-owlqn')} | "
            f"{cell('sklearn liblinear')} | {cell('sklearn saga')} | {cell('skglm')} | {ratio} |"
        )
    lines += [
        "",
        "| n | d | plain Newton fit | `firth=True` fit | ratio | `summary(X, y)` | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results["firth"]:
        lines.append(
            f"| {r['n']:,} | {r['d']} | {fmt(r['fit'])} | {fmt(r['firth'])} | "
            f"{r['firth'] / r['fit']:.1f}x | {fmt(r['summary'])} | {r['summary'] / r['fit']:.2f}x |"
        )
    return "\n".join(lines)


def write_doc(text: str) -> None:
    if not DOC.exists():
        return
    doc = DOC.read_text()
    if MARK_START in doc and MARK_END in doc:
        head, rest = doc.split(MARK_START, 1)
        _, tail = rest.split(MARK_END, 1)
        DOC.write_text(f"{head}{MARK_START}\n{text}\n{MARK_END}{tail}")


FULL = [
    ("cancer-raw", 1.0, 0.05),
    ("correlated-20000x200", 1.0, 0.05),
    ("dense-100000x100", 1.0, 0.05),
    ("dense-100000x100", 0.5, 0.05),
    ("sparse-20000x20000", 1.0, 0.05),
    ("sparse-20000x20000", 0.5, 0.05),
]
QUICK = [("dense-5000x50", 1.0, 0.05), ("sparse-5000x2000", 1.0, 0.05)]
if os.environ.get("PENALTIES_CASES"):  # e.g. "sparse-5000x2000:0.5:0.05" (development)
    QUICK = [
        (c.split(":")[0], float(c.split(":")[1]), float(c.split(":")[2]))
        for c in os.environ["PENALTIES_CASES"].split(",")
    ]
FIRTH_FULL = [(1_000, 5), (10_000, 20), (100_000, 20)]
FIRTH_QUICK = [(1_000, 5)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    cases = QUICK if args.quick else FULL
    load_before = os.getloadavg()[0]
    results: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "cases": [],
    }
    for name, ratio, fraction in cases:
        print(f"{name} l1_ratio={ratio}", file=sys.stderr, flush=True)
        results["cases"].append(one_case(name, ratio, fraction, args.repeats))
    results["firth"] = firth_and_summary(FIRTH_QUICK if args.quick else FIRTH_FULL, args.repeats)
    results["load"] = f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    text = report(results)
    print(text)
    if not args.quick:
        RESULTS.write_text(json.dumps(results, indent=1, default=float) + "\n")
        write_doc(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
