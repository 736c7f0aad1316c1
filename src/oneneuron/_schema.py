"""The model file's JSON Schemas, one per format version, and errors in plain words.

Each format version has a schema file in ``oneneuron/schemas/`` (package data), listed in
:data:`SCHEMA_FILES`; ``docs/model-file.md`` describes them for readers in other languages.
:func:`check` validates a parsed file against the schema of its version with
``jsonschema`` (Draft 2020-12) and turns the first problem into one sentence that names the
field, the bad value (shortened) and what is allowed.

Two choices keep validation safe on hostile input:

* "integer" means a JSON integer (``4``), never a float with an integral value (``4.0``),
  so a count is an ``int`` by the time the loader uses it;
* only the first error is computed: the schemas put size limits (``maxItems``,
  ``maxLength``, ``maxProperties``) before the keywords that descend into items, so an
  oversized array is refused before any of its items is looked at.
"""

from __future__ import annotations

import functools
import json
import re
from collections import deque
from importlib import resources
from typing import Any

__all__ = ["SCHEMA_FILES", "SchemaViolation", "check", "load_schema"]

SCHEMA_FILES: dict[int, str] = {1: "model-v1.schema.json", 2: "model-v2.schema.json"}
"""Format version -> schema file in ``oneneuron/schemas/``; a new version adds a line."""

_SHOWN = 60  # characters of a bad value quoted in a message


class SchemaViolation(ValueError):
    """A model file that does not match the schema of its format version."""


@functools.cache
def load_schema(version: int) -> dict[str, Any]:
    """The JSON Schema of format ``version`` (a dict; do not modify it)."""
    schemas = resources.files("oneneuron").joinpath("schemas")
    schema: dict[str, Any] = json.loads(schemas.joinpath(SCHEMA_FILES[version]).read_text("utf-8"))
    return schema


@functools.cache
def _validator(version: int) -> Any:
    from jsonschema import Draft202012Validator, validators

    def is_integer(checker: Any, instance: Any) -> bool:
        return isinstance(instance, int) and not isinstance(instance, bool)

    types = Draft202012Validator.TYPE_CHECKER.redefine("integer", is_integer)
    plain_items = Draft202012Validator.VALIDATORS["items"]

    def items(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Any:
        return _items(plain_items, validator, value, instance, schema)

    strict = validators.extend(
        Draft202012Validator,
        validators={"items": items, "maxItems": _max_items, "pattern": _pattern},
        type_checker=types,
    )
    return strict(load_schema(version))


def _items(
    plain_items: Any, validator: Any, items: Any, instance: Any, schema: dict[str, Any]
) -> Any:
    """jsonschema's ``items``, quick on long arrays of scalars.

    jsonschema descends into every item (about 8 us each: 8 s for a million weights).
    When the item schema only constrains a scalar (:data:`_SCALAR_KEYWORDS`), an item that
    :func:`_scalar_test` passes is valid and is skipped; any other item is descended into
    as usual, so the errors are exactly jsonschema's. The test may refuse a valid item
    (it then costs the usual time), never pass an invalid one.
    """
    if not (
        isinstance(items, dict)
        and items.keys() <= _SCALAR_KEYWORDS
        and "prefixItems" not in schema
        and validator.is_type(instance, "array")
    ):
        yield from plain_items(validator, items, instance, schema)
        return
    passes = _scalar_test(json.dumps(items, sort_keys=True))
    for index, item in enumerate(instance):
        if not passes(item):
            yield from validator.descend(item, items, path=index)


@functools.cache
def regex(pattern: str) -> re.Pattern[str]:
    """A schema ``pattern`` as JSON Schema (ECMA-262) reads it.

    In ECMA-262 ``$`` matches only at the very end; Python's ``$`` also matches before a
    final newline, so ``"int64\\n"`` would pass ``^int64$``. A trailing ``$`` becomes ``\\Z``.
    """
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + "\\Z"
    return re.compile(pattern)


def _pattern(validator: Any, pattern: str, instance: Any, schema: dict[str, Any]) -> Any:
    """jsonschema's ``pattern`` with ECMA-262's ``$`` (see :func:`regex`)."""
    from jsonschema import ValidationError

    if validator.is_type(instance, "string") and regex(pattern).search(instance) is None:
        yield ValidationError(f"the string does not match {pattern!r}")


def _max_items(validator: Any, limit: int, instance: Any, schema: dict[str, Any]) -> Any:
    """jsonschema's ``maxItems`` without writing out the whole array in its message."""
    from jsonschema import ValidationError

    if validator.is_type(instance, "array") and len(instance) > limit:
        yield ValidationError(f"a list of {len(instance)} items is too long")


_SCALAR_KEYWORDS = frozenset(
    "description type minimum maximum exclusiveMinimum exclusiveMaximum maxLength pattern".split()
)


@functools.cache
def _scalar_test(items_json: str) -> Any:
    """A fast predicate that only passes values the item schema (JSON text) accepts."""
    items = json.loads(items_json)
    kinds = items.get("type", [])
    kinds = {kinds} if isinstance(kinds, str) else set(kinds)
    low, high = items.get("minimum"), items.get("maximum")
    above, below = items.get("exclusiveMinimum"), items.get("exclusiveMaximum")
    longest = items.get("maxLength")
    pattern = regex(items["pattern"]) if "pattern" in items else None

    def passes(value: Any) -> bool:
        kind = type(value)  # exact types: bool is not a number here
        if kind is float or kind is int:
            return (
                ("number" in kinds or (kind is int and "integer" in kinds))
                and (low is None or value >= low)
                and (high is None or value <= high)
                and (above is None or value > above)
                and (below is None or value < below)
            )
        if kind is str:
            return (
                "string" in kinds
                and (longest is None or len(value) <= longest)
                and (pattern is None or pattern.search(value) is not None)
            )
        return False

    return passes


def check(document: Any, version: int) -> None:
    """Raise :class:`SchemaViolation` unless ``document`` matches schema ``version``.

    Parameters
    ----------
    document : object
        The parsed JSON (dicts, lists, str, int, float, bool, None).
    version : int
        A key of :data:`SCHEMA_FILES`.
    """
    error = next(iter(_validator(version).iter_errors(document)), None)
    if error is not None:
        raise SchemaViolation(_message(error))


# ------------------------------------------------------------------------------- messages
def _where(path: deque[Any]) -> str:
    """``params.alpha``, ``coef[3]``, ``training.history.loss[0]``; the root is the file."""
    if not path:
        return "the file"
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return repr(text)


def show(value: Any) -> str:
    """A JSON value as Python would write it, cut to a few dozen characters.

    Large containers are summarised without being written out in full.
    """
    if isinstance(value, (list, dict)) and len(value) > _SHOWN:
        kind = "list" if isinstance(value, list) else "object"
        return f"a {kind} of {len(value)} items"
    if isinstance(value, str) and len(value) > _SHOWN:
        return repr(value[:_SHOWN]) + f"... ({len(value)} characters)"
    text = repr(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


_TYPES = {
    "array": "a list",
    "object": "an object",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _expected(schema: Any) -> str:
    """What a schema allows, from its description or its type."""
    if isinstance(schema, dict):
        if "description" in schema:
            return str(schema["description"])
        types = schema.get("type")
        if types is not None:
            names = [_TYPES.get(t, t) for t in ([types] if isinstance(types, str) else types)]
            return " or ".join(names)
    return "valid"


def _message(error: Any) -> str:
    keyword, value, instance = error.validator, error.validator_value, error.instance
    where = _where(error.absolute_path)
    if keyword == "required":
        missing = [k for k in value if k not in instance]
        return f"{where} lacks the key(s) {missing}"
    if keyword == "additionalProperties":
        known = error.schema.get("properties", {})
        extra = sorted(k for k in instance if k not in known)
        return f"{where} has unknown key(s) {show(extra)}; valid: {', '.join(known)}"
    if keyword in ("maxItems", "maxProperties", "maxLength"):
        return f"{where} has {len(instance)} {_unit(keyword)}; at most {value} are allowed"
    if keyword in ("minItems", "minLength"):
        return f"{where} has {len(instance)} {_unit(keyword)}; at least {value} are needed"
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">"}.get(keyword, "<")
        return f"{where} must be {bound} {_number(value)}; got {show(instance)}"
    if keyword == "enum":
        return f"{where} is {show(instance)}; valid: {', '.join(map(repr, value))}"
    if keyword == "const":
        return f"{where} is {show(instance)}; it must be {value!r}"
    if "propertyNames" in error.relative_schema_path:  # the error is about a key
        return f"{where} has a bad key {show(instance)}: it must be {_expected(error.schema)}"
    return f"{where} must be {_expected(error.schema)}; got {show(instance)}"


def _unit(keyword: str) -> str:
    return {"maxItems": "items", "minItems": "items", "maxProperties": "keys"}.get(
        keyword, "characters"
    )
