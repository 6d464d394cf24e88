"""Runs INSIDE the sandbox: what a call did, written down as plain data the trusted parent can
compare without ever loading the code that produced it.

Self-contained (stdlib only): copied into the sandboxed tree as `_crucible_encode.py`. An encoding
is JSON: `[kind, ...]` lists, types named by module and qualified name (in separated processes the
original and the variant have the same names), floats by `repr` (so NaN equals NaN and -0.0 is not
0.0), dicts and sets order-free (as `==` sees them), iterators by what they yield, objects by their
class and fields, never by identity.
"""

from __future__ import annotations

import collections.abc
import copy
import dataclasses
import enum
import json
import types
from typing import Any

DRAIN_LIMIT = 1000
DEPTH_LIMIT = 24
_CONTAINER_ITERATORS = frozenset({"list_iterator", "list_reverseiterator", "tuple_iterator", "range_iterator",
                                  "str_ascii_iterator", "str_iterator", "set_iterator", "dict_keyiterator"})
_KEY = json.JSONEncoder(sort_keys=True, separators=(",", ":")).encode  # the sort key of dict items and set members


@dataclasses.dataclass(frozen=True)
class Drained:
    """What a one-shot iterator returned by the function (a generator, a map, an iter() of a
    list) yields, up to DRAIN_LIMIT items: callers see its items, never the iterator object, so
    that is what is compared."""

    items: tuple[Any, ...]
    more: bool  # it had more than DRAIN_LIMIT items

    def __repr__(self) -> str:
        # The generated counterexample test compares `list(result)` against the bracketed part.
        shown = ", ".join(repr(item) for item in self.items)
        return f"<iterator yielding [{shown}{', …' if self.more else ''}]>"


def drain(value: Any) -> Any:
    """`value`, or what it yields when it is a one-shot iterator (errors raised while iterating
    propagate, as they would to the caller)."""
    if not isinstance(value, collections.abc.Iterator):
        return value
    items: list[Any] = []
    for item in value:
        if len(items) == DRAIN_LIMIT:
            return Drained(tuple(items), True)
        items.append(item)
    return Drained(tuple(items), False)


def named(kind: type) -> str:
    return f"{getattr(kind, '__module__', '?')}.{getattr(kind, '__qualname__', getattr(kind, '__name__', '?'))}"


def encode(value: Any, depth: int = 0, active: frozenset[int] = frozenset()) -> Any:
    """`value` as comparable plain data (see the module's docstring)."""
    kind = type(value)
    if value is None or kind in (bool, int, str):
        return [kind.__name__, value]
    if kind in (float, complex):
        return [kind.__name__, repr(value)]
    if kind in (bytes, bytearray):
        return [kind.__name__, bytes(value).hex()]
    if depth > DEPTH_LIMIT:
        return ["too-deep", named(kind)]
    if id(value) in active:
        return ["cycle", named(kind)]
    inner = active | {id(value)}
    return _compound(value, kind, depth + 1, inner)


def _compound(value: Any, kind: type, depth: int, active: frozenset[int]) -> Any:
    if isinstance(value, Drained):
        return ["iterator", [encode(v, depth, active) for v in value.items], value.more]
    if isinstance(value, enum.Enum):
        return ["enum", named(kind), value.name]
    if isinstance(value, BaseException):
        return ["exception", named(kind), encode(value.args, depth, active)]
    if isinstance(value, type):
        return ["class", named(value)]
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return [named(kind), [encode(v, depth, active) for v in value]]
    if isinstance(value, dict):
        items = [[encode(k, depth, active), encode(v, depth, active)] for k, v in value.items()]
        return [named(kind), sorted(items, key=_KEY)]
    if isinstance(value, (set, frozenset)):
        return [named(kind), sorted((encode(v, depth, active) for v in value), key=_KEY)]
    if kind.__name__ in _CONTAINER_ITERATORS and kind.__module__ == "builtins":
        # An iterator over a container (an argument after the call): what is left of it, read
        # from a copy at the same position, so a caller's half-consumed iterator shows.
        return ["iterator-rest", named(kind), [encode(v, depth, active) for v in list(copy.copy(value))[:DRAIN_LIMIT]]]
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        return ["callable", f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', '?')}"]
    fields = _fields(value)
    if fields is not None:
        return ["object", named(kind), {k: encode(v, depth, active) for k, v in sorted(fields.items())}]
    text = safe_repr(value)
    return ["opaque", named(kind), "" if " at 0x" in text else text]


def _fields(value: Any) -> dict[str, Any] | None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    names = getattr(value, "_fields", None)
    if isinstance(value, tuple) and isinstance(names, tuple):  # a namedtuple
        return dict(zip(names, value, strict=False))
    namespace = getattr(value, "__dict__", None)
    if isinstance(namespace, dict):
        return dict(namespace)
    slots = [s for k in type(value).__mro__ for s in getattr(k, "__slots__", ()) if isinstance(s, str)]
    return {s: getattr(value, s, None) for s in slots} if slots else None


def canonical(value: Any) -> str:
    """The encoding as one text, the same for equal encodings (sorted keys, no spaces)."""
    return _KEY(encode(value))


def safe_repr(value: object, limit: int = 400) -> str:
    try:
        text = repr(value)
    except Exception as exc:
        text = f"<repr failed: {exc!r}>"
    return text if len(text) <= limit else text[:limit] + "…"


def call_text(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    return ", ".join([*(safe_repr(a) for a in args), *(f"{k}={safe_repr(v)}" for k, v in kwargs.items())])
