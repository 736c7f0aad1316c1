"""Bytes to JSON for the model file, strictly and within bounds: the container, key and
depth limits checked before parsing, no NaN or Infinity literals, no duplicate keys.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["MAX_CONTAINERS", "MAX_DEPTH", "MAX_KEYS", "need", "parse"]

#: Most JSON arrays and objects in one file (a version-1 file has a few dozen; a version-2
#: file one more per class).
MAX_CONTAINERS = 10_000
#: Most keys in all the file's objects together (a version-1 file has about 60).
MAX_KEYS = 10_000
#: Deepest nesting of arrays and objects (a version-1 file nests 4 deep).
MAX_DEPTH = 8

_STRUCTURE = b'[]{}:"'  # the bytes that say where containers, keys and strings are
_NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(_STRUCTURE)))
_STRING = re.compile(rb'"[^"]*"')


class _Invalid(ValueError):
    """A problem with the file's content; :func:`oneneuron.io.load_model` adds the file name."""


def need(ok: bool, message: str) -> None:
    if not ok:
        raise _Invalid(message)


def parse(data: bytes) -> Any:
    """Strict, bounded JSON; every failure is an ``_Invalid``.

    Numbers are read by :func:`json.loads` itself (a hook per number would cost seconds
    on a large file): an integer of more than 4300 digits is refused by Python, a float
    literal beyond float64 becomes inf, which the schema's bounds refuse.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Invalid("not JSON (not UTF-8 text)") from None
    need(bool(text.strip()), "the file is empty")
    _check_shape(data)
    try:
        return json.loads(text, parse_constant=_reject, object_pairs_hook=_dict)
    except _Invalid:
        raise
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            raise _Invalid(f"the JSON is truncated (it stops at line {exc.lineno})") from None
        raise _Invalid(f"not JSON ({exc})") from None
    except ValueError as exc:  # int_max_str_digits
        raise _Invalid(f"it holds an integer too long to read ({exc.args[0][:40]}...)") from None
    except RecursionError as exc:
        raise _Invalid(f"not JSON ({exc})") from None


def _check_shape(data: bytes) -> None:
    """Refuse JSON with too many containers or keys, or nested too deep, before parsing.

    Parsing such text costs far more time and memory than its size (an empty object in
    3 bytes becomes 64; a million keys take seconds), and deep nesting exhausts the stack
    of the parser and of every walk over the result.
    """
    outside = _structure(data)
    need(outside.count(b":") <= MAX_KEYS, f"its objects hold more than {MAX_KEYS} keys")
    brackets = outside.replace(b":", b"")
    opened = brackets.count(b"[") + brackets.count(b"{")
    too_many = f"it holds more than {MAX_CONTAINERS} JSON arrays and objects"
    need(opened <= MAX_CONTAINERS and len(brackets) <= 2 * MAX_CONTAINERS, too_many)
    depth = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            need(depth <= MAX_DEPTH, f"it nests arrays and objects more than {MAX_DEPTH} deep")
        elif byte in b"]}":
            depth -= 1


def _structure(data: bytes) -> bytes:
    """The bytes ``[]{}:`` of JSON text that are not inside strings, in order.

    UTF-8 never uses these bytes, or ``"`` and ``\\``, inside other characters. Without
    its escaped backslashes and quotes, the text's quotes pair up: each opens or closes a
    string. Of the bytes ``[]{}:"``, a string holding none of the others leaves ``""``,
    which goes in one pass (two adjacent quotes gone change no other byte's side); the
    strings that are left, those holding brackets or colons, go by a regular expression.
    """
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    structure = data.translate(None, delete=_NOT_STRUCTURE).replace(b'""', b"")
    return _STRING.sub(b"", structure) if b'"' in structure else structure


def _reject(name: str) -> Any:
    raise _Invalid(f"it contains {name}, which strict JSON does not allow")


def _dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    need(len(out) == len(pairs), "a key appears twice in one JSON object")
    return out
