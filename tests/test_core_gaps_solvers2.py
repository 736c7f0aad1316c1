"""The acceptance rules of the solvers' line searches and stopping measures, each in the
state where a one-token change of it would act differently (docs/testing.md, "Mutation
testing": the solvers' mutants that were "not equivalent and still alive").

Every fit in the other tests reaches its optimum whichever way these rules are written
(a refused step is halved, an early stop is followed by another iteration), so each test
here builds the rare state by hand and holds the rule to its definition:

- ``armijo`` (:mod:`oneneuron.solvers._linesearch`) and proximal Newton's line search:
  the largest ``t`` in ``{1, 1/2, ...}`` (the unit step first, 40 at most) with
  ``J(t) <= J(0) + 1e-4 t Delta``, found by evaluating J along the direction here; a
  unit step that raises J (by less than ``1e-4 |Delta|``) is refused, one exactly on the
  line taken; a direction that does not descend is refused before any evaluation; and
  the rounding-noise rules: a step whose predicted decrease is below J's noise (not
  equal to it) is taken if J does not rise measurably, else the search stops at once
  (shorter steps cannot show a decrease either), and a step within the noise (a rise of
  at most the noise) is taken on a gradient that shrinks (not one left as it was) only;
- coordinate descent's stopping measure (the model's minimum-norm subgradient) at a
  positive coordinate below 1, against the model's exact minimiser (a linear solve), on
  the compiled kernels and on the plain Python loops;
- L-BFGS's first step when the sampled curvature is not positive (or not finite, or the
  slope is zero): at most a unit step, and a move of 1 in the L1 norm.

The noise rules are reached with a quadratic whose J is declared to be computed to
``eps = 2^-20`` (as a float32 fit's J is to about 2^-23), so that every comparison has
margins of orders of magnitude above float64's rounding; the boundaries of the rules
(equal to the noise, exactly on the Armijo line) with steps of a few binary digits,
along which J is exact.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import brentq

from oneneuron import _kernels
from oneneuron.objective import Evaluation, Objective
from oneneuron.penalties import L1
from oneneuron.solvers import LBFGS, ProxNewton, StopSolver, _cd, _cd_columns
from oneneuron.solvers._cd import cd_quadratic
from oneneuron.solvers._cd_columns import cd_columns
from oneneuron.solvers._linesearch import armijo, noise

#: The compiled coordinate-descent kernels (when Numba is installed) and the Python loops.
ACCELERATOR = ["numpy", *(["numba"] if _kernels.available() else [])]


class _Quadratic:
    """``J(theta) = theta.A.theta / 2 - b.theta + c``, declared to be computed to ``eps``.

    Exact in float64 to about 1e-16, while the line searches take its rounding noise to be
    ``4 eps max(|J|, 1)`` (about 4e-6 for ``|J| <= 1``). ``calls`` counts the evaluations.
    """

    def __init__(self, A, b, c=0.0, eps=2.0**-20):
        self.A, self.b, self.c = np.asarray(A, float), np.asarray(b, float), float(c)
        self.eps = eps
        self.calls = 0

    def value(self, theta):
        return float(0.5 * theta @ self.A @ theta - self.b @ theta + self.c)

    def evaluate(self, theta, hessian=False, **_):
        self.calls += 1
        return Evaluation(self.value(theta), self.A @ theta - self.b, 0, 1)


def _state(A, grad, c=0.0):
    """A quadratic with Hessian A whose gradient at ``theta = (1, 1)`` is ``grad``."""
    theta = np.ones(len(grad))
    obj = _Quadratic(A, A @ theta - np.asarray(grad, float), c=c)
    return obj, theta, obj.evaluate(theta)


def _direction(s, q):
    """With ``A = [[1, 1/2], [1/2, 1]]`` and the gradient ``(1, 0)``: ``p`` with
    ``g.p = s`` and ``p.A.p = q``, whose step raises the gradient's largest entry (by
    about ``sqrt(q) / 2``)."""
    y = (-s + np.sqrt(s * s - 4 * (s * s - q))) / 2  # y^2 + s y + s^2 - q = 0, y > 0
    return np.array([s, y])


A2 = np.array([[1.0, 0.5], [0.5, 1.0]])


def _prox_newton_on(obj, n_weights, lam):
    """A ProxNewton set up as ``start`` leaves it, for a hand-made objective whose
    evaluations ``_line_search`` asks for (no full Hessian, no column mode)."""
    solver = ProxNewton()
    solver._d, solver._k, solver._lam = n_weights, 1, np.asarray(lam, float)
    solver._full, solver._fraction, solver._columns = False, 1.0, False
    solver._rows = solver._rows_at = solver._change = None
    return solver


def _first_armijo_step(J, J0, delta):
    """The largest ``t = 2^-k`` with ``J(t) <= J0 + 1e-4 t delta``: the Armijo rule."""
    for k in range(40):
        t = 0.5**k
        if J(t) <= J0 + 1e-4 * t * delta:
            return t
    raise AssertionError("no step satisfies the Armijo condition")


def _logistic(seed=31, n=80, d=3, **kw):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) + [0.5, -1.0, 0.0][:d]
    y = (X @ rng.normal(size=d) + rng.logistic(size=n) > 0).astype(float)
    return Objective(X, y, **kw)


# -- armijo ---------------------------------------------------------------------------


def test_armijo_refuses_a_unit_step_that_raises_j_slightly():
    """A unit step along which J rises by half of ``1e-4 |g.p|`` (far more than its
    rounding noise): the sufficient decrease ``J(t) <= J + 1e-4 t g.p`` refuses it (a rise
    is never a decrease, however small next to the slope) and the search returns the
    largest halving that satisfies it, with J lower than at the start."""
    obj = _logistic(alpha=0.1)
    theta = np.zeros(4)
    ev = obj.evaluate(theta)
    p0 = -ev.grad
    slope0 = float(ev.grad @ p0)

    def excess(scale):  # J along p0 minus J + half the sufficient rise
        return obj.evaluate(theta + scale * p0).loss - ev.loss + 0.5e-4 * scale * slope0

    scale = brentq(excess, 1.0, 1e4, xtol=1e-14, rtol=1e-15)
    p = scale * p0
    slope = float(ev.grad @ p)
    rise = obj.evaluate(theta + p).loss - ev.loss
    assert noise(obj, ev) < rise < 1e-4 * -slope  # the state: a measurable, small rise
    t = _first_armijo_step(lambda t: obj.evaluate(theta + t * p).loss, ev.loss, slope)
    assert t < 1.0
    trial, got = armijo(obj, theta, ev, p)
    np.testing.assert_array_equal(trial, theta + t * p)
    assert got.loss == obj.evaluate(trial).loss < ev.loss


def test_armijo_halves_a_long_step_to_the_first_sufficient_decrease():
    """A direction reaching 40 in its largest entry, far past J's minimum along it: the
    step is halved down to the largest ``2^-k`` with a sufficient decrease, here at most
    1/16, as J along the direction says."""
    obj = _logistic(seed=32, alpha=0.1)
    theta = np.array([0.2, -0.1, 0.3, 0.0])
    ev = obj.evaluate(theta)
    p = 40.0 * -ev.grad / float(np.abs(ev.grad).max())
    slope = float(ev.grad @ p)
    t = _first_armijo_step(lambda t: obj.evaluate(theta + t * p).loss, ev.loss, slope)
    assert t <= 1 / 16
    trial, got = armijo(obj, theta, ev, p)
    np.testing.assert_array_equal(trial, theta + t * p)
    assert got.loss < ev.loss


def test_armijo_takes_an_unmeasurable_step_that_keeps_j_within_its_noise():
    """The predicted decrease ``|g.p|`` is below J's rounding noise and the unit step
    leaves J within it (J rises by a quarter of the noise, so Armijo refuses it) while
    the gradient grows: the step is taken, as J cannot tell it from a good one, and at
    once (one evaluation). Refused, the search would halve down to a step that J does
    see decrease."""
    obj, theta, ev = _state(A2, [1.0, 0.0])
    tiny = noise(obj, ev)
    p = _direction(-tiny / 4, tiny)  # J(1) - J = -tiny/4 + tiny/2
    trial_ev = obj.evaluate(theta + p)
    assert -float(ev.grad @ p) < tiny  # the state: an unmeasurable predicted decrease,
    assert ev.loss < trial_ev.loss <= ev.loss + tiny  # a rise within the noise,
    assert trial_ev.grad_max > ev.grad_max  # a gradient that grows
    obj.calls = 0
    trial, got = armijo(obj, theta, ev, p)
    np.testing.assert_array_equal(trial, theta + p)
    assert got.loss == trial_ev.loss and obj.calls == 1


def test_armijo_stops_when_an_unmeasurable_step_raises_j_measurably():
    """The predicted decrease is below J's noise and the unit step raises J by more than
    the noise: no shorter step can show a decrease either, so the search stops the solver
    after that one evaluation (though J does decrease, unmeasurably, at ``t < 1/16``)."""
    obj, theta, ev = _state(A2, [1.0, 0.0])
    tiny = noise(obj, ev)
    p = _direction(-tiny / 4, 6 * tiny)  # J(1) - J = -tiny/4 + 3 tiny
    assert -float(ev.grad @ p) < tiny < obj.evaluate(theta + p).loss - ev.loss
    assert obj.value(theta + p / 16) < ev.loss
    obj.calls = 0
    with pytest.raises(StopSolver, match=r"^line search found no decrease") as info:
        armijo(obj, theta, ev, p)
    assert info.value.precision and obj.calls == 1


# -- proximal Newton's line search ----------------------------------------------------


def _l1_decrease(grad, theta, direction, lam, d):
    """``Delta = g.p + sum_j lam_j (|w_j + p_j| - |w_j|)``, the definition."""
    w, p = theta[:d], direction[:d]
    return float(grad @ direction + lam @ (np.abs(w + p) - np.abs(w)))


def test_proxnewton_line_search_takes_the_first_sufficient_decrease():
    """An L1 fit, along a direction 12 times the gradient's: the step is the largest
    ``2^-k`` with ``J(t) <= J + 1e-4 t Delta`` (Tseng and Yun's rule, with ``Delta`` the
    model's decrease including the L1 terms), found by evaluating J along the direction;
    here 1/4 or shorter, every longer step raising J far above its noise."""
    obj = _logistic(seed=33, penalty=L1(0.02))
    theta = np.array([0.4, -0.3, 0.2, 0.1])
    solver = ProxNewton()
    ev = solver.start(obj, theta)
    direction = -12.0 * ev.grad / float(np.abs(ev.grad).max())
    lam = solver._lam
    delta = _l1_decrease(ev.grad, theta, direction, lam, 3)
    assert delta < 0.0
    J = lambda t: obj.evaluate(theta + t * direction).loss  # noqa: E731
    t = _first_armijo_step(J, ev.loss, delta)
    assert 1 / 16 <= t <= 1 / 4
    tiny = noise(obj, ev)
    for k in range(int(np.log2(1 / t))):  # the steps refused raise J measurably
        assert J(0.5**k) > ev.loss + tiny
    assert J(t) <= ev.loss + 1e-4 * t * delta - 1e-3 * abs(delta)  # a clear decrease
    trial, got = solver._line_search(obj, theta, ev, direction)
    np.testing.assert_array_equal(trial, theta + t * direction)
    assert got.loss == J(t)


def test_proxnewton_line_search_refuses_a_unit_step_that_raises_j_slightly():
    """A unit step raising J by half of ``1e-4 |Delta|`` (far above its noise): refused,
    as any rise; the half step, which decreases J by about ``|Delta| / 4``, is taken."""
    obj, theta, ev = _state(A2, [1.0, 0.0])
    s = -1.0
    p = _direction(s, 2 * (-s) * (1 + 0.5e-4))  # J(1) - J = s + q / 2 = 0.5e-4 |s|
    assert noise(obj, ev) < obj.value(theta + p) - ev.loss <= 1e-4 * -s
    solver = _prox_newton_on(obj, 1, [0.0])  # the first entry a weight, without L1
    trial, got = solver._line_search(obj, theta, ev, p)
    np.testing.assert_array_equal(trial, theta + 0.5 * p)
    assert got.loss < ev.loss + 1e-4 * 0.5 * s


def test_proxnewton_line_search_refuses_a_rise_on_a_shrinking_gradient():
    """A unit step that lowers the gradient's largest entry (100 to 11) but raises J
    measurably (49 to 60): the noise rule takes a step on a shrinking gradient only when
    J stays within its noise, so the step is halved, and the half step decreases J."""
    obj, theta, ev = _state(np.diag([1.0, 100.0]), [0.01, 100.0], c=-0.5)
    p = np.array([12.0, 0.0]) - theta
    tiny = noise(obj, ev)
    end = obj.evaluate(theta + p)
    assert end.grad_max < ev.grad_max and end.loss > ev.loss + tiny  # the state
    solver = _prox_newton_on(obj, 2, [0.0, 0.0])
    delta = _l1_decrease(ev.grad, theta, p, solver._lam, 2)
    t = _first_armijo_step(lambda t: obj.value(theta + t * p), ev.loss, delta)
    assert t == 0.5
    trial, got = solver._line_search(obj, theta, ev, p)
    np.testing.assert_array_equal(trial, theta + 0.5 * p)
    assert got.loss < ev.loss


def test_proxnewton_line_search_stops_when_the_decrease_is_below_the_noise():
    """``t |Delta|`` below J's noise and the step raising J measurably: shorter steps
    cannot show a decrease either, so the search stops after that one evaluation (J does
    decrease, unmeasurably, at ``t <= 1/16``: a search that went on would take one)."""
    obj, theta, ev = _state(A2, [1.0, 0.0])
    tiny = noise(obj, ev)
    p = _direction(-tiny / 4, 6 * tiny)
    assert -float(ev.grad @ p) < tiny < obj.value(theta + p) - ev.loss
    assert obj.value(theta + p / 16) < ev.loss
    solver = _prox_newton_on(obj, 2, [0.0, 0.0])
    obj.calls = 0
    with pytest.raises(StopSolver, match=r"^line search found no decrease") as info:
        solver._line_search(obj, theta, ev, p)
    assert info.value.precision and obj.calls == 1


@pytest.mark.parametrize("size", [0.0, 1e-3])
def test_proxnewton_line_search_refuses_a_direction_that_does_not_descend(size, monkeypatch):
    """``Delta >= 0`` (a zero direction, or an ascent one with ``0 < Delta < 1``): the
    direction is refused before any evaluation, with the reason ("not a descent
    direction"), not searched along."""
    obj = _logistic(seed=34, penalty=L1(0.02))
    theta = np.array([0.4, -0.3, 0.2, 0.1])
    solver = ProxNewton()
    ev = solver.start(obj, theta)
    direction = size * ev.grad / float(np.abs(ev.grad).max())
    delta = _l1_decrease(ev.grad, theta, direction, solver._lam, 3)
    assert delta == 0.0 if size == 0.0 else 0.0 < delta < 1.0
    calls = []
    real = obj.evaluate
    monkeypatch.setattr(obj, "evaluate", lambda *a, **k: calls.append(1) or real(*a, **k))
    with pytest.raises(StopSolver, match=r"^not a descent direction") as info:
        solver._line_search(obj, theta, ev, direction)
    assert info.value.precision and not calls


# -- both line searches: the same rules without an L1 part ----------------------------


def _search(kind, obj, theta, ev, p):
    """``armijo``, or proximal Newton's search with every entry a weight and no L1 part
    (then ``Delta = g.p``, and the two rules agree on the states below)."""
    if kind == "armijo":
        return armijo(obj, theta, ev, p)
    return _prox_newton_on(obj, len(theta), np.zeros(len(theta)))._line_search(obj, theta, ev, p)


SEARCHES = ["armijo", "proxnewton"]


@pytest.mark.parametrize("kind", SEARCHES)
def test_line_search_takes_a_sufficient_decrease_on_a_growing_gradient(kind):
    """The unit step lowers J by 1.9, far more than ``1e-4 |g.p| = 4e-4``, while the
    gradient's largest entry grows from 2 to 5: a sufficient decrease is taken whatever
    the gradient does (only the noise rule looks at the gradient), at once."""
    obj, theta, ev = _state(np.diag([1.0, 100.0]), [2.0, 0.0])
    p = np.array([-2.0, 0.05])
    slope, end = float(ev.grad @ p), obj.evaluate(theta + p)
    assert end.loss <= ev.loss + 1e-4 * slope - 1.0 and end.grad_max > ev.grad_max
    obj.calls = 0
    trial, got = _search(kind, obj, theta, ev, p)
    np.testing.assert_array_equal(trial, theta + p)
    assert got.loss == end.loss and obj.calls == 1


@pytest.mark.parametrize("kind", SEARCHES)
def test_line_search_takes_a_half_step_near_the_armijo_boundary(kind):
    """The unit step raises J (by 0.5); the half step lowers it by ``1e-4 |g.p|``, twice
    the ``1e-4 (1/2) |g.p|`` the rule asks at ``t = 1/2`` (and half of what it would ask
    with ``1e-4 / t``, or with ``|g.p| = 1/2`` divided instead of multiplied), while the
    gradient's largest entry grows (so the noise rule does not apply): the half step."""
    obj, theta, ev = _state(np.diag([1.0, 100.0]), [1.0, 0.0])
    s = -0.5
    py = np.sqrt(((4 - 8e-4) * -s - s * s) / 100)  # p.A.p = (4 - 8e-4) |s|
    p = np.array([s, py])
    assert float(ev.grad @ p) == s
    J = lambda t: obj.value(theta + t * p)  # noqa: E731
    assert J(0.5) - ev.loss == pytest.approx(1e-4 * s, rel=1e-6)
    assert J(1.0) > ev.loss + 0.4 and obj.evaluate(theta + 0.5 * p).grad_max > ev.grad_max
    assert _first_armijo_step(J, ev.loss, s) == 0.5
    trial, _ = _search(kind, obj, theta, ev, p)
    np.testing.assert_array_equal(trial, theta + 0.5 * p)


@pytest.mark.parametrize("kind", SEARCHES)
def test_line_search_tries_the_unit_step_first(kind):
    """A direction a quarter of the Newton step on a quadratic: steps 1 and 2 both
    decrease J sufficiently (step 2 more), but the search starts from the unit step."""
    obj, theta, ev = _state(A2, [1.0, -0.5])
    p = -0.25 * np.linalg.solve(A2, ev.grad)
    slope = float(ev.grad @ p)
    for t in (1.0, 2.0):
        assert obj.value(theta + t * p) <= ev.loss + 1e-4 * t * slope
    assert obj.value(theta + 2 * p) < obj.value(theta + p)
    trial, _ = _search(kind, obj, theta, ev, p)
    np.testing.assert_array_equal(trial, theta + p)


@pytest.mark.parametrize("kind", SEARCHES)
def test_line_search_halves_forty_times_at_most(kind):
    """Along ``p = -1`` from 0, ``J(t) = -1e7 t + q t^2 / 2`` with the Armijo condition
    holding for ``t <= 2^-39.5`` only: the 40 steps ``1, ..., 2^-39`` all raise J by more
    than its noise (and predict measurable decreases), so the search stops after 40
    evaluations, though ``2^-40`` would decrease J."""
    s = -1e7
    q = 2 * -s * (1 - 1e-4) * 2**39.5
    obj = _Quadratic(np.array([[q]]), np.array([-s]))  # g = -b = s at theta = 0
    theta = np.zeros(1)
    ev = obj.evaluate(theta)
    p = np.array([1.0])
    tiny = noise(obj, ev)
    assert float(ev.grad @ p) == s and ev.loss == 0.0
    for k in range(40):
        t = 0.5**k
        assert obj.value(t * p) > tiny and t * -s > tiny
    assert obj.value(0.5**40 * p) <= 1e-4 * 0.5**40 * s
    obj.calls = 0
    with pytest.raises(StopSolver, match=r"^line search found no decrease"):
        _search(kind, obj, theta, ev, p)
    assert obj.calls == 40


@pytest.mark.parametrize("kind", SEARCHES)
def test_line_search_takes_a_rise_within_the_noise_on_a_shrinking_gradient(kind):
    """The unit step raises J by less than its noise (about 0.4 of it), so Armijo refuses
    it, but the gradient's largest entry shrinks (1 to 0.999): the noise rule takes it
    (near the optimum the gradient still shows the progress J cannot)."""
    obj, theta, ev = _state(np.eye(2), [1.0, 0.5])
    tiny = noise(obj, ev)
    p = np.array([-1e-3, 2 * (1e-3 - tiny / 4)])  # g.p = -tiny / 4
    end = obj.evaluate(theta + p)
    assert ev.loss < end.loss <= ev.loss + 0.5 * tiny and end.grad_max < ev.grad_max
    trial, got = _search(kind, obj, theta, ev, p)
    np.testing.assert_array_equal(trial, theta + p)
    assert got.loss == end.loss


def _at_zero(A, grad):
    """A quadratic with Hessian A whose gradient at ``theta = 0`` is ``grad``: there
    ``J = 0`` and its noise is ``4 eps = 2^-18`` exactly, and with steps of a few binary
    digits J along them is exact."""
    obj = _Quadratic(A, -np.asarray(grad, float))
    theta = np.zeros(len(grad))
    ev = obj.evaluate(theta)
    assert ev.loss == 0.0 and noise(obj, ev) == 2.0**-18
    return obj, theta, ev


@pytest.mark.parametrize("kind", SEARCHES)
def test_line_search_refuses_a_rise_within_the_noise_on_an_unchanged_gradient(kind):
    """A predicted decrease of twice the noise (measurable), a unit step raising J by
    half the noise and leaving the gradient's largest entry exactly as it was (the step
    moves another coordinate): the gradient did not shrink, so the noise rule does not
    take it; the half step decreases J sufficiently."""
    tiny = 2.0**-18
    px = -np.sqrt(5 * tiny)  # J(1) = px^2 / 2 + gx px = 2.5 tiny - 2 tiny
    obj, theta, ev = _at_zero(np.eye(2), [-2 * tiny / px, 2.0])
    p = np.array([px, 0.0])
    end = obj.evaluate(theta + p)
    assert float(ev.grad @ p) == pytest.approx(-2 * tiny, rel=1e-12)
    assert 0.0 < end.loss <= tiny and end.grad_max == ev.grad_max == 2.0
    trial, _ = _search(kind, obj, theta, ev, p)
    np.testing.assert_array_equal(trial, theta + 0.5 * p)


@pytest.mark.parametrize("kind", SEARCHES)
def test_line_search_counts_a_decrease_of_exactly_the_noise_as_measurable(kind):
    """A predicted decrease ``|g.p|`` of exactly J's noise (``2^-18``): measurable, as
    only a smaller one is not. The unit step raises J by half the noise and the gradient
    grows, so it is refused (neither taken as an unmeasurable step nor ending the search)
    and the half step, which decreases J sufficiently, is taken."""
    tiny = 2.0**-18
    obj, theta, ev = _at_zero(np.array([[3 / tiny]]), [1.0])
    p = np.array([-tiny])
    end = obj.evaluate(theta + p)
    assert float(ev.grad @ p) == -tiny
    assert end.loss == tiny / 2 and end.grad_max == 2.0 > ev.grad_max
    assert obj.value(theta + 0.5 * p) <= 1e-4 * 0.5 * -tiny
    trial, _ = _search(kind, obj, theta, ev, p)
    np.testing.assert_array_equal(trial, theta + 0.5 * p)


@pytest.mark.parametrize("kind", SEARCHES)
def test_line_search_takes_a_rise_of_exactly_the_noise_on_a_shrinking_gradient(kind):
    """The unit step raises J by exactly its noise (``2^-18``, J exact in binary) and the
    gradient's largest entry shrinks (1 to 0.254): within the noise, as "at most", so
    the noise rule takes it."""
    obj, theta, ev = _at_zero(np.diag([510.0, 1.0]), [1.0, 0.25])
    p = np.array([-(2.0**-9), 2.0**-8])
    end = obj.evaluate(theta + p)
    assert float(ev.grad @ p) == -(2.0**-10)
    assert end.loss == 2.0**-18 and end.grad_max < ev.grad_max
    trial, _ = _search(kind, obj, theta, ev, p)
    np.testing.assert_array_equal(trial, theta + p)


@pytest.mark.parametrize("kind", SEARCHES)
def test_line_search_takes_a_step_exactly_on_the_armijo_line(kind):
    """``g.p = -10^4`` and the unit step lowers J by exactly ``1e-4 |g.p| = 1`` (J exact
    in binary, and ``1e-4 * 10^4`` rounds to 1): the sufficient decrease is "at most",
    so the step is taken, though the gradient grows."""
    obj, theta, ev = _at_zero(np.diag([1.5, 4998.0]), [100.0, 0.0])
    p = np.array([-100.0, 1.0])
    slope, end = float(ev.grad @ p), obj.evaluate(theta + p)
    assert slope == -1e4 and ev.loss + 1e-4 * 1.0 * slope == -1.0
    assert end.loss == -1.0 and end.grad_max > ev.grad_max
    trial, _ = _search(kind, obj, theta, ev, p)
    np.testing.assert_array_equal(trial, theta + p)


# -- coordinate descent's stopping measure -------------------------------------------


def _kkt_violation(H, g, w, lam, d):
    """The model's minimum-norm subgradient at the step d, per coordinate."""
    c, u = g + H @ d, w + d
    return np.where(u != 0, np.abs(c + lam * np.sign(u)), np.maximum(np.abs(c) - lam, 0.0))


def _exact_minimiser(H, g, w, lam):
    """The model's minimiser with the first two coordinates positive and the third at
    zero (its ``|g_3| < lam_3`` and no coupling): ``H d = -(g + lam)`` on the first two;
    checked against the optimality conditions."""
    exact = np.zeros(3)
    exact[:2] = -np.linalg.solve(H[:2, :2], g[:2] + lam[:2])
    assert np.all((0 < w[:2] + exact[:2]) & (w[:2] + exact[:2] <= 1))
    assert _kkt_violation(H, g, w, lam, exact).max() <= 1e-15
    return exact


@pytest.mark.parametrize("accelerator", ACCELERATOR)
def test_quadratic_cd_measures_positive_coordinates_below_one(accelerator, monkeypatch):
    """Two coordinates of the minimiser positive and below 1 (``w + d = (0.1, 0.9)``), a
    third at zero: at a positive coordinate the partial derivative must be ``-lam``. After
    the first sweep the first one's is ``-0.35`` with ``lam = 0.5``: not optimal (0.15
    off), though ``|c| <= lam`` (optimal for a coordinate at zero, as the third is).
    Sweeps stop at the first whose end has the model's minimum-norm subgradient within
    tol (the sweep before did not), at the minimiser."""
    monkeypatch.setenv("ONENEURON_ACCELERATOR", accelerator)
    assert (_cd._kernel() is _cd._sweeps) == (accelerator == "numpy")
    H = np.zeros((3, 3))
    H[:2, :2], H[2, 2] = A2, 1.0
    g, w, lam = np.array([-0.3, -0.7, 0.1]), np.array([0.5, 0.5, 0.0]), np.full(3, 0.5)
    exact = _exact_minimiser(H, g, w, lam)
    one, _ = cd_quadratic(H, g, w, lam, tol=0.0, max_sweeps=1)  # the state after a sweep
    assert np.all((0 < w[:2] + one[:2]) & (w[:2] + one[:2] <= 1))
    assert _kkt_violation(H, g, w, lam, one).max() > 0.1
    tol = 1e-12
    d, n = cd_quadratic(H, g, w, lam, tol=tol, max_sweeps=1000)
    assert 1 < n < 1000
    after = [cd_quadratic(H, g, w, lam, tol=0.0, max_sweeps=k)[0] for k in (n - 1, n)]
    np.testing.assert_array_equal(after[1], d)
    assert _kkt_violation(H, g, w, lam, after[0]).max() > tol
    assert _kkt_violation(H, g, w, lam, d).max() <= tol
    np.testing.assert_allclose(d, exact, atol=1e-11)


@pytest.mark.parametrize("accelerator", ACCELERATOR)
def test_column_cd_measures_positive_coordinates_below_one(accelerator, monkeypatch):
    """The same on X's columns (rows ``(1, 1, 0)`` and ``(0, 0, 1)``, ``h = 1/2``,
    ``mu = 1/2``: the written-out H is ``[[1, 1/2, 0], [1/2, 1, 0], [0, 0, 1]]``), whose
    measure is taken at each coordinate before it moves: at the start the first two
    weights are 0.5 with ``g = 0`` and ``lam = 0.2`` (0.2 off optimal, though
    ``|c| <= lam``), the third 0 with ``|g_3| < lam``. CD sweeps on to the minimiser and
    stops there."""
    monkeypatch.setenv("ONENEURON_ACCELERATOR", accelerator)
    assert (_cd_columns._column_kernel() is _cd_columns._column_sweeps) == (accelerator == "numpy")
    X = sp.csc_matrix(np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 1.0]]))
    h, mu = np.array([0.5, 0.5]), np.full(3, 0.5)
    H = X.T.toarray() @ (h[:, None] * X.toarray()) + np.diag(mu)
    g, w, lam = np.array([0.0, 0.0, 0.1]), np.array([0.5, 0.5, 0.0]), np.full(3, 0.2)
    exact = _exact_minimiser(H, g, w, lam)
    assert _kkt_violation(H, g, w, lam, np.zeros(3)).max() > 0.1
    d, n = cd_columns(X, None, None, h, g, w, lam, mu, intercept=False, tol=1e-12,
                      max_sweeps=1000)  # fmt: skip
    assert 2 < n < 1000
    np.testing.assert_allclose(d, exact, atol=1e-11)


# -- L-BFGS's first step --------------------------------------------------------------


@pytest.mark.parametrize("curvature", [0.0, -1e-3, np.nan, np.inf])
@pytest.mark.parametrize("length", [0.25, 4.0])
def test_lbfgs_first_step_without_positive_curvature(curvature, length, monkeypatch):
    """The sampled curvature ``p.H.p`` not positive (underflow, rounding) or not finite:
    no model to minimise, so the first step moves theta by 1 in the L1 norm, and never
    more than the unit step (a direction of L1 length 0.25 gets the unit step, one of
    length 4 a quarter)."""
    obj = _logistic(seed=35, alpha=0.1)
    theta = np.zeros(4)
    ev = obj.evaluate(theta)
    p = -ev.grad / float(np.abs(ev.grad).sum()) * length
    monkeypatch.setattr(obj, "curvature", lambda theta, v, max_rows=4096: curvature)
    step = LBFGS()._first_step(obj, theta, ev, p)
    assert step == pytest.approx(min(1.0, 1.0 / length), rel=1e-15)
    assert float(np.abs(step * p).sum()) == pytest.approx(min(length, 1.0), rel=1e-15)


@pytest.mark.parametrize("curvature", [0.5, 3.0])
def test_lbfgs_first_step_minimises_the_sampled_model(curvature, monkeypatch):
    """A positive curvature ``c`` (below 1 or not) and a slope ``s = -g.p`` below 1: the
    step minimises ``-s t + c t^2 / 2``, ``t = s / c``; a direction along which J does
    not descend (``s = 0``) has no minimiser there and gets the fallback, the unit step
    for a short direction."""
    rng = np.random.default_rng(36)
    X = np.c_[rng.normal(size=(80, 2)), np.zeros(80)]
    obj = Objective(X, (X[:, 0] + rng.logistic(size=80) > 0).astype(float), alpha=0.1)
    theta = np.zeros(4)
    ev = obj.evaluate(theta)
    p = -0.5 * ev.grad / float(ev.grad @ ev.grad)  # s = 0.5
    slope = -float(ev.grad @ p)
    assert 0.0 < slope < 1.0
    monkeypatch.setattr(obj, "curvature", lambda theta, v, max_rows=4096: curvature)
    step = LBFGS()._first_step(obj, theta, ev, p)
    assert step == pytest.approx(slope / curvature, rel=1e-15)
    flat = np.array([0.0, 0.0, 0.5, 0.0])  # along an empty column: J is flat
    assert float(ev.grad @ flat) == 0.0
    assert LBFGS()._first_step(obj, theta, ev, flat) == 1.0
