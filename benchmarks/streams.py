"""A Parquet file larger than a fit may hold, read in blocks (make bench).

1. Seconds per pass: one evaluation of the objective over ``scan_parquet`` (decode, then
   the loss and gradient sums on the decoded columns: the compiled column kernel, or with
   ``ONENEURON_ACCELERATOR=numpy`` a block copy and two BLAS products) against pyarrow
   reading the same columns alone (``iter_batches`` and ``to_numpy`` of each column), best
   of ``--passes``, alternating in the same run; the CPU seconds of both are kept too (the
   process's, all threads: steadier than the wall clock on a shared machine).
2. Resident memory while fitting the big file (a fresh process; VmHWM minus the resident set
   after imports), against the file's size.
3. Time to 1e-6 relative suboptimality on a file that still fits in memory: the streamed fit
   against reading it with pandas and fitting in memory.

    python benchmarks/streams.py [--gb 4] [--cols 100] [--dir /tmp] [--keep] [--pass-only]

``--keep`` writes the files under ``--dir`` once (a 3 GB file takes a while) and reuses
them in later runs; ``--pass-only`` measures the seconds per pass only and prints them
(the results file is written by a full run only, and only when it completes).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1e-6


def write_parquet(path: Path, rows: int, cols: int, seed: int = 0) -> None:
    """Gaussian features, logistic labels, written in chunks."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    names = [f"x{j}" for j in range(cols)]
    w = np.random.default_rng(seed).standard_normal(cols) * (2.0 / np.sqrt(cols))
    schema = pa.schema([(n, pa.float64()) for n in names] + [("y", pa.int8())])
    # plain-encoded floats: a dictionary page per float column (pyarrow's default, which
    # falls back to plain after 1 MiB) would add up to ~2 MB per column to any reader's
    # memory (docs/scaling.md); row groups of 100,000 rows (80 MB at 100 columns)
    with pq.ParquetWriter(path, schema, compression="snappy", use_dictionary=["y"]) as writer:
        for i, lo in enumerate(range(0, rows, 100_000)):
            m = min(100_000, rows - lo)
            r = np.random.default_rng([seed, i])
            X = r.standard_normal((m, cols))
            y = (r.random(m) < 1 / (1 + np.exp(-(X @ w + 0.3)))).astype(np.int8)
            columns = [pa.array(X[:, j]) for j in range(cols)] + [pa.array(y)]
            writer.write_table(pa.Table.from_arrays(columns, schema=schema))


def pyarrow_pass(path: Path, batch_rows: int, convert: bool = True) -> tuple[float, float]:
    """pyarrow alone at its best of two settings: its defaults, and the buffered page
    stream oneneuron reads with (so the comparison is not won by reader options).
    Wall and CPU seconds (each the better of the two). ``convert=False``: the batches
    only, no NumPy view of each column (the decoding alone, a stricter baseline)."""
    import pyarrow.parquet as pq

    best, cpu = float("inf"), float("inf")
    for options in ({}, {"buffer_size": 1 << 16, "pre_buffer": False}):
        f = pq.ParquetFile(path, **options)
        t0, c0 = time.perf_counter(), time.process_time()
        for batch in f.iter_batches(batch_size=batch_rows):
            if convert:
                for column in batch.columns:
                    column.to_numpy(zero_copy_only=False)
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return best, cpu


def oneneuron_pass(path: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of one evaluation after the first (checking) pass."""
    from oneneuron.data import scan_parquet
    from oneneuron.objective import Objective

    source = scan_parquet(path, target="y", progress=False)
    source.encode(source.labels())
    obj = Objective(source, alpha=1e-6)
    theta = np.zeros(obj.n_params)
    obj.evaluate(theta)  # the first pass also checks for NaN
    theta[:] = 0.01  # another point (an evaluation at the last point is remembered)
    t0, c0 = time.perf_counter(), time.process_time()
    obj.evaluate(theta)
    return time.perf_counter() - t0, time.process_time() - c0, source._rows


MEMORY_CHILD = """
import json, sys, warnings
import numpy as np
from oneneuron import LogisticRegression
from oneneuron.data import scan_parquet
def status(key):
    for line in open('/proc/self/status'):
        if line.startswith(key):
            return int(line.split()[1]) * 1024
with warnings.catch_warnings():  # warm up (lazy imports, compiled kernels) on the small file
    warnings.simplefilter('ignore')
    LogisticRegression(max_iter=2, tol=None).fit(scan_parquet({warm!r}, target='y', progress=False))
source = scan_parquet({path!r}, target='y', progress=False)
open('/proc/self/clear_refs', 'w').write('5')
before = status('VmRSS:')
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    model = LogisticRegression(max_iter={iters}, tol=None).fit(source)
print(json.dumps({{'before': before, 'peak': status('VmHWM:'), 'n_iter': int(model.n_iter_)}}))
"""


def fit_memory(path: Path, warm: Path, iters: int) -> dict[str, Any]:
    code = MEMORY_CHILD.format(path=str(path), warm=str(warm), iters=iters)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    d = json.loads(r.stdout.strip().splitlines()[-1])
    d["growth_MB"] = (d["peak"] - d["before"]) / 1e6
    return d


def time_to_target(path: Path) -> dict[str, Any]:
    """Streamed vs in-memory fits of a file that fits: time to 1e-6 (effort doubling)."""
    import pandas as pd

    from oneneuron import LogisticRegression
    from oneneuron.data import scan_parquet
    from oneneuron.objective import Objective

    frame = pd.read_parquet(path)
    X = frame.drop(columns="y").to_numpy()
    y = frame["y"].to_numpy()
    n = len(y)
    alpha = 1.0 / n
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from run import reference_optimum

    obj = Objective(X, y, alpha=alpha)
    _, jstar = reference_optimum(obj)

    def race(fit: Any) -> dict[str, Any]:
        effort = 1
        while True:
            t0 = time.perf_counter()
            model = fit(effort)
            t = time.perf_counter() - t0
            theta = np.append(model.coef_[0], model.intercept_[0])
            rel = (obj.loss(theta) - jstar) / jstar
            if rel <= TARGET or effort >= 512:
                return {"effort": effort, "time": t, "rel": rel, "solver": model.solver_}
            effort *= 2

    def streamed(k: int) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            source = scan_parquet(path, target="y", progress=False)
            return LogisticRegression(alpha=alpha, tol=0.0, max_iter=k).fit(source)

    def in_memory(k: int) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = pd.read_parquet(path)
            return LogisticRegression(alpha=alpha, tol=0.0, max_iter=k).fit(
                f.drop(columns="y").to_numpy(), f["y"].to_numpy()
            )

    def in_memory_lbfgs(k: int) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = pd.read_parquet(path)
            return LogisticRegression(alpha=alpha, solver="lbfgs", tol=0.0, max_iter=k).fit(
                f.drop(columns="y").to_numpy(), f["y"].to_numpy()
            )

    return {
        "rows": n,
        "file_MB": path.stat().st_size / 1e6,
        "streamed": race(streamed),
        "in_memory_read_and_fit": race(in_memory),
        "in_memory_lbfgs_read_and_fit": race(in_memory_lbfgs),
    }


def parquet_file(path: Path, rows: int, cols: int, seed: int = 0) -> None:
    """Write the file under a temporary name and rename it: no half-written file."""
    part = path.with_name(path.name + ".part")
    try:
        write_parquet(part, rows, cols, seed)
        part.replace(path)
        os.sync()  # no writeback of the new file in the background of the timed passes
    finally:
        part.unlink(missing_ok=True)


def measure_passes(big: Path, passes: int) -> dict[str, Any]:
    from oneneuron import _kernels

    ours, arrow, decode = [], [], []
    batch_rows = 0
    for _ in range(passes):
        t, cpu, batch_rows = oneneuron_pass(big)
        ours.append((t, cpu))
        arrow.append(pyarrow_pass(big, batch_rows))
        decode.append(pyarrow_pass(big, batch_rows, convert=False))
        print(
            f"pass: oneneuron {t:.2f} s ({cpu:.2f} CPU s), pyarrow alone {arrow[-1][0]:.2f} s "
            f"({arrow[-1][1]:.2f} CPU s), its batches alone {decode[-1][0]:.2f} s "
            f"({decode[-1][1]:.2f} CPU s), load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    best, best_arrow, best_decode = (min(t for t, _ in runs) for runs in (ours, arrow, decode))
    cpu, cpu_arrow, cpu_decode = (min(c for _, c in runs) for runs in (ours, arrow, decode))
    return {
        "oneneuron_s": best,
        "pyarrow_s": best_arrow,
        "ratio": best / best_arrow,
        "oneneuron_cpu_s": cpu,
        "pyarrow_cpu_s": cpu_arrow,
        "cpu_ratio": cpu / cpu_arrow,
        # iter_batches without to_numpy: what the decoding alone costs
        "pyarrow_batches_only_s": best_decode,
        "pyarrow_batches_only_cpu_s": cpu_decode,
        "ratio_to_batches_only": best / best_decode,
        "cpu_ratio_to_batches_only": cpu / cpu_decode,
        "runs": {"oneneuron": ours, "pyarrow": arrow, "pyarrow_batches_only": decode},
        "batch_rows": batch_rows,
        "kernel": "numba" if _kernels.wanted() else "numpy",
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gb", type=float, default=4.0, help="size of the big file (GB of floats)")
    ap.add_argument("--small-gb", type=float, default=0.4, help="a file that fits")
    ap.add_argument("--cols", type=int, default=100)
    ap.add_argument("--iters", type=int, default=15, help="iterations of the memory run")
    ap.add_argument("--passes", type=int, default=3, help="timed passes (best of)")
    ap.add_argument("--dir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the files in --dir, reuse them")
    ap.add_argument("--pass-only", action="store_true", help="time passes only; no results")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "streams-results.json")
    args = ap.parse_args(argv)
    if args.keep and args.dir is None:
        ap.error("--keep needs --dir")
    rows = int(args.gb * 1e9 / (8 * args.cols))
    small_rows = int(args.small_gb * 1e9 / (8 * args.cols))
    if args.keep:
        work = args.dir
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="oneneuron-streams-", dir=args.dir))
    big = work / f"big-{rows}x{args.cols}.parquet"
    small = work / f"small-{small_rows}x{args.cols}.parquet"
    try:
        t0 = time.perf_counter()
        for path, n, seed in ((big, rows, 0), (small, small_rows, 1)):
            if not path.exists():
                parquet_file(path, n, args.cols, seed)
        print(f"{big.stat().st_size / 1e9:.2f} GB ready in {time.perf_counter() - t0:.0f} s")
        results: dict[str, Any] = {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "rows": rows,
            "cols": args.cols,
            "file_GB": big.stat().st_size / 1e9,
            "loadavg_start": os.getloadavg(),
        }
        results["pass"] = measure_passes(big, args.passes)
        print("pass", json.dumps({k: v for k, v in results["pass"].items() if k != "runs"}))
        if args.pass_only:
            return 0
        results["memory"] = fit_memory(big, small, args.iters)
        print("memory", results["memory"], flush=True)
        results["target"] = time_to_target(small)
        print("target", json.dumps(results["target"]), flush=True)
        results["loadavg_end"] = os.getloadavg()
        partial = args.out.with_name(args.out.name + ".part")
        partial.write_text(json.dumps(results, indent=1))
        partial.replace(args.out)  # a failed run leaves the last results as they were
    finally:
        if not args.keep:
            for f in (big, small):
                f.unlink(missing_ok=True)
            work.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
