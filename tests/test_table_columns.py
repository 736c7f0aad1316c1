"""A streamed pass summed on the decoded Arrow columns (data._column_sums): the same
loss, gradient and accuracy as the block path, which it falls back to for what it does
not compute (K classes, a Hessian, float32, columns that are not float64)."""

from __future__ import annotations

import ctypes

import numpy as np
import pandas as pd
import pytest

from oneneuron.data import _column_sums, scan_csv, scan_parquet
from oneneuron.objective import Objective

pytest.importorskip("numba")

FEATURES = [f"f{i}" for i in range(7)]


def _frame(n=3000, seed=0, labels=("no", "yes")):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 7)) * [1, 2, 0.5, 3, 1, 1, 4] + [0, 1, -1, 4, 0, 2, -3]
    y = (X @ [0.8, -0.3, 1.0, 0.2, 0.0, 0.4, 0.1] + rng.logistic(size=n) > 0).astype(int)
    frame = pd.DataFrame(X, columns=FEATURES)
    frame["label"] = np.array(labels)[y]
    frame["w"] = rng.uniform(0.2, 2.5, n)
    return frame


def _path(frame, tmp_path, kind):
    if kind == "parquet":
        path = tmp_path / "t.parquet"
        frame.to_parquet(path, row_group_size=700)
    else:
        path = tmp_path / "t.csv"
        frame.to_csv(path, index=False)
    return path


def _evaluations(path, monkeypatch, accelerator, class_weights=None, calls=None, **options):
    """Two evaluations at two points (the first pass reads blocks and checks the file)."""
    monkeypatch.setenv("ONENEURON_ACCELERATOR", accelerator)
    scan = scan_parquet if path.suffix == ".parquet" else scan_csv
    source = scan(path, target="label", progress=False, **options)
    source.encode(source.labels(), class_weights)
    obj = Objective(source, alpha=1e-3)
    rng = np.random.default_rng(1)
    out = []
    for _ in range(2):
        theta = rng.standard_normal(obj.n_params) * 0.3
        ev = obj.evaluate(theta)
        out.append((ev.loss, ev.grad, obj._sum(theta, False).n_correct))
    return out


def _counting(monkeypatch):
    calls = []
    run = _column_sums.run

    def counted(*args):
        calls.append(args[1])
        return run(*args)

    monkeypatch.setattr(_column_sums, "run", counted)
    return calls


@pytest.mark.parametrize("kind", ["parquet", "csv"])
@pytest.mark.parametrize(
    "options",
    [
        dict(),
        dict(weight="w"),
        dict(weight="w", class_weights=[0.3, 2.0]),
        dict(batch_rows=333),  # batches cut from larger ones: column offsets
        dict(features=["f3", "f0", "f6"]),  # some columns, in another order
    ],
    ids=["plain", "weighted", "class-weights", "small-batches", "some-columns"],
)
def test_column_kernel_sums_equal_the_block_path(tmp_path, monkeypatch, kind, options):
    path = _path(_frame(), tmp_path, kind)
    calls = _counting(monkeypatch)
    reference = _evaluations(path, monkeypatch, "numpy", **options)
    assert calls == []
    fast = _evaluations(path, monkeypatch, "auto", **options)
    assert sum(calls) == 3 * 3000  # every row of every pass after the first one
    for (loss, grad, correct), (loss0, grad0, correct0) in zip(fast, reference, strict=True):
        assert loss == pytest.approx(loss0, rel=1e-13)
        np.testing.assert_allclose(grad, grad0, rtol=1e-11, atol=1e-14)
        assert correct == correct0


def test_columns_of_another_type_take_the_block_path(tmp_path, monkeypatch):
    frame = _frame()
    frame["f2"] = np.round(frame["f2"] * 10).astype(np.int64)  # an integer column
    path = _path(frame, tmp_path, "parquet")
    calls = _counting(monkeypatch)
    reference = _evaluations(path, monkeypatch, "numpy")
    fast = _evaluations(path, monkeypatch, "auto")
    assert calls == []
    for (loss, grad, _), (loss0, grad0, _) in zip(fast, reference, strict=True):
        assert loss == pytest.approx(loss0, rel=1e-13)
        np.testing.assert_allclose(grad, grad0, rtol=1e-11, atol=1e-14)


def test_three_classes_float32_and_hessians_take_the_block_path(tmp_path, monkeypatch):
    frame = _frame()
    calls = _counting(monkeypatch)
    path = _path(frame, tmp_path, "parquet")
    _evaluations(path, monkeypatch, "auto", dtype=np.float32)
    three = frame.assign(label=np.array(["a", "b", "c"])[np.arange(len(frame)) % 3])
    _evaluations(_path(three, tmp_path, "parquet"), monkeypatch, "auto")
    source = scan_parquet(path, target="label", progress=False)
    source.encode(source.labels())
    obj = Objective(source, alpha=1e-3)
    theta = np.zeros(obj.n_params)
    assert obj._sum(theta, True).hess is not None
    assert calls == []


def test_a_file_changed_after_the_checked_pass_is_detected(tmp_path, monkeypatch):
    frame = _frame()
    path = _path(frame, tmp_path, "parquet")
    source = scan_parquet(path, target="label", progress=False)
    source.encode(source.labels())
    obj = Objective(source, alpha=1e-3)
    theta = np.zeros(obj.n_params)
    obj.evaluate(theta)
    frame.iloc[:100].to_parquet(path)
    with pytest.raises(ValueError, match="changed since it was first read"):
        obj.evaluate(theta + 0.1)


def test_column_addresses_from_the_exported_batch(tmp_path):
    pa = pytest.importorskip("pyarrow")
    rng = np.random.default_rng(2)
    data = {name: rng.standard_normal(1000) for name in ("a", "b", "c")}
    batch = pa.RecordBatch.from_pydict({**data, "y": np.arange(1000) % 2})
    columns = _column_sums.Columns(["c", "a"])
    for part in (batch, batch.slice(137, 500)):  # a slice: each column's offset
        with columns.addresses(part) as addresses:
            for address, name in zip(addresses, ["c", "a"], strict=True):
                values = np.ctypeslib.as_array(
                    ctypes.cast(int(address), ctypes.POINTER(ctypes.c_double)), (part.num_rows,)
                )
                np.testing.assert_array_equal(values, part.column(name).to_numpy())
    holes = pa.RecordBatch.from_pydict({"a": pa.array([1.0, None, 2.0]), "c": [1.0, 2.0, 3.0]})
    with columns.addresses(holes) as addresses:
        assert addresses is None
    ints = pa.RecordBatch.from_pydict({"a": [1.0, 2.0], "c": [1, 2]})
    with columns.addresses(ints) as addresses:
        assert addresses is None


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_blocks_copied_by_the_compiled_loop_equal_the_converted_ones(tmp_path, monkeypatch, kind):
    path = _path(_frame(), tmp_path, kind)
    copies = []
    copy = _column_sums._copy
    monkeypatch.setattr(_column_sums, "_copy", lambda a, X: (copies.append(X.shape), copy(a, X)))
    blocks = {}
    for accelerator in ("numpy", "auto"):
        monkeypatch.setenv("ONENEURON_ACCELERATOR", accelerator)
        scan = scan_parquet if kind == "parquet" else scan_csv
        source = scan(path, target="label", features=["f5", "f1", "f2"], batch_rows=333)
        source.encode(source.labels())
        blocks[accelerator] = [block.X for block in source.blocks()]
        assert all(X.flags.f_contiguous for X in blocks[accelerator])
    assert len(copies) == len(blocks["auto"]) == 10  # 3000 rows in blocks of 333
    for fast, reference in zip(blocks["auto"], blocks["numpy"], strict=True):
        np.testing.assert_array_equal(fast, reference)


def test_objective_without_kernels_takes_the_block_path(tmp_path, monkeypatch):
    """``Objective(accelerate=False)`` turns the column kernel off too, as it does the
    block kernels, whatever ONENEURON_ACCELERATOR says."""
    path = _path(_frame(), tmp_path, "parquet")
    calls = _counting(monkeypatch)
    monkeypatch.setenv("ONENEURON_ACCELERATOR", "auto")
    for accelerate, expected in ((False, 0), (True, 3000), (None, 3000)):
        calls.clear()
        source = scan_parquet(path, target="label", progress=False)
        source.encode(source.labels())
        obj = Objective(source, alpha=1e-3, accelerate=accelerate)
        theta = np.full(obj.n_params, 0.1)
        obj.evaluate(theta)  # the first pass: blocks, checked
        obj.evaluate(theta * 2)
        assert sum(calls) == expected
