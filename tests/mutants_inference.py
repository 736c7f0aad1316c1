"""Planted bugs for the inference tests (mutation testing), run by hand, not by pytest.

    .venv/bin/python tests/mutants_inference.py

Each mutant replaces one line of the inference code, runs the inference test files and
restores the line; every mutant must be CAUGHT (a test fails). A survivor is a missing
test.
"""

import pathlib
import subprocess

root = pathlib.Path(__file__).resolve().parents[1]
M = [
    (
        "HC0/HC1 factor swapped",
        "src/oneneuron/inference/_covariance.py",
        'factor = 1.0 if cov_type == "HC0" else _ratio(N, N - k, cov_type)',
        'factor = 1.0 if cov_type == "HC1" else _ratio(N, N - k, cov_type)',
    ),
    (
        "cluster without small-sample factor",
        "src/oneneuron/inference/_covariance.py",
        "factor = n_groups / (n_groups - 1) * _ratio(N - 1, N - k, cov_type)",
        "factor = 1.0",
    ),
    (
        "weighted meat s^2 (pweights)",
        "src/oneneuron/inference/_covariance.py",
        "meat = design.gram(s * resid**2)",
        "meat = design.gram((s * resid) ** 2)",
    ),
    (
        "Firth term sign flipped",
        "src/oneneuron/_firth_model.py",
        "hat * (0.5 - p)",
        "hat * (p - 0.5)",
    ),
    (
        "leverages without weights",
        "src/oneneuron/_firth_model.py",
        "hat = self.s * var * self.design.quadratic(inverse)",
        "hat = var * self.design.quadratic(inverse)",
    ),
    (
        "Firth covariance = plain Fisher inverse",
        "src/oneneuron/_firth_model.py",
        "covariance=invert_information(point.information, names)",
        "covariance=invert_information(point.fisher, names)",
    ),
    (
        "Firth step matrix s + 2h",
        "src/oneneuron/_firth_model.py",
        "step_matrix = self.design.gram((self.s + hat) * var)",
        "step_matrix = self.design.gram((self.s + 2 * hat) * var)",
    ),
    (
        "penalty not scaled by N",
        "src/oneneuron/inference/_model.py",
        "diag = self.alpha * weight_sum * self.scale**2",
        "diag = self.alpha * self.scale**2",
    ),
    (
        "penalty ignores standardisation",
        "src/oneneuron/inference/_model.py",
        "diag = self.alpha * weight_sum * self.scale**2",
        "diag = self.alpha * weight_sum * np.ones_like(self.scale)",
    ),
    (
        "profile cut at chi2 not chi2/2",
        "src/oneneuron/inference/_profile.py",
        "return 2.0 * (top - fit.value) - cut",
        "return (top - fit.value) - cut",
    ),
    (
        "llnull from zero logits",
        "src/oneneuron/inference/_compute.py",
        "    if design.fit_intercept:\n        mean",
        "    if False:\n        mean",
    ),
    (
        "separation direction sign swapped",
        "src/oneneuron/_separation_lp.py",
        'signs.append("+inf")',
        'signs.append("-inf")',
    ),
    (
        "aliasing not detected",
        "src/oneneuron/diagnostics.py",
        "if residual <= 1e-9 * G[j, j]:",
        "if residual < 0:",
    ),
    (
        "summary rows not reordered in cov",
        "src/oneneuron/inference/_compute.py",
        'cov = parts["cov"][np.ix_(order, order)]',
        'cov = parts["cov"]',
    ),
    (
        "Firth LR statistic off by 1%",
        "src/oneneuron/_firth_inference.py",
        "return max(0.0, 2.0 * (loglik - restricted.value))",
        "return max(0.0, 2.0 * (loglik - restricted.value)) * 1.01",
    ),
    (
        "Wald interval uses level not (1+level)/2",
        "src/oneneuron/inference/_intervals.py",
        "q = float(stats.norm.ppf(0.5 + level / 2))",
        "q = float(stats.norm.ppf(level))",
    ),
    (
        "optimum check forgets the penalty",
        "src/oneneuron/inference/_compute.py",
        "score = score - penalty * view.theta",
        "score = score",
    ),
    (
        "optimum check in variance units, not SE",
        "src/oneneuron/inference/_compute.py",
        "step = np.abs(bread @ score) / np.sqrt(np.diag(bread))",
        "step = np.abs(bread @ score)",
    ),
    (
        "quasi vs complete confused",
        "src/oneneuron/diagnostics.py",
        'kind = "complete" if separated.all() else "quasi-complete"',
        'kind = "complete" if separated.any() else "quasi-complete"',
    ),
]


def main() -> None:
    for name, path, old, new in M:
        f = root / path
        text = f.read_text()
        assert text.count(old) == 1, (name, text.count(old))
        f.write_text(text.replace(old, new))
        try:
            r = subprocess.run(
                [
                    str(root / ".venv/bin/python"),
                    "-m",
                    "pytest",
                    "-q",
                    "-x",
                    "-p",
                    "no:cacheprovider",
                    "tests/test_inference.py",
                    "tests/test_firth.py",
                    "tests/test_diagnostics.py",
                ],
                cwd=root,
                capture_output=True,
                text=True,
            )
            last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr[-200:]
            failed = [l for l in r.stdout.splitlines() if l.startswith("FAILED")]
            verdict = "CAUGHT" if r.returncode else "SURVIVED"
            print(f"{verdict}: {name}: {failed[0][7:90] if failed else last}", flush=True)
        finally:
            f.write_text(text)


if __name__ == "__main__":
    main()
