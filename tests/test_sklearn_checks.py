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
        LogisticRegression(solver="lbfgs"),
        LogisticRegression(solver="gd", standardize=True),
        LogisticRegression(solver="sgd", random_state=0),
        LogisticRegression(alpha=1e-3, l1_ratio=0.5),
        LogisticRegressionCV(n_alphas=3, cv=3),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
