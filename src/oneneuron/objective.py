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

Speed (see ``docs/benchmarks.md``): the per-sample terms are computed from one
``e = exp(-|s z|)`` with SIMD ufuncs into buffers that live as long as the Objective
(``log1pexp(t) = max(t, 0) + log1p(e)``, ``sigmoid(|t|) = 1 / (1 + e)``,
``sigmoid(-|t|) = e sigmoid(|t|)``: the same exact formulas as :mod:`oneneuron.loss`);
the block is read twice while it is still in cache (``X_b w``, then ``X_b^T r``), or
once when Numba is installed (:mod:`oneneuron._kernels`, the same sums tile by tile); the
Hessian is a symmetric rank-k update (BLAS ``syrk``) of ``sqrt(h) X_b``; and a large X
is split into one contiguous run of blocks per CPU core, each worked by its own thread
with one BLAS thread (NumPy releases the GIL), the partial sums added in a fixed order.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.linalg.blas import dsyrk, ssyrk

from . import _kernels
from ._numerics import logit
from ._validation import check_finite as _check_finite
from .loss import label_sign, loss_gradient_hessian, loss_terms_into

__all__ = ["BlockTerms", "Evaluation", "Objective", "block_terms", "standardise"]

Array = NDArray[np.floating]

#: Target size of one row block in bytes: big enough that Python overhead per block is
#: negligible, small enough that the block is still in cache (L2/L3) for its second use
#: (X^T r). Measured on the benchmark machine: see docs/benchmarks.md.
BLOCK_BYTES = 4 * 1024 * 1024

#: An X of at least this many bytes is split over :func:`num_threads` threads.
PARALLEL_MIN_BYTES = 32 * 1024 * 1024


def num_threads() -> int:
    """Threads for one pass over a large X: ``ONENEURON_NUM_THREADS`` or the usable cores."""
    env = os.environ.get("ONENEURON_NUM_THREADS")
    if env:
        return max(1, int(env))
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


_POOL: ThreadPoolExecutor | None = None
_POOL_SIZE = 0
_POOL_LOCK = threading.Lock()
_CONTROLLER: Any = None


def _pool(n: int) -> ThreadPoolExecutor:
    global _POOL, _POOL_SIZE
    with _POOL_LOCK:
        if _POOL is None or _POOL_SIZE < n:
            _POOL = ThreadPoolExecutor(max_workers=n, thread_name_prefix="oneneuron")
            _POOL_SIZE = n
        return _POOL


def _one_blas_thread() -> AbstractContextManager[Any]:
    """BLAS limited to one thread while our own threads share the cores."""
    global _CONTROLLER
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER.limit(limits=1, user_api="blas")  # type: ignore[no-any-return]


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


class _Workspace:
    """Buffers for one block and the running sums of one thread, reused across passes."""

    def __init__(self, rows: int, k: int, dtype: np.dtype[Any]) -> None:
        self.rows, self.k, self.dtype = rows, k, dtype
        self.z, self.t, self.e, self.q, self.u, self.h = (np.empty(rows, dtype) for _ in range(6))
        self.mask = np.empty(rows, bool)
        self.gtmp = np.empty(k, dtype)
        self.gsum = np.empty(k)  # the kernel's gradient, summed in float64
        self.no_weights = np.empty(0, dtype)
        self.xt: Array | None = None  # the standardised block
        self.sx: Array | None = None  # sqrt(h) X_b, for the Hessian
        self.reset(False)

    def reset(self, hessian: bool) -> None:
        self.loss = 0.0
        self.grad_b = 0.0
        self.n_correct = 0
        self.grad_w = np.zeros(self.k)
        self.hess: Array | None = None
        if hessian:
            # [X 1]^T diag(h) [X 1]: upper triangle from syrk, in Fortran order
            self.hess = np.zeros((self.k + 1, self.k + 1), order="F")
            self.hweight = 0.0  # weight of the rows in the Hessian (all rows by default)
            self.weight = 0.0

    def block(self, name: str, m: int, extra: int = 0) -> Array:
        buf = getattr(self, name)
        if buf is None:
            buf = np.empty((self.rows, self.k + extra), self.dtype)
            setattr(self, name, buf)
        return buf[:m]  # type: ignore[no-any-return]

    def terms(self) -> BlockTerms:
        """The sums so far as BlockTerms, the Hessian completed to ``(k + 1, k + 1)``."""
        hess = None
        if self.hess is not None:
            # syrk filled the upper triangle; the lower one is still zero
            hess = self.hess + self.hess.T
            hess.flat[:: self.k + 2] = self.hess.flat[:: self.k + 2]
            if 0.0 < self.hweight < self.weight:
                hess *= self.weight / self.hweight
        return BlockTerms(self.loss, self.grad_w, self.grad_b, self.n_correct, hess)


def _accumulate(
    ws: _Workspace,
    X: Array,
    sign: Array,
    positive: NDArray[np.bool_],
    sw: Array | None,
    w: Array,
    b: float,
    offset: Array | None,
    scale: Array | None,
    z_threshold: float,
    hessian: bool,
    hessian_rows: int | None = None,
    kernel: Callable[..., tuple[float, float, int]] | None = None,
) -> None:
    """Add one block's loss, gradient (and Hessian) sums into ``ws``, allocating nothing.

    With ``hessian_rows = r``, only the block's first r rows enter the Hessian (a
    subsample; :meth:`_Workspace.terms` rescales it by the weights). ``kernel`` is the
    compiled one-read version of the loss and gradient sums (:mod:`oneneuron._kernels`);
    the Objective passes it only for raw (unstandardised) C-ordered X.
    """
    m = X.shape[0]
    r = m if hessian_rows is None else min(m, hessian_rows)
    if kernel is not None:
        e = ws.e[:m]
        zero = X.dtype.type(0)
        part, grad_b, n_correct = kernel(
            X, sign, ws.no_weights if sw is None else sw, w, X.dtype.type(b), zero,
            z_threshold, ws.gsum, e,
        )  # fmt: skip
        ws.grad_w += ws.gsum
        ws.grad_b += grad_b
        ws.n_correct += n_correct
        if hessian:  # d2l/dz2 = sigmoid(|t|) sigmoid(-|t|) = e / (1 + e)^2
            h, er = ws.h[:r], e[:r]
            np.add(er, 1.0, out=h)
            np.square(h, out=h)
            np.divide(er, h, out=h)
            _add_hessian(ws, X, h, sw, m, r)
        np.log1p(e, out=e)  # the rest of the loss: log1pexp(t) = max(t, 0) + log1p(e)
        ws.loss += part + float(e.sum() if sw is None else e @ sw)
        return
    if offset is not None or scale is not None:
        Xt = ws.block("xt", m)
        if offset is not None:
            np.subtract(X, offset, out=Xt)
        else:
            np.copyto(Xt, X)
        if scale is not None:
            np.divide(Xt, scale, out=Xt)
        X = Xt
    z, t, e, q, u = ws.z[:m], ws.t[:m], ws.e[:m], ws.q[:m], ws.u[:m]
    mask = ws.mask[:m]
    np.matmul(X, w, out=z)
    if b:
        z += b
    hm = ws.h[:m] if hessian else None
    loss_terms_into(sign, z, q, u, hm, (t, e, mask))  # q: losses, u: dl/dz
    ws.loss += float(q.sum() if sw is None else q @ sw)
    if sw is not None:
        u *= sw
    np.matmul(X.T, u, out=ws.gtmp)
    ws.grad_w += ws.gtmp
    ws.grad_b += float(u.sum())
    np.greater_equal(z, z_threshold, out=mask)
    np.equal(mask, positive, out=mask)
    ws.n_correct += int(np.count_nonzero(mask))
    if hm is not None:
        _add_hessian(ws, X, hm[:r], sw, m, r)


def _add_hessian(ws: _Workspace, X: Array, h: Array, sw: Array | None, m: int, r: int) -> None:
    """Add ``[X 1]^T diag(s h) [X 1]`` over the block's first r rows (h: their d2l/dz2)."""
    assert ws.hess is not None
    if sw is not None:
        h *= sw[:r]
    ws.weight += float(m if sw is None else sw.sum())
    ws.hweight += float(r if sw is None else sw[:r].sum())
    # sqrt(h) [X 1]: one symmetric rank-r update gives the whole (k+1)^2 block
    S = ws.block("sx", r, 1)
    np.sqrt(h, out=S[:, ws.k])
    np.multiply(X[:r], S[:, ws.k :], out=S[:, : ws.k])
    if ws.dtype == np.float64:
        dsyrk(1.0, S.T, beta=1.0, c=ws.hess, trans=0, lower=0, overwrite_c=1)
    else:
        ws.hess += ssyrk(1.0, S.T, trans=0, lower=0)


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
    X = np.asarray(X)
    dtype = X.dtype if X.dtype == np.float32 else np.dtype(np.float64)
    X = X.astype(dtype, copy=False)
    m, k = X.shape
    ws = _Workspace(m, k, dtype)
    ws.reset(hessian)
    sign = np.asarray(sign, dtype=dtype)
    sw = None if sw is None else np.asarray(sw, dtype=dtype)
    _accumulate(
        ws,
        X,
        sign,
        sign < 0,
        sw,
        np.asarray(w, dtype=dtype),
        float(b),
        offset,
        scale,
        z_threshold,
        hessian,
    )
    return ws.terms()


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
    n_threads : int, optional
        Threads for one pass; by default :func:`num_threads` when X has at least
        ``PARALLEL_MIN_BYTES``, else 1.
    accelerate : bool, optional
        Use the compiled one-read kernel of :mod:`oneneuron._kernels` for loss and
        gradient (raw, C-ordered X only). By default: when Numba is installed, unless
        ``ONENEURON_ACCELERATOR=numpy``. False is the NumPy path.
    check_finite : bool
        Raise ValueError naming the column if X holds NaN or inf. With the kernel the
        check rides on the first full evaluation (any NaN or inf in X makes J or its
        gradient non-finite there; only then is X searched for the culprit), which
        saves a pass over X; otherwise X is checked here.
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
        n_threads: int | None = None,
        accelerate: bool | None = None,
        check_finite: bool = False,
    ) -> None:
        self.X = X
        self.n_samples, self.n_features = X.shape
        self._dtype = np.dtype(np.float32) if X.dtype == np.float32 else np.dtype(np.float64)
        self.sign = label_sign(y, dtype=self._dtype.type)
        self._positive = self.sign < 0
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight, float)
        self._sw: Array | None = (
            None if self.sample_weight is None else self.sample_weight.astype(self._dtype)
        )
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
            block_rows = max(16, BLOCK_BYTES // row_bytes)
        self.block_rows = int(block_rows)
        if n_threads is None:
            n_threads = num_threads() if X.nbytes >= PARALLEL_MIN_BYTES else 1
        n_blocks = -(-self.n_samples // self.block_rows) if self.n_samples else 0
        self.n_threads = max(1, min(int(n_threads), n_blocks))
        self._workspaces: list[_Workspace] = []
        self._lock = threading.Lock()
        if accelerate is None:
            accelerate = _kernels.wanted()
        elif accelerate and not _kernels.available():
            raise ImportError("accelerate=True needs Numba: pip install 'oneneuron[fast]'")
        raw = offset is None and scale is None and X.flags.c_contiguous
        self._kernel = _kernels.block_pass if accelerate and raw else None
        self._unchecked = check_finite and self._kernel is not None
        if check_finite and not self._unchecked:
            _check_finite(X)

    def _ensure_checked(self, evaluation: Evaluation | None = None) -> None:
        """The deferred NaN/inf check: free when a full evaluation came out finite."""
        if not self._unchecked:
            return
        self._unchecked = False
        finite = evaluation is not None and np.isfinite(evaluation.loss)
        if not (finite and np.all(np.isfinite(evaluation.grad))):  # type: ignore[union-attr]
            _check_finite(self.X)

    @property
    def n_params(self) -> int:
        """Length of theta: d weights and, with an intercept, one bias."""
        return self.n_features + int(self.fit_intercept)

    def single_blas(self) -> AbstractContextManager[Any]:
        """BLAS limited to one thread for a large X (a no-op for a small one).

        Block-sized BLAS calls gain nothing from BLAS threads, and on a busy machine
        OpenBLAS's thread hand-off can make them 10x slower. Solvers run their whole
        loop under it (:func:`oneneuron.solvers.run`): an OpenBLAS thread left spinning
        after a small multi-threaded call elsewhere (a Cholesky solve, a subsample
        product) would otherwise steal a core from the next pass over X.
        """
        return _one_blas_thread() if self.X.nbytes >= 2**20 else nullcontext()

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

    def _workspace(self, i: int, rows: int) -> _Workspace:
        while len(self._workspaces) <= i:
            self._workspaces.append(_Workspace(0, self.n_features, self._dtype))
        ws = self._workspaces[i]
        if ws.rows < rows:
            ws = self._workspaces[i] = _Workspace(rows, self.n_features, self._dtype)
        return ws

    def _run(
        self,
        ws: _Workspace,
        start: int,
        stop: int,
        w: Array,
        b: float,
        hessian: bool,
        rows: NDArray[np.intp] | None = None,
        fraction: float = 1.0,
    ) -> None:
        """Accumulate rows ``start:stop`` (or the given ``rows``) block by block into ws."""
        ws.reset(hessian)
        hrows = None if fraction >= 1.0 else max(1, int(np.ceil(self.block_rows * fraction)))
        args = (self.offset, self.scale, self.z_threshold, hessian)
        if rows is not None:
            sw = None if self._sw is None else self._sw[rows]
            X = self.X[rows]
            _accumulate(
                ws, X, self.sign[rows], self._positive[rows], sw, w, b, *args, None, self._kernel
            )
            return
        for lo in range(start, stop, self.block_rows):
            hi = min(lo + self.block_rows, stop)
            sw = None if self._sw is None else self._sw[lo:hi]
            _accumulate(
                ws,
                self.X[lo:hi],
                self.sign[lo:hi],
                self._positive[lo:hi],
                sw,
                w,
                b,
                *args,
                hrows,
                self._kernel,
            )

    def _sum(
        self,
        theta: Array,
        hessian: bool,
        rows: NDArray[np.intp] | None = None,
        fraction: float = 1.0,
    ) -> BlockTerms:
        w, b = self.split(theta)
        w = np.ascontiguousarray(w, dtype=self._dtype)
        with self._lock:
            if rows is not None:
                ws = self._workspace(0, len(rows))
                self._run(ws, 0, 0, w, b, hessian, rows)
                return ws.terms()
            n, nt = self.n_samples, self.n_threads
            rows_per = min(self.block_rows, n)
            if nt == 1:
                ws = self._workspace(0, rows_per)
                with self.single_blas():
                    self._run(ws, 0, n, w, b, hessian, None, fraction)
                return ws.terms()
            # one contiguous run of whole blocks per thread, summed in a fixed order
            n_blocks = -(-n // self.block_rows)
            edges = [min(n, (n_blocks * i // nt) * self.block_rows) for i in range(nt + 1)]
            spaces = [self._workspace(i, rows_per) for i in range(nt)]
            with _one_blas_thread():
                futures = [
                    _pool(nt).submit(
                        self._run, spaces[i], edges[i], edges[i + 1], w, b, hessian, None, fraction
                    )
                    for i in range(nt)
                ]
                for f in futures:
                    f.result()
            parts = [ws.terms() for ws in spaces]
            total = parts[0]
            for t in parts[1:]:
                total.loss += t.loss
                total.grad_w = total.grad_w + t.grad_w
                total.grad_b += t.grad_b
                total.n_correct += t.n_correct
                if hessian:
                    total.hess = total.hess + t.hess  # type: ignore[operator]
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
            k = self.n_features
            hess.flat[: k * (p + 1) : p + 1] += self.alpha
        return Evaluation(loss, grad, t.n_correct, n, hess)

    def evaluate(
        self, theta: Array, hessian: bool = False, *, hessian_fraction: float = 1.0
    ) -> Evaluation:
        """J, its gradient, the training accuracy (and the Hessian) at theta, in one pass.

        Parameters
        ----------
        theta : ndarray of shape (n_params,)
        hessian : bool
        hessian_fraction : float in (0, 1]
            Below 1, the Hessian is estimated from the first ``hessian_fraction`` of the
            rows of every block (a subsample spread over all of X), rescaled by the weights
            so that it estimates the full Hessian; loss and gradient stay exact.

        Returns
        -------
        Evaluation
        """
        t = self._sum(np.asarray(theta, dtype=np.float64), hessian, None, hessian_fraction)
        evaluation = self._finish(theta, t, self.weight_sum, self.n_samples)
        self._ensure_checked(evaluation)
        return evaluation

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
        self._ensure_checked()
        t = self._sum(np.asarray(theta, dtype=np.float64), False, rows)
        norm = self.weight_sum * len(rows) / self.n_samples
        return self._finish(theta, t, norm, len(rows))

    def line_minimum(self, theta: Array, p: Array, step: float = 1.0, max_iter: int = 8) -> float:
        """The step t > 0 that minimises ``J(theta + t p)``, by 1-D Newton from ``step``.

        Along a line the logits are ``z + t u`` with ``u = X p_w + p_b``: one extra read
        of X gives them, after which each 1-D Newton iteration costs O(n) (the per-sample
        terms of :func:`~oneneuron.loss.loss_terms_into`), not a pass over X. J is convex
        in t, so the iteration converges; it stops when t moves by less than 1% (the
        next Newton direction corrects the rest). Worth its read of X when X is small
        (Newton's solver uses it then): on nearly separable data the best step is often
        2-4, where a unit step creeps (each unit step only divides J - J* by about e).
        """
        self._ensure_checked()
        w, b = self.split(np.asarray(theta, dtype=np.float64))
        pw, pb = self.split(np.asarray(p, dtype=np.float64))
        blocks = (standardise(Xb, self.offset, self.scale) for Xb, _, _ in self._blocks())
        zu = [(Xt @ w + b, Xt @ pw + pb) for Xt in blocks]  # one block copy at a time
        z = np.concatenate([zb for zb, _ in zu])
        u = np.concatenate([ub for _, ub in zu])
        su = u if self.sample_weight is None else self.sample_weight * u
        suu = su * u
        sign = self.sign.astype(np.float64, copy=False)
        wp, pp = float(w @ pw), float(pw @ pw)
        zt, value, dl, d2l, t_, e_ = np.empty((6, self.n_samples))
        work = (t_, e_, np.empty(self.n_samples, dtype=bool))
        t = float(step)
        for _ in range(max_iter):
            np.multiply(u, t, out=zt)
            zt += z
            loss_terms_into(sign, zt, value, dl, d2l, work)
            slope = float(dl @ su) / self.weight_sum + self.alpha * (wp + t * pp)
            curv = float(d2l @ suu) / self.weight_sum + self.alpha * pp
            if not (curv > 0 and np.isfinite(slope) and np.isfinite(curv)):
                break
            t_new = max(t - slope / curv, 0.25 * t)  # stay positive; J is convex
            done = abs(t_new - t) <= 1e-2 * t
            t = t_new
            if done:
                break
        return t

    def curvature(self, theta: Array, v: Array, max_rows: int = 4096) -> float:
        """An estimate of ``v^T H(theta) v`` from at most ``max_rows`` rows spread over X.

        Exact when X has at most ``max_rows`` rows; otherwise every k-th row is used (no
        pass over X). Used to size a first step along v, where no curvature is known yet.
        """
        self._ensure_checked()
        theta = np.asarray(theta, dtype=np.float64)
        v = np.asarray(v, dtype=np.float64)
        w, b = self.split(theta)
        vw, vb = self.split(v)
        step = max(1, -(-self.n_samples // max_rows))
        X = standardise(np.asarray(self.X[::step], dtype=np.float64), self.offset, self.scale)
        _, _, h = loss_gradient_hessian(self.sign[::step], X @ w + b)
        weight = float(h.size)
        if self.sample_weight is not None:
            h = h * self.sample_weight[::step]
            weight = float(np.sum(self.sample_weight[::step]))
        u = X @ vw + vb
        return float(h @ (u * u)) / max(weight, 1e-300) + self.alpha * float(vw @ vw)

    def hessian_product(self, theta: Array) -> Callable[[Array], Array]:
        """A function ``v -> H(theta) v``; each call is one pass over X.

        Stores the n curvature weights ``s_i d2l/dz2`` (a vector, not a matrix).
        """
        self._ensure_checked()
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
