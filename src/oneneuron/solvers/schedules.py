"""Learning-rate schedules: plain functions of the step number, as in optax.

``make_schedule(name, learning_rate, total_steps)`` returns ``f(step) -> rate``: a small
frozen dataclass, so that a model in the middle of ``partial_fit`` pickles.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["SCHEDULES", "make_schedule"]

Schedule = Callable[[int], float]


@dataclass(frozen=True)
class _Constant:
    learning_rate: float

    def __call__(self, step: int) -> float:
        return self.learning_rate


@dataclass(frozen=True)
class _InvScaling:
    learning_rate: float
    power: float

    def __call__(self, step: int) -> float:
        return self.learning_rate / (1.0 + step) ** self.power


@dataclass(frozen=True)
class _Cosine:
    learning_rate: float
    total_steps: int

    def __call__(self, step: int) -> float:
        floor = 0.01 * self.learning_rate
        frac = min(step, self.total_steps) / max(self.total_steps, 1)
        return floor + 0.5 * (self.learning_rate - floor) * (1.0 + math.cos(math.pi * frac))


def constant(learning_rate: float, total_steps: int) -> Schedule:
    """The same rate at every step."""
    return _Constant(learning_rate)


def invscaling(learning_rate: float, total_steps: int, power: float = 0.5) -> Schedule:
    """``learning_rate / (1 + step) ** power``: the classic Robbins-Monro decay."""
    return _InvScaling(learning_rate, power)


def cosine(learning_rate: float, total_steps: int) -> Schedule:
    """Half a cosine from ``learning_rate`` down to 1% of it over ``total_steps``."""
    return _Cosine(learning_rate, total_steps)


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
