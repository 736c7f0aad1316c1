"""The objective J(theta) over a data source: every pass is a sum of block sums.

.. math::

    J(\\theta) = \\frac{\\sum_i s_i\\, l(y_i, z_i)}{\\sum_i s_i} + P(w),
    \\qquad z_i = x_i \\cdot w_{raw} + b_{raw}

with the per-sample loss ``l`` of :mod:`oneneuron.loss`, the penalty ``P`` of
:mod:`oneneuron.penalties` (L2 by default, never on the intercept) and the raw
coefficients given by the parametrisation (:mod:`._parametrization`: identity, or
standardisation as a change of parameters). With ``r_i = s_i dl/dz`` and
``h_i = s_i d2l/dz2``, S = sum_i s_i::

    grad_raw = [X 1]^T r / S          H_raw = [X 1]^T diag(h) [X 1] / S

pulled back to theta (``A^T g``, ``A^T H A``) and the penalty's gradient and Hessian
added. One pass over the source gives J, its gradient, the training accuracy (and the
Hessian); line searches, curvature estimates, Hessian-vector products and mini-batches
are sums over blocks too (:func:`._blocks.accumulate`, :func:`._blocks.logits`).
"""

from __future__ import annotations

import functools
import operator
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import _kernels
from .._numerics import logit
from ..data import Block, Source, make_source
from ..penalties import L2, Penalty
from . import _directions
from ._blocks import BlockTask, BlockTerms, Standardised, Workspace
from ._parallel import PARALLEL_MIN_BYTES, num_threads, one_blas_thread, pool
from ._parametrization import Standardization

__all__ = ["Evaluation", "Objective"]

Array = NDArray[np.floating]


@dataclass
class Evaluation:
    """The objective and its derivatives at one theta.

    Attributes
    ----------
    loss : float
        J(theta), penalty included.
    grad : ndarray of shape (n_params,)
        Gradient of J's smooth part (the penalty's smooth part included).
    n_correct : int
        Training samples classified correctly at the objective's threshold.
    n_samples : int
    hess : ndarray of shape (n_params, n_params) or None
    optimality : ndarray of shape (n_params,) or None
        The minimum-norm subgradient of J, for a non-smooth penalty (None: ``grad``).
    """

    loss: float
    grad: Array
    n_correct: int
    n_samples: int
    hess: Array | None = None
    optimality: Array | None = None

    @property
    def accuracy(self) -> float:
        """Fraction of training samples classified correctly."""
        return self.n_correct / self.n_samples if self.n_samples else float("nan")

    @property
    def grad_max(self) -> float:
        """``max |g|`` of the minimum-norm subgradient: the stopping criterion."""
        g = self.grad if self.optimality is None else self.optimality
        return float(np.max(np.abs(g))) if g.size else 0.0


class Objective:
    """J(theta) for one data source, evaluated in row blocks.

    Parameters
    ----------
    data : Source, or ndarray / scipy.sparse matrix of shape (n, d)
        The data; arrays are wrapped in a source over ``y`` and ``sample_weight``
        (never copied).
    y : ndarray of shape (n,), optional
        Labels in {0, 1}, with array data.
    sample_weight : ndarray of shape (n,), optional
        Non-negative weights s_i (class weights already multiplied in), with array data.
    penalty : Penalty, optional
        Default: ``L2(alpha)``.
    alpha : float
        L2 strength when no penalty is given.
    fit_intercept : bool
        Whether theta carries an intercept as its last entry.
    offset, scale : ndarray of shape (d,), optional
        Standardisation: theta describes the model on ``(X - offset) / scale``.
    threshold : float
        Probability at or above which a sample counts as predicted class 1 (accuracy).
    block_rows, n_threads : int, optional
        Rows per block (default about 4 MB) and threads for one pass (default: the
        cores for a source of 32 MB or more, else 1).
    accelerate : bool, optional
        Use the compiled kernels (default: when Numba is installed, unless
        ``ONENEURON_ACCELERATOR=numpy``).
    check_finite : bool
        Check the data for NaN and inf. With a compiled kernel the check rides on the
        first full evaluation (a non-finite entry makes J non-finite; only then is X
        searched to name the column), which saves a pass.
    """

    def __init__(
        self,
        data: Any,
        y: NDArray[np.generic] | None = None,
        sample_weight: Array | None = None,
        *,
        penalty: Penalty | None = None,
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
        if isinstance(data, Source):
            source = data
        else:
            if y is None:
                raise TypeError("Objective(X, y): labels are needed with array data")
            source = make_source(data, y, sample_weight, block_rows=block_rows)
        self.source = source
        self.n_samples, self.n_features = source.n_samples, source.n_features
        self._dtype = source.dtype
        self.weight_sum = source.weight_sum
        self.penalty = L2(alpha) if penalty is None else penalty
        self.fit_intercept = bool(fit_intercept)
        self.z_threshold = logit(threshold)
        # float32 dense rows with a centring offset are standardised in a block copy:
        # x . w_raw + b_raw would lose the logit to cancellation in float32
        centred = offset is not None and self._dtype == np.float32 and not source.sparse
        self._standardised = Standardised(offset, scale) if centred else None
        self.param = Standardization(
            None if centred else offset, None if centred else scale, fit_intercept, self.n_features
        )
        self.offset, self.scale = offset, scale
        if n_threads is None:
            n_threads = num_threads() if source.nbytes >= PARALLEL_MIN_BYTES else 1
        self.n_threads = max(1, int(n_threads))
        self._workspaces: list[Workspace] = []
        self._lock = threading.Lock()
        if accelerate is None:
            accelerate = _kernels.wanted()
        elif accelerate and not _kernels.available():
            raise ImportError("accelerate=True needs Numba: pip install 'oneneuron[fast]'")
        layout_ok = source.sparse or source.c_contiguous
        self._kernel = (
            (_kernels.csr_pass if source.sparse else _kernels.block_pass)
            if accelerate and layout_ok and not centred
            else None
        )
        self._unchecked = check_finite and self._kernel is not None and not source.sparse
        if check_finite and not self._unchecked:
            source.check_finite()

    # ------------------------------------------------------------------ basics
    @property
    def n_params(self) -> int:
        """Length of theta: d weights and, with an intercept, one bias."""
        return self.n_features + int(self.fit_intercept)

    @property
    def eps(self) -> float:
        """Machine epsilon of the data's dtype: the relative precision of J."""
        return float(np.finfo(self._dtype).eps)

    @property
    def X(self) -> Any:
        """The in-memory data (for sources that hold an array)."""
        return getattr(self.source, "X", None)

    def split(self, theta: Array) -> tuple[Array, float]:
        """``(w, b)`` from theta; b is 0 without an intercept."""
        return self.param.split(theta)

    def single_blas(self) -> AbstractContextManager[Any]:
        """BLAS limited to one thread for a large source (a no-op for a small one).

        Block-sized BLAS calls gain nothing from BLAS threads, and an OpenBLAS thread
        left spinning after a small multi-threaded call elsewhere (a Cholesky solve) would
        steal a core from the next pass. Solvers run their whole loop under it.
        """
        return one_blas_thread() if self.source.nbytes >= 2**20 else nullcontext()

    def _ensure_checked(self, evaluation: Evaluation | None = None) -> None:
        """The deferred NaN/inf check: free when a full evaluation came out finite."""
        if not self._unchecked:
            return
        self._unchecked = False
        finite = evaluation is not None and np.isfinite(evaluation.loss)
        if not (finite and np.all(np.isfinite(evaluation.grad))):  # type: ignore[union-attr]
            self.source.check_finite()

    def _raw(self, theta: Array) -> tuple[Array, float]:
        """Coefficients the rows are multiplied by, in the data's dtype."""
        if self._standardised is not None:
            w, b = self.param.split(np.asarray(theta, dtype=np.float64))
        else:
            w, b = self.param.raw(theta)
        return np.ascontiguousarray(w, dtype=self._dtype), b

    # ------------------------------------------------------------ block sums
    def _workspace(self, i: int, rows: int) -> Workspace:
        while len(self._workspaces) <= i:
            self._workspaces.append(Workspace(0, self.n_features, self._dtype))
        ws = self._workspaces[i]
        if ws.rows < rows:
            ws = self._workspaces[i] = Workspace(rows, self.n_features, self._dtype)
        return ws

    def _task(self, theta: Array, hessian: bool, hessian_rows: int | None = None) -> BlockTask:
        """The block sums to take at theta (see :class:`._blocks.BlockTask`)."""
        w, b = self._raw(theta)
        hess_map = None
        if hessian and not self.source.sparse and not self.param.identity:
            hess_map = (self.param.offset, self.param.scale)
        return BlockTask(
            w,
            b,
            self.z_threshold,
            self.n_features,
            self._dtype.str,
            hessian=hessian,
            hessian_rows=hessian_rows,
            kernel=self._kernel is not None,
            standardised=self._standardised,
            hess_map=hess_map,
        )

    def _sum(self, theta: Array, hessian: bool, fraction: float = 1.0) -> BlockTerms:
        """Block sums over the whole source: where the source computes them (a cluster),
        else here, one thread per partition, added in a fixed order."""
        rows_per = min(self.source.block_rows(), max(self.n_samples, 1))
        hrows = None
        if fraction < 1.0 and rows_per < self.n_samples:  # subsample within each block
            hrows = max(1, int(np.ceil(rows_per * fraction)))
        task = self._task(theta, hessian, hrows)
        remote = self.source.reduce(task)
        if remote is not None:
            return remote
        with self._lock:
            parts = self.source.partitions(self.n_threads)
            spaces = [self._workspace(i, rows_per) for i in range(len(parts))]
            if len(parts) == 1:
                with self.single_blas():
                    return task.run(parts[0](), spaces[0])
            with one_blas_thread():
                futures = [
                    pool(len(parts)).submit(task.run, part(), ws)
                    for ws, part in zip(spaces, parts, strict=True)
                ]
                terms = [f.result() for f in futures]
            return functools.reduce(operator.add, terms)

    def _sum_block(self, theta: Array, block: Block) -> BlockTerms:
        """Block sums over one block (a mini-batch), in the first workspace."""
        task = self._task(theta, False)
        with self._lock:
            return task.run([block], self._workspace(0, block.n_rows))

    def _finish(self, theta: Array, t: BlockTerms, norm: float, n: int) -> Evaluation:
        """Normalise block sums by ``norm``, pull them back to theta, add the penalty."""
        theta = np.asarray(theta, dtype=np.float64)
        w, _ = self.param.split(theta)
        if self._standardised is not None:
            grad = np.append(t.grad_w, t.grad_b) if self.fit_intercept else t.grad_w.copy()
        else:
            grad = self.param.pull_gradient(t.grad_w, t.grad_b)
        grad /= norm
        k = self.n_features
        grad[:k] += self.penalty.gradient(w)
        loss = t.loss / norm + self.penalty.value(w)
        hess = None
        if t.hess is not None:
            p = self.n_params
            if self.source.sparse and not self.param.identity:
                hess = self.param.pull_hessian(t.hess) / norm
            else:
                hess = t.hess[:p, :p] / norm
            hess[np.arange(k), np.arange(k)] += self.penalty.hessian_diag(w)
        optimality = None if self.penalty.smooth else self.penalty.optimality(w, grad)
        return Evaluation(loss, grad, t.n_correct, n, hess, optimality)

    # ------------------------------------------------------------ public API
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
            rows of every block (a subsample spread over all of X), rescaled by the
            weights so that it estimates the full Hessian; loss and gradient stay exact.

        Returns
        -------
        Evaluation
        """
        t = self._sum(np.asarray(theta, dtype=np.float64), hessian, hessian_fraction)
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
        """An unbiased estimate of J and its gradient from the given rows (a mini-batch).

        The batch sum is scaled by ``n / (len(rows) S)``, so that its expectation over
        uniformly drawn rows is the full objective.
        """
        return self.block_evaluate(theta, self.source.take(rows))

    def block_evaluate(self, theta: Array, block: Block) -> Evaluation:
        """:meth:`batch_evaluate` for a block of rows the source handed out."""
        self._ensure_checked()
        t = self._sum_block(np.asarray(theta, dtype=np.float64), block)
        norm = self.weight_sum * block.n_rows / self.n_samples
        return self._finish(theta, t, norm, block.n_rows)

    # ------------------------------------------------------- along directions
    def line_minimum(self, theta: Array, p: Array, step: float = 1.0, max_iter: int = 8) -> float:
        """The step t > 0 minimising ``J(theta + t p)`` (see :mod:`._directions`)."""
        return _directions.line_minimum(self, theta, p, step, max_iter)

    def curvature(self, theta: Array, v: Array, max_rows: int = 4096) -> float:
        """An estimate of ``v^T H(theta) v`` from at most ``max_rows`` rows."""
        return _directions.curvature(self, theta, v, max_rows)

    def hessian_product(self, theta: Array) -> Callable[[Array], Array]:
        """A function ``v -> H(theta) v``; each call is one pass over the source."""
        return _directions.hessian_product(self, theta)

    def hessian_block(self, theta: Array, cols: NDArray[np.intp], fraction: float = 1.0) -> Array:
        """The Hessian restricted to the weights ``cols`` and the intercept; one pass
        (see :func:`._directions.hessian_block`)."""
        return _directions.hessian_block(self, theta, cols, fraction)

    def curvature_weights(self, theta: Array) -> Array:
        """``s_i d2l/dz2 / sum_i s_i`` per row, shape (n,) (see
        :func:`._directions.curvature_weights`)."""
        return _directions.curvature_weights(self, theta)
