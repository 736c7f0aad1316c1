"""The seeds' step-by-step API (one neuron trained by gradient descent), readable top to bottom.

One example x (a row of X, n features) goes through one neuron::

    z = x . w + b                          the logit
    a = sigmoid(z) = 1 / (1 + exp(-z))     the probability that y = 1

For m examples, X is (m, n), W is (n, 1), Z = X W + b and A = sigmoid(Z) are (m, 1).
The cost is the binary cross-entropy, the mean over examples::

    J = -(1/m) sum_i [ y_i log(a_i) + (1 - y_i) log(1 - a_i) ]
      =  (1/m) sum_i [ log(1 + exp(z_i)) - y_i z_i ]             (the same, from z)

Since dJ/dz_i = (a_i - y_i) / m, the gradients and the gradient-descent steps are::

    dJ/dW = X^T (A - Y) / m        (n, 1)        W <- W - learning_rate dJ/dW
    dJ/db = mean(A - Y)            a number      b <- b - learning_rate dJ/db

Numerics. The seeds write ``1 / (1 + np.exp(-z))`` (overflows for z < -709), clip z, or add an
epsilon inside the log. Here the sigmoid comes from :mod:`oneneuron._numerics` and the loss from
:mod:`oneneuron.loss`, exact for every finite z. The cost is computed from the logits Z, kept in
the ``cache`` of :func:`forward_propagation` (as in Andrew Ng's course): once A has rounded to
exactly 0 or 1 it has lost what the log needs, while Z still has it.

Checks. Every function checks what it is given and says in plain words what is wrong: a NaN
in X (with its row and column), an empty X, a learning rate that is not a positive number,
a point typed as ``"nan, 1"``. Gradient descent with too large a learning rate diverges: the
cost grows instead of shrinking, until the weights overflow. :func:`model` stops as soon as
the cost has grown a hundredfold or a step overflows, and says to lower the learning rate.
These checks never change a number that is computed: ``model`` stays bit for bit the same
as ``LogisticRegression(solver="gd", alpha=0)`` from the same start.

Chapters, in reading order (each module's docstring says what it teaches and what comes
next; the numbers are those of the code's section headings, one step each)::

    _neuron.py       1-4    the sigmoid, initial weights, the forward pass, the cost
    _gradients.py    5-6    the backward pass (gradients) and one gradient-descent step
    _training.py     7-8    model(): the steps in a loop; random_mini_batches
    _predicting.py   9-11   predict, accuracy, the decision boundary, points typed by users
    _saving.py       12     save_parameters, load_parameters (JSON, never a pickle)
    _classes.py      13     the same neuron as classes: Neuron, LogisticRegressionNN

The checks every chapter makes first are in ``_checks.py``. Import every name from here:
``from oneneuron.textbook import model, predict``.
"""

from __future__ import annotations

# Importable from here as before, though not in __all__: the types of the signatures, the
# file format's name, the growth of the cost that model() calls divergence, and the cap on a
# parameter file (load_parameters reads it here, where a caller may lower it).
from ._checks import Array as Array
from ._checks import Labels as Labels
from ._checks import Parameters as Parameters
from ._checks import RandomState as RandomState
from ._classes import LogisticRegressionNN, Neuron
from ._gradients import backward_propagation, update_parameters
from ._neuron import compute_cost, forward_propagation, initialize_parameters, sigmoid
from ._predicting import accuracy, plot_decision_boundary, predict, predict_user_input
from ._saving import FORMAT as FORMAT
from ._saving import MAX_PARAMETER_BYTES as MAX_PARAMETER_BYTES
from ._saving import load_parameters, save_parameters
from ._training import DIVERGENCE_FACTOR as DIVERGENCE_FACTOR
from ._training import model, random_mini_batches

__all__ = [
    "LogisticRegressionNN",
    "Neuron",
    "accuracy",
    "backward_propagation",
    "compute_cost",
    "forward_propagation",
    "initialize_parameters",
    "load_parameters",
    "model",
    "plot_decision_boundary",
    "predict",
    "predict_user_input",
    "random_mini_batches",
    "save_parameters",
    "sigmoid",
    "update_parameters",
]
