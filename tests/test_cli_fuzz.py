"""Hypothesis fuzzing of the command line: random options and values for every subcommand.

Every command line ends with status 0, or with status 2 and one last stderr line
``oneneuron: error: ...``: never a traceback, never another status. The options come
from the parser itself, so a new option is fuzzed without an edit here. Slow parts that
have nothing to do with the arguments are stubbed: the report's figures (matplotlib,
the GIF) and the playground's server (it would serve until Ctrl-C).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from oneneuron import LogisticRegression
from oneneuron.cli import main
from oneneuron.cli._parser import build_parser

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
COMMANDS = sorted(
    next(a for a in build_parser()._actions if a.dest == "command").choices  # type: ignore[union-attr]
)
_COUNTER = itertools.count()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Real inputs: a table, its model, a corrupt model, a directory, a new-file prefix."""
    root = tmp_path_factory.mktemp("cli-fuzz")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    y = np.where(X[:, 0] + rng.normal(size=60) > 0, "dog", "cat")
    table = root / "animals.csv"
    pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "animal": y}).to_csv(table, index=False)
    model = LogisticRegression().fit(pd.DataFrame(X, columns=["x1", "x2"]), y)
    model_file = model.save(root / "model.json")
    corrupt = root / "corrupt.json"
    corrupt.write_text('{"format": "oneneuron-model", "coef": [1e999]}')
    (root / "folder").mkdir()
    return {
        "table": str(table),
        "model": str(model_file),
        "corrupt": str(corrupt),
        "folder": str(root / "folder"),
        "missing": str(root / "missing.csv"),
        "deep": str(root / "no" / "such" / "dir" / "x.json"),
        "root": root,
    }


def _values(files):
    """Option values: real paths, names that fit, numbers at the edges, and junk."""
    fixed = [
        "0", "1", "2", "-1", "0.5", "1.0", "1e-320", "1e308", "1e999", "nan", "inf", "-inf",
        "", " ", "-", "1" + "0" * 400, "balanced", "cat=2,dog=1", "dog=0", "cow=1", "a=b",
        "=3", "8x8", "2x1", "0x0", "auto", "sgd", "gd", "newton", "lbfgs", "boundary",
        "roc", "weights", "curves", "confusion", "animal", "x1", "mnist", "digits", "blobs",
        "127.0.0.1", "::1", "localhost", "999999", "2,1", "-1,3", "1;2", "x,y", "\x1b[31m",
        "é", "/dev/null", files["table"], files["model"], files["corrupt"], files["folder"],
        files["missing"], files["deep"],
    ]  # fmt: skip
    return st.one_of(
        st.sampled_from(fixed),
        st.text(max_size=8),
        st.integers(-5, 25).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )


def _out_path(files, kind):
    """A fresh output name (file or directory) under the module's folder."""
    return str(files["root"] / f"out-{next(_COUNTER)}{kind}")


#: Values that fit each option (by its dest); the fuzzer mixes them with junk, so that
#: command lines get far enough to train, predict, plot and write.
def _good(files, command, dest):
    suffix = {"train": ".json", "plot": ".png", "predict": ".csv"}.get(command, "")
    good = {
        "data": [files["table"]] if command != "demo" else [files["folder"]],
        "model": [files["model"]],
        "target": ["animal"],
        "out": [_out_path(files, suffix), "-"] if suffix else [_out_path(files, "")],
        "plot_data": [files["table"]],
        "point": ["2,1", "-1,3"],
        "shape": ["1x2", "2x1"],
        "alpha": ["0", "0.01"],
        "learning_rate": ["0.1", "1"],
        "batch_size": ["8"],
        "validation": ["0.2"],
        "seed": ["0", "3"],
        "threshold": ["0.3", "1"],
        "class_weight": ["balanced", "cat=2,dog=1"],
        "host": ["127.0.0.1"],
        "port": ["0"],
        "epochs": ["1", "3"],
    }
    return good.get(dest)


@st.composite
def _argv(draw, command, files):
    parser = next(
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    ).choices[command]
    junk = _values(files)

    def value(action):
        good = _good(files, command, action.dest)
        if action.dest == "epochs":  # a valid huge budget is only slow, not wrong
            return draw(st.sampled_from(["0", "1", "3", "-2", "1.5", "x", "", "1e3"]))
        if action.choices is not None and draw(st.integers(0, 3)):
            return draw(st.sampled_from(sorted(c for c in action.choices if c != "mnist")))
        if good is not None and draw(st.integers(0, 3)):
            return draw(st.sampled_from(good))
        return draw(junk)

    argv = [command]
    for action in parser._actions:
        if action.option_strings or action.dest == "help":
            continue
        if action.nargs == "?" and draw(st.booleans()):
            continue
        argv.append(value(action))
    options = [a for a in parser._actions if a.option_strings and a.dest != "help"]
    chosen = [a for a in options if a.required and draw(st.integers(0, 9))]
    chosen += draw(st.lists(st.sampled_from(options), max_size=5))
    for action in chosen:
        flag = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:
            argv.append(flag)
        elif draw(st.booleans()):
            argv.append(f"{flag}={value(action)}")
        else:
            argv += [flag, value(action)]
    if draw(st.integers(0, 9)) == 0:  # now and then something the parser never saw
        argv.insert(draw(st.integers(1, len(argv))), draw(st.sampled_from(["--bogus", "x"])))
    return argv


def _run(argv):
    """main(argv) with a stdout that has a binary buffer (as a terminal or pipe has)."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.StringIO()
    old_stdin, sys.stdin = sys.stdin, io.StringIO("2,1\n\n")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main(argv)
    finally:
        sys.stdin = old_stdin
    return status, err.getvalue()


class _Server:
    url = "http://127.0.0.1:1/"

    def serve_forever(self, poll_interval=0.5):
        raise KeyboardInterrupt

    def server_close(self):
        pass


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_line_ends_in_0_or_one_error_line(command, files, monkeypatch):
    import oneneuron.playground
    from oneneuron.cli import _pipeline

    monkeypatch.setattr(_pipeline, "draw_figures", lambda *args: ([], []))
    monkeypatch.setattr(oneneuron.playground, "make_server", lambda *a, **k: _Server())
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.chdir(files["root"])

    @FUZZ
    @given(argv=_argv(command, files))
    def check(argv):
        status, err = _run(argv)
        assert "Traceback" not in err, (argv, err)
        assert status in (0, 2), (argv, status, err)
        if status == 2:
            last = err.rstrip("\n").split("\n")[-1]
            assert last.startswith("oneneuron: error: "), (argv, err)
            assert len(last) > len("oneneuron: error: "), (argv, err)

    check()


def test_the_fuzzer_reaches_both_outcomes(files, monkeypatch):
    """The generator is not degenerate: some command lines work, some are refused."""
    monkeypatch.chdir(files["root"])
    ok = _run(["info", files["model"]])
    bad = _run(["train", files["table"], "--target", "nope", "--out", _out_path(files, ".json")])
    assert ok[0] == 0 and bad[0] == 2
    assert Path(files["model"]).is_file()
