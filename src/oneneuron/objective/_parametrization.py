"""Standardisation as a change of parameters: the solver's theta and the raw coefficients.

A model fitted with ``standardize=True`` is ``z = ((x - m) / s) . w + b``: the solver
works on ``theta = [w, b]`` (well scaled: every column of the standardised data has unit
variance), while the data are only ever multiplied by the raw coefficients

.. math::

    w_{raw} = w / s, \\qquad b_{raw} = b - m \\cdot w_{raw},

which give the same logits on raw X. X is never copied or transformed: dense rows, CSR
rows, file chunks and Dask blocks are all read as they are. The map is linear,
``[w_raw, b_raw] = A theta``, so derivatives are pulled back with its transpose:

.. math::

    \\nabla_\\theta J = A^T \\nabla_{raw} J, \\qquad H_\\theta = A^T H_{raw} A,

that is ``dJ/dw = (dJ/dw_raw - m dJ/db_raw) / s`` and ``dJ/db = dJ/db_raw``. Without an
intercept, ``b_raw = -m . w_raw`` still holds (the model is centred by construction).
The penalty acts on theta's w, the standardised weights, as before.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["Standardization"]

Array = NDArray[np.floating]


class Standardization:
    """The linear map between the solver's theta and raw ``(w_raw, b_raw)``.

    Parameters
    ----------
    offset : ndarray of shape (d,) or None
        Column means m (None: no centring).
    scale : ndarray of shape (d,) or None
        Column scales s > 0 (None: no scaling).
    fit_intercept : bool
        Whether theta ends with an intercept b.
    n_features : int
    """

    def __init__(
        self, offset: Array | None, scale: Array | None, fit_intercept: bool, n_features: int
    ) -> None:
        self.offset = None if offset is None else np.asarray(offset, dtype=np.float64)
        self.scale = None if scale is None else np.asarray(scale, dtype=np.float64)
        self.fit_intercept = bool(fit_intercept)
        self.n_features = int(n_features)
        self.inv_scale = None if self.scale is None else 1.0 / self.scale

    @property
    def identity(self) -> bool:
        """True when theta is the raw coefficients."""
        return self.offset is None and self.scale is None

    def split(self, theta: Array) -> tuple[Array, float]:
        """``(w, b)`` of theta; b is 0 without an intercept."""
        if self.fit_intercept:
            return theta[:-1], float(theta[-1])
        return theta, 0.0

    def raw(self, theta: Array) -> tuple[Array, float]:
        """``(w_raw, b_raw) = A theta``: what raw rows are multiplied by."""
        w, b = self.split(np.asarray(theta, dtype=np.float64))
        if self.inv_scale is not None:
            w = w * self.inv_scale
        if self.offset is not None:
            b = b - float(self.offset @ w)
        return w, b

    def from_raw(self, w_raw: Array, b_raw: float) -> Array:
        """theta for given raw coefficients (the inverse map; b is dropped without an
        intercept, where it must equal ``-m . w_raw``)."""
        w = np.asarray(w_raw, dtype=np.float64)
        b = float(b_raw)
        if self.offset is not None:
            b = b + float(self.offset @ w)
        if self.scale is not None:
            w = w * self.scale
        return np.append(w, b) if self.fit_intercept else np.array(w, dtype=np.float64)

    def pull_gradient(self, grad_w_raw: Array, grad_b_raw: float) -> Array:
        """``A^T [grad_w_raw, grad_b_raw]``: the gradient with respect to theta."""
        g = np.asarray(grad_w_raw, dtype=np.float64)
        if self.offset is not None:
            g = g - self.offset * grad_b_raw
        if self.inv_scale is not None:
            g = g * self.inv_scale
        return np.append(g, grad_b_raw) if self.fit_intercept else np.array(g, dtype=np.float64)

    def matrix(self) -> Array:
        """A as a dense ((d + 1), n_params) matrix."""
        d = self.n_features
        p = d + int(self.fit_intercept)
        A = np.zeros((d + 1, p))
        A[np.arange(d), np.arange(d)] = 1.0 if self.inv_scale is None else self.inv_scale
        if self.offset is not None:
            A[d, :d] = -self.offset * (1.0 if self.inv_scale is None else self.inv_scale)
        if self.fit_intercept:
            A[d, d] = 1.0
        return A

    def pull_hessian(self, hess_raw: Array) -> Array:
        """``A^T H_raw A`` for a ((d + 1), (d + 1)) Hessian in raw coordinates."""
        A = self.matrix()
        out: Any = A.T @ hess_raw @ A
        return np.asarray(out)
