"""The exported Python snippet: a script that reproduces a playground run exactly.

It loads the same data, splits it with the same seed, adds the same crosses (with the
playground's own :func:`~oneneuron.playground.add_crosses`) and fits for exactly the
iterations the page ran (``tol=None, max_iter=n``), so its weights are the exported
model's. Every value that came from the user (file and column names) is written with
``repr``, which always gives a valid Python string literal: nothing a user typed can
become code.
"""

from __future__ import annotations

from .._version import __version__
from ._data import holdout_fraction
from ._session import Session
from ._settings import BUILTIN

__all__ = ["snippet"]


def snippet(session: Session) -> str:
    """A runnable script that reproduces ``session``'s model.

    Parameters
    ----------
    session : Session

    Returns
    -------
    str
        Python source; with a built-in data set it runs as it is, with an uploaded table
        it needs that file in the working directory.
    """
    s, data = session.settings, session.data
    lines = [
        f'"""Reproduces a oneneuron playground run (oneneuron {__version__})."""',
        "",
        "import pandas as pd",
        "",
        "from oneneuron import LogisticRegression",
    ]
    if s.dataset == "upload":
        upload_name = data.dataset.name
        lines += [
            "from oneneuron.datasets import read_table, table_dataset, train_test_split",
            "from oneneuron.playground import add_crosses",
            "",
            "# the table you uploaded, saved next to this script",
            f"frame = read_table({upload_name!r})",
            f"data = table_dataset(frame, {s.target!r}, features={data.dataset.feature_names!r})",
        ]
    else:
        lines += [
            "from oneneuron.datasets import load, train_test_split",
            "from oneneuron.playground import add_crosses",
            "",
        ]
        spec = BUILTIN[s.dataset]
        if spec is None:
            lines.append(f"data = load({s.dataset!r})")
        else:
            noise = spec[1] if s.noise is None else s.noise
            lines.append(
                f"data = load({s.dataset!r}, n_samples={s.n_samples!r}, "
                f"{spec[0]}={noise!r}, random_state={s.seed!r})"
            )
    lines += [
        "X_train, X_test, y_train, y_test = train_test_split(",
        f"    data.X, data.y, test_size={holdout_fraction(s)!r}, random_state={s.seed!r}",
        ")",
        f"view, crosses = {data.view!r}, {data.crosses!r}",
        "X_train = add_crosses(pd.DataFrame(X_train, columns=data.feature_names), view, crosses)",
        "X_test = add_crosses(pd.DataFrame(X_test, columns=data.feature_names), view, crosses)",
        "",
        "model = LogisticRegression(",
        f"    solver={s.solver!r},",
        f"    learning_rate={s.learning_rate!r},",
        f"    alpha={s.alpha!r},",
        f"    l1_ratio={s.l1_ratio!r},",
        f"    batch_size={s.batch_size!r},",
        f"    standardize={s.standardize!r},",
        f"    max_iter={session.iteration!r},  # the {session.unit}s the playground ran",
        "    tol=None,",
        f"    random_state={s.seed!r},",
        ")",
        "model.fit(X_train, y_train, eval_set=(X_test, y_test))",
        'print("weights", dict(zip(model.feature_names_in_, model.coef_[0])))',
        'print("bias", model.intercept_[0])',
        'print("train accuracy", model.score(X_train, y_train))',
        'print("test accuracy", model.score(X_test, y_test))',
        '# model.save("model.json")  # the model file, as the playground exports it',
        "",
    ]
    return "\n".join(lines)
