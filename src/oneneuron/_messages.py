"""Values in error messages as a user would write them: ``0``, ``'a'``, ``(0, 1, 2)``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["listing", "plain"]


def plain(value: Any, limit: int = 60) -> str:
    """``value`` as a user would write it: ``0``, ``2.5``, ``'a'``, ``[1, 2]``, never
    ``np.int64(0)``; cut at ``limit`` characters (an int of 400 digits is not read)."""
    if isinstance(value, (np.generic, np.ndarray)):
        value = value.tolist()
    elif isinstance(value, (list, tuple)):
        value = type(value)(v.item() if isinstance(v, np.generic) else v for v in value)
    text = repr(value)
    if isinstance(value, int) and not isinstance(value, bool) and len(text) > 20:
        return f"an integer of {len(text.lstrip('-'))} digits"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def listing(values: Iterable[Any], limit: int = 10) -> str:
    """``(0, 1, 2)``: at most ``limit`` values, then ``...``."""
    items = list(values)
    shown = ", ".join(plain(v) for v in items[:limit])
    return f"({shown}{', ...' if len(items) > limit else ''})"
