"""One run: its data, a LogisticRegression, and the ``fit_iter`` generator that trains it.

Play, pause and step are the page asking for N more ``next()`` calls; everything the page
draws (the probability map and its 0.5 contour, the curves, the weights, the equations)
is computed here from the model with oneneuron's own functions.
"""

from __future__ import annotations

import base64
import math
import time
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import textbook
from ..estimator import LogisticRegression
from ..penalties import soft_threshold
from ._data import Prepared
from ._settings import BadRequest, Limits, Settings

__all__ = ["TOL", "Session", "finite"]

#: Training stops when max |gradient| <= TOL (exact solvers get there in a few steps).
TOL = 1e-6
CURVE_POINTS = 400
_COLUMNS = ("iteration", "loss", "accuracy", "val_loss", "val_accuracy")


def finite(value: Any, digits: int | None = None) -> float | None:
    """A float for JSON (None if not finite), rounded to ``digits`` significant digits
    when given: drawing needs no more, and it keeps the replies small."""
    v = float(value)
    if not math.isfinite(v):
        return None
    return v if digits is None else float(f"{v:.{digits}g}")


def _floats(values: Any, digits: int | None = None) -> list[float | None]:
    return [finite(v, digits) for v in np.asarray(values, dtype=np.float64).ravel()]


def _label(value: Any) -> Any:
    """A class label as JSON: numbers and bools stay, anything else becomes a string."""
    item = value.item() if isinstance(value, np.generic) else value
    return item if isinstance(item, (bool, int, float)) else str(item)


class Session:
    """A training run the page drives.

    Parameters
    ----------
    settings : Settings
    data : Prepared
    limits : Limits
    """

    def __init__(self, settings: Settings, data: Prepared, limits: Limits) -> None:
        """Build the model and take its starting point (ValueError: unusable input)."""
        self.settings, self.data, self.limits = settings, data, limits
        self.model = LogisticRegression(
            solver=settings.solver,
            learning_rate=settings.learning_rate,
            alpha=settings.alpha,
            l1_ratio=settings.l1_ratio,
            batch_size=settings.batch_size,
            standardize=settings.standardize,
            max_iter=limits.iterations,
            tol=TOL,
            random_state=settings.seed,
        )
        self.reset()

    # ------------------------------------------------------------------ training
    def reset(self) -> None:
        """Start again from zero weights (a new ``fit_iter`` generator)."""
        d = self.data
        self._steps: Iterator[dict[str, Any]] = self.model.fit_iter(
            d.X_train, d.y_train, eval_set=(d.X_test, d.y_test)
        )
        self.curves: dict[str, list[float]] = {k: [] for k in _COLUMNS}
        self.done = False
        self.stop_reason: str | None = None
        self.messages: list[str] = []
        self._first = True  # the first next() checks the input: its errors are the caller's
        try:
            self.step(1)  # the starting point: iteration 0
        finally:
            self._first = False

    def step(self, n: int) -> int:
        """Run up to ``n`` iterations (fewer when training ends or time runs out).

        Returns
        -------
        int
            The iterations done.
        """
        deadline = time.perf_counter() + self.limits.step_seconds
        done = 0
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            while done < n and not self.done:
                try:
                    record = next(self._steps)
                except StopIteration:
                    self._stop(self.model.stop_reason_)
                    break
                except (FloatingPointError, ValueError) as exc:  # diverged
                    if self._first:
                        raise
                    self._stop(str(exc))
                    self.messages.append(str(exc))
                    break
                for key in _COLUMNS:
                    self.curves[key].append(record.get(key, math.nan))
                done += 1
                if time.perf_counter() > deadline:
                    break
            if not self.done and not np.isfinite(self.model.coef_).all():
                self._stop("the weights are no longer finite numbers (overflow)")
                self.messages.append(str(self.stop_reason))
            if not self.done and self.iteration >= self.limits.iterations:
                try:  # at max_iter: this ends the generator (the engine's own ending)
                    next(self._steps)
                except StopIteration:
                    self._stop(self.model.stop_reason_)
        for w in caught:
            text = " ".join(str(w.message).split())
            if text not in self.messages:
                self.messages.append(text)
        return done

    def _stop(self, reason: str) -> None:
        self.done = True
        reasons = {
            "tol": f"converged: max |gradient| <= {TOL:g}",
            "max_iter": f"reached the playground's limit of {self.limits.iterations:,} "
            f"{self.unit}s",
        }
        self.stop_reason = reasons.get(reason, reason)

    @property
    def iteration(self) -> int:
        """Iterations (epochs for sgd) done so far."""
        return int(self.model.n_iter_)

    @property
    def unit(self) -> str:
        return "epoch" if self.settings.solver == "sgd" else "iteration"

    # ------------------------------------------------------------------ views
    def grid(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The view's grid axes and P(class 1) on it, shape (grid, grid), rows along y."""
        g = self.settings.grid
        x0, x1, y0, y1 = self.data.bounds
        xs, ys = np.linspace(x0, x1, g), np.linspace(y0, y1, g)
        gx, gy = np.meshgrid(xs, ys)
        proba = self.model.predict_proba(self.data.rows(gx.ravel(), gy.ravel()))[:, 1]
        return xs, ys, proba.reshape(g, g)

    def update(self, equations: bool = False) -> dict[str, Any]:
        """Everything the page redraws after a step."""
        from contourpy import contour_generator

        xs, ys, proba = self.grid()
        proba = np.nan_to_num(proba, nan=0.5)  # only with non-finite weights (then stopped)
        lines = contour_generator(xs, ys, proba, line_type="Separate").lines(0.5)
        codes = np.rint(proba * 255).astype(np.uint8)
        n = len(self.curves["iteration"])
        keep = np.unique(np.linspace(0, n - 1, min(n, CURVE_POINTS)).round().astype(int))
        last = {k: finite(v[-1]) for k, v in self.curves.items()}
        return {
            "iteration": self.iteration,
            "unit": self.unit,
            "done": self.done,
            "stop_reason": self.stop_reason,
            "weights": _floats(self.model.coef_[0]),
            "bias": finite(self.model.intercept_[0]),
            "record": last,
            "curves": {k: _floats(np.asarray(v)[keep], 6) for k, v in self.curves.items()},
            "grid": {"n": self.settings.grid, "p": base64.b64encode(codes.tobytes()).decode()},
            "contour": [_floats(np.asarray(line).ravel(), 5) for line in lines],
            "messages": list(self.messages),
            "equations": self.equations() if equations else None,
        }

    def predict(self, x: float, y: float) -> dict[str, Any]:
        """The model's answer for the view point (x, y), other features at the slice."""
        row = self.data.rows(np.array([x]), np.array([y]))
        proba = float(self.model.predict_proba(row)[0, 1])
        if not math.isfinite(proba):
            raise BadRequest(
                "the model's weights are not finite numbers: reset, or lower the learning rate"
            )
        label = self.model.predict(row)[0]
        return {
            "point": [x, y],
            "features": dict(zip(self.data.feature_names, _floats(row.to_numpy()[0]), strict=True)),
            "z": finite(self.model.decision_function(row)[0]),
            "probability": proba,
            "class": _label(label),
            "class_index": int(label == self.model.classes_[1]),
        }

    def equations(self) -> dict[str, Any]:
        """The seeds' equations with the current numbers, from :mod:`oneneuron.textbook`.

        The cost and gradients are the data term on the training set, in the units of the
        raw features; ``J`` is the engine's objective (penalty included, on the
        standardised weights when ``standardize`` is on).
        """
        m = self.model
        X = self.data.X_train.to_numpy(dtype=np.float64)
        Y = (self.data.y_train == m.classes_[1]).astype(np.float64)
        W = m.coef_.reshape(-1, 1)
        params: dict[str, Any] = {"W": W, "b": float(m.intercept_[0])}
        A, cache = textbook.forward_propagation(X, params)
        grads = textbook.backward_propagation(X, Y, A)
        s = self.settings
        penalty = s.alpha * (1.0 - s.l1_ratio) * W  # the smooth (L2) part's gradient
        l1 = s.alpha * s.l1_ratio  # the L1 part: a soft threshold after the step
        out: dict[str, Any] = {
            "m": len(Y),
            "example": {
                "x": _floats(X[0]),
                "y": int(Y[0]),
                "z": finite(cache["Z"][0, 0]),
                "a": finite(A[0, 0]),
            },
            "cost": finite(textbook.compute_cost(A, Y, cache)),
            "J": finite(self.curves["loss"][-1]),
            "dW": _floats(grads["dW"]),
            "db": finite(grads["db"]),
            "alpha_w": _floats(penalty),
            "l1": l1,
            "learning_rate": self.settings.learning_rate,
            "next": None,
        }
        if self.settings.solver == "gd" and not self.settings.standardize:
            full = {"dW": grads["dW"] + penalty, "db": grads["db"]}
            step = textbook.update_parameters(params, full, self.settings.learning_rate)
            if l1 > 0:
                step["W"] = soft_threshold(step["W"], self.settings.learning_rate * l1)
            out["next"] = {"W": _floats(step["W"]), "b": finite(step["b"])}
        return out
