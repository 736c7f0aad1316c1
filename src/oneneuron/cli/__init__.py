"""The ``oneneuron`` command line: ``main(argv) -> exit status`` and its error handling.

Subcommands: ``demo``, ``train``, ``report``, ``predict``, ``evaluate``, ``plot``,
``info``, ``summary``, ``path``, ``export``, ``playground``. Results go
to stdout, progress and messages to stderr. A user error (bad option, missing file or
column, bad value, corrupt model, wrong feature count) prints one line
``oneneuron: error: <message>`` and returns 2; any other exception propagates with its
traceback.

Signals and pipes: Ctrl-C (at any moment, start-up included) prints
``oneneuron: interrupted`` and returns 130; SIGTERM prints ``oneneuron: terminated`` and
returns 143; both unwind normally first, so half-built output is removed. A reader that
closes the pipe early (``oneneuron predict ... | head``) ends the command quietly with
status 141, as other Unix tools do. This module imports nothing heavy at import time, so
the handlers are in place before NumPy and scikit-learn load.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

__all__ = ["Terminated", "main"]

USER_ERRORS = (ValueError, FileNotFoundError, OSError, KeyError, FloatingPointError)


class Terminated(BaseException):
    """Raised in the main thread when the process receives SIGTERM (so cleanup runs)."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated


def _swallows_exceptions(frame: Any) -> bool:
    """Whether ``frame`` is importlib's module-lock callback, a weakref callback run
    during imports: an exception raised there is printed ("Exception ignored in ...",
    with a traceback) and dropped, and the program goes on."""
    return (
        frame is not None
        and frame.f_code.co_name == "cb"
        and frame.f_globals.get("__name__") == "importlib._bootstrap"
    )


def _on_sigint(signum: int, frame: Any) -> None:
    """Ctrl-C as KeyboardInterrupt, but never inside a callback that would swallow it:
    there the signal is sent again, and arrives once the callback (a few lines) returns."""
    if _swallows_exceptions(frame):
        os.kill(os.getpid(), signal.SIGINT)
        return
    raise KeyboardInterrupt


@contextlib.contextmanager
def _termination_raises() -> Iterator[None]:
    """While the command runs, SIGTERM raises :class:`Terminated` and Ctrl-C
    KeyboardInterrupt (see :func:`_on_sigint`); both restored afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGTERM, _on_sigterm)
    old_int = signal.getsignal(signal.SIGINT)
    if old_int is signal.default_int_handler:  # not where SIGINT is ignored (a background job)
        signal.signal(signal.SIGINT, _on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)
        signal.signal(signal.SIGINT, old_int)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``oneneuron`` with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    try:
        with _termination_raises():
            try:
                return _main(argv)
            except Exception as exc:  # an error raised while an interrupt passed through
                from .._files import interrupt_in

                interrupt = interrupt_in(exc)
                if interrupt is None:
                    raise
                raise interrupt.with_traceback(None) from None
    except KeyboardInterrupt:
        _quiet_stderr("\noneneuron: interrupted\n")
        return 130
    except Terminated:
        _quiet_stderr("\noneneuron: terminated\n")
        return 143
    except BrokenPipeError:
        _silence_stdout()
        return 141


def _main(argv: Sequence[str] | None) -> int:
    from ._parser import UsageError, build_parser, join_negative_points

    if argv is None:  # the real command line: draw off-screen, never open a window
        os.environ.setdefault("MPLBACKEND", "Agg")
    args_list = join_negative_points(list(sys.argv[1:] if argv is None else argv))
    try:
        try:
            args = build_parser().parse_args(args_list)
        except SystemExit as exc:  # --help, --version
            sys.stdout.flush()
            return exc.code if isinstance(exc.code, int) else 0
        return _command(args.command)(args, sys.stdout, sys.stderr)
    except UsageError as exc:
        return _fail(str(exc))
    except BrokenPipeError:
        raise
    except USER_ERRORS as exc:
        from .._files import interrupt_in

        if interrupt_in(exc) is not None:  # raised while an interrupt passed through
            raise
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        return _fail(str(message))


def _fail(message: str) -> int:
    sys.stdout.flush()
    one_line = " ".join(message.split()) or "unknown error"
    sys.stderr.write(f"oneneuron: error: {one_line}\n")
    return 2


def _quiet_stderr(text: str) -> None:
    with contextlib.suppress(Exception):
        sys.stderr.write(text)
        sys.stderr.flush()


def _silence_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the exit flush cannot fail."""
    with contextlib.suppress(Exception):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _command(name: str) -> Callable[..., int]:
    from . import _commands, _demo, _export, _pipeline, _playground, _predict, _statistics, _train

    table: dict[str, Any] = {
        "demo": _demo.demo,
        "train": _train.train,
        "report": _pipeline.report,
        "predict": _predict.predict,
        "evaluate": _commands.evaluate,
        "plot": _commands.plot,
        "info": _commands.info,
        "export": _export.export,
        "summary": _statistics.summary,
        "path": _statistics.path,
        "playground": _playground.playground,
    }
    command: Callable[..., int] = table[name]
    return command
