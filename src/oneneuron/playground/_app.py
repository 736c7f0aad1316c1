"""The playground's state and actions, without HTTP: sessions, uploads, and one lock.

Each public method is one endpoint of :mod:`._server`: it takes decoded JSON (or bytes),
returns something JSON-ready, and raises :class:`~._settings.BadRequest` (or a subclass)
for anything it will not do. All model work runs under one lock: it keeps the engine's
process-wide settings (the BLAS thread limit a training step sets, the warning filters
that collect a step's warnings for the page) to one thread at a time.
"""

from __future__ import annotations

import re
import secrets
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from .. import datasets
from .._version import __version__
from ..io import save_model
from ._data import Upload, prepare
from ._features import CROSSES
from ._session import Session, finite
from ._settings import (
    BUILTIN,
    SOLVERS,
    BadRequest,
    Limits,
    NotFound,
    Settings,
    TooLarge,
    count,
    number,
    parse_settings,
)
from ._snippet import snippet

__all__ = ["Playground"]

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")


def _clean_name(name: str) -> str:
    """An upload's file name, reduced to a short base name without control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()[-100:]
    return base or "upload.csv"


class Playground:
    """Sessions and uploads in memory, least recently used dropped first.

    Parameters
    ----------
    limits : Limits, optional
    """

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.lock = threading.RLock()
        self.sessions: OrderedDict[str, Session] = OrderedDict()
        self.uploads: OrderedDict[str, Upload] = OrderedDict()
        self.initial: dict[str, Any] = {}

    # ------------------------------------------------------------------ lookups
    def _session(self, sid: str) -> Session:
        session = self.sessions.get(sid) if _ID.match(sid) else None
        if session is None:
            raise NotFound(f"no session {sid[:64]!r}: it expired or the server restarted")
        self.sessions.move_to_end(sid)
        return session

    @staticmethod
    def _body(raw: Any, keys: dict[str, Any]) -> dict[str, Any]:
        """``raw`` as an object with only ``keys`` (defaults: their values)."""
        if not isinstance(raw, dict):
            raise BadRequest("the request body must be a JSON object")
        unknown = sorted(set(raw) - set(keys))
        if unknown:
            raise BadRequest(f"unknown field(s) {unknown}; valid: {', '.join(keys)}")
        return {**keys, **raw}

    # ---------------------------------------------------------------- endpoints
    def options(self) -> dict[str, Any]:
        """What the page offers: data sets, solvers, crosses, defaults and limits."""
        return {
            "version": __version__,
            "datasets": {
                name: None
                if spec is None
                else {"name": spec[0], "default": spec[1], "low": spec[2], "high": spec[3]}
                for name, spec in BUILTIN.items()
            },
            "solvers": list(SOLVERS),
            "crosses": dict(CROSSES),
            "defaults": Settings().public(),
            "limits": self.limits.public(),
            "initial": self.initial,
            "extensions": list(datasets.SUPPORTED_TABLE_EXTENSIONS),
        }

    def upload(self, data: bytes, name: str) -> dict[str, Any]:
        """Read an uploaded table (in memory only) and describe its columns."""
        clean = _clean_name(name)
        lim = self.limits
        with self.lock:
            try:
                frame = datasets.read_table_bytes(
                    data,
                    clean,
                    max_bytes=4 * lim.upload_bytes,
                    max_rows=lim.rows,
                    max_columns=lim.columns,
                )
            except datasets.TableTooLargeError as exc:
                raise TooLarge(str(exc)) from None
            except (ValueError, ImportError) as exc:
                raise BadRequest(str(exc)) from None
            if frame.shape[0] == 0:
                raise BadRequest(f"{clean}: the table is empty (header only, no rows)")
            if frame.size > lim.cells:
                raise TooLarge(
                    f"{clean}: {frame.shape[0]:,} rows x {frame.shape[1]:,} columns is "
                    f"{frame.size:,} cells; the playground allows {lim.cells:,}"
                )
            upload = Upload(secrets.token_urlsafe(12), clean, frame, len(data))
            self.uploads[upload.id] = upload
            self._forget_old_uploads()
            return upload.describe()

    def _forget_old_uploads(self) -> None:
        """Keep ``limits.uploads`` tables, never the one given on the command line."""
        pinned = self.initial.get("upload")
        for uid in list(self.uploads):
            if len(self.uploads) <= self.limits.uploads:
                break
            if uid != pinned:
                del self.uploads[uid]

    def load_file(self, path: str, target: str) -> None:
        """Start with the table at ``path`` (from the command line) and its ``target``.

        Raises
        ------
        ValueError
            When the file cannot be read or used (the message names it and the problem).
        """
        lim = self.limits
        frame = datasets.read_table(
            path, max_bytes=4 * lim.upload_bytes, max_rows=lim.rows, max_columns=lim.columns
        )
        if frame.size > lim.cells:
            raise ValueError(
                f"{path}: {frame.size:,} cells (rows x columns); the playground allows "
                f"{lim.cells:,}"
            )
        upload = Upload(secrets.token_urlsafe(12), _clean_name(str(path)), frame, 0)
        settings = Settings(dataset="upload", upload=upload.id, target=target)
        with self.lock:  # fails now, not in the page
            Session(settings, prepare(settings, {upload.id: upload}, lim), lim)
            self.uploads[upload.id] = upload
            self.initial = {"dataset": "upload", "upload": upload.id, "target": target}

    def create(self, raw: Any) -> dict[str, Any]:
        """A new session from a settings object; its data and its first update."""
        settings = parse_settings(raw, self.limits)
        with self.lock:
            try:
                data = prepare(settings, dict(self.uploads), self.limits)
                session = Session(settings, data, self.limits)
            except BadRequest:
                raise
            except ValueError as exc:  # a table the model cannot use (NaN, labels, ...)
                raise BadRequest(str(exc)) from None
            sid = secrets.token_urlsafe(16)
            self.sessions[sid] = session
            while len(self.sessions) > self.limits.sessions:
                self.sessions.popitem(last=False)
            settings.x, settings.y = data.view
            return {
                "session": sid,
                "settings": settings.public(),
                "data": self._describe(session),
                "update": session.update(),
            }

    def _describe(self, session: Session) -> dict[str, Any]:
        d, lim = session.data, self.limits
        rng = np.random.default_rng(session.settings.seed)
        n_train, n_test = len(d.y_train), len(d.y_test)
        share = min(1.0, lim.points_shown / (n_train + n_test))
        classes = session.model.classes_

        def points(X: Any, y: Any, n: int) -> dict[str, Any]:
            keep = np.arange(n)
            if share < 1:
                keep = np.sort(rng.choice(n, size=max(1, int(share * n)), replace=False))
            view = X[list(d.view)].to_numpy()[keep]
            return {
                "x": [finite(v, 6) for v in view[:, 0]],
                "y": [finite(v, 6) for v in view[:, 1]],
                "c": (np.asarray(y)[keep] == classes[1]).astype(int).tolist(),
            }

        return {
            "name": d.dataset.name,
            "description": d.dataset.description,
            "features": d.dataset.feature_names,
            "model_features": d.feature_names,
            "view": list(d.view),
            "classes": [str(c) for c in classes],
            "n_train": n_train,
            "n_test": n_test,
            "skipped": d.skipped,
            "slice": {k: finite(v) for k, v in d.slice.items()},
            "bounds": list(d.bounds),
            "train": points(d.X_train, d.y_train, n_train),
            "test": points(d.X_test, d.y_test, n_test),
        }

    def step(self, sid: str, raw: Any) -> dict[str, Any]:
        """Train ``steps`` more iterations (``{"steps": n, "equations": bool}``; 0 redraws)."""
        body = self._body(raw, {"steps": 1, "equations": False})
        steps = number("steps", body["steps"], int, 0, float("inf"), False)
        if steps > self.limits.steps:
            raise TooLarge(
                f"steps is {count(steps)}; one request may ask for at most {self.limits.steps:,}"
            )
        equations = body["equations"]
        if not isinstance(equations, bool):
            raise BadRequest("equations must be true or false")
        with self.lock:
            session = self._session(sid)
            done = session.step(steps)
            return {**session.update(equations), "steps": done}

    def reset(self, sid: str, raw: Any) -> dict[str, Any]:
        """Back to iteration 0 with the same data and settings."""
        body = self._body(raw, {"equations": False})
        if not isinstance(body["equations"], bool):
            raise BadRequest("equations must be true or false")
        with self.lock:
            session = self._session(sid)
            session.reset()
            return session.update(body["equations"])

    def predict(self, sid: str, raw: Any) -> dict[str, Any]:
        """Class and probability of one view point (``{"point": [x, y]}``)."""
        body = self._body(raw, {"point": None})
        point = body["point"]
        if not isinstance(point, list) or len(point) != 2:
            raise BadRequest(f"point must be a list [x, y] of two numbers; got {point!r:.60}")
        with self.lock:
            session = self._session(sid)
            # far beyond the data nothing changes but the risk of overflow: bound it
            reach = 1e6 * max(1.0, *(abs(b) for b in session.data.bounds))
            x, y = (
                number(f"point[{i}]", v, float, -reach, reach, False) for i, v in enumerate(point)
            )
            try:
                return session.predict(x, y)
            except ValueError as exc:  # a cross that overflows at this point
                raise BadRequest(str(exc)) from None

    def model_file(self, sid: str) -> bytes:
        """The session's model as oneneuron's JSON model file."""
        with self.lock:
            session = self._session(sid)
            with tempfile.TemporaryDirectory(prefix="oneneuron-playground-") as tmp:
                path = save_model(session.model, Path(tmp) / "model.json")
                return path.read_bytes()

    def snippet(self, sid: str) -> str:
        """A Python script that reproduces the session's model."""
        with self.lock:
            return snippet(self._session(sid))
