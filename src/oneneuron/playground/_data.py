"""A run's data: a built-in set or an uploaded table, split, crossed, and laid out for drawing.

Nothing here learns. It loads the data (:mod:`oneneuron.datasets`), splits it (seeded,
stratified), appends the feature crosses (:func:`~oneneuron.playground.add_crosses`) and
knows how to turn points of the 2-D view into full feature rows: the two view features
vary, every other feature is held at its training mean (the view is a slice).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from .. import datasets
from ._features import add_crosses
from ._settings import BUILTIN, BadRequest, Limits, NotFound, Settings

__all__ = ["MAX_ABS", "Prepared", "Upload", "holdout_fraction", "prepare"]

#: Largest feature magnitude accepted: the fourth power (the variance ``standardize``
#: computes for a squared feature), sums (means) and ranges (the map's bounds) of such
#: values stay finite in float64.
MAX_ABS = 1e75


@dataclass
class Upload:
    """An uploaded table, held in memory only."""

    id: str
    name: str
    frame: pd.DataFrame
    n_bytes: int

    def describe(self) -> dict[str, Any]:
        """What the page needs to pick a target and the view: columns and their kinds."""
        columns = []
        for name in self.frame.columns:
            col = self.frame[name]
            numeric = bool(pd.api.types.is_numeric_dtype(col)) and not pd.api.types.is_bool_dtype(
                col
            )
            columns.append(
                {"name": name, "numeric": numeric, "distinct": int(col.nunique(dropna=True))}
            )
        return {
            "id": self.id,
            "name": self.name,
            "rows": len(self.frame),
            "bytes": self.n_bytes,
            "columns": columns,
        }


@dataclass
class Prepared:
    """A run's data, ready for the model and the page."""

    dataset: datasets.Dataset
    view: tuple[str, str]
    crosses: list[str]
    X_train: pd.DataFrame  # the model's input: original features, then the crosses
    X_test: pd.DataFrame
    y_train: NDArray[Any]
    y_test: NDArray[Any]
    slice: dict[str, float]  # the other features, held at their training means
    bounds: tuple[float, float, float, float]  # x_min, x_max, y_min, y_max of the view
    skipped: list[str] = field(default_factory=list)  # non-numeric columns left out

    @property
    def feature_names(self) -> list[str]:
        """The model's features, in order."""
        return [str(c) for c in self.X_train.columns]

    def rows(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> pd.DataFrame:
        """Full feature rows for view points ``(x[i], y[i])``, other features at the slice."""
        columns = {}
        for name in self.dataset.feature_names:
            if name == self.view[0]:
                columns[name] = x
            elif name == self.view[1]:
                columns[name] = y
            else:
                columns[name] = np.full(len(x), self.slice[name])
        return add_crosses(pd.DataFrame(columns), self.view, self.crosses)


def holdout_fraction(settings: Settings) -> float:
    """The test fraction as the split and the exported snippet both write it."""
    return round(1.0 - settings.train_fraction, 10)


def _load(settings: Settings, uploads: dict[str, Upload]) -> tuple[Any, list[str]]:
    if settings.dataset != "upload":
        spec = BUILTIN[settings.dataset]
        if spec is None:
            return datasets.load(settings.dataset), []
        noise_name, default, _, _ = spec
        noise = default if settings.noise is None else settings.noise
        kwargs = {noise_name: noise, "random_state": settings.seed}
        return datasets.load(settings.dataset, n_samples=settings.n_samples, **kwargs), []
    assert settings.upload is not None and settings.target is not None
    upload = uploads.get(settings.upload)
    if upload is None:
        raise NotFound(f"no upload {settings.upload!r}: it expired or the server restarted")
    frame = upload.frame
    if settings.target not in frame.columns:
        raise BadRequest(
            f"{upload.name}: target column {settings.target!r} not found; "
            f"columns: {list(frame.columns)}"
        )
    others = [c for c in frame.columns if c != settings.target]
    numeric = [
        c
        for c in others
        if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])
    ]
    skipped = [c for c in others if c not in numeric]
    if not numeric:
        raise BadRequest(f"{upload.name}: no numeric feature columns besides {settings.target!r}")
    ds = datasets.table_dataset(
        frame, settings.target, features=numeric, source=upload.name, name=upload.name
    )
    labels = np.unique(ds.y)
    if len(labels) > 2:  # tables may hold K classes; the playground draws two
        shown = [str(v) for v in labels[:5]]
        raise BadRequest(
            f"{upload.name}: target column {settings.target!r} has {len(labels)} distinct "
            f"labels {shown}{' ...' if len(labels) > 5 else ''}; the playground trains "
            "binary classification, which needs two"
        )
    if len(labels) != 2:
        raise BadRequest(
            f"{upload.name}: target column {settings.target!r} has one label; "
            "binary classification needs two"
        )
    return ds, skipped


def _default_view(ds: datasets.Dataset, y01: NDArray[Any]) -> tuple[str, str]:
    """The first two features, or with more: the two whose class means differ most
    (in units of their standard deviation), in column order."""
    names = ds.feature_names
    if len(names) == 2:
        return names[0], names[1]
    X = ds.X
    gap = np.abs(X[y01 == 1].mean(axis=0) - X[y01 == 0].mean(axis=0))
    spread = X.std(axis=0)
    score = np.divide(gap, spread, out=np.zeros_like(gap), where=spread > 0)
    first, second = sorted(np.argsort(-score, kind="stable")[:2])  # in column order
    return names[int(first)], names[int(second)]


def prepare(settings: Settings, uploads: dict[str, Upload], limits: Limits) -> Prepared:
    """Load, split and cross the data that ``settings`` describe.

    Raises
    ------
    BadRequest, NotFound, TooLarge
        With a message naming the problem (a missing column, one class, ...).
    """
    ds, skipped = _load(settings, uploads)
    with np.errstate(invalid="ignore"):
        too_big = np.abs(ds.X).max(axis=0) > MAX_ABS
    if too_big.any():
        names = [n for n, big in zip(ds.feature_names, too_big, strict=True) if big]
        raise BadRequest(
            f"{ds.name}: feature column(s) {names} hold values beyond ±{MAX_ABS:g}; the "
            "playground squares, sums and plots them, which would overflow: rescale them"
        )
    labels = np.unique(ds.y)
    y01 = (ds.y == labels[-1]).astype(np.int64)
    if settings.x is None or settings.y is None:
        view = _default_view(ds, y01)
    else:
        view = (settings.x, settings.y)
        missing = [v for v in view if v not in ds.feature_names]
        if missing:
            raise BadRequest(
                f"view feature(s) {missing} are not features of {ds.name}; "
                f"features: {ds.feature_names[:20]}{' ...' if ds.n_features > 20 else ''}"
            )
        if view[0] == view[1]:
            raise BadRequest(f"x and y must be two different features; both are {view[0]!r}")
    try:
        X_tr, X_te, y_tr, y_te = datasets.train_test_split(
            ds.X, ds.y, test_size=holdout_fraction(settings), random_state=settings.seed
        )
    except ValueError as exc:  # too few rows of a class to stratify
        raise BadRequest(f"{ds.name}: cannot split into train and test parts: {exc}") from None
    frame_tr = pd.DataFrame(X_tr, columns=ds.feature_names)
    frame_te = pd.DataFrame(X_te, columns=ds.feature_names)
    try:
        X_train = add_crosses(frame_tr, view, settings.crosses)
        X_test = add_crosses(frame_te, view, settings.crosses)
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    means = frame_tr.mean(axis=0)
    shown = np.concatenate([X_tr, X_te])
    j, k = ds.feature_names.index(view[0]), ds.feature_names.index(view[1])
    bounds = (*_padded(shown[:, j]), *_padded(shown[:, k]))
    prepared = Prepared(
        dataset=ds,
        view=view,
        crosses=list(settings.crosses),
        X_train=X_train,
        X_test=X_test,
        y_train=np.asarray(y_tr),
        y_test=np.asarray(y_te),
        slice={n: float(means[n]) for n in ds.feature_names if n not in view},
        bounds=bounds,  # type: ignore[arg-type]
        skipped=skipped,
    )
    try:  # the map's corners lie beyond the data: their crosses must be finite too
        prepared.rows(np.array(bounds[:2] * 2), np.array(bounds[2:] * 2))
    except ValueError as exc:
        raise BadRequest(str(exc)) from None
    return prepared


def _padded(values: NDArray[np.float64]) -> tuple[float, float]:
    low, high = float(values.min()), float(values.max())
    pad = 0.1 * (high - low) if high > low else max(1.0, abs(low))
    return low - pad, high + pad
