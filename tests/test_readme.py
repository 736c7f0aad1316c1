"""The README's penalties walkthrough runs verbatim (what it shows must be true)."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

README = Path(__file__).resolve().parents[1] / "README.md"


def test_which_features_matter_snippet_runs(capsys):
    section = README.read_text(encoding="utf-8").split("## Which features matter", 1)[1]
    (code,) = re.findall(r"```python\n(.*?)```", section.split("\n## ", 1)[0], re.S)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "features kept" in printed and "Firth penalised likelihood" in printed
