"""How the optional kernels are compiled: Numba on the first call, cached on disk when it can.

``ONENEURON_ACCELERATOR=numpy`` turns the kernels off; ``=numba`` makes a missing Numba
an error instead of a silent fallback. The kernels themselves (the maths) live in
:mod:`oneneuron._kernels`, :mod:`oneneuron._kernels_small` and
:mod:`oneneuron._kernels_softmax`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any, Literal

__all__ = ["available", "compiled", "wanted"]

try:  # pragma: no cover - depends on the environment
    import numba
except ImportError:  # pragma: no cover
    numba = None  # type: ignore[assignment]


def available() -> bool:
    """Whether Numba is importable."""
    return numba is not None


def wanted() -> bool:
    """Whether to use the kernel: Numba present, unless ``ONENEURON_ACCELERATOR=numpy``."""
    choice = os.environ.get("ONENEURON_ACCELERATOR", "auto").strip().lower()
    if choice not in ("auto", "numba", "numpy"):
        raise ValueError(f"ONENEURON_ACCELERATOR={choice!r}; expected 'auto', 'numba' or 'numpy'")
    if choice == "numba" and not available():
        raise ImportError("ONENEURON_ACCELERATOR=numba but Numba is not installed")
    return choice != "numpy" and available()


class _Kernel:
    """A function compiled by Numba on its first call (not at import).

    The compiled code is cached on disk when Numba finds a directory it can write (next
    to this file, ``NUMBA_CACHE_DIR``, or the user's cache directory); on a read-only
    installation it is compiled in memory only, once per process, instead of failing.
    """

    def __init__(
        self, function: Callable[..., Any], fastmath: bool = True, ieee_division: bool = False
    ) -> None:
        self.function = function
        self.fastmath = fastmath
        self.ieee_division = ieee_division
        self.__name__ = function.__name__
        self.__doc__ = function.__doc__
        self._compiled: Any = None
        self._lock = threading.Lock()

    def __call__(self, *args: Any) -> Any:
        compiled = self._compiled
        if compiled is None:
            try:
                return self.compile()(*args)
            except OSError:  # the cache could not be written after all: compile in memory
                self._compiled = self._jit(cache=False)
                compiled = self._compiled
        return compiled(*args)

    def compile(self, cache: bool = True) -> Any:
        """The Numba dispatcher: with a disk cache when one can be written, else without."""
        with self._lock:
            if self._compiled is None:
                try:
                    self._compiled = self._jit(cache=cache)
                except (RuntimeError, OSError):  # "no locator available": nowhere to write
                    self._compiled = self._jit(cache=False)
            return self._compiled

    def _jit(self, cache: bool) -> Any:
        # reassociation lets LLVM vectorise the dot products; no "fast" NaN/inf
        # assumptions, so NaN and inf propagate exactly as in the NumPy path
        fast = {"reassoc", "contract"} if self.fastmath else False
        # ieee_division: NumPy's error model (x / 0 is inf or NaN, as in IEEE arithmetic)
        # instead of Python's check for a zero divisor, which keeps a loop with a division
        # from vectorising (for kernels whose divisors cannot be 0)
        errors: Literal["numpy", "python"] = "numpy" if self.ieee_division else "python"
        return numba.njit(fastmath=fast, error_model=errors, nogil=True, cache=cache)(self.function)


def _compile(
    function: Callable[..., Any], fastmath: bool = True, ieee_division: bool = False
) -> _Kernel | None:
    """``function`` compiled on its first call, or None without Numba."""
    return None if numba is None else _Kernel(function, fastmath, ieee_division)


def compiled(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function`` compiled on its first call (exact arithmetic: no reassociation), or
    ``function`` itself when Numba is absent or switched off (``ONENEURON_ACCELERATOR``).

    The coordinate-descent loops use it; the compiled code equals the Python loop's.
    """
    return _compile(function, fastmath=False) or function
