"""Newton-CG with a subsampled Hessian: Newton's direction without forming the Hessian.

Each iteration solves ``H p = -g`` approximately by conjugate gradients, which needs only
products ``H v``; those come from a fixed sample of rows held in memory (every k-th row of
the source, :data:`ROWS_PER_PARAM` per parameter within ``[MIN_ROWS, MAX_ROWS]``: all
rows of a small source; a file or a Dask collection hands out the 4,096-row sample it
keeps), so CG costs no pass over the source (Byrd, Chin, Neveitt and
Nocedal, "On the use of stochastic Hessian information in optimization methods for
machine learning", SIAM J. Optim. 2011). The gradient and J stay exact: an Armijo line
search from the unit step reads the source, so an iteration costs one pass when the unit
step is accepted (the usual case), and the iterates converge to the exact optimum.

CG is preconditioned by the sampled Hessian's diagonal and stopped early (a truncated
Newton method): once the residual is below ``min(1/2, sqrt(max |g|))`` times the
gradient, which asks for little far from the optimum and more near it (Eisenstat and
Walker's forcing terms), or at a direction of non-positive curvature.

Against L-BFGS it needs about half the passes on tall data with many parameters, where a
pass costs far more than CG's products with the sample: the multinomial model of K
classes (K d parameters) above all. It stops on ``max |g| <= tol``, as L-BFGS does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from ..data import Block
from ..objective import Evaluation, Objective
from ._base import SolverFacts
from ._linesearch import armijo

__all__ = ["NewtonCG", "sample_rows", "truncated_cg"]

Array = NDArray[np.floating]

#: Rows of the Hessian's sample per parameter, and its bounds.
ROWS_PER_PARAM = 16
MIN_ROWS = 4096
MAX_ROWS = 32768


def sample_rows(n_params: int) -> int:
    """Rows in the Hessian's sample for ``n_params`` parameters."""
    return int(min(MAX_ROWS, max(MIN_ROWS, ROWS_PER_PARAM * n_params)))


def truncated_cg(
    hessp: Callable[[Array], Array], grad: Array, diag: Array, rtol: float, max_iter: int
) -> Array:
    """An approximate solution of ``H p = -grad`` by preconditioned conjugate gradients.

    Starts from ``p = 0`` with the preconditioner ``diag(H)`` (entries below ``1e-12``
    times the largest are raised to it) and stops when the residual's norm is at most
    ``rtol ||grad||``, after ``max_iter`` products, or at a direction ``d`` with
    ``d.H.d <= 0`` (then the solution so far, or the preconditioned steepest descent
    direction if there is none yet). Every iterate is a descent direction.
    """
    top = float(np.max(diag)) if diag.size else 0.0
    inv = 1.0 / np.maximum(diag, 1e-12 * top) if top > 0 else np.ones_like(grad)
    p = np.zeros_like(grad)
    r = -grad
    z = r * inv
    d = z.copy()
    rz = float(r @ z)
    bound = rtol * float(np.linalg.norm(grad))
    for _ in range(max_iter):
        hd = hessp(d)
        curv = float(d @ hd)
        if not (curv > 0 and np.isfinite(curv)):
            return p if p.any() else z
        a = rz / curv
        p += a * d
        r -= a * hd
        if float(np.linalg.norm(r)) <= bound:
            break
        z = r * inv
        rz, rz_old = float(r @ z), rz
        d = z + (rz / rz_old) * d
    return p


@dataclass
class NewtonCG(SolverFacts):
    """Truncated Newton: CG on products with a Hessian sampled from rows in memory.

    Parameters
    ----------
    max_cg : int
        Most Hessian products per iteration.
    """

    max_cg: int = 100

    name: ClassVar[str] = "newton-cg"
    exact: ClassVar[bool] = True
    default_max_iter: ClassVar[int] = 100
    hint: ClassVar[str] = "raise max_iter, or set standardize=True"
    hint_standardized: ClassVar[str] = "raise max_iter"

    def start(self, objective: Objective, theta: Array) -> Evaluation:
        sample: Block = objective.source.strided(sample_rows(objective.n_params))
        self._hessian = objective.sampled_hessian(sample)
        return objective.evaluate(theta)

    def step(
        self, objective: Objective, theta: Array, evaluation: Evaluation
    ) -> tuple[Array, Evaluation]:
        hessp, diag = self._hessian.at(theta)
        rtol = min(0.5, float(np.sqrt(evaluation.grad_max)))
        p = truncated_cg(hessp, evaluation.grad, diag, rtol, self.max_cg)
        return armijo(objective, theta, evaluation, p, step=1.0)

    def converged(self, evaluation: Evaluation, tol: float) -> bool:
        return evaluation.grad_max <= tol
