"""Plant known bugs one at a time and check that the tests catch each (make planted).

Each bug is a one-line edit of the source; the script applies it, runs the solver test
files (or the test files the bug names), records whether any test failed, and restores
the file. A bug that no test catches is a missing test. ``make mutation`` is the
systematic version of this.
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
ONNX_TESTS = ["tests/test_onnx.py", "tests/test_onnx_skl2onnx.py", "tests/test_onnx_cli.py"]
MULTI = [
    "tests/test_multinomial.py",
    "tests/test_multinomial_io.py",
    "tests/test_multinomial_sources.py",
]
#: (what, file, original line fragment, planted replacement[, test files; default TESTS])
BUGS = [
    ("gd schedule made constant", "solvers/gd.py", "rate = self._rate(self._t)", "rate = self.learning_rate"),
    ("sgd schedule made constant", "solvers/sgd.py", "rate = self._rate(self._t)", "rate = self.learning_rate"),
    ("gd momentum ignored", "solvers/gd.py", "if self.momentum:", "if False:"),
    ("sgd momentum ignored", "solvers/sgd.py", "if self.momentum:", "if False:"),
    ("Newton's decrement test dropped", "solvers/newton.py", "return 0.5 * decrement <= tol", "return True"),
    ("Hessian subsample not rescaled", "objective/_workspace.py", "hess *= self.weight / self.hweight", "pass"),
    ("Hessian subsample never triggered", "solvers/newton.py", "if self.subsample else 1.0", "if False else 1.0"),
    ("zero step from the fallback solve", "solvers/newton.py", "return vecs[:, keep] @ ((vecs[:, keep].T @ rhs) / vals[keep])", "return rhs * 0.0"),
    ("L-BFGS first step fixed at 1", "solvers/lbfgs.py", "first = 1.0 if self._pairs else self._first_step(objective, theta, evaluation, p)", "first = 1.0"),
    ("sgd batch one row too long", "data/_base.py", "order[start : start + batch_size]", "order[start : start + batch_size + 1]"),
    ("standardisation pull-back sign", "objective/_parametrization.py", "np.subtract(grad_w_raw, g, out=g)", "np.add(grad_w_raw, g, out=g)"),
    ("CSR kernel gradient scatter", "_kernels.py", "acc[indices[k]] += ri * data[k]", "acc[indices[k]] += ri"),
    ("no L-BFGS preconditioner", "solvers/lbfgs.py", "return q if self._inv_diag is None else q * self._inv_diag", "return q"),
    ("ONNX: softmax of (-z, z), the shim's sigmoid(2z)", "onnx/_graph.py", "np.vstack([np.zeros_like(coef), coef])", "np.vstack([-coef, coef])", ONNX_TESTS),
    ("ONNX: intercept dropped", "onnx/_graph.py", "intercept = np.concatenate([[0.0], intercept])", "intercept = np.zeros(2)", ONNX_TESTS),
    ("ONNX: standardisation not folded", "onnx/_graph.py", "coef = np.asarray(model.coef_, dtype=np.float64)", "coef = np.asarray(model.coef_ * (1 if model.x_scale_ is None else model.x_scale_), dtype=np.float64)", ONNX_TESTS),
    ("ONNX: threshold ignored", "onnx/_graph.py", "cut=logit(float(model.threshold)) if kind == SIGMOID else 0.0", "cut=0.0", ONNX_TESTS),
    ("ONNX: class order swapped", "onnx/_graph.py", "classes=values,", "classes=values[::-1],", ONNX_TESTS),
    ("ONNX: label from the zero logit", "onnx/_graph.py", "np.array(1, dtype=np.int64)", "np.array(0, dtype=np.int64)", ONNX_TESTS),
    ("ONNX: z > cut for z >= cut", "onnx/_graph.py", '"GreaterOrEqual"', '"Greater"', ONNX_TESTS),
    ("ONNX: coefficients rounded to float32", "onnx/_graph.py", "coef, intercept = layout.coef, layout.intercept", "coef, intercept = layout.coef.astype(np.float32).astype(float), layout.intercept", ONNX_TESTS),
    ("ONNX: float32 input not cast", "onnx/_graph.py", "if x_type != TensorProto.DOUBLE:", "if False:", ONNX_TESTS),
    ("ONNX: argmin for K >= 3", "onnx/_graph.py", '"ArgMax"', '"ArgMin"', ONNX_TESTS),
    ("ONNX: softmax across rows", "onnx/_graph.py", 'out=probabilities, axis=1)', 'out=probabilities, axis=0)', ONNX_TESTS),
    ("ONNX: ties to the last largest logit", "onnx/_graph.py", "axis=1, keepdims=0)", "axis=1, keepdims=0, select_last_index=1)", ONNX_TESTS),
    ("skl2onnx: K taken as 2", "onnx/_skl2onnx.py", "DoubleTensorType([n, layout.n_classes])", "DoubleTensorType([n, 2])", ONNX_TESTS),
    ("skl2onnx: outputs swapped", "onnx/_skl2onnx.py", "label, probabilities = (v.full_name", "probabilities, label = (v.full_name", ONNX_TESTS),
    ("export: --dtype ignored", "cli/_export.py", "onx = to_onnx(model, dtype=args.dtype)", "onx = to_onnx(model)", ONNX_TESTS),
    ("K classes: no max-subtraction in predict_proba", "_predicting_multi.py", "Z -= Z.max(axis=1, keepdims=True) if len(Z) else 0.0", "pass", MULTI),
    ("K classes: intercept gradient forgotten", "objective/_softmax_blocks.py", "ws.grad_b += P.sum(axis=0, dtype=np.float64)", "pass", MULTI),
    ("K classes: Hessian class blocks not mirrored", "objective/_softmax_blocks.py", "H[rj, rk] += ww.T", "pass", MULTI),
    ("K classes: Hessian block p_k (delta + p_l)", "objective/_softmax_blocks.py", "((1.0 if k == j else 0.0) - prob[:, j])", "((1.0 if k == j else 0.0) + prob[:, j])", MULTI),
    ("K classes: standardisation drops the intercept term", "objective/_parametrization.py", "G -= np.outer(gb, self.offset)", "pass", MULTI),
    ("K classes: class weights of the wrong class", "_fit_checks.py", "per_sample = cw[np.asarray(y01, dtype=np.intp)]", "per_sample = cw[::-1][np.asarray(y01, dtype=np.intp)]", MULTI),
    ("K classes: line minimum ignores the weights", "objective/_softmax_directions.py", "slope = float(slope_i @ s) / obj.weight_sum", "slope = float(slope_i.sum()) / obj.weight_sum", MULTI),
    ("K classes: files weigh the wrong class", "data/_table_labels.py", "cw = self._class_weights[codes]", "cw = self._class_weights[::-1][codes]", MULTI),
    ("K classes: Dask codes reversed", "data/_dask_cluster.py", "return np.searchsorted(classes, np.asarray(y)).astype(np.intp)", "return (len(classes) - 1 - np.searchsorted(classes, np.asarray(y))).astype(np.intp)", MULTI),
    ("K classes: model file row lengths unchecked", "_model_readers.py", "need(len(row) == d,", "need(True or len(row) == d,", MULTI),
    ("small fits: the line search's slope takes the other tail", "_kernels_small.py", "slope += (p if ti >= 0 else q)", "slope += (q if ti >= 0 else p)", ["tests/test_kernels_small.py"]),
    ("small fits: standardised Hessian rows not scaled", "_kernels_small.py", "v = v * inv_scale[j]", "v = v", ["tests/test_kernels_small.py"]),
    ("dense kernel diagonal: curvature without exp(-|t|)", "_kernels.py", "hr[q] = e * p * p * c", "hr[q] = p * p * c", ["tests/test_kernels.py"]),
    ("kernel exp: ln 2's low part dropped", "_kernels.py", "f = (x - k * _LN2_HI) - k * _LN2_LO", "f = x - k * _LN2_HI", ["tests/test_kernels.py"]),
    ("kernel exp: |t| > 708 kept at exp(-708)", "_kernels.py", "    if n_tiny:", "    if False:", ["tests/test_kernels.py"]),
    ("kernel exp: Taylor series without f^12 and f^13", "_kernels.py", "u = _T13 * f + _T12", "u = 0.0 * f", ["tests/test_kernels.py"]),
    ("kernel terms: sample weights ignored", "_kernels.py", "c = sw[i] if weighted else 1.0", "c = 1.0", ["tests/test_kernels.py"]),
    ("Newton-CG: sample weights ignored in the Hessian's sample", "objective/_sampled_hessian.py", "scale *= sw", "scale *= 1.0", ["tests/test_newton_cg.py"]),
    ("Newton-CG: the sample not rescaled to the source", "objective/_sampled_hessian.py", "obj.weight_sum / max(sample_weight, 1e-300)", "1.0", ["tests/test_newton_cg.py"]),
    ("Newton-CG: K classes' centring term dropped", "objective/_sampled_hessian.py", "out += centring(obj, v)", "pass", ["tests/test_newton_cg.py"]),
    ("Newton-CG: CG ignores its forcing term", "solvers/newton_cg.py", "if float(np.linalg.norm(r)) <= bound:", "if False:", ["tests/test_newton_cg.py"]),
    ("Newton-CG: no step at negative curvature", "solvers/newton_cg.py", "return p if p.any() else z", "return p", ["tests/test_newton_cg.py"]),
    ("Newton-CG: a new sample every iteration", "solvers/newton_cg.py", "hessp, diag = self._hessian.at(theta)", "hessp, diag = objective.sampled_hessian(objective.source.strided(sample_rows(objective.n_params))).at(theta)", ["tests/test_newton_cg.py"]),
    ("K classes, diagonal at W = 0: sample weights ignored", "objective/_softmax_blocks.py", "ws.diag[0] += np.outer(alike, _squares_weighted(ws, X, s, sparse))", "ws.diag[0] += np.outer(alike, _squares_weighted(ws, X, np.ones_like(s), sparse))", MULTI),
]  # fmt: skip


def main(given: list[str]) -> int:
    """Plant every bug; run the given test files, else each bug's own (TESTS by default)."""
    missed = 0
    for what, rel, original, planted, *own in BUGS:
        tests = given or (own[0] if own else TESTS)
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
    sys.exit(main(sys.argv[1:]))
