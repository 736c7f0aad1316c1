"""The README runs verbatim: its Python blocks, the output they promise, its model-file
sample (held to a real file's fields) and its list of commands."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import matplotlib
import pytest

import oneneuron
from oneneuron import LogisticRegression
from oneneuron.cli._parser import build_parser
from oneneuron.datasets import make_blobs

README = Path(__file__).resolve().parent.parent / "README.md"


def _blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("index", range(len(_blocks("python"))))
def test_python_blocks_run_as_written(index, tmp_path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    code = _blocks("python")[index]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, f"README.md python block {index}", "exec"), {})
    # a comment that shows printed output ("Point ... -> class 1 (p = 0.97)") is printed
    for shown in re.findall(r"#\s*(Point .*)$", code, re.M):
        assert shown.strip() in printed.getvalue()


def test_there_are_python_blocks():
    assert len(_blocks("python")) >= 2


def _real_model_file(tmp_path):
    data = make_blobs(n_samples=200, centers=2, random_state=42)
    path = LogisticRegression().fit(data.X, data.y).save(tmp_path / "model.json")
    return json.loads(path.read_text(encoding="utf-8"))


def _same_fields(sample, real, where="file"):
    """Every key of the sample is a key of the real file (in the same order at the top),
    and every value shown is the real one ("..." stands for the rest)."""
    if isinstance(sample, dict):
        assert isinstance(real, dict), where
        shown = [k for k in sample if k != "..."]
        assert set(shown) <= set(real), (where, set(shown) - set(real))
        for key in shown:
            _same_fields(sample[key], real[key], f"{where}.{key}")
    elif isinstance(sample, list) and sample == ["..."]:
        assert isinstance(real, list), where
    elif isinstance(sample, float):
        assert sample == pytest.approx(real, rel=1e-6), where
    else:
        assert sample == real, where


def test_the_model_file_sample_is_a_real_file(tmp_path):
    (sample_text,) = _blocks("json")
    sample = json.loads(sample_text)
    real = _real_model_file(tmp_path)
    assert list(sample) == list(real)  # every top-level field, in the file's order
    for key in ("created", "checksum", "library_version"):
        sample.pop(key)
    _same_fields(sample, real)
    assert real["library_version"] == oneneuron.__version__
    assert real["checksum"].startswith("sha256:")


def test_every_command_is_in_the_readme():
    (commands,) = [b for b in _blocks("bash") if "oneneuron train" in b]
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in sub.choices:
        assert f"oneneuron {name} " in commands, name


def test_which_features_matter_prints_what_it_says(capsys):
    matplotlib.use("Agg")
    section = README.read_text(encoding="utf-8").split("## Which features matter", 1)[1]
    (code,) = re.findall(r"```python\n(.*?)```", section.split("\n## ", 1)[0], re.S)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "features kept" in printed and "Firth penalised likelihood" in printed
