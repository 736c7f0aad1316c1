"""Synthetic 2-D toy sets: blobs, moons, circles, XOR and spirals, each with labels 0/1 (blobs
with K centres: 0..K-1)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from sklearn import datasets as skd

from ._base import Dataset, RandomState, sklearn_seeds

__all__ = ["make_blobs", "make_circles", "make_moons", "make_spirals", "make_xor"]

_FEATURES = ["x1", "x2"]
_TARGETS = ["0", "1"]


def _check_n_samples(n_samples: int) -> None:
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)):
        raise TypeError(f"n_samples must be an int, got {type(n_samples).__name__}")
    if n_samples < 2:
        raise ValueError(f"n_samples must be at least 2, got {n_samples}")


def make_blobs(
    n_samples: int = 200,
    *,
    cluster_std: float = 1.0,
    centers: int | ArrayLike = 2,
    random_state: RandomState = None,
) -> Dataset:
    """Gaussian clusters, labels 0 and 1 (or 0..K-1 for K centres); wraps
    :func:`sklearn.datasets.make_blobs`.

    Parameters
    ----------
    n_samples : int, default=200
        Total number of points, split evenly between the clusters.
    cluster_std : float, default=1.0
        Standard deviation of each cluster.
    centers : int or array_like of shape (K, n_features), default=2
        Either the number of clusters K >= 2 (centres drawn uniformly in [-10, 10]^2; 2 for
        binary data, 3 or more for a data set of K classes) or the centres themselves.
    random_state : int, numpy.random.Generator or None
        An int gives the same points as scikit-learn's ``make_blobs`` with that seed.

    Returns
    -------
    Dataset
        ``X`` of shape (n_samples, n_features), ``y`` of shape (n_samples,) in {0, 1}
        (in 0..K-1 for K centres).
    """
    _check_n_samples(n_samples)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        if centers < 2:
            raise ValueError(f"centers must be at least 2 (one per class), got {centers}")
        n_features = 2
        centers_arg: int | np.ndarray = int(centers)
        K = int(centers)
    else:
        centers_arg = np.asarray(centers, dtype=np.float64)
        if centers_arg.ndim != 2 or centers_arg.shape[0] < 2:
            raise ValueError(
                f"centers must be an int >= 2 or an array of shape (K, n_features) with "
                f"K >= 2, got shape {centers_arg.shape}"
            )
        n_features = centers_arg.shape[1]
        K = centers_arg.shape[0]
    (seed,) = sklearn_seeds(random_state)
    X, y = skd.make_blobs(
        n_samples=n_samples,
        n_features=n_features,
        centers=centers_arg,
        cluster_std=cluster_std,
        random_state=seed,
    )
    many = f"{K} Gaussian blobs" if K > 2 else "Two Gaussian blobs"
    return Dataset(
        X=np.asarray(X, dtype=np.float64),
        y=np.asarray(y, dtype=np.int64),
        feature_names=[f"x{j + 1}" for j in range(n_features)],
        target_names=[str(k) for k in range(K)] if K > 2 else list(_TARGETS),
        name="blobs",
        description=f"{many} (cluster_std={cluster_std}), linearly separable "
        "when the centres are far apart.",
    )


def make_moons(
    n_samples: int = 200, *, noise: float = 0.2, random_state: RandomState = None
) -> Dataset:
    """Two interleaving half circles (wraps :func:`sklearn.datasets.make_moons`).

    Parameters
    ----------
    n_samples : int, default=200
        Total number of points.
    noise : float, default=0.2
        Standard deviation of the Gaussian noise added to each coordinate.
    random_state : int, numpy.random.Generator or None
        An int gives the same points as scikit-learn's ``make_moons`` with that seed.

    Returns
    -------
    Dataset
        ``X`` of shape (n_samples, 2), ``y`` of shape (n_samples,) in {0, 1}.
    """
    _check_n_samples(n_samples)
    (seed,) = sklearn_seeds(random_state)
    X, y = skd.make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return Dataset(
        X=np.asarray(X, dtype=np.float64),
        y=np.asarray(y, dtype=np.int64),
        feature_names=list(_FEATURES),
        target_names=list(_TARGETS),
        name="moons",
        description=f"Two interleaving half moons (noise={noise}); not linearly separable.",
    )


def make_circles(
    n_samples: int = 200,
    *,
    noise: float = 0.1,
    factor: float = 0.5,
    random_state: RandomState = None,
) -> Dataset:
    """A small circle inside a large one (wraps :func:`sklearn.datasets.make_circles`).

    Parameters
    ----------
    n_samples : int, default=200
        Total number of points.
    noise : float, default=0.1
        Standard deviation of the Gaussian noise added to each coordinate.
    factor : float, default=0.5
        Radius of the inner circle (label 1) relative to the outer one (label 0), in (0, 1).
    random_state : int, numpy.random.Generator or None
        An int gives the same points as scikit-learn's ``make_circles`` with that seed.

    Returns
    -------
    Dataset
        ``X`` of shape (n_samples, 2), ``y`` of shape (n_samples,) in {0, 1}.
    """
    _check_n_samples(n_samples)
    (seed,) = sklearn_seeds(random_state)
    X, y = skd.make_circles(n_samples=n_samples, noise=noise, factor=factor, random_state=seed)
    return Dataset(
        X=np.asarray(X, dtype=np.float64),
        y=np.asarray(y, dtype=np.int64),
        feature_names=list(_FEATURES),
        target_names=list(_TARGETS),
        name="circles",
        description=f"Concentric circles (noise={noise}, factor={factor}); not linearly separable.",
    )


def make_xor(
    n_samples: int = 200, *, noise: float = 0.2, random_state: RandomState = None
) -> Dataset:
    """Four Gaussian clusters at (±1, ±1) with XOR labels.

    Cluster centres are (1, 1), (-1, -1) (label 1, where ``x1 * x2 > 0``) and (-1, 1),
    (1, -1) (label 0). Each point gets the label of its centre.

    Parameters
    ----------
    n_samples : int, default=200
        Total number of points, split as evenly as possible between the four clusters.
    noise : float, default=0.2
        Standard deviation of each cluster.
    random_state : int, numpy.random.Generator or None
        Turned into a Generator once with :func:`numpy.random.default_rng`.

    Returns
    -------
    Dataset
        ``X`` of shape (n_samples, 2), ``y`` of shape (n_samples,) in {0, 1}, rows shuffled.
    """
    _check_n_samples(n_samples)
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng = np.random.default_rng(random_state)
    centres = np.array([[1.0, 1.0], [-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0]])
    counts = np.full(4, n_samples // 4)
    counts[: n_samples % 4] += 1
    which = np.repeat(np.arange(4), counts)
    which = which[rng.permutation(n_samples)]
    X = centres[which] + noise * rng.standard_normal((n_samples, 2))
    y = (centres[which, 0] * centres[which, 1] > 0).astype(np.int64)
    return Dataset(
        X=X,
        y=y,
        feature_names=list(_FEATURES),
        target_names=list(_TARGETS),
        name="xor",
        description=f"XOR: four Gaussian clusters at (±1, ±1) (noise={noise}); no single "
        "line separates the classes.",
    )


def make_spirals(
    n_samples: int = 200,
    *,
    noise: float = 0.1,
    turns: float = 1.25,
    random_state: RandomState = None,
) -> Dataset:
    """Two interleaved spiral arms, one per class (TensorFlow Playground's hardest set).

    Arm ``k`` (label ``k``) is the Archimedean spiral
    ``r = t, angle = 2 pi turns t + k pi`` for ``t`` evenly spaced in [0.05, 1], so the
    arms never leave the unit disc before noise; Gaussian noise of standard deviation
    ``noise`` is then added to each coordinate.

    Parameters
    ----------
    n_samples : int, default=200
        Total number of points; class 0 gets the extra point when it is odd.
    noise : float, default=0.1
        Standard deviation of the Gaussian noise added to each coordinate, >= 0.
    turns : float, default=1.25
        How many times each arm winds around the origin, > 0.
    random_state : int, numpy.random.Generator or None
        Turned into a Generator once with :func:`numpy.random.default_rng`.

    Returns
    -------
    Dataset
        ``X`` of shape (n_samples, 2), ``y`` of shape (n_samples,) in {0, 1}, rows shuffled.
    """
    _check_n_samples(n_samples)
    if not noise >= 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    if not turns > 0:
        raise ValueError(f"turns must be > 0, got {turns}")
    rng = np.random.default_rng(random_state)
    counts = (n_samples - n_samples // 2, n_samples // 2)
    t = np.concatenate([np.linspace(0.05, 1.0, c) for c in counts])
    y = np.repeat(np.arange(2, dtype=np.int64), counts)
    angle = 2 * np.pi * turns * t + np.pi * y
    X = np.column_stack([t * np.cos(angle), t * np.sin(angle)])
    X += noise * rng.standard_normal((n_samples, 2))
    order = rng.permutation(n_samples)
    return Dataset(
        X=X[order],
        y=y[order],
        feature_names=list(_FEATURES),
        target_names=list(_TARGETS),
        name="spirals",
        description=f"Two interleaved spirals ({turns:g} turns, noise={noise}); no line, "
        "and no single neuron on x1, x2 alone, separates them.",
    )
