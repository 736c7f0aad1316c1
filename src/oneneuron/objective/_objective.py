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
are sums over blocks too (:func:`._blocks.accumulate`, :func:`._blocks.logits`); the methods
along directions are :class:`._objective_directions.Directions`'.

**K outputs** (a source of ``n_classes = K >= 3`` classes, labels as class codes): ``l``
is the softmax cross-entropy of the logits ``z_i = W_raw x_i + b_raw`` (K of them), theta
is ``[vec(W), b]`` (W row by row, K intercepts last), the penalty acts on vec(W); the
same passes compute it (:mod:`._softmax_blocks`, :mod:`._softmax_directions`). J is
flat along a common shift of the K logits; a centring term, zero at the centred model,
makes its minimum unique (:func:`._softmax_directions.centring`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .. import _kernels
from .._numerics import logit
from ..data import Block, Source, make_source
from ..penalties import L2, Penalty
from ._blocks import Workspace
from ._evaluation import Evaluation, from_sums
from ._objective_directions import Directions
from ._parallel import PARALLEL_MIN_BYTES, PARALLEL_MIN_BYTES_SPARSE, num_threads
from ._passes import Passes, coordinates

__all__ = ["Evaluation", "Objective"]

Array = NDArray[np.floating]


class Objective(Directions, Passes):
    """J(theta) for one data source, evaluated in row blocks.

    Parameters
    ----------
    data : Source, or ndarray / scipy.sparse matrix of shape (n, d)
        The data; arrays are wrapped in a source over ``y`` and ``sample_weight``
        (never copied).
    y : ndarray of shape (n,), optional
        Labels in {0, 1}, with array data (class codes 0..K-1 with ``n_classes = K``).
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
    row_scale : ndarray of shape (d,), optional
        Powers of two for columns of extreme magnitude: every block is worked in a copy
        divided by them (exactly), so that no product, square or sum of its values
        overflows or underflows. The model theta describes is unchanged.
    threshold : float
        Probability at or above which a sample counts as predicted class 1 (accuracy).
    block_rows, n_threads : int, optional
        Rows per block (default about 4 MB) and threads for one pass (default: the
        cores for a source of 32 MB or more, 12 MB or more for sparse rows, else 1).
    accelerate : bool, optional
        Use the compiled kernels (default: when Numba is installed, unless
        ``ONENEURON_ACCELERATOR=numpy``).
    check_finite : bool
        Check the data for NaN and inf. With a compiled kernel the check rides on the
        first full evaluation (a non-finite entry makes J non-finite; only then is X
        searched to name the column), which saves a pass.
    n_classes : int, optional
        With array data: K >= 3 makes the multinomial (softmax) objective over class
        codes ``y`` in 0..K-1 (default: 2, the binary one). A source says it itself.
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
        row_scale: Array | None = None,
        threshold: float = 0.5,
        block_rows: int | None = None,
        n_threads: int | None = None,
        accelerate: bool | None = None,
        check_finite: bool = False,
        n_classes: int | None = None,
    ) -> None:
        if isinstance(data, Source):
            source = data
        else:
            if y is None:
                raise TypeError("Objective(X, y): labels are needed with array data")
            source = make_source(
                data, y, sample_weight, block_rows=block_rows, n_classes=n_classes or 2
            )
        self.source = source
        K = int(getattr(source, "n_classes", 2))
        self.n_outputs = K if K > 2 else 1
        self.n_samples, self.n_features = source.n_samples, source.n_features
        self._dtype = source.dtype
        self._dtype_str = self._dtype.str
        self.weight_sum = source.weight_sum
        self.penalty = L2(alpha) if penalty is None else penalty
        self.fit_intercept = bool(fit_intercept)
        self.z_threshold = logit(threshold)
        # float32 dense rows with a centring offset are standardised in a block copy
        # (x . w_raw + b_raw would lose the logit to cancellation in float32), and rows
        # of extreme magnitude are divided by powers of two in one
        centred = offset is not None and self._dtype == np.float32 and not source.sparse
        copy = centred or row_scale is not None
        self._standardised, self.param = coordinates(
            offset, scale, row_scale, copy, source.sparse, fit_intercept, self.n_features
        )
        self.param.n_outputs = self.n_outputs
        self.offset, self.scale, self.row_scale = offset, scale, row_scale
        self._remember = False
        self._remembered: tuple[tuple[Any, ...], Evaluation] | None = None
        if n_threads is None:
            least = PARALLEL_MIN_BYTES_SPARSE if source.sparse else PARALLEL_MIN_BYTES
            n_threads = num_threads() if source.nbytes >= least else 1
        self.n_threads = max(1, int(n_threads))
        self._workspaces: list[Workspace] = []
        self._lock = threading.Lock()
        if accelerate is None:
            accelerate = _kernels.wanted()
        elif accelerate and not _kernels.available():
            raise ImportError("accelerate=True needs Numba: pip install 'oneneuron[fast]'")
        self._accelerate = bool(accelerate)  # also for sources with kernels of their own
        layout_ok = source.sparse or source.c_contiguous
        self._kernel = (
            (_kernels.csr_pass if source.sparse else _kernels.block_pass)
            if accelerate and layout_ok and not copy and self.n_outputs == 1
            else None
        )
        self._unchecked = check_finite and self._kernel is not None and not source.sparse
        if check_finite and not self._unchecked:
            source.check_finite()

    # ------------------------------------------------------------------ basics
    @property
    def n_params(self) -> int:
        """Length of theta: d weights and, with an intercept, one bias (K outputs: K d
        weights and K intercepts)."""
        return self.param.n_params

    @property
    def n_weights(self) -> int:
        """Entries of theta that are weights (penalised): d, or K d with K outputs."""
        return self.param.n_weights

    @property
    def eps(self) -> float:
        """Machine epsilon of the data's dtype: the relative precision of J."""
        return float(np.finfo(self._dtype).eps)

    @property
    def X(self) -> Any:
        """The in-memory data (for sources that hold an array)."""
        return getattr(self.source, "X", None)

    def split(self, theta: Array) -> tuple[Array, Any]:
        """``(w, b)`` from theta; b is 0 without an intercept."""
        return self.param.split(theta)

    def _ensure_checked(self, evaluation: Evaluation | None = None) -> None:
        """The deferred NaN/inf check: free when a full evaluation came out finite."""
        if not self._unchecked:
            return
        self._unchecked = False
        finite = evaluation is not None and np.isfinite(evaluation.loss)
        if not (finite and np.all(np.isfinite(evaluation.grad))):  # type: ignore[union-attr]
            self.source.check_finite()

    # ------------------------------------------------------------ public API
    def evaluate(
        self,
        theta: Array,
        hessian: bool = False,
        *,
        hessian_fraction: float = 1.0,
        diagonal: bool = False,
        logits: Array | None = None,
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
        diagonal : bool
            Also the Hessian's diagonal (``Evaluation.hess_diag``), from the same pass.
        logits : ndarray of shape (n_samples,), optional
            Every row's logit at theta, as :func:`~._directions.row_logits` gives them,
            from a solver that keeps them up to date (in-memory sources, one output): the
            pass reads X for the gradient only.

        Returns
        -------
        Evaluation
        """
        theta = np.asarray(theta, dtype=np.float64)
        if logits is not None:
            logits = np.asarray(logits, dtype=np.float64)
            if not self.source.in_memory or self.n_outputs > 1:
                raise ValueError("given logits are for in-memory sources with one output")
            if logits.shape != (self.n_samples,):
                raise ValueError(f"logits must have shape ({self.n_samples},); got {logits.shape}")
        key = (theta.tobytes(), hessian, hessian_fraction, diagonal)
        if self._remembered is not None:
            remembered, self._remembered = self._remembered, None
            if remembered[0] == key:
                return remembered[1]
        if self._unchecked:  # NaN/inf not looked for yet: a non-finite J will say so below
            with np.errstate(all="ignore"):
                t = self._sum(theta, hessian, hessian_fraction, diagonal, logits)
        else:
            t = self._sum(theta, hessian, hessian_fraction, diagonal, logits)
        evaluation = from_sums(self, theta, t, self.weight_sum, self.n_samples)
        evaluation.hess_sampled = hessian and self._hessian_rows(hessian_fraction) is not None
        self._ensure_checked(evaluation)
        if self._remember:
            self._remembered = (key, evaluation)
        return evaluation

    @contextmanager
    def remembering(self) -> Iterator[None]:
        """The last evaluation made inside is kept: the next :meth:`evaluate` at the same
        point with the same options returns it without a pass (once).

        The estimator looks at a run's first evaluation before the run (to find columns
        of extreme magnitude) without paying for it twice.
        """
        self._remember = True
        try:
            yield
        finally:
            self._remember = False

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
        return from_sums(self, theta, t, norm, block.n_rows)
