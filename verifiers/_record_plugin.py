"""A pytest plugin that runs INSIDE the sandbox, on the ORIGINAL project: it records the inputs
the named functions receive, and which test or benchmark calls which of them.

Self-contained (stdlib only): copied into the sandboxed tree as `_crucible_record_plugin.py` and
loaded with `-p _crucible_record_plugin`. Reads CRUCIBLE_RECORD (JSON list of "module:qualname")
and writes CRUCIBLE_RECORD_OUT (a pickle {target: [(args, kwargs)]}, unpickled only inside the
sandbox) and CRUCIBLE_RECORD_OUT + ".json" ({nodeid: [target]}: which test reached what).
"""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import os
import pickle
import sys
import threading
import types
from types import CodeType, FrameType
from typing import Any

SAMPLES_PER_FUNCTION = 64

_targets: dict[CodeType, str] = {}
_inputs: dict[str, list[tuple[tuple[Any, ...], dict[str, Any]]]] = {}
_seen: dict[str, set[bytes]] = {}
_coverage: dict[str, set[str]] = {}
_current: list[str] = [""]


def _resolve(target: str) -> CodeType | None:
    module_name, _, qualname = target.partition(":")
    try:
        value: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            value = inspect.getattr_static(value, part)
        value = inspect.unwrap(getattr(value, "__func__", value))
        return value.__code__  # type: ignore[no-any-return]
    except Exception:
        return None


def _arguments(frame: FrameType) -> tuple[tuple[Any, ...], dict[str, Any]]:
    code = frame.f_code
    names = code.co_varnames
    positional = [frame.f_locals[n] for n in names[: code.co_argcount]]
    index = code.co_argcount
    kwargs = {n: frame.f_locals[n] for n in names[index: index + code.co_kwonlyargcount]}
    index += code.co_kwonlyargcount
    if code.co_flags & inspect.CO_VARARGS:
        positional += list(frame.f_locals[names[index]])
        index += 1
    if code.co_flags & inspect.CO_VARKEYWORDS:
        kwargs.update(frame.f_locals[names[index]])
    return tuple(positional), kwargs


def _profile(frame: FrameType, event: str, arg: object) -> None:
    if event != "call":
        return
    target = _targets.get(frame.f_code)
    if target is None:
        return
    try:
        positional, named = _arguments(frame)
    except Exception:
        return
    _record(target, (positional[1:], named) if target.endswith(".__init__") else (positional, named))


def _record(target: str, arguments: tuple[tuple[Any, ...], dict[str, Any]]) -> None:
    _coverage.setdefault(_current[0], set()).add(target)
    samples = _inputs.setdefault(target, [])
    if len(samples) >= SAMPLES_PER_FUNCTION:
        return
    try:
        sample = copy.deepcopy(arguments)
        blob = pickle.dumps(sample)
    except Exception:
        return
    if blob not in _seen.setdefault(target, set()):
        _seen[target].add(blob)
        samples.append(sample)


def _function(target: str) -> Any:
    module_name, _, qualname = target.partition(":")
    try:
        value: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            value = inspect.getattr_static(value, part)
        value = inspect.unwrap(getattr(value, "__func__", value))
    except Exception:
        return None
    return value if isinstance(value, types.FunctionType) else None


def _watch(target: str, function: types.FunctionType) -> bool:
    """Record `function`'s calls without tracing every call of the suite: the function object
    keeps its identity (every reference to it, `from … import` included, still reaches it), but
    its code becomes a recorder that calls a copy of the original code. Only for functions without
    a closure (a code object's free variables cannot change); those are traced instead."""
    if function.__closure__:
        return False
    original = types.FunctionType(function.__code__, function.__globals__, function.__name__,
                                  function.__defaults__, function.__closure__)
    original.__kwdefaults__ = function.__kwdefaults__
    signature = inspect.signature(original)

    def recorder(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            return original(*args, **kwargs)
        positional, named = _split(bound)
        _record(target, (positional[1:], named) if target.endswith(".__init__") else (positional, named))
        return original(*args, **kwargs)

    function.__code__ = _trampoline.__code__
    function.__defaults__ = None
    function.__kwdefaults__ = {"_crucible_recorder": recorder}
    function.__signature__ = signature  # type: ignore[attr-defined]  # what inspect.signature() still says
    return True


def _split(bound: inspect.BoundArguments) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The call as `_arguments` reads it from a frame: parameters in order (defaults applied),
    *args spread, keyword-only and **kwargs as keywords."""
    bound.apply_defaults()
    positional: list[Any] = []
    named: dict[str, Any] = {}
    for name, parameter in bound.signature.parameters.items():
        value = bound.arguments[name]
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            positional.append(value)
        elif parameter.kind is parameter.VAR_POSITIONAL:
            positional.extend(value)
        elif parameter.kind is parameter.KEYWORD_ONLY:
            named[name] = value
        else:
            named.update(value)
    return tuple(positional), named


def _trampoline(*args: Any, _crucible_recorder: Any = None, **kwargs: Any) -> Any:
    return _crucible_recorder(args, kwargs)


def pytest_collection_finish(session: Any) -> None:
    traced = False
    for target in json.loads(os.environ.get("CRUCIBLE_RECORD", "[]")):
        function = _function(target)
        if function is not None and _watch(target, function):
            continue
        code = _resolve(target)
        if code is not None:
            _targets[code] = target
            traced = True
    if traced:
        sys.setprofile(_profile)
        threading.setprofile(_profile)


def pytest_runtest_setup(item: Any) -> None:
    _current[0] = item.nodeid


def pytest_unconfigure(config: Any) -> None:
    sys.setprofile(None)
    out = os.environ.get("CRUCIBLE_RECORD_OUT")
    if out:
        with open(out, "wb") as handle:
            pickle.dump(_inputs, handle)
        with open(out + ".json", "w", encoding="utf-8") as handle:
            json.dump({k: sorted(v) for k, v in _coverage.items()}, handle)
