"""Proximal Newton with working sets: the exact solver for L1 and elastic-net penalties.

J(theta) = f(theta) + sum_j lambda_j |w_j|, with f the smooth part (the data term and the
penalty's L2 share). Each iteration, as glmnet, skglm and glum do:

1. **Working set.** The weights that are not zero, plus the zero weights that violate
   optimality most (``|df/dw_j| > lambda_j``), at most ``max(WS_START, 2 nnz(w))`` of them
   (every violator when the full Hessian is formed anyway, and in column mode, below);
   all weights for a smooth penalty. The intercept is always in.
2. **Quadratic model** on the working set W: the gradient g of f and its Hessian H
   restricted to W (:meth:`~oneneuron.objective.Objective.hessian_block`, or the full
   Hessian from the same pass as J when theta is short and not sparse: see
   :data:`FULL_HESSIAN_FRACTION`), from a subsample of the rows on tall data as Newton
   does, by Newton's rule for the parameters the Hessian has (a working set of 30
   weights takes fewer rows than all 200; the start takes fewer still:
   :data:`START_HESSIAN_ROWS_PER_PARAM`). Sparse, wide data in memory never form H: the
   model is kept as its curvature weights and X's columns (glmnet's "naive updates",
   :func:`._cd_columns.cd_columns`), so a coordinate costs the non-zeros of its column;
   X is copied once to float64 CSC for that (:func:`~oneneuron.data._csc.csc_float64`;
   a float64 CSC input is not copied), and the rows' logits follow the steps (the sweeps
   keep ``X~ d``), so no read of X remains for the curvature weights, and every
   evaluation takes them (``evaluate(theta, logits=z)``) and reads X for the gradient only.
3. **Inner solve**: ``d = argmin g.d + d^T H d / 2 + sum_{j in W} lambda_j |w_j + d_j|``
   with the intercept's step minimised out in closed form (:func:`inner_step`), by
   coordinate descent (:func:`._cd.cd_quadratic`) to a tolerance that tightens with the
   outer optimality, then one linear solve on the sign pattern CD found
   (:func:`._cd.polish`), which finishes what CD does slowly on an ill-conditioned H.
4. **Line search** on J along d (Tseng & Yun 2009): the largest ``t in {1, 1/2, ...}``
   with ``J(theta + t d) <= J(theta) + 1e-4 t Delta``,
   ``Delta = g.d + sum_j lambda_j (|w_j + d_j| - |w_j|) < 0``.

Weights that CD sets to zero are exactly zero. The driver stops on the minimum-norm
subgradient of J (:meth:`~oneneuron.penalties.Penalty.optimality`), which is zero exactly
at the optimum; so do the other solvers, so ``tol`` means the same for all of them.
Every evaluation is a pass over the source, so files and Dask collections work too.

**K outputs** (multinomial): the weights are vec(W) (K d of them) and the K intercepts are
minimised out together (:func:`inner_step` with a K x K intercept block, positive
definite thanks to the objective's centring term); the full Hessian is always formed.

References: Lee, Sun & Saunders (2014), SIAM J. Optim. 24:1420. Tseng & Yun (2009), Math.
Program. 117:387. Friedman, Hastie & Tibshirani (2010), J. Stat. Softw. 33(1). Massias,
Vaiter, Gramfort & Salmon (2020), JMLR 21(234) (working sets).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from ..data._csc import csc_float64
from ..objective import Evaluation, Objective
from ..objective._directions import curvature_of, row_logits
from ._base import SolverFacts
from ._cd import cd_quadratic, polish
from ._cd_columns import cd_columns
from ._driver import StopSolver
from ._linesearch import noise
from .newton import hessian_fraction

__all__ = ["ProxNewton"]

Array = NDArray[np.floating]

#: Up to this many parameters, J's pass also forms the full Hessian (one pass per
#: iteration); above it, the Hessian of the working set takes a pass of its own.
FULL_HESSIAN_PARAMS = 500
#: ... while at least this fraction of the weights is non-zero (always at the start, and
#: always with K outputs): a sparse iterate's working set is small, and the Hessian of
#: those columns (a pass costing ``n |W|^2``) is far cheaper than the full one (``n d^2``);
#: on a dense correlated 20,000 x 200 with 14 non-zero weights, 3x faster to 1e-6.
FULL_HESSIAN_FRACTION = 0.25
#: The inner solve stops at this fraction of the outer optimality measure (CD on X's
#: columns, whose sweeps cost a pass over the working set's non-zeros, stops earlier: it
#: took 25-30% fewer sweeps for the same number of outer iterations on the sparse cases
#: of benchmarks/penalties.py).
INNER_TOL = 0.1
INNER_TOL_COLUMNS = 0.3
#: The first working set's size (it at least doubles the non-zero weights after that).
WS_START = 10
#: The start's full Hessian only picks the first working set and the first step: on
#: tall data (more than one block, one output) it comes from this many rows per
#: parameter, each block's first rows, when that is fewer than Newton's subsample
#: (measured, to 1e-6: a correlated 20,000 x 200 53.0 -> 42.5 ms in as many iterations,
#: dense 100,000 x 100 L1 55.6 -> 51.5 ms; 16 rows cost the latter an iteration).
START_HESSIAN_ROWS_PER_PARAM = 32


def inner_step(
    H: Array, g: Array, w: Array, lam: Array, tol: float, max_sweeps: int, n_intercepts: int = 1
) -> tuple[Array, Array | float]:
    """The model's minimiser over ``[d_w, d_b]`` with the intercept's step ``d_b`` last.

    For fixed ``d_w`` the best ``d_b = -(g_b + h . d_w) / h_bb`` (``h = H[:-1, -1]``);
    substituted, the model in ``d_w`` alone has the Hessian ``H_ww - h h^T / h_bb`` (the
    Schur complement: the Hessian of centred features) and the gradient
    ``g_w - h g_b / h_bb``. Coordinate descent on that is exact and well conditioned even
    when features with large means are nearly collinear with the intercept, where CD on
    the full model would crawl. With ``n_intercepts = K`` (multinomial) the same with the
    K x K block ``H_bb``: ``d_b = -H_bb^{-1} (g_b + H_bw d_w)``.
    """
    if n_intercepts > 1:
        return _inner_step_block(H, g, w, lam, tol, max_sweeps, n_intercepts)
    h, hbb = H[:-1, -1], float(H[-1, -1])
    if hbb <= 0.0:  # every curvature weight vanished: no information on the intercept
        step, _ = cd_quadratic(H, g, np.append(w, 0.0), np.append(lam, 0.0), tol=tol,
                               max_sweeps=max_sweeps)  # fmt: skip
        return step[:-1], float(step[-1])
    schur = H[:-1, :-1] - np.outer(h, h) / hbb
    gs = g[:-1] - h * (g[-1] / hbb)
    step_w, _ = cd_quadratic(schur, gs, w, lam, tol=tol, max_sweeps=max_sweeps)
    step_w = polish(schur, gs, w, lam, step_w)
    return step_w, -(float(g[-1]) + float(h @ step_w)) / hbb


def _inner_step_block(
    H: Array, g: Array, w: Array, lam: Array, tol: float, max_sweeps: int, k: int
) -> tuple[Array, Array]:
    """:func:`inner_step` with the last ``k`` entries intercepts (a K x K block)."""
    hwb, hbb = H[:-k, -k:], H[-k:, -k:]
    solve = np.linalg.solve(hbb, np.column_stack([hwb.T, g[-k:]]))
    schur = H[:-k, :-k] - hwb @ solve[:, :-1]
    gs = g[:-k] - hwb @ solve[:, -1]
    step_w, _ = cd_quadratic(schur, gs, w, lam, tol=tol, max_sweeps=max_sweeps)
    step_w = polish(schur, gs, w, lam, step_w)
    return step_w, -(solve[:, -1] + solve[:, :-1] @ step_w)


@dataclass
class ProxNewton(SolverFacts):
    """Proximal Newton with a coordinate-descent inner solver and working sets.

    Parameters
    ----------
    max_sweeps : int
        Most coordinate-descent sweeps of one inner solve.
    subsample : bool
        Estimate the Hessian from a subsample of the rows on tall data (as Newton).
    """

    max_sweeps: int = 200
    subsample: bool = True

    name: ClassVar[str] = "proxnewton"
    exact: ClassVar[bool] = True
    default_max_iter: ClassVar[int] = 100
    hint: ClassVar[str] = "raise max_iter, or set standardize=True for badly scaled features"
    nonsmooth: ClassVar[bool] = True

    def start(self, objective: Objective, theta: Array) -> Evaluation:
        self._d = objective.n_weights
        self._k = objective.n_outputs  # intercepts: K with K outputs
        self._lam = objective.penalty.l1_strength(self._d)
        self._fraction = (
            hessian_fraction(objective.n_samples, objective.n_params) if self.subsample else 1.0
        )
        self._full = objective.n_params <= FULL_HESSIAN_PARAMS or self._k > 1
        source = objective.source
        self._columns = (
            not self._full and source.sparse and source.in_memory and objective.X is not None
        )
        # column mode reads X by columns: one float64 CSC copy for the whole fit (O(nnz),
        # as liblinear keeps; a float64 CSC input is used as it is), and a scratch value
        # per stored value; kept when the run starts again on the same data
        X = objective.X
        if not self._columns:
            self._csc = self._work = None
        elif getattr(self, "_csc_of", None) is not X:
            self._csc = csc_float64(X)
            self._work = np.empty(self._csc.nnz)
        self._csc_of = X if self._columns else None
        # column mode: every row's logit, sign and weight, and the theta they belong to
        # (the step's logit change keeps them current: no read of X for the curvature)
        self._rows: tuple[Array, Array, Array | None] | None = None
        self._rows_at: Array | None = None
        self._change: Array | None = None
        if self._columns:  # the logits from here on follow the steps; at zero weights: b
            self._rows, self._rows_at = row_logits(objective, theta), theta.copy()
            return self._evaluate(objective, theta, logits=self._rows[0])
        return self._evaluate(objective, theta, start=True)

    def _evaluate(
        self, objective: Objective, theta: Array, start: bool = False, logits: Array | None = None
    ) -> Evaluation:
        """J at theta, with the full Hessian from the same pass while it pays (see
        :data:`FULL_HESSIAN_FRACTION`); ``logits`` (column mode): the rows' logits at
        theta, so that the pass reads X for the gradient only."""
        nonzero = np.count_nonzero(theta[: self._d])
        dense = start or self._k > 1 or nonzero >= FULL_HESSIAN_FRACTION * self._d
        if not (self._full and dense):
            return objective.evaluate(theta, logits=logits)
        fraction = self._fraction
        if start and self.subsample and self._k == 1:
            rows = START_HESSIAN_ROWS_PER_PARAM * objective.n_params
            fraction = min(fraction, rows / max(objective.n_samples, 1))
        if fraction < 1.0:
            return objective.evaluate(theta, hessian=True, hessian_fraction=fraction)
        return objective.evaluate(theta, hessian=True)

    def working_set(self, theta: Array, evaluation: Evaluation) -> NDArray[np.intp]:
        """Indices of the weights in this iteration's working set (sorted)."""
        d = self._d
        w = theta[:d]
        if not np.any(self._lam):  # a smooth penalty: every weight
            return np.arange(d)
        score = np.abs(evaluation.grad[:d]) - self._lam  # > 0: a zero weight that should move
        nonzero = w != 0.0
        score[nonzero] = np.inf
        # with the full Hessian at hand, or CD on columns (costing the working set's
        # non-zeros, not its size squared), every violator goes in at once
        spread = self._columns or (self._full and evaluation.hess is not None)
        grow = d if spread else max(WS_START, 2 * int(np.count_nonzero(nonzero)))
        size = min(d, grow)
        candidates = np.flatnonzero(score > 0.0)
        if candidates.size > size:
            candidates = candidates[np.argpartition(-score[candidates], size - 1)[:size]]
        return np.sort(candidates)

    def step(
        self, objective: Objective, theta: Array, evaluation: Evaluation
    ) -> tuple[Array, Evaluation]:
        d = self._d
        cols = self.working_set(theta, evaluation)
        intercept = objective.fit_intercept
        idx = np.append(cols, d + np.arange(self._k)) if intercept else cols
        if idx.size == 0:
            raise StopSolver("no weight can move (every weight is optimal at 0)", precision=True)
        g = evaluation.grad[idx]
        tol = (INNER_TOL_COLUMNS if self._columns else INNER_TOL) * evaluation.grad_max
        w = theta[cols]
        lam = self._lam[cols]
        if self._columns:  # sparse and wide: CD on X's columns, no (m, m) matrix
            param = objective.param
            assert self._csc is not None
            if (
                self._rows is None
                or self._rows_at is None
                or not np.array_equal(self._rows_at, theta)
            ):
                self._rows = row_logits(objective, theta)
            self._change = np.empty_like(self._rows[0])
            step, _ = cd_columns(
                self._csc,
                None if param.offset is None else param.offset[cols],
                None if param.scale is None else param.scale[cols],
                curvature_of(objective, *self._rows),
                g,
                w,
                lam,
                objective.penalty.hessian_diag(theta[:d])[cols],
                intercept=intercept,
                tol=tol,
                max_sweeps=self.max_sweeps,
                cols=cols,
                work=self._work,
                logits_change=self._change,
            )
        else:
            if self._full and evaluation.hess is not None:
                H = evaluation.hess[np.ix_(idx, idx)]
            else:  # Newton's subsample rule for the working set's parameters
                n = objective.n_samples
                fraction = hessian_fraction(n, idx.size) if self.subsample else 1.0
                H = objective.hessian_block(theta, cols, fraction)
            if intercept:  # the intercept minimised out exactly (see inner_step)
                step_w, step_b = inner_step(H, g, w, lam, tol, self.max_sweeps, self._k)
                step = np.append(step_w, step_b)
            else:
                step, _ = cd_quadratic(H, g, w, lam, tol=tol, max_sweeps=self.max_sweeps)
                step = polish(H, g, w, lam, step)
        direction = np.zeros_like(theta)
        direction[idx] = step
        return self._line_search(objective, theta, evaluation, direction)

    def _line_search(
        self, objective: Objective, theta: Array, evaluation: Evaluation, direction: Array
    ) -> tuple[Array, Evaluation]:
        d = self._d
        w, p = theta[:d], direction[:d]
        # |w + p| - |w| without cancellation: sign(w) p while the sign is kept
        kept = (w != 0) & (np.sign(w + p) == np.sign(w))
        l1 = float(self._lam @ np.where(kept, np.sign(w) * p, np.abs(w + p) - np.abs(w)))
        decrease = float(evaluation.grad @ direction) + l1  # Delta: < 0 unless optimal
        if not decrease < 0.0:
            raise StopSolver(
                "not a descent direction (optimum reached to machine precision)", precision=True
            )
        tiny = noise(objective, evaluation)
        t = 1.0
        for _ in range(40):
            trial = theta + t * direction
            logits = self._logits_along(t)
            ev = self._evaluate(objective, trial, logits=logits)
            if ev.loss <= evaluation.loss + 1e-4 * t * decrease or (
                ev.loss <= evaluation.loss + tiny and ev.grad_max < evaluation.grad_max
            ):
                self._moved(trial, logits)
                return trial, ev
            if t * -decrease < tiny:
                break
            t *= 0.5
        raise StopSolver(
            "line search found no decrease (optimum reached to the precision of the data)",
            precision=True,
        )

    def _logits_along(self, t: float) -> Array | None:
        """Column mode: the rows' logits at ``theta + t d``, from the step's change."""
        if self._rows is None or self._change is None:
            return None
        return self._rows[0] + t * self._change

    def _moved(self, trial: Array, logits: Array | None) -> None:
        """Column mode: the logits follow the accepted step."""
        if self._rows is not None and logits is not None:
            self._rows = (logits, *self._rows[1:])
            self._rows_at = trial.copy()
        self._change = None

    def converged(self, evaluation: Evaluation, tol: float) -> bool:
        return evaluation.grad_max <= tol
