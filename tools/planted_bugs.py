"""Plant known solver bugs one at a time and check that the tests catch each (make planted).

Each bug is a one-line edit of the source; the script applies it, runs the solver test
files, records whether any test failed, and restores the file. A bug that no test
catches is a missing test. ``make mutation`` is the systematic version of this.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "oneneuron"
TESTS = [
    "tests/test_solver_features.py",
    "tests/test_solvers.py",
    "tests/test_objective.py",
    "tests/test_sources.py",
]
#: (what, file, original line fragment, planted replacement)
BUGS = [
    ("gd schedule made constant", "solvers/gd.py", "rate = self._rate(self._t)", "rate = self.learning_rate"),
    ("sgd schedule made constant", "solvers/sgd.py", "rate = self._rate(self._t)", "rate = self.learning_rate"),
    ("gd momentum ignored", "solvers/gd.py", "if self.momentum:", "if False:"),
    ("sgd momentum ignored", "solvers/sgd.py", "if self.momentum:", "if False:"),
    ("Newton's decrement test dropped", "solvers/newton.py", "return 0.5 * decrement <= tol", "return True"),
    ("Hessian subsample not rescaled", "objective/_blocks.py", "hess *= self.weight / self.hweight", "pass"),
    ("Hessian subsample never triggered", "solvers/newton.py", "if self.subsample else 1.0", "if False else 1.0"),
    ("zero step from the fallback solve", "solvers/newton.py", "return vecs[:, keep] @ ((vecs[:, keep].T @ rhs) / vals[keep])", "return rhs * 0.0"),
    ("L-BFGS first step fixed at 1", "solvers/lbfgs.py", "first = 1.0 if self._pairs else self._first_step(objective, theta, evaluation, p)", "first = 1.0"),
    ("sgd batch one row too long", "data/_base.py", "order[start : start + batch_size]", "order[start : start + batch_size + 1]"),
    ("standardisation pull-back sign", "objective/_parametrization.py", "g = g - self.offset * grad_b_raw", "g = g + self.offset * grad_b_raw"),
    ("CSR kernel gradient scatter", "_kernels.py", "acc[indices[k]] += ri * data[k]", "acc[indices[k]] += ri"),
    ("no L-BFGS preconditioner", "solvers/lbfgs.py", "return q if self._inv_diag is None else q * self._inv_diag", "return q"),
]  # fmt: skip


def main(tests: list[str]) -> int:
    missed = 0
    for what, rel, original, planted in BUGS:
        path = SRC / rel
        source = path.read_text()
        if original not in source:
            print(f"STALE   {what}: {original!r} is no longer in {rel}")
            missed += 1
            continue
        path.write_text(source.replace(original, planted, 1))
        try:
            run = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pytest",
                    "-x",
                    "-q",
                    "-n",
                    "2",
                    "-p",
                    "no:cacheprovider",
                    *tests,
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env={**os.environ, "MPLBACKEND": "Agg"},
            )
        finally:
            path.write_text(source)
        failed = [line for line in run.stdout.splitlines() if line.startswith("FAILED")]
        caught = run.returncode != 0
        missed += not caught
        first = failed[0][:100] if failed else ""
        print(f"{'CAUGHT' if caught else 'MISSED'}  {what}  {first}", flush=True)
    print(f"{len(BUGS) - missed} of {len(BUGS)} planted bugs caught")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or TESTS))
