"""Tests for oneneuron.datasets: toy sets, bundled data, IDX/MNIST, tables, splits, registry."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import sklearn.datasets
from sklearn.utils import Bunch

from oneneuron import datasets as ds
from oneneuron.datasets import Dataset

# ---------------------------------------------------------------------------- helpers

_IDX_CODES = {
    np.dtype(np.uint8): 0x08,
    np.dtype(np.int8): 0x09,
    np.dtype(np.int16): 0x0B,
    np.dtype(np.int32): 0x0C,
    np.dtype(np.float32): 0x0D,
    np.dtype(np.float64): 0x0E,
}


def idx_bytes(array: np.ndarray) -> bytes:
    """Serialise ``array`` (any shape) in the IDX format, written independently of read_idx."""
    code = _IDX_CODES[array.dtype]
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}i", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_idx(path: Path, array: np.ndarray, *, compress: bool) -> Path:
    data = idx_bytes(array)
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def write_mnist_dir(directory: Path, *, compress: bool, n: int = 30, seed: int = 0) -> dict:
    """Tiny MNIST-like files: labels cycle through 0..9, image i is filled with value i."""
    rng = np.random.default_rng(seed)
    out = {}
    for prefix in ("train", "t10k"):
        labels = ((np.arange(n) + rng.integers(10)) % 10).astype(np.uint8)
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        images[:, 0, 0] = 255  # every image reaches the top of the range
        ext = ".gz" if compress else ""
        write_idx(directory / f"{prefix}-images-idx3-ubyte{ext}", images, compress=compress)
        write_idx(directory / f"{prefix}-labels-idx1-ubyte{ext}", labels, compress=compress)
        out[prefix] = (images, labels)
    return out


def assert_binary_dataset(d: Dataset, n: int, p: int) -> None:
    assert isinstance(d, Dataset)
    assert d.X.shape == (n, p)
    assert d.X.dtype == np.float64
    assert d.y.shape == (n,)
    assert set(np.unique(d.y).tolist()) == {0, 1}
    assert len(d.feature_names) == p
    assert len(d.target_names) == 2
    assert np.all(np.isfinite(d.X))


# ---------------------------------------------------------------------------- toy sets

TOY = [ds.make_blobs, ds.make_moons, ds.make_circles, ds.make_xor, ds.make_spirals]


@pytest.mark.parametrize("make", TOY)
def test_toy_shapes_labels(make: Any) -> None:
    d = make(n_samples=101, random_state=0)
    assert_binary_dataset(d, 101, 2)
    assert d.y.dtype == np.int64
    assert d.images is None
    assert d.needs_scaling is False
    # both classes roughly balanced
    assert abs(int(d.y.sum()) - 50) <= 2


@pytest.mark.parametrize("make", TOY)
def test_toy_seeding(make: Any) -> None:
    a, b = make(random_state=3), make(random_state=3)
    c = make(random_state=4)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)
    # a Generator is consumed: two draws from the same one differ, equal seeds agree
    g = np.random.default_rng(5)
    first, second = make(random_state=g), make(random_state=g)
    assert not np.array_equal(first.X, second.X)
    np.testing.assert_array_equal(make(random_state=np.random.default_rng(5)).X, first.X)


def test_toy_does_not_touch_global_seed() -> None:
    # the legacy global state is exactly what must stay untouched
    before = np.random.get_state(legacy=False)  # noqa: NPY002
    for make in TOY:
        make(random_state=None)
        make(random_state=1)
    after = np.random.get_state(legacy=False)  # noqa: NPY002
    assert after["state"]["pos"] == before["state"]["pos"]
    np.testing.assert_array_equal(after["state"]["key"], before["state"]["key"])


def test_blobs_matches_sklearn_for_int_seed() -> None:
    d = ds.make_blobs(n_samples=200, centers=2, random_state=42)
    X, y = sklearn.datasets.make_blobs(n_samples=200, centers=2, random_state=42)
    np.testing.assert_array_equal(d.X, X)
    np.testing.assert_array_equal(d.y, y)


def test_blobs_explicit_centers_and_std() -> None:
    centers = np.array([[-5.0, 0.0, 1.0], [5.0, 0.0, 1.0]])
    d = ds.make_blobs(400, centers=centers, cluster_std=0.1, random_state=0)
    assert d.X.shape == (400, 3)
    for k in (0, 1):
        np.testing.assert_allclose(d.X[d.y == k].mean(axis=0), centers[k], atol=0.05)
        assert d.X[d.y == k].std(axis=0).max() < 0.15
    with pytest.raises(ValueError, match="centers must be at least 2"):
        ds.make_blobs(centers=1)
    with pytest.raises(ValueError, match="centers"):
        ds.make_blobs(centers=np.zeros((1, 2)))


def test_blobs_with_k_centres_match_sklearn() -> None:
    d = ds.make_blobs(n_samples=300, centers=4, random_state=7)
    X, y = sklearn.datasets.make_blobs(n_samples=300, centers=4, random_state=7)
    np.testing.assert_array_equal(d.X, X)
    np.testing.assert_array_equal(d.y, y)
    assert d.target_names == ["0", "1", "2", "3"] and "4 Gaussian blobs" in d.description
    three = ds.make_blobs(90, centers=np.eye(3) * 10, random_state=0)
    assert three.X.shape == (90, 3) and set(three.y.tolist()) == {0, 1, 2}


def test_digits10_and_mnist10(tmp_path: Path) -> None:
    d = ds.load_digits10()
    assert d.X.shape == (1797, 64) and d.images.shape == (1797, 8, 8)
    assert sorted(set(d.y.tolist())) == list(range(10)) and d.target_names[-1] == "9"
    np.testing.assert_array_equal(d.images.reshape(1797, 64), d.X)
    assert ds.load("digits10").name == "digits10"
    write_mnist_dir(tmp_path, compress=False)
    ten, two = ds.load_mnist10(tmp_path), ds.load_mnist01(tmp_path)
    labels = ds.read_idx(tmp_path / "train-labels-idx1-ubyte")
    assert ten.n_samples == len(labels) and ten.name == "mnist10"
    np.testing.assert_array_equal(ten.y, labels)
    assert two.n_samples == int(np.isin(labels, (0, 1)).sum()) and two.name == "mnist01"


def test_xor_geometry() -> None:
    d = ds.make_xor(400, noise=0.05, random_state=0)
    # with tiny noise every point is in its centre's quadrant, so the label is sign(x1*x2)>0
    np.testing.assert_array_equal(d.y, (d.X[:, 0] * d.X[:, 1] > 0).astype(int))
    assert np.all(np.abs(np.abs(d.X) - 1) < 0.3)
    assert (d.y == 1).sum() == 200


def test_spirals_geometry() -> None:
    d = ds.make_spirals(400, noise=0.0, turns=1.0, random_state=0)
    assert (d.y == 0).sum() == (d.y == 1).sum() == 200
    radius = np.hypot(d.X[:, 0], d.X[:, 1])
    assert radius.min() >= 0.05 - 1e-12 and radius.max() <= 1 + 1e-12
    # without noise, the point at radius r of arm k sits at angle 2 pi r + k pi
    expected = 2 * np.pi * radius + np.pi * d.y
    np.testing.assert_allclose(np.cos(expected) * radius, d.X[:, 0], atol=1e-12)
    np.testing.assert_allclose(np.sin(expected) * radius, d.X[:, 1], atol=1e-12)
    noisy = ds.make_spirals(201, random_state=0)
    assert (noisy.y == 0).sum() == 101
    with pytest.raises(ValueError, match="noise"):
        ds.make_spirals(noise=-0.1)
    with pytest.raises(ValueError, match="turns"):
        ds.make_spirals(turns=0)


def test_circles_inner_is_label_one() -> None:
    d = ds.make_circles(300, noise=0.0, factor=0.3, random_state=0)
    radius = np.hypot(d.X[:, 0], d.X[:, 1])
    np.testing.assert_allclose(radius[d.y == 1], 0.3)
    np.testing.assert_allclose(radius[d.y == 0], 1.0)


def test_toy_bad_n_samples() -> None:
    with pytest.raises(ValueError, match="n_samples"):
        ds.make_moons(1)
    with pytest.raises(TypeError, match="n_samples"):
        ds.make_xor(10.5)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- bundled data


def test_digits01() -> None:
    d = ds.load_digits01()
    assert_binary_dataset(d, 360, 64)
    assert d.target_names == ["0", "1"]
    assert d.X.min() == 0 and d.X.max() == 16
    assert d.images is not None and d.images.shape == (360, 8, 8)
    np.testing.assert_array_equal(d.images.reshape(360, 64), d.X)
    assert (d.y == 0).sum() == 178 and (d.y == 1).sum() == 182
    assert d.needs_scaling is False


def test_breast_cancer_keeps_sklearn_encoding() -> None:
    d = ds.load_breast_cancer()
    assert_binary_dataset(d, 569, 30)
    assert d.target_names == ["malignant", "benign"]
    assert (d.y == 0).sum() == 212  # malignant
    assert (d.y == 1).sum() == 357  # benign
    assert d.needs_scaling is True
    assert "mean radius" in d.feature_names


def test_dataset_validates_shapes() -> None:
    with pytest.raises(ValueError, match="y must have shape"):
        Dataset(
            X=np.zeros((3, 2)), y=np.zeros(4), feature_names=["a", "b"], target_names=[], name="t"
        )
    with pytest.raises(ValueError, match="feature names"):
        Dataset(X=np.zeros((3, 2)), y=np.zeros(3), feature_names=["a"], target_names=[], name="t")
    assert "n_samples=3" in repr(
        Dataset(
            X=np.zeros((3, 2)), y=np.zeros(3), feature_names=["a", "b"], target_names=[], name="t"
        )
    )


# ---------------------------------------------------------------------------- IDX


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize(
    "array",
    [
        np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4),
        np.array([0, 1, 9, 255], dtype=np.uint8),
        np.array([[-1, 2], [300, -40000]], dtype=np.int32),
        np.array([-1.5, 0.25, 1e30], dtype=np.float32),
        np.array([[np.pi, -np.e]], dtype=np.float64),
        np.array([-3, 1000], dtype=np.int16),
        np.array([-128, 127], dtype=np.int8),
    ],
    ids=lambda a: f"{a.dtype}{a.shape}",
)
def test_idx_round_trip(tmp_path: Path, array: np.ndarray, compress: bool) -> None:
    path = write_idx(tmp_path / "data.bin", array, compress=compress)  # name says nothing
    out = ds.read_idx(path)
    assert out.dtype == array.dtype
    assert out.dtype.isnative
    assert out.shape == array.shape
    np.testing.assert_array_equal(out, array)
    out[...] = 0  # writable, independent of the file's buffer


def test_idx_gzip_detected_by_magic_not_name(tmp_path: Path) -> None:
    array = np.arange(10, dtype=np.uint8)
    plain_named_gz = write_idx(tmp_path / "plain.gz", array, compress=False)
    gz_named_plain = write_idx(tmp_path / "plain-idx1-ubyte", array, compress=True)
    np.testing.assert_array_equal(ds.read_idx(plain_named_gz), array)
    np.testing.assert_array_equal(ds.read_idx(gz_named_plain), array)


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b"\x01\x00" + b[2:], "magic"),
        (lambda b: b[:2] + b"\x07" + b[3:], "type code"),
        (lambda b: b[:-1], "truncated"),
        (lambda b: b[:6], "truncated"),
        (lambda b: b + b"\x00\x00", "trailing"),
        (lambda b: b[:3], "too short"),
    ],
    ids=["magic", "dtype", "short-data", "short-header", "trailing", "tiny"],
)
def test_idx_errors_name_the_file(
    tmp_path: Path, mutate: Any, message: str, compress: bool
) -> None:
    good = idx_bytes(np.arange(12, dtype=np.uint8).reshape(3, 4))
    bad = mutate(good)
    path = tmp_path / "broken-idx3-ubyte"
    path.write_bytes(gzip.compress(bad) if compress else bad)
    with pytest.raises(ValueError, match=message) as info:
        ds.read_idx(path)
    assert "broken-idx3-ubyte" in str(info.value)


def test_idx_truncated_gzip_stream(tmp_path: Path) -> None:
    packed = gzip.compress(idx_bytes(np.arange(1000, dtype=np.int32)))
    path = tmp_path / "cut.gz"
    path.write_bytes(packed[: len(packed) // 2])
    with pytest.raises(ValueError, match=r"cut\.gz"):
        ds.read_idx(path)


def test_idx_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        ds.read_idx(tmp_path / "nope")


# ---------------------------------------------------------------------------- MNIST


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize(("subset", "prefix"), [("train", "train"), ("test", "t10k")])
def test_mnist01_from_idx_dir(tmp_path: Path, compress: bool, subset: str, prefix: str) -> None:
    raw = write_mnist_dir(tmp_path, compress=compress)
    images, labels = raw[prefix]
    keep = np.isin(labels, (0, 1))
    d = ds.load_mnist01(tmp_path, subset=subset)  # type: ignore[arg-type]
    n = int(keep.sum())
    assert n >= 4
    assert_binary_dataset(d, n, 784)
    assert d.target_names == ["0", "1"]
    assert d.X.min() >= 0.0 and d.X.max() == 1.0
    np.testing.assert_array_equal(d.y, labels[keep])
    np.testing.assert_allclose(d.X, images[keep].reshape(n, 784) / 255.0)
    assert d.images is not None and d.images.shape == (n, 28, 28)
    np.testing.assert_array_equal(d.images.reshape(n, 784), d.X)


def test_mnist01_train_and_test_differ(tmp_path: Path) -> None:
    write_mnist_dir(tmp_path, compress=True)
    train = ds.load_mnist01(tmp_path, subset="train")
    test = ds.load_mnist01(tmp_path, subset="test")
    assert train.X.shape != test.X.shape or not np.array_equal(train.X, test.X)


def test_mnist01_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="download=True") as info:
        ds.load_mnist01()
    assert "train-images-idx3-ubyte" in str(info.value)
    with pytest.raises(ValueError, match="subset"):
        ds.load_mnist01(tmp_path, subset="valid")  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        ds.load_mnist01(tmp_path)
    # labels and images disagree in length
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((5, 28, 28), np.uint8), compress=False)
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(4, np.uint8), compress=False)
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte"):
        ds.load_mnist01(tmp_path)


def test_mnist01_download_uses_fetch_openml(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    target = np.full(70_000, "5", dtype=object)
    target[[0, 7, 59_999]] = ["0", "1", "1"]
    target[[60_000, 69_999]] = ["1", "0"]
    data = np.zeros((70_000, 784), dtype=np.uint8)
    data[7, :] = 255
    data[60_000, 3] = 51

    def fake_fetch_openml(*args: Any, **kwargs: Any) -> Bunch:
        calls.append((args, kwargs))
        return Bunch(data=data, target=target)

    monkeypatch.setattr(sklearn.datasets, "fetch_openml", fake_fetch_openml)
    train = ds.load_mnist01(download=True, data_home="/somewhere")
    test = ds.load_mnist01(download=True, subset="test")
    assert calls[0] == (
        ("mnist_784",),
        {"version": 1, "as_frame": False, "data_home": "/somewhere"},
    )
    np.testing.assert_array_equal(train.y, [0, 1, 1])
    np.testing.assert_array_equal(test.y, [1, 0])
    assert train.X[1].min() == 1.0 and train.X[0].max() == 0.0
    assert test.X[0, 3] == pytest.approx(0.2)
    assert test.images is not None and test.images.shape == (2, 28, 28)


# ---------------------------------------------------------------------------- tables


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "small": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
            "big": [1000.0, 3000.0, 2000.0, 5000.0, 4000.0, 6000.0],
            "count": [1, 2, 3, 4, 5, 6],
            "label": ["no", "yes", "no", "yes", "no", "yes"],
        }
    )


def _write(frame: pd.DataFrame, path: Path) -> Path:
    name = path.name
    if name.endswith((".parquet", ".pq")):
        frame.to_parquet(path, index=False)
    else:
        frame.to_csv(path, index=False, sep="\t" if ".tsv" in name else ",")
    return path


FORMATS = ["t.csv", "t.csv.gz", "t.tsv", "t.parquet", "t.pq"]


@pytest.mark.parametrize("name", FORMATS)
def test_load_table_formats(tmp_path: Path, name: str) -> None:
    frame = _frame()
    d = ds.load_table(_write(frame, tmp_path / name), "label")
    assert d.feature_names == ["small", "big", "count"]
    assert d.X.dtype == np.float64
    np.testing.assert_array_equal(d.X, frame[["small", "big", "count"]].to_numpy(float))
    assert d.y.tolist() == frame["label"].tolist()  # values kept, not encoded
    assert d.target_names == ["no", "yes"]
    assert d.needs_scaling is True
    assert d.name == name


@pytest.mark.parametrize("name", ["t.csv", "t.parquet"])
def test_load_table_features_and_label_kinds(tmp_path: Path, name: str) -> None:
    frame = _frame()
    frame["flag"] = [True, False, True, False, True, False]
    frame["digit"] = [0, 1, 0, 1, 0, 1]
    path = _write(frame, tmp_path / name)
    d = ds.load_table(path, "flag", features=["count", "small"])
    assert d.feature_names == ["count", "small"]
    np.testing.assert_array_equal(d.X[:, 0], [1, 2, 3, 4, 5, 6])
    assert d.y.dtype == bool and d.y.tolist() == frame["flag"].tolist()
    d = ds.load_table(path, "digit", features=["small"])
    assert d.y.dtype.kind == "i" and d.y.tolist() == [0, 1, 0, 1, 0, 1]
    assert d.target_names == ["0", "1"]
    assert d.needs_scaling is False


@pytest.mark.parametrize("name", ["t.csv", "t.parquet"])
def test_load_table_column_errors(tmp_path: Path, name: str) -> None:
    path = _write(_frame(), tmp_path / name)
    with pytest.raises(ValueError, match="'target_col'") as info:
        ds.load_table(path, "target_col")
    assert "small" in str(info.value) and "label" in str(info.value)  # lists available
    with pytest.raises(ValueError, match="'nope'"):
        ds.load_table(path, "label", features=["small", "nope"])
    with pytest.raises(ValueError, match=r"numeric.*'label'"):
        ds.load_table(path, "big", features=["label"])
    with pytest.raises(ValueError, match="also listed"):
        ds.load_table(path, "label", features=["small", "label"])


@pytest.mark.parametrize("name", ["t.csv", "t.parquet"])
def test_load_table_missing_values(tmp_path: Path, name: str) -> None:
    frame = _frame()
    frame.loc[[1, 4], "big"] = np.nan
    frame.loc[2, "small"] = np.nan
    path = _write(frame, tmp_path / name)
    with pytest.raises(ValueError, match="missing") as info:
        ds.load_table(path, "label")
    msg = str(info.value)
    assert "'big': 2" in msg and "'small': 1" in msg and "count" not in msg
    # choosing clean features avoids the error
    assert ds.load_table(path, "label", features=["count"]).X.shape == (6, 1)


@pytest.mark.parametrize("name", ["t.csv", "t.parquet"])
def test_load_table_missing_target(tmp_path: Path, name: str) -> None:
    frame = _frame()
    frame.loc[3, "label"] = None
    path = _write(frame, tmp_path / name)
    with pytest.raises(ValueError, match="'label' has 1 missing"):
        ds.load_table(path, "label")


@pytest.mark.parametrize("name", ["t.csv", "t.parquet"])
def test_load_table_three_labels_make_three_classes(tmp_path: Path, name: str) -> None:
    frame = _frame()
    frame.loc[0, "label"] = "maybe"
    table = ds.load_table(_write(frame, tmp_path / name), "label")
    assert len(table.target_names) == 3 and "maybe" in table.target_names


@pytest.mark.parametrize("name", ["t.csv", "t.parquet"])
def test_load_table_empty(tmp_path: Path, name: str) -> None:
    path = _write(_frame().iloc[:0], tmp_path / name)
    with pytest.raises(ValueError, match="empty"):
        ds.load_table(path, "label")


def test_load_table_file_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"absent\.csv"):
        ds.load_table(tmp_path / "absent.csv", "label")
    (tmp_path / "t.xlsx").write_text("x")
    with pytest.raises(ValueError, match=r"t\.xlsx.*\.csv.*\.parquet"):
        ds.load_table(tmp_path / "t.xlsx", "label")
    (tmp_path / "blank.csv").write_text("")
    with pytest.raises(ValueError, match="empty"):
        ds.load_table(tmp_path / "blank.csv", "label")


def test_load_table_non_numeric_and_infinite(tmp_path: Path) -> None:
    frame = _frame()
    frame["colour"] = ["red", "blue", "red", "red", "blue", "red"]
    frame.loc[5, "big"] = np.inf
    path = _write(frame, tmp_path / "t.parquet")
    with pytest.raises(ValueError, match=r"numeric.*'colour'") as info:
        ds.load_table(path, "label")
    assert "'big'" not in str(info.value)
    with pytest.raises(ValueError, match=r"infinite.*'big': 1"):
        ds.load_table(path, "label", features=["small", "big"])


@pytest.mark.parametrize("name", FORMATS)
def test_read_table_bytes_matches_the_file_reader(tmp_path: Path, name: str) -> None:
    path = _write(_frame(), tmp_path / name)
    from_memory = ds.read_table_bytes(path.read_bytes(), name)
    pd.testing.assert_frame_equal(from_memory, ds.read_table(path))
    d = ds.table_dataset(from_memory, "label", source=name, name="upload")
    np.testing.assert_array_equal(d.X, ds.load_table(path, "label").X)
    assert d.name == "upload" and d.target_names == ["no", "yes"]


@pytest.mark.parametrize("name", ["t.csv", "t.csv.gz", "t.parquet"])
def test_table_caps_on_rows_and_columns(tmp_path: Path, name: str) -> None:
    data = _write(_frame(), tmp_path / name).read_bytes()  # 6 rows, 4 columns
    assert ds.read_table_bytes(data, name, max_rows=6, max_columns=4).shape == (6, 4)
    with pytest.raises(ds.TableTooLargeError, match=rf"{name}: .*more than 5 rows"):
        ds.read_table_bytes(data, name, max_rows=5)
    with pytest.raises(ds.TableTooLargeError, match=rf"{name}: .*4 columns; at most 3"):
        ds.read_table_bytes(data, name, max_columns=3)
    with pytest.raises(ds.TableTooLargeError, match="more than 5 rows"):
        ds.read_table(tmp_path / name, max_rows=5)


def test_table_caps_refuse_a_huge_header_and_a_gzip_bomb() -> None:
    header = b",".join(b"c%d" % i for i in range(100_000)) + b"\n"
    with pytest.raises(ds.TableTooLargeError, match="100,000 columns"):
        ds.read_table_bytes(header, "wide.csv", max_columns=100)
    bomb = gzip.compress(b"a,b\n" + b"1,2\n" * 200_000)
    with pytest.raises(ds.TableTooLargeError, match=r"bomb\.csv\.gz: inflates to more than"):
        ds.read_table_bytes(bomb, "bomb.csv.gz", max_bytes=10_000)


def test_table_with_values_near_the_float_limit() -> None:
    frame = pd.DataFrame({"a": [1.7e308, -1.7e308, 1.0, 2.0], "b": [1.0, 2.0, 3.0, 4.0]})
    frame["t"] = [0, 1, 0, 1]
    d = ds.table_dataset(frame, "t")  # the range of "a" overflows: no RuntimeWarning
    assert d.needs_scaling


def test_read_table_bytes_errors_name_the_upload() -> None:
    with pytest.raises(ValueError, match=r"up\.csv: not UTF-8"):
        ds.read_table_bytes(b"a,b\n\xff\xfe,1\n", "up.csv")
    with pytest.raises(ValueError, match=r"up\.parquet: not a readable Parquet"):
        ds.read_table_bytes(b"not parquet", "up.parquet")
    with pytest.raises(ValueError, match=r"up\.xlsx: unsupported"):
        ds.read_table_bytes(b"x", "up.xlsx")
    with pytest.raises(ValueError, match=r"up\.csv: the table is empty"):
        ds.read_table_bytes(b"", "up.csv")
    frame = ds.read_table_bytes(b"a,b\n1,x\n", "up.csv")
    with pytest.raises(ValueError, match=r"up\.csv: target column 'c' not found"):
        ds.table_dataset(frame, "c", source="up.csv")


# ---------------------------------------------------------------------------- splits


def _imbalanced(n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(n - n // 4, dtype=int), np.ones(n // 4, dtype=int)]
    X = rng.standard_normal((n, 3)) + y[:, None]
    return X, y


def test_train_val_test_split_sizes_and_stratification() -> None:
    X, y = _imbalanced(200)
    X_tr, X_va, X_te, y_tr, y_va, y_te = ds.train_val_test_split(
        X, y, val_size=0.1, test_size=0.2, random_state=0
    )
    assert (len(X_tr), len(X_va), len(X_te)) == (140, 20, 40)
    assert [len(y_tr), len(y_va), len(y_te)] == [140, 20, 40]
    for part in (y_tr, y_va, y_te):
        assert part.mean() == pytest.approx(0.25)
    # the parts are a partition of the rows, and each row keeps its label
    rows = np.concatenate([X_tr, X_va, X_te])
    assert len(np.unique(rows, axis=0)) == 200
    order = np.lexsort(rows.T)
    ref = np.lexsort(X.T)
    np.testing.assert_array_equal(rows[order], X[ref])
    np.testing.assert_array_equal(np.concatenate([y_tr, y_va, y_te])[order], y[ref])


def test_split_without_stratify_can_drift() -> None:
    X, y = _imbalanced(200)
    means = {ds.train_test_split(X, y, stratify=False, random_state=s)[3].mean() for s in range(10)}
    assert len(means) > 1  # proportions vary without stratification
    means = {ds.train_test_split(X, y, random_state=s)[3].mean() for s in range(10)}
    assert means == {0.25}


def test_split_val_zero_and_agreement() -> None:
    X, y = _imbalanced(100)
    X_tr, X_va, X_te, y_tr, y_va, y_te = ds.train_val_test_split(X, y, val_size=0, random_state=7)
    assert X_va.shape == (0, 3) and y_va.shape == (0,)
    assert X_va.dtype == X.dtype and y_va.dtype == y.dtype
    X_tr2, X_te2, y_tr2, y_te2 = ds.train_test_split(X, y, random_state=7)
    np.testing.assert_array_equal(X_tr, X_tr2)
    np.testing.assert_array_equal(X_te, X_te2)
    np.testing.assert_array_equal(y_te, y_te2)
    np.testing.assert_array_equal(y_tr, y_tr2)
    images = np.zeros((100, 8, 8))
    parts = ds.train_val_test_split(images, y, val_size=0, random_state=0)
    assert parts[1].shape == (0, 8, 8)


def test_split_seeding() -> None:
    X, y = _imbalanced(100)
    a = ds.train_val_test_split(X, y, random_state=1)
    b = ds.train_val_test_split(X, y, random_state=1)
    c = ds.train_val_test_split(X, y, random_state=2)
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[0], c[0])
    g = np.random.default_rng(0)
    assert not np.array_equal(
        ds.train_test_split(X, y, random_state=g)[0], ds.train_test_split(X, y, random_state=g)[0]
    )


def test_split_errors() -> None:
    X, y = _imbalanced(50)
    with pytest.raises(ValueError, match="< 1"):
        ds.train_val_test_split(X, y, val_size=0.5, test_size=0.5)
    with pytest.raises(ValueError, match="test_size"):
        ds.train_test_split(X, y, test_size=0.0)
    with pytest.raises(ValueError, match="val_size"):
        ds.train_val_test_split(X, y, val_size=-0.1)
    with pytest.raises(ValueError, match="rows"):
        ds.train_test_split(X, y[:-1])


# ---------------------------------------------------------------------------- registry


def test_registry_and_load(tmp_path: Path) -> None:
    assert set(ds.DATASETS) == {
        "blobs",
        "moons",
        "circles",
        "xor",
        "spirals",
        "digits",
        "breast-cancer",
        "mnist",
        "digits10",
    }
    d = ds.load("moons", n_samples=50, random_state=0)
    np.testing.assert_array_equal(d.X, ds.make_moons(50, random_state=0).X)
    assert ds.load("breast_cancer").name == "breast-cancer"
    assert ds.load("digits").n_samples == 360
    write_mnist_dir(tmp_path, compress=False)
    assert ds.load("mnist", path=tmp_path).n_features == 784
    with pytest.raises(ValueError, match="'iris'") as info:
        ds.load("iris")
    for key in ds.DATASETS:
        assert key in str(info.value)
