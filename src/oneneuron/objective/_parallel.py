"""Threads for one pass over a large source, and BLAS held to one thread meanwhile.

A large in-memory X is split into one contiguous run of blocks per core, each worked by
its own thread (NumPy, BLAS and the compiled kernels release the GIL), the partial sums
added in a fixed order so that results do not depend on timing.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Any

__all__ = [
    "PARALLEL_MIN_BYTES",
    "PARALLEL_MIN_BYTES_SPARSE",
    "num_threads",
    "one_blas_thread",
    "pool",
]

#: A source of at least this many bytes is split over :func:`num_threads` threads.
PARALLEL_MIN_BYTES = 32 * 1024 * 1024
#: ... for sparse rows, whose stored values are gathered and scattered (a byte costs
#: more): a pass over 13.3 MB of CSR values and indices went from 4.4 to 3.1 ms (median
#: of 30) in two threads, and L-BFGS on that 50,000 x 20,000 from 133 to 95-106 ms; one
#: over 9.2 MB gained nothing (3.0 ms either way). Dense rows: 2.5 -> 1.9 ms at 30 MB.
PARALLEL_MIN_BYTES_SPARSE = 12 * 1024 * 1024

_POOL: ThreadPoolExecutor | None = None
_POOL_SIZE = 0
_POOL_LOCK = threading.Lock()


def num_threads() -> int:
    """Threads for one pass over a large X: ``ONENEURON_NUM_THREADS`` or the usable cores."""
    env = os.environ.get("ONENEURON_NUM_THREADS")
    if env:
        return max(1, int(env))
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def pool(n: int) -> ThreadPoolExecutor:
    """A shared pool of at least ``n`` worker threads."""
    global _POOL, _POOL_SIZE
    with _POOL_LOCK:
        if _POOL is None or _POOL_SIZE < n:
            _POOL = ThreadPoolExecutor(max_workers=n, thread_name_prefix="oneneuron")
            _POOL_SIZE = n
        return _POOL


def one_blas_thread() -> AbstractContextManager[Any]:
    """BLAS limited to one thread while our own threads share the cores (see
    :mod:`oneneuron._blas`: safe when several fits run in several threads)."""
    from .._blas import one_blas_thread as limit

    return limit()
