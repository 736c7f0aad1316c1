"""Which features matter: the L1 path, cross-validation, an honest summary, and Firth.

Not a seed document: the walkthrough of issue 11's statistics (``docs/penalties.md``).

1. **The L1 path** on breast cancer (30 features, standardised): from ``alpha_max``, where
   every weight is exactly 0, down; features enter one by one (``oneneuron.path``).
2. **Cross-validation** picks alpha on that path (``LogisticRegressionCV``, scikit-learn's
   folds and log-loss), and the "1-SE" alpha, sparser and as good within noise.
3. **The summary table** of the selected features: selection and inference on the same
   rows make p-values look better than they are, so the features are selected on one half
   of the training rows and the unpenalised model (alpha=0) is summarised on the other half
   (sample splitting); then scored on a test set neither half saw.
4. **Firth on separated data**: endometrial cancer (79 patients, Heinze & Schemper 2002),
   where every patient with neovasculation (NV) has a high grade: the maximum-likelihood
   NV coefficient runs away (``check_separation`` says so); ``firth=True`` gives logistf's
   finite estimate, with penalised likelihood-ratio tests and profile intervals.

Run::

    .venv/bin/python examples/which_features_matter.py [--out DIR] [--quick]

Figures go to ``--out`` (default ``examples/output/which_features_matter``).
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from oneneuron import LogisticRegression, LogisticRegressionCV, path
from oneneuron.diagnostics import check_separation
from oneneuron.plotting import plot_cv, plot_path, save_figure

DEFAULT_OUT = Path(__file__).resolve().parent / "output" / Path(__file__).stem
ENDOMETRIAL = Path(__file__).resolve().parents[1] / "tests" / "data" / "endometrial.csv"
SEED = 0


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder for the figures")
    parser.add_argument("--quick", action="store_true", help="fewer alphas (for the tests)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    n_alphas = 20 if args.quick else 60

    # 1. the path -------------------------------------------------------------------------
    data = load_breast_cancer(as_frame=True)
    X, y = data.data, data.target  # 1 = benign
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=SEED
    )
    lasso = path(X_train, y_train, n_alphas=n_alphas, standardize=True)
    print(f"alpha_max = {lasso.alpha_max:.4g}: above it every weight is exactly 0")
    nonzero = lasso.coef != 0
    entry = {
        name: int(np.argmax(nonzero[:, j]))
        for j, name in enumerate(lasso.feature_names)
        if nonzero[:, j].any()
    }
    print("First features to enter the path:")
    for name, i in sorted(entry.items(), key=lambda item: item[1])[:6]:
        print(f"  {name:<24} at alpha {lasso.alphas[i]:.4g}")
    print(f"Non-zero weights at the end of the path: {lasso.n_nonzero[-1]} of {X.shape[1]}")

    # 2. cross-validation -----------------------------------------------------------------
    cv = LogisticRegressionCV(n_alphas=n_alphas, cv=5, standardize=True).fit(X_train, y_train)
    chosen = LogisticRegression(alpha=cv.alpha_1se_, l1_ratio=1.0, standardize=True)
    chosen.fit(X_train, y_train)
    selected = [name for name, w in zip(X.columns, chosen.coef_[0], strict=True) if w != 0]
    print(f"Cross-validated alpha {cv.alpha_:.4g} ({np.count_nonzero(cv.coef_)} features); "
          f"1-SE alpha {cv.alpha_1se_:.4g} ({len(selected)} features)")  # fmt: skip
    print(f"Test accuracy: best alpha {cv.score(X_test, y_test):.3f}, "
          f"1-SE alpha {chosen.score(X_test, y_test):.3f}")  # fmt: skip
    fig, axes = plt.subplots(1, 2, figsize=(13, 5))
    plot_path(lasso, ax=axes[0])
    plot_cv(cv, ax=axes[1])
    fig.tight_layout()
    save_figure(fig, args.out / "path_and_cv.png")
    plt.close(fig)

    # 3. an honest summary: select on one half, test on the other --------------------------
    X_select, X_infer, y_select, y_infer = train_test_split(
        X_train, y_train, test_size=0.5, stratify=y_train, random_state=SEED
    )
    picker = LogisticRegressionCV(n_alphas=n_alphas, cv=5, standardize=True)
    picker.fit(X_select, y_select)
    pick = LogisticRegression(alpha=picker.alpha_1se_, l1_ratio=1.0, standardize=True)
    pick.fit(X_select, y_select)
    kept = [name for name, w in zip(X.columns, pick.coef_[0], strict=True) if w != 0]
    print(f"Selected on the first half: {', '.join(kept)}")
    refit = LogisticRegression(alpha=0.0, solver="newton", tol=1e-10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a separable half: the summary's own table says so
        refit.fit(X_infer[kept], y_infer)
    print("Their unpenalised model on the second half:")
    print(refit.summary(X_infer[kept], y_infer))
    print(f"Test accuracy of that model: {refit.score(X_test[kept], y_test):.3f}")

    # 4. Firth on separated data ----------------------------------------------------------
    endo = pd.read_csv(ENDOMETRIAL)
    Xe, ye = endo[["NV", "PI", "EH"]], endo["HG"]
    print(check_separation(Xe, ye))
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        ml = LogisticRegression(alpha=0.0, solver="newton").fit(Xe, ye)
    print(f"Maximum likelihood stops wherever training stops: NV coefficient {ml.coef_[0, 0]:.1f}")
    firth = LogisticRegression(firth=True).fit(Xe, ye)
    print(f"Firth (logistf): NV coefficient {firth.coef_[0, 0]:.4f}")
    print(firth.summary(Xe, ye))


if __name__ == "__main__":
    main()
