"""Stratified, seeded train/test and train/validation/test splits."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn import model_selection

from ._base import RandomState, sklearn_seeds

__all__ = ["train_test_split", "train_val_test_split"]


def _as_arrays(X: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.generic], NDArray[np.generic]]:
    X_arr, y_arr = np.asarray(X), np.asarray(y)
    if X_arr.ndim < 1 or y_arr.ndim != 1:
        raise ValueError(f"y must be 1-D and X at least 1-D, got {X_arr.shape} and {y_arr.shape}")
    if X_arr.shape[0] != y_arr.shape[0]:
        raise ValueError(f"X has {X_arr.shape[0]} rows but y has {y_arr.shape[0]} labels")
    return X_arr, y_arr


def _check_fraction(name: str, value: float, *, allow_zero: bool) -> None:
    low_ok = value >= 0 if allow_zero else value > 0
    if not (low_ok and value < 1):
        interval = "[0, 1)" if allow_zero else "(0, 1)"
        raise ValueError(f"{name} must be a fraction in {interval}, got {value}")


def train_test_split(
    X: ArrayLike,
    y: ArrayLike,
    *,
    test_size: float = 0.2,
    stratify: bool = True,
    random_state: RandomState = None,
) -> tuple[NDArray[np.generic], NDArray[np.generic], NDArray[np.generic], NDArray[np.generic]]:
    """Shuffle and split into train and test parts (wraps scikit-learn's function).

    Parameters
    ----------
    X : array_like of shape (n_samples, ...)
        Samples (rows are split; any trailing shape is kept).
    y : array_like of shape (n_samples,)
        Labels.
    test_size : float, default=0.2
        Fraction of samples for the test part, in (0, 1).
    stratify : bool, default=True
        Keep the class proportions of ``y`` in both parts.
    random_state : int, numpy.random.Generator or None
        An int gives the same split as scikit-learn's ``train_test_split`` with that seed
        (and the same ``stratify``).

    Returns
    -------
    X_train, X_test : ndarray of shape (n_train, ...) and (n_test, ...)
    y_train, y_test : ndarray of shape (n_train,) and (n_test,)
    """
    X_arr, y_arr = _as_arrays(X, y)
    _check_fraction("test_size", test_size, allow_zero=False)
    (seed,) = sklearn_seeds(random_state)
    X_train, X_test, y_train, y_test = model_selection.train_test_split(
        X_arr, y_arr, test_size=test_size, stratify=y_arr if stratify else None, random_state=seed
    )
    return X_train, X_test, y_train, y_test


def train_val_test_split(
    X: ArrayLike,
    y: ArrayLike,
    *,
    val_size: float = 0.1,
    test_size: float = 0.2,
    stratify: bool = True,
    random_state: RandomState = None,
) -> tuple[
    NDArray[np.generic],
    NDArray[np.generic],
    NDArray[np.generic],
    NDArray[np.generic],
    NDArray[np.generic],
    NDArray[np.generic],
]:
    """Shuffle and split into train, validation and test parts.

    The test part is split off first exactly as :func:`train_test_split` does with the same
    arguments (so with ``val_size=0`` the two functions agree); the validation part is then
    split off the rest.

    Parameters
    ----------
    X : array_like of shape (n_samples, ...)
        Samples (rows are split; any trailing shape is kept).
    y : array_like of shape (n_samples,)
        Labels.
    val_size : float, default=0.1
        Fraction of all samples for validation, in [0, 1). With 0, ``X_val`` and ``y_val``
        are empty arrays of shape (0, ...) and (0,).
    test_size : float, default=0.2
        Fraction of all samples for the test part, in (0, 1); ``val_size + test_size < 1``.
    stratify : bool, default=True
        Keep the class proportions of ``y`` in every part.
    random_state : int, numpy.random.Generator or None
        Turned into seeds once (see :func:`train_test_split`).

    Returns
    -------
    X_train, X_val, X_test : ndarray of shape (n_train, ...), (n_val, ...), (n_test, ...)
    y_train, y_val, y_test : ndarray of shape (n_train,), (n_val,), (n_test,)
    """
    X_arr, y_arr = _as_arrays(X, y)
    _check_fraction("val_size", val_size, allow_zero=True)
    _check_fraction("test_size", test_size, allow_zero=False)
    if val_size + test_size >= 1:
        raise ValueError(
            f"val_size + test_size must be < 1, got {val_size} + {test_size} "
            "(nothing left to train on)"
        )
    seed_test, seed_val = sklearn_seeds(random_state, 2)
    X_rest, X_test, y_rest, y_test = model_selection.train_test_split(
        X_arr,
        y_arr,
        test_size=test_size,
        stratify=y_arr if stratify else None,
        random_state=seed_test,
    )
    if val_size == 0:
        return X_rest, X_arr[:0], X_test, y_rest, y_arr[:0], y_test
    X_train, X_val, y_train, y_val = model_selection.train_test_split(
        X_rest,
        y_rest,
        test_size=val_size / (1 - test_size),
        stratify=y_rest if stratify else None,
        random_state=seed_val,
    )
    return X_train, X_val, X_test, y_train, y_val, y_test
