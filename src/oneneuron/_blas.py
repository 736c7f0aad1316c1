"""BLAS held to one thread while oneneuron works in blocks, restored when the last user is
done: the one place that changes BLAS's thread count (the objective and the inference
code both use it).

BLAS thread limits are process-wide (threadpoolctl sets them on the libraries), so two
fits in two threads must not each save and restore them on their own: the first to
finish would restore the limit under the other, and the last to finish would "restore"
the one thread the first had set, leaving the whole process pinned to it. Here the
first user to enter saves the limits and sets one thread, later users only count, and
the last user to leave restores what the first saved.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["one_blas_thread"]

_LOCK = threading.Lock()
_USERS = 0
_LIMITER: Any = None
_CONTROLLER: Any = None


def _controller() -> Any:
    global _CONTROLLER
    if _CONTROLLER is None:
        from threadpoolctl import ThreadpoolController

        _CONTROLLER = ThreadpoolController()
    return _CONTROLLER


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS limited to one thread inside; the limits before the first user restored after
    the last (see the module docstring). Re-entrant and thread-safe."""
    global _USERS, _LIMITER
    with _LOCK:
        if _USERS == 0:
            _LIMITER = _controller().limit(limits=1, user_api="blas")
        _USERS += 1
    try:
        yield
    finally:
        with _LOCK:
            _USERS -= 1
            if _USERS == 0:
                limiter, _LIMITER = _LIMITER, None
                limiter.restore_original_limits()
