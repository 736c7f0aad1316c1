"""Plots of one neuron: decision boundary, training curves, sigmoid, images, metrics, animation,
the regularisation path and the cross-validation curve; and of K classes (K neurons): class
regions, one-vs-rest ROC curves, the K x K confusion matrix, one weight image per class, the
mistakes.

Every function draws with matplotlib only, never calls ``plt.show()`` and never changes
global style. Single-panel functions take ``ax=`` (a new figure when None) and return the
Axes; multi-panel ones (:func:`plot_training_curves`, :func:`plot_examples`) return the
Figure, which they do not register with pyplot (so that a notebook shows it once). Models
are fitted :class:`~oneneuron.LogisticRegression` objects or, where noted, the textbook
parameters ``{"W": (n, 1), "b": float}``.

>>> import matplotlib
>>> from sklearn.datasets import make_blobs
>>> from oneneuron import LogisticRegression
>>> from oneneuron.plotting import plot_decision_boundary
>>> X, y = make_blobs(n_samples=100, centers=2, random_state=0)
>>> ax = plot_decision_boundary(LogisticRegression().fit(X, y), X, y, resolution=50)
>>> [float(level) for level in ax.collections[1].levels]
[0.5]
"""

from ._animation import animate_training
from ._animation_weights import animate_weights
from ._boundary import plot_decision_boundary
from ._common import save_figure
from ._curves import plot_sigmoid, plot_training_curves
from ._images import plot_examples, plot_mistakes
from ._metrics import plot_confusion_matrix, plot_roc
from ._path import plot_cv, plot_path
from ._weight_images import plot_class_weights, plot_weights

__all__ = [
    "animate_training",
    "animate_weights",
    "plot_class_weights",
    "plot_confusion_matrix",
    "plot_cv",
    "plot_decision_boundary",
    "plot_examples",
    "plot_mistakes",
    "plot_path",
    "plot_roc",
    "plot_sigmoid",
    "plot_training_curves",
    "plot_weights",
    "save_figure",
]
