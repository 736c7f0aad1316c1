"""What the page may ask for: the settings of a run, their defaults, and every limit.

A request's JSON is checked here before anything is computed: unknown keys, wrong types,
NaN or infinite numbers and values out of range are a :class:`BadRequest` (400) naming
the field; a value over a size limit is a :class:`TooLarge` (413).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from ._features import CROSSES

__all__ = [
    "BUILTIN",
    "SOLVERS",
    "BadRequest",
    "Limits",
    "NotFound",
    "Settings",
    "TooLarge",
    "count",
    "number",
    "parse_settings",
]

#: The built-in data sets and their noise control: (parameter, default, low, high), or
#: None when the data set is fixed (real data has no noise knob and no sample count).
BUILTIN: dict[str, tuple[str, float, float, float] | None] = {
    "blobs": ("cluster_std", 1.0, 0.05, 5.0),
    "moons": ("noise", 0.2, 0.0, 1.0),
    "circles": ("noise", 0.1, 0.0, 1.0),
    "xor": ("noise", 0.2, 0.0, 1.0),
    "spirals": ("noise", 0.1, 0.0, 1.0),
    "digits": None,
    "breast-cancer": None,
}
SOLVERS = ("gd", "sgd", "newton", "lbfgs", "proxnewton")


class BadRequest(ValueError):
    """A request the server will not act on (HTTP 400); the message names the problem."""

    status = 400


class TooLarge(BadRequest):
    """A request over one of the :class:`Limits` (HTTP 413)."""

    status = 413


class NotFound(BadRequest):
    """An unknown session, upload or path (HTTP 404)."""

    status = 404


@dataclass(frozen=True)
class Limits:
    """Every bound the server enforces. The defaults are what ``oneneuron playground`` uses.

    Attributes
    ----------
    upload_bytes : int
        Largest table upload, in bytes (50 MiB).
    json_bytes : int
        Largest JSON request body.
    rows, columns, cells : int
        Most rows, columns and rows x columns of an uploaded table (each run keeps a few
        copies of its table in memory, and up to ``sessions`` runs are kept).
    samples : int
        Most points of a generated data set.
    steps : int
        Most training steps one request may ask for.
    step_seconds : float
        A step request returns after this long even if fewer steps were done.
    grid : int
        Largest probability-map resolution (grid x grid points).
    iterations : int
        Most iterations (epochs for sgd) of one run; it then stops.
    sessions, uploads : int
        Runs and uploaded tables kept in memory; the least recently used go first.
    points_shown : int
        Most training and test points sent to the page for drawing (a seeded sample).
    body_seconds : float
        Time allowed to receive a request body (a slow upload is cut off).
    idle_seconds : float
        A connection that sends nothing for this long is closed.
    connections : int
        Most requests handled at once; more get 503.
    """

    upload_bytes: int = 50 * 2**20
    json_bytes: int = 64 * 2**10
    rows: int = 100_000
    columns: int = 200
    cells: int = 5_000_000
    samples: int = 10_000
    steps: int = 1_000
    step_seconds: float = 0.5
    grid: int = 200
    iterations: int = 20_000
    sessions: int = 8
    uploads: int = 4
    points_shown: int = 2_000
    body_seconds: float = 60.0
    idle_seconds: float = 30.0
    connections: int = 32

    def public(self) -> dict[str, Any]:
        """The limits as JSON for the page."""
        return asdict(self)


@dataclass
class Settings:
    """One run's settings, as the page and the share URL spell them (all checked)."""

    dataset: str = "moons"
    n_samples: int = 200
    noise: float | None = None  # None: the data set's default
    seed: int = 0
    train_fraction: float = 0.7
    upload: str | None = None  # the id of an uploaded table (dataset == "upload")
    target: str | None = None  # its label column
    x: str | None = None  # the two features on view; None: chosen by the server
    y: str | None = None
    crosses: list[str] = field(default_factory=list)
    solver: str = "gd"
    learning_rate: float = 0.3
    alpha: float = 1e-4
    l1_ratio: float = 0.0  # the L1 share of the penalty (0: ridge, 1: lasso)
    batch_size: int = 32
    standardize: bool = False
    grid: int = 64

    def public(self) -> dict[str, Any]:
        """The settings as JSON (what the share URL holds)."""
        return asdict(self)


# (type, low, high, low_open): a number outside [low, high] is a 400, except for the
# keys in _SIZE_KEYS, where too high is a 413
_NUMBERS: dict[str, tuple[type, float, float, bool]] = {
    "n_samples": (int, 10, math.inf, False),
    "noise": (float, 0.0, math.inf, False),
    "seed": (int, 0, 2**32 - 1, False),
    "train_fraction": (float, 0.1, 0.9, False),
    "learning_rate": (float, 0.0, 100.0, True),
    "alpha": (float, 0.0, 100.0, False),
    "l1_ratio": (float, 0.0, 1.0, False),
    "batch_size": (int, 1, math.inf, False),
    "grid": (int, 8, math.inf, False),
}
_NAMES = ("dataset", "upload", "target", "x", "y", "solver")
_NAME_LENGTH = 200


def number(key: str, value: Any, kind: type, low: float, high: float, low_open: bool) -> Any:
    """``value`` checked as an int or a finite float in range; else :class:`BadRequest`."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRequest(f"{key} must be a number; got {_show(value)}")
    # JSON integers have no size limit: compare them exactly, never convert them to float
    if isinstance(value, float) and not math.isfinite(value):
        raise BadRequest(f"{key} must be a finite number; got {value}")
    if value < low or (low_open and value == low) or value > high:
        lo = f"> {low:g}" if low_open else f">= {low:g}"
        hi = "" if math.isinf(high) else f" and <= {high:g}"
        raise BadRequest(f"{key} must be {lo}{hi}; got {_show(value)}")
    if kind is int:
        if isinstance(value, float) and not value.is_integer():
            raise BadRequest(f"{key} must be a whole number; got {value}")
        return int(value)
    return float(value)


def count(value: int) -> str:
    """An integer with thousands separators, shortened when absurdly long."""
    text = f"{value:,}"
    return text if len(text) <= 30 else text[:27] + "..."


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_settings(raw: Any, limits: Limits) -> Settings:
    """Check a settings object from the page.

    Parameters
    ----------
    raw : object
        The decoded JSON: an object whose keys are :class:`Settings` fields (missing keys
        take their defaults).
    limits : Limits

    Returns
    -------
    Settings

    Raises
    ------
    BadRequest
        For anything but an object, an unknown key, a wrong type or a value out of range.
    TooLarge
        For ``n_samples`` over ``limits.samples``, ``grid`` over ``limits.grid`` or
        ``batch_size`` over ``limits.rows``.
    """
    if not isinstance(raw, dict):
        raise BadRequest(f"settings must be a JSON object; got {_show(raw)}")
    known = set(Settings.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise BadRequest(f"unknown setting(s) {unknown}; valid: {', '.join(sorted(known))}")
    values: dict[str, Any] = {}
    caps = {"n_samples": limits.samples, "grid": limits.grid, "batch_size": limits.rows}
    for key, value in raw.items():
        if key in _NUMBERS:
            if value is None and key == "noise":
                continue
            kind, low, high, low_open = _NUMBERS[key]
            if key in caps:
                checked = number(key, value, kind, low, math.inf, low_open)
                if checked > caps[key]:
                    raise TooLarge(
                        f"{key} is {count(checked)}; the playground allows at most {caps[key]:,}"
                    )
                values[key] = checked
            else:
                values[key] = number(key, value, kind, low, high, low_open)
        elif key in _NAMES:
            if value is None and key not in ("dataset", "solver"):
                continue
            if not isinstance(value, str) or not value or len(value) > _NAME_LENGTH:
                raise BadRequest(
                    f"{key} must be a non-empty string of at most {_NAME_LENGTH} characters; "
                    f"got {_show(value)}"
                )
            values[key] = value
        elif key == "standardize":
            if not isinstance(value, bool):
                raise BadRequest(f"standardize must be true or false; got {_show(value)}")
            values[key] = value
        elif key == "crosses":
            if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
                raise BadRequest(f"crosses must be a list of names; got {_show(value)}")
            bad = [c for c in value if c not in CROSSES]
            if bad or len(set(value)) != len(value):
                raise BadRequest(
                    f"crosses must be distinct names from {', '.join(CROSSES)}; got {value}"
                )
            values[key] = [c for c in CROSSES if c in value]  # a canonical order
    settings = Settings(**values)
    if settings.dataset != "upload" and settings.dataset not in BUILTIN:
        raise BadRequest(
            f"unknown dataset {settings.dataset!r}; valid: {', '.join([*BUILTIN, 'upload'])}"
        )
    if settings.dataset == "upload" and (settings.upload is None or settings.target is None):
        raise BadRequest("dataset 'upload' needs the upload's id and a target column")
    if settings.solver not in SOLVERS:
        raise BadRequest(f"unknown solver {settings.solver!r}; valid: {', '.join(SOLVERS)}")
    if settings.l1_ratio > 0 and settings.alpha > 0 and settings.solver in ("newton", "lbfgs"):
        raise BadRequest(
            f"solver {settings.solver!r} needs a smooth penalty; with l1_ratio > 0 use gd, "
            "sgd (proximal steps) or proxnewton"
        )
    if (settings.x is None) != (settings.y is None):
        raise BadRequest("give both x and y (the two features on view), or neither")
    spec = BUILTIN.get(settings.dataset)
    if settings.noise is not None and spec is not None:
        settings.noise = number(spec[0], settings.noise, float, spec[2], spec[3], False)
    return settings
