"""scikit-learn's own estimator checks: oneneuron's estimator is a drop-in.

Every solver passes every check, the stochastic one included, so no check is declared
as an expected failure.
"""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from oneneuron import LogisticRegression


@parametrize_with_checks(
    [
        LogisticRegression(),
        LogisticRegression(solver="lbfgs"),
        LogisticRegression(solver="gd", standardize=True),
        LogisticRegression(solver="sgd", random_state=0),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
