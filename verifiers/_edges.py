"""Runs INSIDE the sandbox, in the process that loads only the ORIGINAL: the inputs where real bugs
hide, beyond recorded and random ones — each type's edge values (empty, one, zero, negative, None
where allowed, NaN, ±0.0, ±inf, equal values of different numeric types), one-shot iterators
wherever an iterable may be accepted, containers with the less common protocols (iterable only by
`__getitem__`, a list `reversed()` refuses, a mapping that is not a dict), and mutations of the
recorded inputs.

Self-contained (stdlib only): copied into the sandboxed tree as `_crucible_edges.py`.
"""

from __future__ import annotations

import collections.abc
import copy
import types
import typing
from collections.abc import Callable, Sequence
from typing import Any

Inputs = list[tuple[tuple[Any, ...], dict[str, Any]]]
LIMIT = 400  # edge inputs and mutations of one function, at most
_ITERABLES = (collections.abc.Iterable, collections.abc.Iterator, collections.abc.Collection)


class OldSequence:
    """Iterable only by the old sequence protocol: `__getitem__` until IndexError; no `__iter__`,
    no `__len__` (what `iter()` accepts and `hasattr(x, "__iter__")` misses). Its repr rebuilds it."""

    def __init__(self, items: Sequence[Any]) -> None:
        self.data = list(items)

    def __getitem__(self, index: int) -> Any:
        return self.data[index]

    def __repr__(self) -> str:
        return f"type('OldSequence', (), {{'__getitem__': lambda self, i: {self.data!r}[i]}})()"


class NotReversible(list):  # type: ignore[type-arg]
    """A list whose class opts out of `reversed()` (`__reversed__ = None`)."""

    __reversed__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"type('NotReversible', (list,), {{'__reversed__': None}})({list(self)!r})"


class ReadOnlyMapping(collections.abc.Mapping):  # type: ignore[type-arg]
    """A mapping that is not a dict (as `types.MappingProxyType` or a custom Mapping is)."""

    def __init__(self, items: dict[Any, Any]) -> None:
        self.data = dict(items)

    def __getitem__(self, key: Any) -> Any:
        return self.data[key]

    def __iter__(self) -> Any:
        return iter(self.data)

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"__import__('types').MappingProxyType({self.data!r})"


class Returns:
    """A callable that returns one value whatever it is given (for a parameter typed Callable)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.value

    def __repr__(self) -> str:
        return f"lambda *a, **k: {self.value!r}"


def _protocols(items: list[Any]) -> list[Any]:
    return [OldSequence(items), NotReversible(items)]


def edge_values(kind: Any) -> list[Any]:
    """A type's edge values; nothing for a type this does not know."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is bool:
        return [False, True]
    if kind is int:
        return [0, 1, -1, 2, -2, 2**63, -(2**63) - 1]
    if kind is float:
        return [0.0, -0.0, float("nan"), float("inf"), float("-inf"), 1, True]  # 1 and True: equal values, other types
    if kind is str:
        return ["", " ", "a", "A", "\u00e9", "a\nb"]
    if kind is bytes:
        return [b"", b"\x00"]
    if kind is Any or kind is object:
        return [0, 1, None, ""]
    if origin is collections.abc.Callable or kind is collections.abc.Callable:
        return [bool, Returns(True), Returns(False), Returns(None)]
    if isinstance(kind, typing.TypeVar):  # any item type: numbers, equal ones of two types among them
        return [v for c in kind.__constraints__ for v in edge_values(c)][:8] if kind.__constraints__ else [1, 1.0, 0, -1]
    if origin in (typing.Union, types.UnionType) and args:
        return [value for arg in args for value in (edge_values(arg) if arg is not type(None) else [None])][:12]
    inner = edge_values(args[0]) if args else []
    lists: list[list[Any]] = [[], [inner[0]], [inner[0], inner[0]], inner[:3]] if inner else [[]]
    if origin in (list, collections.abc.Sequence, collections.abc.MutableSequence):
        return lists
    if origin in _ITERABLES:  # one-shot iterators: a second pass finds nothing
        return [*lists, *(iter(items) for items in lists), *_protocols(lists[-1])]
    if origin in (set, frozenset, collections.abc.Set) and inner:
        return [origin() if origin is not collections.abc.Set else set(), {inner[0]}]
    if origin in (dict, collections.abc.Mapping) and len(args) == 2:
        keys, values = edge_values(args[0]), edge_values(args[1])
        ones = [{keys[0]: values[0]}] if keys and values else []
        return [{}, *ones, *(ReadOnlyMapping(one) for one in ones)]
    if origin is tuple and args and args[-1] is not Ellipsis:
        return []
    return []


def first_edges(names: Sequence[str], hints: typing.Mapping[str, Any],
                defaults: typing.Mapping[str, Any]) -> tuple[Any, ...] | None:
    """An input made of each parameter's default, else its first edge value (None when one has
    neither): the base to vary when nothing was recorded or drawn."""
    base = []
    for name in names:
        if name in defaults:
            base.append(defaults[name])
            continue
        values = edge_values(hints.get(name)) if name in hints else []
        if not values:
            return None
        base.append(max(values, key=_fullness))  # the fullest: the others vary around it
    return tuple(base)


def _fullness(value: Any) -> int:
    if isinstance(value, (list, tuple, str, bytes, dict, set, frozenset)):
        return len(value) + 1
    try:
        return 1 if value else 0
    except Exception:
        return 0


def edge_inputs(names: Sequence[str], hints: typing.Mapping[str, Any], base: tuple[Any, ...],
                admissible: Callable[[tuple[Any, ...], dict[str, Any]], bool],
                keywords: typing.Mapping[str, Any] | None = None) -> Inputs:
    """`base` (with its `keywords`) with one parameter at a time replaced by each of its type's
    edge values."""
    found: Inputs = []
    for position, name in enumerate(names):
        for value in edge_values(hints.get(name)) if name in hints else []:
            args = (*base[:position], value, *base[position + 1:])
            if admissible(args, dict(keywords or {})) and len(found) < LIMIT:
                found.append((args, dict(keywords or {})))
                kinds = [hints.get(n) for n in names]
                found += _one_shot_elsewhere(args, dict(keywords or {}), position, kinds, admissible, LIMIT - len(found))
    return found


def mutations(recorded: Inputs, admissible: Callable[[tuple[Any, ...], dict[str, Any]], bool],
              kinds: Sequence[Any] = (), keyword_kinds: typing.Mapping[str, Any] | None = None) -> Inputs:
    """Recorded inputs, each argument (positional or keyword) changed the way real callers differ:
    a list emptied, reversed, with its first item doubled or followed by an equal number of the
    other type, or passed as a one-shot iterator or in a less common container; a number negated,
    zero, or an equal number of the other type; a string emptied. Where the parameter is annotated
    (`kinds` by position, `keyword_kinds` by name), only changes its annotation allows."""
    found: Inputs = []
    for args, kwargs in recorded:
        for position, value in enumerate(args):
            kind = kinds[position] if position < len(kinds) else None
            for changed in (v for v in _variants(value) if conforms(v, kind)):
                candidate = (*args[:position], changed, *args[position + 1:])
                if admissible(candidate, kwargs) and len(found) < LIMIT:
                    found.append((candidate, dict(kwargs)))
                    found += _one_shot_elsewhere(candidate, kwargs, position, kinds, admissible, LIMIT - len(found))
        for name, value in kwargs.items():
            for changed in (v for v in _variants(value) if conforms(v, (keyword_kinds or {}).get(name))):
                named = {**kwargs, name: changed}
                if admissible(args, named) and len(found) < LIMIT:
                    found.append((args, named))
    return found


def _one_shot_elsewhere(args: tuple[Any, ...], kwargs: dict[str, Any], changed: int, kinds: Sequence[Any],
                        admissible: Callable[[tuple[Any, ...], dict[str, Any]], bool], room: int) -> Inputs:
    """A changed input again, with another argument that is a list, tuple or string passed as a
    one-shot iterator: bugs often need both at once (a negative start on an iterator)."""
    found: Inputs = []
    for position, value in enumerate(args):
        if position == changed or type(value) not in (list, tuple, str) or not value or len(found) >= room:
            continue
        one_shot = iter(list(value))
        kind = kinds[position] if position < len(kinds) else None
        if conforms(one_shot, kind):
            candidate = (*args[:position], one_shot, *args[position + 1:])
            if admissible(candidate, kwargs):
                found.append((candidate, dict(kwargs)))
    return found


def _variants(value: Any) -> list[Any]:
    if type(value) is list:
        return [[], value[::-1], value[:1] + value, *_other_number(value), iter(list(value)), *_protocols(value)] if value else [iter([])]
    if type(value).__name__ in ("list_iterator", "tuple_iterator"):  # a recorded one-shot iterator: the same
        rest = list(copy.copy(value))                                 # changes to what it still yields
        return [iter(changed) for changed in _variants(rest) if type(changed) is list]
    if type(value) is tuple and value:
        return [(), value[::-1], iter(value), *_protocols(list(value))]
    if type(value) is range:  # (a list of a long range would cost more than the call it feeds)
        return [range(0), iter(value), *([list(value)] if len(value) <= 1000 else [])]
    if type(value) in (set, frozenset) and value:
        return [type(value)(), iter(sorted(value, key=repr))]
    if type(value) is dict:
        return [{}, ReadOnlyMapping(value)] if value else [ReadOnlyMapping(value)]
    if type(value) is int:
        return [-value, 0, float(value)] if value else [float(value)]  # an equal float: a caller's 1.0
    if type(value) is float and value == value:
        return [-value, 0.0, *([int(value)] if value.is_integer() else [])]
    if type(value) is str and value:
        return ["", value.upper(), iter(value)]
    return []


def _other_number(items: list[Any]) -> list[Any]:
    """The first item followed by an equal number of the other type (1 then 1.0): which of two
    equal items a function keeps shows."""
    first = items[0]
    if type(first) is int:
        return [[first, float(first), *items[1:]]]
    if type(first) is float and first.is_integer():
        return [[first, int(first), *items[1:]]]
    return []


def conforms(value: Any, kind: Any) -> bool:
    """Whether `value` is allowed by the annotation `kind` (None: not annotated, anything is),
    down to the items of a list, tuple or list iterator. A list or sequence type promises
    `reversed()` and `__iter__`: the containers that refuse them are for iterables only."""
    if kind is None or kind is Any:
        return True
    origin = typing.get_origin(kind) or kind
    if origin in (typing.Union, types.UnionType):
        return any(conforms(value, arg) for arg in typing.get_args(kind))
    if kind is float:
        return type(value) in (int, float, bool)
    if kind is int:
        return type(value) in (int, bool)
    if origin in _ITERABLES:  # what iter() accepts, the old sequence protocol included
        return (isinstance(value, collections.abc.Iterable) or isinstance(value, OldSequence)) and _items_conform(value, kind)
    if isinstance(value, (NotReversible, OldSequence)) and origin in (list, collections.abc.Sequence, collections.abc.MutableSequence):
        return False
    if origin in (collections.abc.Sequence, collections.abc.MutableSequence):
        return isinstance(value, (list, tuple, str)) and _items_conform(value, kind)
    if origin is list:
        return isinstance(value, list) and _items_conform(value, kind)
    return isinstance(value, origin) if isinstance(origin, type) else True


def _items_conform(value: Any, kind: Any) -> bool:
    args = typing.get_args(kind)
    if not args:
        return True
    if type(value) in (list, tuple, NotReversible):
        items = list(value)
    elif type(value).__name__ in ("list_iterator", "tuple_iterator"):
        items = list(copy.copy(value))
    else:
        return True
    return all(conforms(item, args[0]) for item in items)
