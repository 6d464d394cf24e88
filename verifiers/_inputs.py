"""Runs INSIDE the sandbox, in the process that loads only the ORIGINAL: the inputs a function is
compared on — seeds from a Z3 disproof, inputs recorded from the project's own runs, and small
random inputs drawn from its annotations (or from types inferred from the recordings).

Self-contained (stdlib only): copied into the sandboxed tree as `_crucible_inputs.py`. The inputs
are chosen here, on the trusted side, and handed to the variant's process as they are.
"""

from __future__ import annotations

import collections
import collections.abc
import dataclasses
import inspect
import os
import pickle
import re
import time
import types
from collections.abc import Callable, Mapping
from typing import Any

Inputs = list[tuple[tuple[Any, ...], dict[str, Any]]]


class _NoStrategy(Exception):
    pass


class Domain:
    """Small value domains (equal values and ties come up often), seeded by the code's literals.

    Half the inputs are drawn `tiny`: numbers from {0, 1} and the code's own, strings from the
    code's own words, collections of at most three. Boundary bugs need coincidences across one
    input — a dict key equal to the rule's column, a value equal to the rule's bound, the kind
    equal to "range" — and a tiny domain makes them common."""

    def __init__(self, seed: int, strings: list[str], numbers: list[int | float]) -> None:
        import random

        self.rng = random.Random(seed)
        self.tiny = False
        self.strings = ["", "a", "b", "a b", "A", *strings[:12]]
        self.ints = [0, 1, -1, 2, 3, 10, *(n for n in numbers if isinstance(n, int))][:16]
        self.floats = [0.0, 1.0, -1.5, 0.5, -0.0, *(float(n) for n in numbers)][:16]
        self.tiny_strings = [*strings[:12], "a"] if strings else ["", "a", "b"]
        self.tiny_ints = [0, 1, *(n for n in numbers if isinstance(n, int) and n not in (0, 1))][:8]
        self.tiny_floats = [0.0, 1.0, *(float(n) for n in numbers if n not in (0, 1))][:8]


def random_inputs(fn: Callable[..., Any], owner: Any, domain: Domain, seconds: float,
                  admissible: Callable[[tuple[Any, ...], dict[str, Any]], bool], count: int = 4000,
                  hints: Mapping[str, Any] | None = None) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Up to `count` argument tuples drawn from the annotations (or `hints`, types inferred from
    recorded inputs) that satisfy the preconditions; none when a parameter's type is not one
    the generator knows."""
    import typing

    try:
        hints = {**(hints or {}), **typing.get_type_hints(fn)}
        parameters = [p for p in inspect.signature(fn).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if owner is not None and parameters and parameters[0].name in ("self", "cls"):
            if parameters[0].name == "cls" or not dataclasses.is_dataclass(owner):
                return []
            hints["self"] = owner
        if any(p.name not in hints for p in parameters):
            return []
        deadline = time.monotonic() + seconds
        drawn: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        while len(drawn) < count and time.monotonic() < deadline:
            domain.tiny = len(drawn) % 2 == 1
            args = tuple(draw(hints[p.name], domain, 0) for p in parameters)
            if admissible(args, {}):
                drawn.append((args, {}))
        return drawn
    except (_NoStrategy, TypeError, ValueError, NameError):
        return []


def draw(kind: Any, domain: Domain, depth: int) -> Any:
    """One value of `kind` from the domain."""
    import enum
    import typing

    rng = domain.rng
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is bool:
        return rng.random() < 0.5
    if domain.tiny and kind in (int, float, str):
        pool: list[Any] = domain.tiny_ints if kind is int else domain.tiny_floats if kind is float else domain.tiny_strings
        return rng.choice(pool)
    if kind is int:
        return rng.choice([*domain.ints, rng.randint(-20, 20)])
    if kind is float:
        return rng.choice([*domain.floats, round(rng.uniform(-10, 10), 2)])
    if kind is str:
        roll = rng.random()
        if roll < 0.7:
            return rng.choice([*domain.strings, "".join(rng.choice("ab ") for _ in range(rng.randint(0, 4)))])
        # Words the code looks for, inside other text: `"a_idb"` tells `_id$` from `_id`.
        return "".join(rng.choice([*domain.strings, " ", "_", "a", "B"]) for _ in range(rng.randint(2, 3)))
    if kind is bytes:
        return bytes(rng.choice(b"ab ") for _ in range(rng.randint(0, 4)))
    if kind is type(None) or kind is None:
        return None
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return rng.choice(list(kind))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: draw(hints[f.name], domain, depth + 1) for f in dataclasses.fields(kind) if f.init})
    if depth > 3:
        raise _NoStrategy(kind)
    size = rng.randint(0, 3 if domain.tiny else 5)
    if origin in (list, collections.abc.Sequence, collections.abc.Iterable, collections.abc.MutableSequence) and args:
        return [draw(args[0], domain, depth + 1) for _ in range(size)]
    if origin in (set, frozenset, collections.abc.Set) and args:
        values = {draw(args[0], domain, depth + 1) for _ in range(size)}
        return frozenset(values) if origin is frozenset else values
    if origin is tuple and args:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(draw(args[0], domain, depth + 1) for _ in range(size))
        return tuple(draw(a, domain, depth + 1) for a in args)
    if origin in (dict, collections.abc.Mapping) and len(args) == 2:
        return {draw(args[0], domain, depth + 1): draw(args[1], domain, depth + 1) for _ in range(size)}
    if origin in (typing.Union, types.UnionType) and args:
        for member in rng.sample(args, len(args)):  # a member with no strategy leaves the others
            try:
                return draw(member, domain, depth + 1)
            except _NoStrategy:
                continue
        raise _NoStrategy(kind)
    if isinstance(kind, type) and issubclass(kind, BaseException):
        return _exception_class(kind, rng)(rng.choice(domain.strings))
    if origin is type and args and isinstance(args[0], type) and issubclass(args[0], BaseException):
        return _exception_class(args[0], rng)
    if origin is typing.Literal and args:
        return rng.choice(args)
    raise _NoStrategy(kind)


def _exception_class(kind: type[BaseException], rng: Any) -> type[BaseException]:
    """`kind`, or for any exception at all one a function rarely raises by itself (code that
    raises its own ValueError instead of the caller's must not look the same)."""
    return rng.choice([LookupError, RuntimeError]) if kind in (BaseException, Exception) else kind


def precondition(fn: Callable[..., Any], module: Any, conditions: list[str]) -> Callable[[tuple[Any, ...], dict[str, Any]], bool]:
    """Whether arguments satisfy the contract's `pre:` lines: behaviour outside a function's
    preconditions is not part of what it promises, so no input violating them is compared."""
    if not conditions:
        return lambda args, kwargs: True
    compiled = [compile(c, "<pre>", "eval") for c in conditions]
    signature = inspect.signature(fn)

    def holds(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        try:
            bound = signature.bind(*args, **kwargs)
            names = {**vars(module), **bound.arguments}
            return all(bool(eval(code, names)) for code in compiled)
        except Exception:
            return False

    return holds


def load_inputs(job: Mapping[str, Any]) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """Seeds (a Z3 model) first, then the inputs recorded from the project's own runs."""
    inputs: list[tuple[tuple[Any, ...], dict[str, Any]]] = [(tuple(s), {}) for s in job.get("seeds", [])]
    if job.get("recordings") and os.path.exists(job["recordings"]):
        with open(job["recordings"], "rb") as handle:
            inputs += pickle.load(handle).get(f"{job['module']}:{job['qualname']}", [])
    return inputs


def infer_signature(fn: Callable[..., Any], inputs: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> inspect.Signature | None:
    """Annotations for an unannotated function, when every recorded input agrees on a simple type."""
    try:
        signature = inspect.signature(fn)
        bound = [signature.bind(*args, **kwargs).arguments for args, kwargs in inputs]
    except (TypeError, ValueError):
        return None
    if not bound:
        return None
    parameters = []
    for parameter in signature.parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            return None
        kinds = collections.Counter(type_of(values[parameter.name]) for values in bound if parameter.name in values)
        if parameter.annotation is not parameter.empty:
            parameters.append(parameter)
        elif kinds and None not in kinds:
            # The type the function most often receives (a list of ints over a list of strs).
            parameters.append(parameter.replace(annotation=kinds.most_common(1)[0][0]))
        else:
            return None
    return signature.replace(parameters=parameters)


def type_of(value: object) -> Any:
    """A simple, CrossHair-friendly type for `value`, or None."""
    simple = (bool, int, float, str, bytes)
    if type(value) in simple:
        return type(value)
    if isinstance(value, (list, set, frozenset, tuple)) and type(value) in (list, set, frozenset, tuple) and value:
        inner = {type_of(v) for v in value}
        if len(inner) == 1 and None not in inner:
            element = inner.pop()
            arguments = (element, ...) if type(value) is tuple else (element,)
            return types.GenericAlias(type(value), arguments)
    if isinstance(value, dict) and type(value) is dict and value:
        keys = {type_of(k) for k in value}
        values = {type_of(v) for v in value.values()}
        if len(keys) == 1 and len(values) == 1 and None not in keys | values:
            return types.GenericAlias(dict, (keys.pop(), values.pop()))
    return None




def apply_stub(fn: Callable[..., Any], module: Any, stub_path: str, qualname: str) -> bool:
    """Attach the annotations a `.pyi` stub gives `qualname` to `fn` (and so to what builds its
    inputs and to CrossHair), evaluated in the module's namespace plus the stub's own imports;
    type variables stand for `int`. False when the stub says nothing usable."""
    import ast
    import typing

    try:
        with open(stub_path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError):
        return False
    namespace: dict[str, Any] = {**{n: getattr(typing, n) for n in typing.__all__}, **vars(module)}
    # The stub's own names: imports, type variables, aliases (`_Raisable = BaseException | …`),
    # protocols a type variable is bound to. Twice, for names used before they are defined.
    definitions = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom, ast.Assign, ast.ClassDef))
                   or (isinstance(node, ast.AnnAssign) and node.value is not None)]
    namespace["type_check_only"] = lambda declared: declared
    owned = set(vars(module))
    for node in [*definitions, *definitions]:
        if isinstance(node, ast.ClassDef):  # never created (defining a protocol touches its bases'
            if node.name not in owned:      # dicts, which the fingerprint watches): it stands for Any
                namespace[node.name] = _StubOnly
            continue
        try:
            exec(compile(ast.Module([node], []), stub_path, "exec"), namespace)
        except ImportError:  # name by name; one a stub-only module (`_typeshed`) has stands for Any
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    single = ast.ImportFrom(node.module, [alias], node.level)
                    try:
                        exec(compile(ast.fix_missing_locations(ast.Module([single], [])), stub_path, "exec"), namespace)
                    except Exception:
                        namespace[alias.asname or alias.name] = _StubOnly
        except Exception:
            continue
    namespace.update(vars(module))  # the module's own classes, not the stub's declarations of them
    target = inspect.unwrap(getattr(fn, "__func__", fn))
    try:
        parameters = inspect.signature(target).parameters
    except (TypeError, ValueError):
        return False
    definition = _stub_def(tree, qualname, set(parameters))
    if definition is None:
        return False
    annotations: dict[str, Any] = {}
    # Not `*args` / `**kwargs`: left untyped, CrossHair draws their items of any type, one-shot
    # iterators among them (what a declared `*iterables: Iterable[T]` would narrow to lists).
    arguments = [*definition.args.posonlyargs, *definition.args.args, *definition.args.kwonlyargs]
    for node, name in [*((a.annotation, a.arg) for a in arguments), (definition.returns, "return")]:
        if node is None or (name != "return" and name not in parameters):
            continue
        try:
            annotations[name] = _concrete(eval(compile(ast.Expression(node), stub_path, "eval"), namespace))
        except Exception:  # a type the stub alone can name: that parameter stays unannotated
            continue
    if not set(annotations) - {"return"}:
        return False
    target.__annotations__ = annotations
    return True


class _StubOnly:
    """A name imported from a module that exists only for type checkers (`_typeshed`): Any,
    subscripted or not."""

    def __class_getitem__(cls, item: Any) -> Any:
        return Any


def _stub_def(tree: Any, qualname: str, names: set[str]) -> Any:
    """The stub's definition of `qualname`; of several overloads, the one whose parameters the
    function has, most of them (the last such, usually the most general)."""
    import ast

    body = tree.body
    *owners, name = qualname.split(".")
    for owner in owners:
        found = next((n for n in body if isinstance(n, ast.ClassDef) and n.name == owner), None)
        if found is None:
            return None
        body = found.body
    defs = [n for n in body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name]

    def fit(node: Any) -> tuple[bool, int]:
        a = node.args
        declared = {x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs]}
        return declared <= names, len(declared)

    return max(reversed(defs), key=fit) if defs else None


def _concrete(kind: Any) -> Any:
    """`kind` with type variables replaced by their bound, or `int`."""
    import typing

    if isinstance(kind, typing.TypeVar):
        bound = kind.__bound__
        usable = isinstance(bound, type) and not getattr(bound, "_is_protocol", False)
        return bound if usable else int  # a protocol (`SupportsLessThan`) or a forward name: int has it
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is None or not args:
        return kind
    arguments = tuple(_concrete(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return typing.Union[arguments]
    try:
        return origin[arguments]  # list[int], collections.abc.Iterable[int], …
    except TypeError:
        return kind
