"""Plant bugs in the penalties, proximal Newton, the path, CV and Firth's estimator, one at a
time, and check that the tests catch each (``make planted-penalties``).

The same harness as ``tools/planted_bugs.py`` (a one-line edit, the test files run, the
file restored), with its own bugs and test files.
"""

from __future__ import annotations

import sys

import planted_bugs

TESTS = [
    "tests/test_penalties.py",
    "tests/test_elastic_net.py",
    "tests/test_path_cv.py",
    "tests/test_firth_estimator.py",
    "tests/test_cli_penalties.py",
]
#: (what, file, original line fragment, planted replacement)
BUGS = [
    ("subgradient at 0 ignores lambda", "penalties.py", "at_zero = np.sign(g) * np.maximum(np.abs(g) - lam, 0.0)", "at_zero = g"),
    ("soft threshold does not shrink", "penalties.py", "np.maximum(np.abs(w) - threshold, 0.0)", "np.maximum(np.abs(w), 0.0)"),
    ("elastic net's L2 share is all of alpha", "penalties.py", "self._mu: Any = self.alpha * (1.0 - self.l1_ratio) * omega**2", "self._mu: Any = self.alpha * omega**2"),
    ("CD threshold not divided by the curvature", "solvers/_cd.py", "t = lam[j] / a", "t = lam[j]"),
    ("intercept not minimised out (no Schur complement)", "solvers/proxnewton.py", "schur = H[:-1, :-1] - np.outer(h, h) / hbb", "schur = H[:-1, :-1]"),
    ("intercept step of the wrong sign", "solvers/proxnewton.py", "return step_w, -(float(g[-1]) + float(h @ step_w)) / hbb", "return step_w, (float(g[-1]) + float(h @ step_w)) / hbb"),
    ("CD's sign pattern never polished", "solvers/proxnewton.py", "step_w = polish(schur, gs, w, lam, step_w)", "pass"),
    ("non-zero weights left out of the working set", "solvers/proxnewton.py", "score[nonzero] = np.inf", "pass"),
    ("line search forgets the L1 term", "solvers/proxnewton.py", "decrease = float(evaluation.grad @ direction) + l1", "decrease = float(evaluation.grad @ direction)"),
    ("column CD: the centring shift of the wrong sign", "solvers/_cd_columns.py", "c0 -= step * offset[j]", "c0 += step * offset[j]"),
    ("column CD: sum h r not updated", "solvers/_cd_columns.py", "hr += step * hx[j]", "pass"),
    ("working-set Hessian subsample not reweighted", "objective/_directions.py", "full *= weight / used", "pass"),
    ("working-set Hessian not centred", "objective/_directions.py", "            S[:, :k] -= off_c", "            pass"),
    ("gd's soft threshold with step 1", "solvers/gd.py", "theta[:d] = objective.penalty.prox_nonsmooth(theta[:d], rate)", "theta[:d] = objective.penalty.prox_nonsmooth(theta[:d], 1.0)"),
    ("sgd takes no proximal step", "solvers/sgd.py", "theta[:d] = penalty.prox_nonsmooth(theta[:d], rate)", "pass"),
    ("alpha_max not divided by l1_ratio", "regularization.py", "return top / l1_ratio, theta", "return top, theta"),
    ("the path starts every alpha cold", "regularization.py", "theta = np.asarray(result.theta, dtype=np.float64)", "result.theta"),
    ("CV picks the worst alpha", "cv.py", "np.argmax(self.cv_mean_)", "np.argmin(self.cv_mean_)"),
    ("CV's standard error is the standard deviation", "cv.py", "self.cv_std_err_ = scores.std(axis=1) / np.sqrt(len(folds))", "self.cv_std_err_ = scores.std(axis=1)"),
    ("Firth's coefficients stored through the standardisation", "_firthfit.py", "store_raw(est, result.theta)", "store(est, result.theta)"),
    ("new parameters never written to the model file", "_model_payload.py", "if key in ADDED_PARAMS and value == ADDED_PARAMS[key]:", "if key in ADDED_PARAMS:"),
    ("train --l1-ratio ignored", "cli/_train.py", "l1_ratio=args.l1_ratio,", "l1_ratio=0.0,"),
]  # fmt: skip


if __name__ == "__main__":
    planted_bugs.BUGS = BUGS
    sys.exit(planted_bugs.main(sys.argv[1:] or TESTS))
