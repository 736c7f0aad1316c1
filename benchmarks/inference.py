"""What inference costs, as ratios to a plain fit of the same data.

    .venv/bin/python benchmarks/inference.py            # the sizes in docs/inference.md
    .venv/bin/python benchmarks/inference.py --quick    # one small size, a few seconds

For each size (n rows, d features; dense Gaussian X, labels drawn from a logistic model
with moderate coefficients, so the classes overlap):

- **fit**: ``LogisticRegression(solver="newton", alpha=0).fit(X, y)`` (default tol 1e-6);
- **firth**: :func:`oneneuron.firth.firth_fit` (run to its default 1e-10 tolerances);
- **summary**: ``model.summary(X, y)`` (nonrobust: one pass for the information matrix),
  ``cov_type="HC1"`` (two passes) and ``ci_method="profile"`` (a refit per bisection
  step, 2 limits per parameter); the profile column only for the smaller sizes;
- **firth summary**: :func:`oneneuron.firth.firth_summary`, logistf's full table (LR test
  and profile interval per parameter), for the smaller sizes.

Each timing is the median of ``--repeat`` runs after one untimed warm-up; the ratios
divide by the median plain fit. The load average before and after is printed, because
the benchmark machine is shared.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import warnings
from collections.abc import Callable

import numpy as np

from oneneuron import LogisticRegression
from oneneuron.firth import firth_fit, firth_summary

SIZES = [(1_000, 5), (10_000, 20), (100_000, 50), (1_000_000, 20)]
PROFILE_MAX_PARAMS_N = 250_000  # profile intervals only where n * (d + 1) is at most this


def data(n: int, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    beta = rng.normal(scale=1.0 / np.sqrt(d), size=d)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X @ beta - 0.5)))).astype(float)
    return X, y


def timed(f: Callable[[], object], repeat: int) -> float:
    f()  # warm-up (imports, caches, BLAS threads)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def row(n: int, d: int, repeat: int) -> str:
    """One table row: the plain fit's time and every other time as a ratio to it."""
    X, y = data(n, d)
    model = LogisticRegression(solver="newton", alpha=0)
    t_fit = timed(lambda: model.fit(X, y), repeat)
    t_firth = timed(lambda: firth_fit(X, y), repeat)
    model.fit(X, y)
    t_sum = timed(lambda: model.summary(X, y), repeat)
    t_hc1 = timed(lambda: model.summary(X, y, cov_type="HC1"), repeat)
    t_prof = t_fsum = None
    if n * (d + 1) <= PROFILE_MAX_PARAMS_N:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_prof = timed(lambda: model.summary(X, y, ci_method="profile"), 1)
            t_fsum = timed(lambda: firth_summary(X, y), 1)

    def cell(t: float | None) -> str:
        return "-" if t is None else f"{t / t_fit:.2f}x ({t * 1e3:.3g} ms)"

    return (
        f"| {n:,} | {d} | {t_fit * 1e3:.3g} ms | {cell(t_firth)} | {cell(t_sum)} | "
        f"{cell(t_hc1)} | {cell(t_prof)} | {cell(t_fsum)} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one small size")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = SIZES[:1] if args.quick else SIZES
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs")
    print(f"load average before: {os.getloadavg()}")
    print("| n | d | fit | firth | summary | HC1 | profile | firth summary |")
    print("|" + "---|" * 8)
    for n, d in sizes:
        repeat = args.repeat if n * d <= 2_000_000 else max(1, args.repeat // 2)
        print(row(n, d, repeat), flush=True)
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
