"""The regularised logistic objective J(theta), evaluated block by block in one pass.

.. math::

    J(w, b) = \\frac{\\sum_i s_i\\, l(y_i, x_i \\cdot w + b)}{\\sum_i s_i}
              + \\frac{\\alpha}{2} \\lVert w \\rVert^2,
    \\qquad s_i = \\text{sample\\_weight}_i \\cdot \\text{class\\_weight}[y_i]

with the per-sample loss ``l`` of :mod:`oneneuron.loss`. The intercept b is not penalised.
The parameter vector is ``theta = [w_1, ..., w_d, b]`` (b absent without an intercept).

With ``r_i = s_i dl/dz(x_i)`` and ``h_i = s_i d2l/dz2(x_i)``, S = sum_i s_i::

    dJ/dw = X^T r / S + alpha w          dJ/db = sum(r) / S
    H     = [X 1]^T diag(h) [X 1] / S + alpha diag(1, ..., 1, 0)

Every quantity is a sum over rows, so X is visited in row blocks (:func:`block_terms`)
and the partial sums are added: one pass over X per evaluation, with temporaries the
size of one block, never n x d. The same block function serves arrays in memory, file
streams and Dask chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._numerics import logit
from .loss import label_sign, loss_gradient, loss_gradient_hessian

__all__ = ["BlockTerms", "Evaluation", "Objective", "block_terms", "standardise"]

Array = NDArray[np.floating]

#: Target size of one row block in bytes: big enough that Python overhead per block is
#: negligible, small enough that the block is still in cache for its second use (X^T r).
BLOCK_BYTES = 2 * 1024 * 1024


@dataclass
class BlockTerms:
    """Unnormalised sums over one block of rows (see :func:`block_terms`)."""

    loss: float
    grad_w: Array
    grad_b: float
    n_correct: int
    hess: Array | None = None  # (d + 1, d + 1): [X 1]^T diag(h) [X 1]


@dataclass
class Evaluation:
    """The objective and its derivatives at one theta.

    Attributes
    ----------
    loss : float
        J(theta), penalty included.
    grad : ndarray of shape (n_params,)
    n_correct : int
        Training samples classified correctly at the objective's threshold.
    n_samples : int
    hess : ndarray of shape (n_params, n_params) or None
    """

    loss: float
    grad: Array
    n_correct: int
    n_samples: int
    hess: Array | None = None

    @property
    def accuracy(self) -> float:
        """Fraction of training samples classified correctly."""
        return self.n_correct / self.n_samples if self.n_samples else float("nan")

    @property
    def grad_max(self) -> float:
        """``max |grad|``, the stopping criterion."""
        return float(np.max(np.abs(self.grad))) if self.grad.size else 0.0


def standardise(X: Array, offset: Array | None, scale: Array | None) -> Array:
    """``(X - offset) / scale`` for one block (a block-sized copy; X itself is untouched)."""
    if offset is not None:
        X = X - offset
    if scale is not None:
        X = X / scale
    return X


def block_terms(
    X: Array,
    sign: Array,
    sw: Array | None,
    w: Array,
    b: float,
    *,
    offset: Array | None = None,
    scale: Array | None = None,
    z_threshold: float = 0.0,
    hessian: bool = False,
) -> BlockTerms:
    """Sums of loss, gradient (and Hessian) terms over one block of rows.

    Parameters
    ----------
    X : ndarray of shape (m, d)
        Raw features of the block.
    sign : ndarray of shape (m,)
        ``1 - 2y`` for labels y in {0, 1}.
    sw : ndarray of shape (m,) or None
        Sample weights s_i; None means all ones.
    w : ndarray of shape (d,)
    b : float
    offset, scale : ndarray of shape (d,), optional
        Standardisation: the model sees ``(X - offset) / scale``.
    z_threshold : float
        Logit at or above which a sample is predicted as class 1.
    hessian : bool
        Also return ``[X 1]^T diag(s h) [X 1]``.

    Returns
    -------
    BlockTerms
        Unnormalised sums: divide by S and add the penalty to get J.
    """
    X = standardise(X, offset, scale)
    z = X @ w
    z += b
    if hessian:
        value, d, h = loss_gradient_hessian(sign, z)
    else:
        value, d = loss_gradient(sign, z)
    if sw is not None:
        value *= sw
        d *= sw
    n_correct = int(np.count_nonzero((z >= z_threshold) == (sign < 0)))
    grad_w = X.T @ d
    hess = None
    if hessian:
        if sw is not None:
            h *= sw
        _m, k = X.shape
        hess = np.empty((k + 1, k + 1), dtype=np.float64)
        hess[:k, :k] = X.T @ (X * h[:, None])
        hx = X.T @ h
        hess[:k, k] = hx
        hess[k, :k] = hx
        hess[k, k] = h.sum()
    return BlockTerms(float(value.sum()), grad_w, float(d.sum()), n_correct, hess)


class Objective:
    """J(theta) for one dataset, evaluated in row blocks.

    Parameters
    ----------
    X : ndarray of shape (n, d)
        Features, float64 or float32 (kept as given, never copied whole).
    y : ndarray of shape (n,)
        Labels in {0, 1}.
    sample_weight : ndarray of shape (n,), optional
        Non-negative weights s_i (class weights already multiplied in).
    alpha : float
        L2 penalty strength on w.
    fit_intercept : bool
        Whether theta carries an intercept as its last entry.
    offset, scale : ndarray of shape (d,), optional
        Standardisation applied block by block.
    threshold : float
        Probability threshold for the accuracy that comes with each evaluation.
    block_rows : int, optional
        Rows per block; by default about ``BLOCK_BYTES`` of X.
    """

    def __init__(
        self,
        X: Array,
        y: NDArray[np.generic],
        sample_weight: Array | None = None,
        *,
        alpha: float = 0.0,
        fit_intercept: bool = True,
        offset: Array | None = None,
        scale: Array | None = None,
        threshold: float = 0.5,
        block_rows: int | None = None,
    ) -> None:
        self.X = X
        self.n_samples, self.n_features = X.shape
        self.sign = label_sign(y, dtype=X.dtype if X.dtype == np.float32 else np.float64)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight, float)
        self.weight_sum = (
            float(self.n_samples) if sample_weight is None else float(np.sum(sample_weight))
        )
        self.alpha = float(alpha)
        self.fit_intercept = bool(fit_intercept)
        self.offset = offset
        self.scale = scale
        self.z_threshold = logit(threshold)
        if block_rows is None:
            row_bytes = max(1, self.n_features) * X.dtype.itemsize
            block_rows = max(256, BLOCK_BYTES // row_bytes)
        self.block_rows = int(block_rows)

    @property
    def n_params(self) -> int:
        """Length of theta: d weights and, with an intercept, one bias."""
        return self.n_features + int(self.fit_intercept)

    def split(self, theta: Array) -> tuple[Array, float]:
        """``(w, b)`` from theta; b is 0 without an intercept."""
        if self.fit_intercept:
            return theta[:-1], float(theta[-1])
        return theta, 0.0

    def _blocks(
        self, rows: NDArray[np.intp] | None = None
    ) -> Iterator[tuple[Array, Array, Array | None]]:
        """Yield ``(X_block, sign_block, weight_block)`` covering the rows once."""
        if rows is not None:
            sw = None if self.sample_weight is None else self.sample_weight[rows]
            yield self.X[rows], self.sign[rows], sw
            return
        for start in range(0, self.n_samples, self.block_rows):
            stop = min(start + self.block_rows, self.n_samples)
            sw = None if self.sample_weight is None else self.sample_weight[start:stop]
            yield self.X[start:stop], self.sign[start:stop], sw

    def _sum(self, theta: Array, hessian: bool, rows: NDArray[np.intp] | None = None) -> BlockTerms:
        w, b = self.split(theta)
        w = w.astype(self.X.dtype, copy=False)
        k = self.n_features
        total = BlockTerms(0.0, np.zeros(k), 0.0, 0, np.zeros((k + 1, k + 1)) if hessian else None)
        for Xb, sb, wb in self._blocks(rows):
            t = block_terms(
                Xb,
                sb,
                wb,
                w,
                b,
                offset=self.offset,
                scale=self.scale,
                z_threshold=self.z_threshold,
                hessian=hessian,
            )
            total.loss += t.loss
            total.grad_w += t.grad_w
            total.grad_b += t.grad_b
            total.n_correct += t.n_correct
            if hessian:
                total.hess += t.hess  # type: ignore[operator]
        return total

    def _finish(self, theta: Array, t: BlockTerms, norm: float, n: int) -> Evaluation:
        """Normalise block sums by ``norm`` and add the penalty."""
        w, _ = self.split(theta)
        w = np.asarray(w, dtype=np.float64)
        loss = t.loss / norm + 0.5 * self.alpha * float(w @ w)
        grad = np.empty(self.n_params)
        grad[: self.n_features] = t.grad_w / norm + self.alpha * w
        if self.fit_intercept:
            grad[-1] = t.grad_b / norm
        hess = None
        if t.hess is not None:
            p = self.n_params
            hess = t.hess[:p, :p] / norm
            hess[np.arange(self.n_features), np.arange(self.n_features)] += self.alpha
        return Evaluation(loss, grad, t.n_correct, n, hess)

    def evaluate(self, theta: Array, hessian: bool = False) -> Evaluation:
        """J, its gradient, the training accuracy (and the Hessian) at theta, in one pass.

        Parameters
        ----------
        theta : ndarray of shape (n_params,)
        hessian : bool

        Returns
        -------
        Evaluation
        """
        t = self._sum(np.asarray(theta, dtype=np.float64), hessian)
        return self._finish(theta, t, self.weight_sum, self.n_samples)

    def loss(self, theta: Array) -> float:
        """J(theta)."""
        return self.evaluate(theta).loss

    def gradient(self, theta: Array) -> Array:
        """dJ/dtheta, shape (n_params,)."""
        return self.evaluate(theta).grad

    def batch_evaluate(self, theta: Array, rows: NDArray[np.intp]) -> Evaluation:
        """An unbiased estimate of J and its gradient from the given rows.

        The batch sum is scaled by ``n / (len(rows) S)``, so that its expectation over
        uniformly drawn rows is the full objective.
        """
        t = self._sum(np.asarray(theta, dtype=np.float64), False, rows)
        norm = self.weight_sum * len(rows) / self.n_samples
        return self._finish(theta, t, norm, len(rows))

    def hessian_product(self, theta: Array) -> Callable[[Array], Array]:
        """A function ``v -> H(theta) v``; each call is one pass over X.

        Stores the n curvature weights ``s_i d2l/dz2`` (a vector, not a matrix).
        """
        theta = np.asarray(theta, dtype=np.float64)
        w, b = self.split(theta)
        hs = []
        for Xb, sb, wb in self._blocks():
            Xt = standardise(Xb, self.offset, self.scale)
            _, _, h = loss_gradient_hessian(sb, Xt @ w + b)
            hs.append(h if wb is None else h * wb)
        k, norm = self.n_features, self.weight_sum

        def hessp(v: Array) -> Array:
            v = np.asarray(v, dtype=np.float64)
            vw, vb = (v[:-1], float(v[-1])) if self.fit_intercept else (v, 0.0)
            out = np.zeros(self.n_params)
            for (Xb, _, _), h in zip(self._blocks(), hs, strict=True):
                Xt = standardise(Xb, self.offset, self.scale)
                u = h * (Xt @ vw + vb)
                out[:k] += Xt.T @ u
                if self.fit_intercept:
                    out[-1] += u.sum()
            out /= norm
            out[:k] += self.alpha * vw
            return out

        return hessp
