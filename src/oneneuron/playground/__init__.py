"""The playground: train one neuron in the browser on your own data and watch it learn.

``oneneuron playground`` starts :func:`make_server` on the loopback interface and opens
the page. Training runs here, in oneneuron's engine (``LogisticRegression.fit_iter``);
the page only draws what the server sends. See ``docs/playground.md``.

:func:`add_crosses` is the feature-cross transform the playground trains on, public so
that the Python snippet the page exports can call it.
"""

from __future__ import annotations

from ._app import Playground
from ._features import CROSSES, add_crosses
from ._server import PlaygroundServer, make_server
from ._settings import Limits

__all__ = ["CROSSES", "Limits", "Playground", "PlaygroundServer", "add_crosses", "make_server"]
