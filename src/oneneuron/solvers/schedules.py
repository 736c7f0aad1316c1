"""Learning-rate schedules: plain functions of the step number, as in optax.

``make_schedule(name, learning_rate, total_steps)`` returns ``f(step) -> rate``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

__all__ = ["SCHEDULES", "make_schedule"]

Schedule = Callable[[int], float]


def constant(learning_rate: float, total_steps: int) -> Schedule:
    """The same rate at every step."""
    return lambda step: learning_rate


def invscaling(learning_rate: float, total_steps: int, power: float = 0.5) -> Schedule:
    """``learning_rate / (1 + step) ** power``: the classic Robbins-Monro decay."""
    return lambda step: learning_rate / (1.0 + step) ** power


def cosine(learning_rate: float, total_steps: int) -> Schedule:
    """Half a cosine from ``learning_rate`` down to 1% of it over ``total_steps``."""
    floor = 0.01 * learning_rate

    def rate(step: int) -> float:
        frac = min(step, total_steps) / max(total_steps, 1)
        return floor + 0.5 * (learning_rate - floor) * (1.0 + math.cos(math.pi * frac))

    return rate


SCHEDULES: dict[str, Callable[[float, int], Schedule]] = {
    "constant": constant,
    "invscaling": invscaling,
    "cosine": cosine,
}


def make_schedule(name: str, learning_rate: float, total_steps: int) -> Schedule:
    """The schedule called ``name`` (one of :data:`SCHEDULES`)."""
    try:
        factory = SCHEDULES[name]
    except KeyError:
        raise ValueError(
            f"unknown lr_schedule {name!r}; valid: {', '.join(sorted(SCHEDULES))}"
        ) from None
    return factory(learning_rate, total_steps)
