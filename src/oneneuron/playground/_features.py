"""Feature crosses: new columns made from the two features on view (a data transform).

One neuron draws a straight boundary in the space of the features it is given. Give it
``x1^2`` and ``x2^2`` as well and a straight boundary in that larger space is a circle or
an ellipse in the (x1, x2) plane: the moment a learner sees how one neuron separates
circles. The playground and the Python snippet it exports both call :func:`add_crosses`,
so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["CROSSES", "add_crosses", "cross_names"]

#: The crosses, by the id the API and the share URL use, with their column name templates
#: (``{a}`` and ``{b}`` are the names of the two features on view).
CROSSES: dict[str, str] = {
    "x1sq": "{a}^2",
    "x2sq": "{b}^2",
    "x1x2": "{a}*{b}",
    "sinx1": "sin({a})",
    "sinx2": "sin({b})",
}


def cross_names(view: Sequence[str], crosses: Sequence[str]) -> list[str]:
    """The column names :func:`add_crosses` appends, in order.

    Parameters
    ----------
    view : pair of str
        The names of the two features on view (``x1`` and ``x2`` of the crosses).
    crosses : sequence of str
        Ids from :data:`CROSSES`.

    Returns
    -------
    list of str
    """
    a, b = view
    unknown = [c for c in crosses if c not in CROSSES]
    if unknown:
        raise ValueError(f"unknown feature cross(es) {unknown}; valid: {', '.join(CROSSES)}")
    return [CROSSES[c].format(a=a, b=b) for c in crosses]


def add_crosses(X: pd.DataFrame, view: Sequence[str], crosses: Sequence[str]) -> pd.DataFrame:
    """``X`` with the chosen crosses of its two view columns appended.

    Parameters
    ----------
    X : pandas.DataFrame of shape (n_samples, n_features)
        Numeric columns with string names; ``view`` names two of them.
    view : pair of str
        The columns called x1 and x2 by the crosses.
    crosses : sequence of str
        Ids from :data:`CROSSES`, e.g. ``["x1sq", "x2sq"]``: ``x1^2``, ``x2^2``,
        ``x1*x2``, ``sin(x1)``, ``sin(x2)`` (sin in radians).

    Returns
    -------
    pandas.DataFrame of shape (n_samples, n_features + len(crosses))
        A new frame; ``X`` is not changed.

    Raises
    ------
    ValueError
        For an unknown cross, a view column that is not in ``X``, two equal view columns,
        a cross whose name is already a column of ``X``, or a cross that overflows.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"x1": [1.0, 2.0], "x2": [3.0, 0.5]})
    >>> add_crosses(X, ("x1", "x2"), ["x1sq", "x1x2"]).to_dict("list")
    {'x1': [1.0, 2.0], 'x2': [3.0, 0.5], 'x1^2': [1.0, 4.0], 'x1*x2': [3.0, 1.0]}
    """
    if len(view) != 2 or view[0] == view[1]:
        raise ValueError(f"view must name two different columns; got {list(view)}")
    missing = [v for v in view if v not in X.columns]
    if missing:
        raise ValueError(f"view column(s) {missing} not in the data; columns: {list(X.columns)}")
    names = cross_names(view, crosses)
    taken = [n for n in names if n in X.columns]
    if taken:
        raise ValueError(f"the data already has column(s) {taken}; rename them to add crosses")
    if len(set(crosses)) != len(crosses):
        raise ValueError(f"a feature cross is listed twice: {list(crosses)}")
    x1 = X[view[0]].to_numpy(dtype=np.float64)
    x2 = X[view[1]].to_numpy(dtype=np.float64)
    made = {
        "x1sq": lambda: x1 * x1,
        "x2sq": lambda: x2 * x2,
        "x1x2": lambda: x1 * x2,
        "sinx1": lambda: np.sin(x1),
        "sinx2": lambda: np.sin(x2),
    }
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below
        columns = {n: made[c]() for n, c in zip(names, crosses, strict=True)}
    overflowed = [n for n, v in columns.items() if not np.isfinite(v).all()]
    if overflowed:
        raise ValueError(
            f"feature cross(es) {overflowed} overflow float64 (the view columns hold values "
            "too large to square); rescale the data or leave those crosses out"
        )
    return pd.concat([X, pd.DataFrame(columns, index=X.index)], axis=1)
