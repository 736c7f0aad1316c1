"""What the options of ``oneneuron`` accept: the choices, and the value types that turn
text into checked values (an :class:`argparse.ArgumentTypeError` names the bad text).

Standard library only: ``oneneuron --help`` imports no NumPy.
"""

from __future__ import annotations

import argparse
import math
import re
from typing import Any

__all__ = [
    "COV_TYPES",
    "DEMO_DATASETS",
    "EXPORT_FORMATS",
    "PLOT_KINDS",
    "SOLVER_CHOICES",
    "join_negative_points",
    "parse_shape",
]

#: The names of :data:`oneneuron.datasets.DATASETS`, spelled out so that ``--help`` does not
#: import NumPy (a test holds the two equal).
DEMO_DATASETS = [
    "blobs",
    "moons",
    "circles",
    "xor",
    "spirals",
    "digits",
    "breast-cancer",
    "mnist",
    "digits10",
]
PLOT_KINDS = ["boundary", "roc", "confusion", "weights", "curves"]
EXPORT_FORMATS = ["onnx"]
SOLVER_CHOICES = ["auto", "newton", "lbfgs", "newton-cg", "proxnewton", "gd", "sgd"]
#: The covariance types of :func:`oneneuron.inference.summary` (a test holds them equal).
COV_TYPES = ["nonrobust", "HC0", "HC1", "cluster"]


# ------------------------------------------------------------------------ value types
def _int_at_least(low: int) -> Any:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be an integer >= {low}; got {value}")
        return value

    return parse


def _float_in(
    low: float, high: float = math.inf, *, low_open: bool = False, high_open: bool = True
) -> Any:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        below = value < high if high_open else value <= high
        ok = math.isfinite(value) and (value > low if low_open else value >= low) and below
        if not ok:
            lo = ("> " if low_open else ">= ") + f"{low:g}"
            hi = "" if math.isinf(high) else (" and < " if high_open else " and <= ") + f"{high:g}"
            raise argparse.ArgumentTypeError(f"must be a finite number {lo}{hi}; got {text!r}")
        return value

    return parse


def _class_weight(text: str) -> Any:
    """``balanced``, or ``LABEL=WEIGHT,LABEL=WEIGHT`` as a list of (label text, weight)."""
    if text.strip().lower() == "balanced":
        return "balanced"
    pairs = []
    for item in text.split(","):
        label, sep, weight = item.rpartition("=")
        if not sep or not label.strip():
            raise argparse.ArgumentTypeError(
                f"expected 'balanced' or LABEL=WEIGHT pairs such as 0=1,1=5; got {text!r}"
            )
        try:
            value = _float_in(0.0, 1e12, high_open=False)(weight)
        except argparse.ArgumentTypeError as exc:
            raise argparse.ArgumentTypeError(f"weight of {label.strip()!r}: {exc}") from None
        pairs.append((label.strip(), value))
    return pairs


def _dataset(text: str) -> str:
    return text.strip().lower().replace("_", "-")


def parse_shape(text: str) -> tuple[int, int]:
    """``"8x8"`` -> (8, 8)."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX,]\s*(\d+)\s*", text)
    if not match or 0 in (int(match[1]), int(match[2])):
        raise argparse.ArgumentTypeError(f"expected HEIGHTxWIDTH such as 8x8; got {text!r}")
    return int(match[1]), int(match[2])


def join_negative_points(argv: list[str]) -> list[str]:
    """Turn ``--point -1,3`` into ``--point=-1,3`` (argparse reads -1,3 as an option)."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        nxt = argv[i + 1] if i + 1 < len(argv) else ""
        if argv[i] == "--point" and re.match(r"-[\d.]", nxt):
            out.append(f"--point={nxt}")
            i += 2
        else:
            out.append(argv[i])
            i += 1
    return out


def _port(text: str) -> int:
    value = _int_at_least(0)(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"must be a port number 0..65535; got {value}")
    return int(value)
