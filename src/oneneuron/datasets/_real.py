"""Real data sets: scikit-learn's digits 0/1 (and 0-9) and breast cancer, and MNIST 0 vs 1
(and 0-9)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from sklearn import datasets as skd

from ._base import Dataset
from ._idx import read_idx

__all__ = ["load_breast_cancer", "load_digits01", "load_digits10", "load_mnist01", "load_mnist10"]

_MNIST_PREFIX = {"train": "train", "test": "t10k"}
_MNIST_N_TRAIN = 60_000
_MNIST_N_TOTAL = 70_000
_MNIST_HELP = (
    "Either pass path=DIR, a directory holding the standard MNIST files "
    "(train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
    "t10k-labels-idx1-ubyte, each optionally .gz), or pass download=True to fetch "
    "'mnist_784' from OpenML through sklearn.datasets.fetch_openml (needs network; "
    "cached under data_home)."
)


def _pixel_names(height: int, width: int) -> list[str]:
    return [f"pixel_{r}_{c}" for r in range(height) for c in range(width)]


def load_digits01() -> Dataset:
    """Digits 0 and 1 of scikit-learn's bundled 8x8 digits (embedded, no network).

    Returns
    -------
    Dataset
        ``X`` of shape (360, 64) with values 0..16, ``y`` of shape (360,) in {0, 1},
        ``images`` of shape (360, 8, 8), target_names ``["0", "1"]``.
    """
    bunch = skd.load_digits()
    keep = np.flatnonzero(np.isin(bunch.target, (0, 1)))
    return Dataset(
        X=np.asarray(bunch.data[keep], dtype=np.float64),
        y=np.asarray(bunch.target[keep], dtype=np.int64),
        feature_names=[str(f) for f in bunch.feature_names],
        target_names=["0", "1"],
        name="digits01",
        description="Handwritten digits 0 and 1, 8x8 grey levels 0..16 "
        "(UCI optical recognition data bundled with scikit-learn).",
        images=np.asarray(bunch.images[keep], dtype=np.float64),
    )


def load_digits10() -> Dataset:
    """All ten digits 0-9 of scikit-learn's bundled 8x8 digits (embedded, no network): a data
    set of K = 10 classes.

    Returns
    -------
    Dataset
        ``X`` of shape (1797, 64) with values 0..16, ``y`` of shape (1797,) in 0..9,
        ``images`` of shape (1797, 8, 8), target_names ``["0", ..., "9"]``.
    """
    bunch = skd.load_digits()
    return Dataset(
        X=np.asarray(bunch.data, dtype=np.float64),
        y=np.asarray(bunch.target, dtype=np.int64),
        feature_names=[str(f) for f in bunch.feature_names],
        target_names=[str(k) for k in range(10)],
        name="digits10",
        description="Handwritten digits 0 to 9, 8x8 grey levels 0..16 "
        "(UCI optical recognition data bundled with scikit-learn).",
        images=np.asarray(bunch.images, dtype=np.float64),
    )


def load_breast_cancer() -> Dataset:
    """Scikit-learn's bundled Wisconsin breast-cancer data (embedded, no network).

    Scikit-learn's encoding is kept: 0 = malignant, 1 = benign.

    Returns
    -------
    Dataset
        ``X`` of shape (569, 30), ``y`` of shape (569,) in {0, 1}, target_names
        ``["malignant", "benign"]``, ``needs_scaling=True`` (feature ranges differ by
        orders of magnitude).
    """
    bunch = skd.load_breast_cancer()
    return Dataset(
        X=np.asarray(bunch.data, dtype=np.float64),
        y=np.asarray(bunch.target, dtype=np.int64),
        feature_names=[str(f) for f in bunch.feature_names],
        target_names=[str(t) for t in bunch.target_names],
        name="breast-cancer",
        description="Wisconsin diagnostic breast cancer: 30 features of cell nuclei; "
        "0 = malignant, 1 = benign.",
        needs_scaling=True,
    )


def _find_mnist_file(directory: Path, prefix: str, kind: str, ndim: int) -> Path:
    stems = [f"{prefix}-{kind}-idx{ndim}-ubyte", f"{prefix}-{kind}.idx{ndim}-ubyte"]
    candidates = [directory / (s + ext) for s in stems for ext in ("", ".gz")]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"No MNIST {kind} file in {directory}: looked for {stems[0]} or {stems[0]}.gz. "
        + _MNIST_HELP
    )


def _mnist_dataset(
    images: NDArray[np.generic],
    labels: NDArray[np.generic],
    subset: str,
    source: str,
    digits: tuple[int, ...] = (0, 1),
) -> Dataset:
    keep = np.flatnonzero(np.isin(labels, digits))
    n, height, width = len(keep), images.shape[1], images.shape[2]
    X = np.asarray(images[keep], dtype=np.float64).reshape(n, height * width) / 255.0
    ten = len(digits) == 10
    return Dataset(
        X=X,
        y=np.asarray(labels[keep], dtype=np.int64),
        feature_names=_pixel_names(height, width),
        target_names=[str(d) for d in digits],
        name="mnist10" if ten else "mnist01",
        description=f"MNIST handwritten digits {'0 to 9' if ten else '0 and 1'}, {subset} set "
        f"({source}), {height}x{width} pixels scaled to [0, 1].",
        images=X.reshape(n, height, width),
    )


def load_mnist01(
    path: str | os.PathLike[str] | None = None,
    *,
    subset: Literal["train", "test"] = "train",
    download: bool = False,
    data_home: str | os.PathLike[str] | None = None,
) -> Dataset:
    """MNIST digits 0 and 1, from local IDX files or downloaded from OpenML.

    Parameters
    ----------
    path : str or path-like, optional
        Directory holding the standard MNIST IDX files (``train-images-idx3-ubyte``,
        ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
        ``t10k-labels-idx1-ubyte``, each plain or ``.gz``). Takes precedence over
        ``download``.
    subset : {"train", "test"}, default="train"
        Which of the standard splits (60000 train / 10000 test images before filtering).
    download : bool, default=False
        When ``path`` is None, fetch ``mnist_784`` (version 1) with
        :func:`sklearn.datasets.fetch_openml`; rows 0..59999 are train, the rest test.
    data_home : str or path-like, optional
        Cache directory for the download (scikit-learn's default when None).

    Returns
    -------
    Dataset
        ``X`` of shape (n, 784) in [0, 1], ``y`` of shape (n,) in {0, 1},
        ``images`` of shape (n, 28, 28) (a view of ``X``).

    Raises
    ------
    ValueError
        If ``subset`` is invalid, if neither ``path`` nor ``download`` is given (the
        message says how to get the files), or if the files are malformed.
    FileNotFoundError
        If ``path`` lacks one of the needed files.
    """
    return _load_mnist(path, subset, download, data_home, (0, 1))


def load_mnist10(
    path: str | os.PathLike[str] | None = None,
    *,
    subset: Literal["train", "test"] = "train",
    download: bool = False,
    data_home: str | os.PathLike[str] | None = None,
) -> Dataset:
    """All ten MNIST digits 0-9 (K = 10 classes), from local IDX files or OpenML.

    The arguments, files and errors of :func:`load_mnist01`.

    Returns
    -------
    Dataset
        ``X`` of shape (n, 784) in [0, 1], ``y`` of shape (n,) in 0..9 (60000 train or
        10000 test images), ``images`` of shape (n, 28, 28) (a view of ``X``).
    """
    return _load_mnist(path, subset, download, data_home, tuple(range(10)))


def _load_mnist(
    path: str | os.PathLike[str] | None,
    subset: str,
    download: bool,
    data_home: str | os.PathLike[str] | None,
    digits: tuple[int, ...],
) -> Dataset:
    if subset not in _MNIST_PREFIX:
        raise ValueError(f"subset must be 'train' or 'test', got {subset!r}")
    if path is not None:
        directory = Path(path)
        if not directory.is_dir():
            raise FileNotFoundError(f"MNIST directory {directory} does not exist. {_MNIST_HELP}")
        prefix = _MNIST_PREFIX[subset]
        images_file = _find_mnist_file(directory, prefix, "images", 3)
        labels_file = _find_mnist_file(directory, prefix, "labels", 1)
        images, labels = read_idx(images_file), read_idx(labels_file)
        if images.ndim != 3 or images.dtype != np.uint8:
            raise ValueError(
                f"{images_file}: expected uint8 images of shape (n, height, width), got "
                f"{images.dtype} of shape {images.shape}"
            )
        if labels.ndim != 1 or len(labels) != len(images):
            raise ValueError(
                f"{labels_file}: expected {len(images)} labels (one per image in "
                f"{images_file.name}), got shape {labels.shape}"
            )
        return _mnist_dataset(images, labels, subset, f"IDX files in {directory}", digits)
    if not download:
        raise ValueError("load_mnist01 needs MNIST data. " + _MNIST_HELP)
    bunch = skd.fetch_openml("mnist_784", version=1, as_frame=False, data_home=data_home)
    data = np.asarray(bunch.data)
    target = np.asarray(bunch.target).astype(np.int64)
    if data.shape != (_MNIST_N_TOTAL, 784) or target.shape != (_MNIST_N_TOTAL,):
        raise ValueError(
            f"OpenML mnist_784 has unexpected shape {data.shape}, expected ({_MNIST_N_TOTAL}, 784)"
        )
    rows = slice(0, _MNIST_N_TRAIN) if subset == "train" else slice(_MNIST_N_TRAIN, None)
    images = data[rows].reshape(-1, 28, 28)
    return _mnist_dataset(images, target[rows], subset, "OpenML mnist_784", digits)
