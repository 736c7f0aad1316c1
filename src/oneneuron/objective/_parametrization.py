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

**K outputs** (multinomial, ``n_outputs = K >= 2`` rows of weights): theta is
``[vec(W), b]`` with W of shape (K, d) flattened row by row (class by class) and K
intercepts last; the same map applies to every class row, ``W_raw = W / s`` and
``b_raw = b - W_raw m``. ``n_outputs = 1`` is the binary model above, unchanged.
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
    n_outputs : int
        Rows of weights: 1 (binary, one neuron) or K (multinomial).
    """

    def __init__(
        self,
        offset: Array | None,
        scale: Array | None,
        fit_intercept: bool,
        n_features: int,
        n_outputs: int = 1,
    ) -> None:
        self.offset = None if offset is None else np.asarray(offset, dtype=np.float64)
        self.scale = None if scale is None else np.asarray(scale, dtype=np.float64)
        self.fit_intercept = bool(fit_intercept)
        self.n_features = int(n_features)
        self.inv_scale = None if self.scale is None else 1.0 / self.scale
        self.n_outputs = int(n_outputs)

    @property
    def n_weights(self) -> int:
        """Entries of theta that are weights (the penalised part): ``K d``."""
        return self.n_outputs * self.n_features

    @property
    def n_params(self) -> int:
        """Length of theta."""
        return (self.n_features + int(self.fit_intercept)) * self.n_outputs

    @property
    def identity(self) -> bool:
        """True when theta is the raw coefficients."""
        return self.offset is None and self.scale is None

    def split(self, theta: Array) -> tuple[Array, Any]:
        """``(w, b)`` of theta; b is 0 without an intercept. With K outputs, w is the
        flattened (K d,) weights and b an array of K intercepts."""
        if self.n_outputs > 1:
            kd = self.n_weights
            b = theta[kd:] if self.fit_intercept else np.zeros(self.n_outputs)
            return theta[:kd], b
        if self.fit_intercept:
            return theta[:-1], float(theta[-1])
        return theta, 0.0

    def raw(self, theta: Array) -> tuple[Array, Any]:
        """``(w_raw, b_raw) = A theta``: what raw rows are multiplied by (K outputs: W_raw
        of shape (K, d) and b_raw of shape (K,))."""
        if self.n_outputs > 1:
            return self._raw_rows(np.asarray(theta, dtype=np.float64))
        w, b = self.split(np.asarray(theta, dtype=np.float64))
        if self.inv_scale is not None:
            w = w * self.inv_scale
        if self.offset is not None:
            b = b - float(self.offset @ w)
        return w, b

    def _raw_rows(self, theta: Array) -> tuple[Array, Array]:
        w, b = self.split(theta)
        W = w.reshape(self.n_outputs, self.n_features)
        if self.inv_scale is not None:
            W = W * self.inv_scale
        b = np.array(b, dtype=np.float64)
        if self.offset is not None:
            b = b - W @ self.offset
        return W, b

    def from_raw(self, w_raw: Array, b_raw: Any) -> Array:
        """theta for given raw coefficients (the inverse map; b is dropped without an
        intercept, where it must equal ``-m . w_raw``)."""
        if self.n_outputs > 1:
            W = np.array(w_raw, dtype=np.float64).reshape(self.n_outputs, self.n_features)
            bk = np.array(b_raw, dtype=np.float64).reshape(self.n_outputs)
            if self.offset is not None:
                bk = bk + W @ self.offset
            if self.scale is not None:
                W = W * self.scale
            return np.concatenate([W.ravel(), bk]) if self.fit_intercept else W.ravel()
        w = np.asarray(w_raw, dtype=np.float64)
        b = float(b_raw)
        if self.offset is not None:
            b = b + float(self.offset @ w)
        if self.scale is not None:
            w = w * self.scale
        return np.append(w, b) if self.fit_intercept else np.array(w, dtype=np.float64)

    def pull_gradient(self, grad_w_raw: Array, grad_b_raw: Any) -> Array:
        """``A^T [grad_w_raw, grad_b_raw]``: the gradient with respect to theta (K
        outputs: grad_w_raw of shape (K, d), grad_b_raw of shape (K,))."""
        if self.n_outputs > 1:
            G = np.array(grad_w_raw, dtype=np.float64).reshape(self.n_outputs, -1)
            gb = np.asarray(grad_b_raw, dtype=np.float64)
            if self.offset is not None:
                G -= np.outer(gb, self.offset)
            if self.inv_scale is not None:
                G *= self.inv_scale
            return np.concatenate([G.ravel(), gb]) if self.fit_intercept else G.ravel()
        d = self.n_features
        out = np.empty(d + int(self.fit_intercept))
        g = out[:d]
        if self.offset is not None:
            np.multiply(self.offset, grad_b_raw, out=g)
            np.subtract(grad_w_raw, g, out=g)
        else:
            g[...] = grad_w_raw
        if self.inv_scale is not None:
            g *= self.inv_scale
        if self.fit_intercept:
            out[d] = grad_b_raw
        return out

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

    def matrix_rows(self) -> Array:
        """A for K outputs, a ((K d + K), n_params) matrix in theta's order (raw
        ``[vec(W_raw), b_raw]``): the one-row map for every class row."""
        A1 = self.matrix()
        d, K = self.n_features, self.n_outputs
        eye = np.eye(K)
        A = np.zeros((K * (d + 1), self.n_params))
        A[: K * d, : K * d] = np.kron(eye, A1[:d, :d])
        A[K * d :, : K * d] = np.kron(eye, A1[d : d + 1, :d])
        if self.fit_intercept:
            A[K * d :, K * d :] = eye
        return A

    def pull_hessian(self, hess_raw: Array) -> Array:
        """``A^T H_raw A`` for a ((d + 1), (d + 1)) Hessian in raw coordinates (K
        outputs: ((K d + K), (K d + K)) in theta's order)."""
        A = self.matrix() if self.n_outputs == 1 else self.matrix_rows()
        out: Any = A.T @ hess_raw @ A
        return np.asarray(out)

    def push_hessian(self, hess: Array) -> Array:
        """The inverse of :meth:`pull_hessian` for one output: a Hessian in theta's
        coordinates as one in the raw ``[w, b]`` (``[w]`` without an intercept), ``B^T H
        B`` with ``theta = B raw``, ``B = [[diag(s), 0], [m^T, 1]]``."""
        if self.identity:
            return hess
        d = self.n_features
        B = np.zeros_like(hess)
        B[np.arange(d), np.arange(d)] = 1.0 if self.scale is None else self.scale
        if self.fit_intercept:
            B[d, :d] = 0.0 if self.offset is None else self.offset
            B[d, d] = 1.0
        out: Any = B.T @ hess @ B
        return np.asarray(out)
