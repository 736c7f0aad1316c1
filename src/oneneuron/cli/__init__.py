"""The ``oneneuron`` command line: ``main(argv) -> exit status`` and its error handling.

Subcommands: ``demo``, ``train``, ``predict``, ``evaluate``, ``plot``, ``info``. Results go
to stdout, progress and messages to stderr. A user error (bad option, missing file or
column, bad value, corrupt model, wrong feature count) prints one line
``oneneuron: error: <message>`` and returns 2; any other exception propagates with its
traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["main"]

USER_ERRORS = (ValueError, FileNotFoundError, OSError, KeyError, FloatingPointError)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``oneneuron`` with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    from ._parser import UsageError, build_parser, join_negative_points

    if argv is None:  # the real command line: draw off-screen, never open a window
        os.environ.setdefault("MPLBACKEND", "Agg")
    args_list = join_negative_points(list(sys.argv[1:] if argv is None else argv))
    try:
        try:
            args = build_parser().parse_args(args_list)
        except SystemExit as exc:  # --help, --version
            return exc.code if isinstance(exc.code, int) else 0
        return _command(args.command)(args, sys.stdout, sys.stderr)
    except UsageError as exc:
        return _fail(str(exc))
    except USER_ERRORS as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        return _fail(str(message))
    except KeyboardInterrupt:
        sys.stderr.write("\noneneuron: interrupted\n")
        return 130


def _fail(message: str) -> int:
    sys.stdout.flush()
    one_line = " ".join(message.split()) or "unknown error"
    sys.stderr.write(f"oneneuron: error: {one_line}\n")
    return 2


def _command(name: str) -> Callable[..., int]:
    from . import _commands, _demo, _predict

    table: dict[str, Any] = {
        "demo": _demo.demo,
        "train": _commands.train,
        "predict": _predict.predict,
        "evaluate": _commands.evaluate,
        "plot": _commands.plot,
        "info": _commands.info,
    }
    command: Callable[..., int] = table[name]
    return command
