"""Gaps in the data sources' tests found by mutation testing (docs/testing.md, "Mutation
testing"): each test holds a path the other tests did not reach to its definition."""

from __future__ import annotations

import numpy as np
import pytest

from oneneuron.data import Block
from oneneuron.data._streaming import as_number, concat, is_number, take_rows


def _block(start, n, seed, weighted=True):
    rng = np.random.default_rng(seed)
    y = rng.random(n) < 0.4
    return Block(
        rng.normal(size=(n, 3)),
        np.where(y, -1.0, 1.0),
        rng.uniform(0.5, 2.0, n) if weighted else None,
        start,
        y,
    )


def test_take_rows_keeps_every_field_of_the_rows():
    """A streamed table's strided sample and sgd's shuffled batches are rows taken from a
    block: features, signs, weights and classes of those rows, from the block's start."""
    block = _block(40, 10, 0)
    index = np.array([1, 4, 5, 9])
    part = take_rows(block, index)
    np.testing.assert_array_equal(part.X, block.X[index])
    np.testing.assert_array_equal(part.sign, block.sign[index])
    np.testing.assert_array_equal(part.weight, block.weight[index])
    np.testing.assert_array_equal(part.positive, block.positive[index])
    assert part.start == 40
    assert take_rows(_block(0, 5, 1, weighted=False), index[:2]).weight is None


def test_concat_keeps_every_field_in_order():
    """Blocks joined (the sgd shuffle buffer, the strided sample): every field in order,
    starting where the first block starts; one block is itself."""
    blocks = [_block(40, 10, 0), _block(50, 6, 1), _block(56, 3, 2)]
    joined = concat(blocks)
    for field in ("X", "sign", "weight", "positive"):
        np.testing.assert_array_equal(
            getattr(joined, field), np.concatenate([getattr(b, field) for b in blocks])
        )
    assert joined.start == 40 and joined.X.flags.c_contiguous
    assert concat(blocks[:1]) is blocks[0]
    unweighted = concat([_block(0, 4, 3, weighted=False), _block(4, 4, 4, weighted=False)])
    assert unweighted.weight is None


@pytest.mark.parametrize(
    ("value", "number"), [("1", 1), ("1.0", 1), ("-3.00", -3), ("2.5", 2.5), (7, 7), (0.25, 0.25)]
)
def test_label_values_read_as_numbers(value, number):
    """File labels "1" and "1.0" are one label, an int; others stay floats."""
    got = as_number(value)
    assert got == number and type(got) is type(number)
    assert is_number(value)


@pytest.mark.parametrize("value", ["yes", None, True, np.bool_(False), b"\xff"])
def test_label_values_that_are_not_numbers(value):
    assert not is_number(value)


def test_progress_line(capsys):
    """``oneneuron: <file>: pass 3  42%`` on stderr, rewritten only when the percentage
    changes; the rows read while the total is not known (0 or -1: this line never showed
    before the fix); erased at the end; nothing when disabled."""
    from oneneuron.data._streaming import Progress

    p = Progress(True, 200, "t.csv: pass 3")
    p.update(84)
    p.update(85)  # still 42%
    p.update(200)
    p.close()
    assert capsys.readouterr().err == (
        "\roneneuron: t.csv: pass 3   42%\roneneuron: t.csv: pass 3  100%\r\033[K"
    )
    for total in (0, -1):  # a CSV's first pass: the count of rows read so far
        p = Progress(True, total, "t.csv")
        p.update(1234)
        p.update(2000)
        p.close()
        assert capsys.readouterr().err == (
            "\roneneuron: t.csv  1,234 rows\roneneuron: t.csv  2,000 rows\r\033[K"
        )
    Progress(True, 1, "t.csv").update(1)
    assert capsys.readouterr().err == "\roneneuron: t.csv  100%"
    Progress(True, 1000, "t.csv").update(5)  # under 1% of a known total
    assert capsys.readouterr().err == "\roneneuron: t.csv    0%"
    quiet = Progress(False, 200, "t.csv")
    quiet.update(84)
    quiet.close()
    Progress(True, 200, "t.csv").close()  # nothing shown: nothing to erase
    assert capsys.readouterr().err == ""
