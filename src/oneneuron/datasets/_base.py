"""The `Dataset` container and the random-state helpers shared by the dataset modules."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Dataset", "RandomState", "sklearn_seeds"]

RandomState = int | np.integer | np.random.Generator | None
"""What every ``random_state`` argument accepts."""

_SEED_HIGH = 2**32 - 1  # scikit-learn seeds must lie in [0, 2**32 - 1]


@dataclass(eq=False, repr=False)
class Dataset:
    """A binary classification data set: a design matrix, labels and names.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float64
        Design matrix, one row per sample.
    y : ndarray of shape (n_samples,)
        Labels, exactly as the source gives them (ints 0/1 for the built-in sets; any two
        values, e.g. strings, for :func:`load_table`).
    feature_names : list of str, length n_features
        Column names of ``X``.
    target_names : list of str
        Names of class 0 and class 1 (the sorted distinct labels).
    name : str
        Short identifier, e.g. ``"digits01"``.
    description : str
        One or two sentences on where the data comes from.
    images : ndarray of shape (n_samples, height, width) or None
        The samples as images (digit data only); ``X`` is their row-major flattening.
    needs_scaling : bool
        True when the features have very different scales (standardise before fitting).
    """

    X: NDArray[np.float64]
    y: NDArray[np.generic]
    feature_names: list[str]
    target_names: list[str]
    name: str
    description: str = ""
    images: NDArray[np.float64] | None = None
    needs_scaling: bool = False

    def __post_init__(self) -> None:
        self.X = np.asarray(self.X, dtype=np.float64)
        self.y = np.asarray(self.y)
        if self.X.ndim != 2:
            raise ValueError(f"Dataset {self.name!r}: X must be 2-D, got shape {self.X.shape}")
        if self.y.shape != (self.X.shape[0],):
            raise ValueError(
                f"Dataset {self.name!r}: y must have shape ({self.X.shape[0]},), got {self.y.shape}"
            )
        if len(self.feature_names) != self.X.shape[1]:
            raise ValueError(
                f"Dataset {self.name!r}: {len(self.feature_names)} feature names for "
                f"{self.X.shape[1]} features"
            )
        if self.images is not None and self.images.shape[0] != self.X.shape[0]:
            raise ValueError(
                f"Dataset {self.name!r}: {self.images.shape[0]} images for "
                f"{self.X.shape[0]} samples"
            )

    @property
    def n_samples(self) -> int:
        """Number of rows of ``X``."""
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """Number of columns of ``X``."""
        return int(self.X.shape[1])

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, n_samples={self.n_samples}, "
            f"n_features={self.n_features}, target_names={self.target_names!r}, "
            f"needs_scaling={self.needs_scaling})"
        )


def sklearn_seeds(random_state: RandomState, k: int = 1) -> list[int]:
    """Turn ``random_state`` into ``k`` integer seeds for scikit-learn functions.

    An int is used as the first seed unchanged, so ``random_state=42`` reproduces exactly
    what scikit-learn's own function gives for ``random_state=42``; further seeds come from
    ``np.random.default_rng(random_state)``. None or a Generator is turned into a Generator
    once and every seed is drawn from it. The global NumPy seed is never touched.

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None
        Source of randomness.
    k : int, default=1
        How many seeds.

    Returns
    -------
    list of int, length k
        Seeds in [0, 2**32 - 1].
    """
    if isinstance(random_state, (bool, np.bool_)):
        raise TypeError("random_state must be an int, a numpy Generator or None, not a bool")
    rng = np.random.default_rng(random_state)
    drawn = [int(s) for s in rng.integers(0, _SEED_HIGH, size=k, endpoint=True)]
    if isinstance(random_state, (int, np.integer)):
        drawn = [int(random_state), *drawn[1:]]
    return drawn
