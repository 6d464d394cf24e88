"""Runs INSIDE the sandbox, for the formal worker (`_formal_worker.py`): observing ONE version —
the original's process choosing the inputs and running the original on them, or the variant's
process running the variant on exactly those inputs — and reporting what each call did as plain
data (`_encode.py`), for the parent to compare. Self-contained (stdlib + its siblings): copied into
the sandboxed tree as `_crucible_observe.py`.
"""

from __future__ import annotations

import ast
import base64
import copy
import importlib
import inspect
import pickle
import random
import signal
import sys
import types
from collections.abc import Callable, Mapping
from typing import Any

CALL_SECONDS = 0.5


def resolve(module_name: str, qualname: str) -> tuple[Any, Any]:
    """(owner class or None, function object) for `qualname` in `module_name`."""
    owner: Any = importlib.import_module(module_name)
    *path, name = qualname.split(".")
    for part in path:
        owner = getattr(owner, part)
    return (owner if path else None), inspect.getattr_static(owner, name)


def bound_callable(owner: Any, module: Any, qualname: str) -> Callable[..., Any]:
    leaf = qualname.split(".")[-1]
    return getattr(owner if owner is not None else module, leaf)  # type: ignore[no-any-return]


def inputs_of(blob: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    loaded: list[tuple[tuple[Any, ...], dict[str, Any]]] = pickle.loads(base64.b64decode(blob))
    return loaded


# -- observing one version -------------------------------------------------------------------

def OBSERVE(job: Mapping[str, Any], watch: Any) -> dict[str, Any]:
    import _crucible_edges  # type: ignore[import-not-found, unused-ignore]  # noqa: F401  # the inputs' classes, in
    import _crucible_encode as encoding  # type: ignore[import-not-found]  # the fingerprint before the project loads

    watch.start()
    module = importlib.import_module(job["module"])
    if job.get("qualname") is None:
        names = job.get("state_names", [])
        functions = [n for n in names if _function_like(module, n)]  # compared by behaviour, not by value
        return {"state": {name: _state_value(module, name, encoding) for name in names}, "callables": functions}
    owner, _ = resolve(job["module"], job["qualname"])
    fn = bound_callable(owner, module, job["qualname"])
    changed = fn  # whose changed lines the probe watches
    report: dict[str, Any] = {}
    if job.get("generate"):
        import _crucible_inputs as chooser  # type: ignore[import-not-found, unused-ignore]

        # The types live in a .pyi stub: inputs are built from them (the parent is told whether
        # the stub gave any, so that a verdict never claims types it did not have).
        stubbed = chooser.apply_stub(fn, module, job["stub"], job["qualname"]) if job.get("stub") else None
        owner, fn = _constructor(job["qualname"], owner, fn)
        inputs, report = _choose(job, owner, fn, module, chooser)
        if stubbed is not None:
            report["stub"] = stubbed
        report["inputs"] = base64.b64encode(pickle.dumps(inputs)).decode("ascii")
        report["calls"] = [encoding.call_text(a, k) for a, k in inputs]
    elif job.get("literal_inputs") is not None:
        inputs, report["replayed"], report["calls"] = [], [], []
        twice = bool(job.get("shared_twice"))
        for index, arguments in enumerate(job["literal_inputs"]):
            # A generator CrossHair drew is replayed empty and with items (what it held is not printed).
            generated = any(str(text).startswith(GENERATOR) for text in arguments.values())
            for items in ((), (0, 1, 2)) if generated and not twice else ((),):
                rebuilt = rebuild_arguments(fn, arguments, module, shared=twice, items=items)
                if rebuilt is not None:
                    inputs.extend([as_call(fn, rebuilt)] * (2 if twice else 1))
                    report["replayed"].append(index)
                    report["calls"].append(encoding.call_text(*inputs[-1]))
    else:
        inputs = inputs_of(job["inputs"])
        owner, fn = _constructor(job["qualname"], owner, fn)
    mutables = [n for n, v in vars(module).items() if not n.startswith("__") and isinstance(v, (list, dict, set, bytearray))]
    probe = LineProbe(changed, job.get("hunks", []))
    state = StateWatch(module, mutables, encoding)
    report["observations"] = _observe_all(fn, state, inputs, probe, encoding, set(job.get("skip", [])))
    report["unreached"] = sorted(min(h) for h in probe.pending)
    report["hunks"] = probe.hunks
    return report


def _constructor(qualname: str, owner: Any, fn: Callable[..., Any]) -> tuple[Any, Callable[..., Any]]:
    """A class's `__init__` is observed by what it builds: the class is called (without a `self`
    to pass), and the new object compared by its fields."""
    if qualname.endswith(".__init__") and inspect.isclass(owner):
        return None, owner
    return owner, fn


def _choose(job: Mapping[str, Any], owner: Any, fn: Callable[..., Any], module: Any, chooser: Any) -> tuple[list[Any], dict[str, Any]]:
    """Seeds, recorded inputs (that meet the preconditions), then small random inputs from the
    annotations or from types inferred from the recordings."""
    admissible = chooser.precondition(fn, module, job.get("preconditions", []))
    recorded = [(a, k) for a, k in chooser.load_inputs(job) if admissible(a, k)]
    signature = chooser.infer_signature(fn, recorded) if owner is None and not job.get("crosshair") else None
    hints = {p.name: p.annotation for p in signature.parameters.values()} if signature is not None else {}
    strings, numbers = job.get("literals", [[], []])  # of both versions' code, read by the parent
    domain = chooser.Domain(20261122, list(strings), list(numbers))
    sampled = chooser.random_inputs(fn, owner, domain, job["budget"]["search_seconds"] / 3, admissible, hints=hints)
    edges = _edge_inputs(fn, owner, hints, [*recorded, *sampled], admissible)
    kept = [item for item in recorded if _picklable(item)]
    extra = [item for item in edges if _picklable(item)]
    drawn = [item for item in sampled if _picklable(item)]
    return [*kept, *extra, *drawn], {"recorded": len(kept), "edge": len(extra), "random": len(drawn),
                                     "signature": str(signature) if signature is not None else None}


def _edge_inputs(fn: Callable[..., Any], owner: Any, hints: Mapping[str, Any], known: list[Any],
                 admissible: Callable[[tuple[Any, ...], dict[str, Any]], bool]) -> list[Any]:
    """Each parameter's edge values around a known input, and mutations of the recorded ones."""
    import typing

    import _crucible_edges as edges  # type: ignore[import-not-found, unused-ignore]

    try:
        names = [p.name for p in inspect.signature(fn).parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        declared = typing.get_type_hints(fn)
    except (TypeError, ValueError, NameError):
        return []
    recorded = known[:16]  # (a method's recorded arguments include `self`)
    found = edges.mutations(recorded, admissible, [declared.get(n) for n in names], declared)
    if _spreads(fn) and owner is None:  # f(*items): also called with the items as one list, one iterator
        for args, kwargs in recorded:
            for packed in ([list(args)], [iter(args)]) if args else ():
                if admissible(tuple(packed), kwargs):
                    found.append((tuple(packed), dict(kwargs)))
    base, keywords = known[0] if known else ((), {})
    base = _with_defaults(fn, names, base)
    if not known and owner is None:  # nothing recorded or drawn (a parameter typed Callable, say)
        defaults = {p.name: p.default for p in inspect.signature(fn).parameters.values() if p.default is not p.empty}
        base = edges.first_edges(names, {**hints, **declared}, defaults) or ()
    if owner is not None or len(base) != len(names):
        return found  # type: ignore[no-any-return]
    return [*found, *edges.edge_inputs(names, {**hints, **declared}, base, admissible, keywords)]


def _with_defaults(fn: Callable[..., Any], names: list[str], base: tuple[Any, ...]) -> tuple[Any, ...]:
    """`base` with the positional parameters it leaves out at their defaults (so that each can be
    varied too); unchanged when one of them has none."""
    if len(base) >= len(names):
        return base
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return base
    missing = [parameters[name].default for name in names[len(base):]]
    return base if any(d is inspect.Parameter.empty for d in missing) else (*base, *missing)


def _spreads(fn: Callable[..., Any]) -> bool:
    """Whether `fn` takes its positional arguments as `*args` alone (as `merge(*dicts)`, which
    many such APIs also accept as one iterable)."""
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    return len(positional) == 1 and positional[0].kind is inspect.Parameter.VAR_POSITIONAL


def _picklable(item: object) -> bool:
    try:
        pickle.dumps(item)
    except Exception:
        return False
    return True


def _state_value(module: Any, dotted: str, encoding: Any) -> Any:
    value = module
    for part in dotted.split("."):
        if not hasattr(value, part):
            return ["absent"]
        value = getattr(value, part)
    if callable(value) or inspect.ismodule(value):
        return ["callable"]
    return encoding.encode(value)


def _function_like(module: Any, name: str) -> bool:
    """A function this module makes itself: `f = lambda …`, a partial, a decorated or
    conditionally defined function — not a class, a type alias (`Row = dict[str, str]` is
    callable too) or a function imported from elsewhere (compared in its own module)."""
    import functools

    value = getattr(module, name, None) if "." not in name else None
    if isinstance(value, functools.partial):
        return True
    return inspect.isroutine(value) and getattr(value, "__module__", None) == module.__name__


class _TooSlow(BaseException):
    """A concrete call ran past its time limit (SIGALRM)."""


def _alarm(signum: int, frame: object) -> None:
    raise _TooSlow


class StateWatch:
    """The module's containers after each call, as digests of their encodings (the same in both
    processes when the contents are equal), encoded again only when their text changed: a price
    list of hundreds of entries is not re-encoded, nor sent, after each of thousands of calls."""

    def __init__(self, module: Any, names: list[str], encoding: Any) -> None:
        self.module, self.names, self.encoding = module, names, encoding
        self.seen: dict[str, tuple[str, str]] = {}

    def now(self) -> dict[str, str]:
        import hashlib

        found = {}
        for name in self.names:
            value = getattr(self.module, name, None)
            text = self.encoding.safe_repr(value, 1 << 30)
            if name not in self.seen or self.seen[name][0] != text:
                self.seen[name] = (text, hashlib.sha256(self.encoding.canonical(value).encode()).hexdigest()[:32])
            found[name] = self.seen[name][1]
        return found


SLOW_CALLS = 6  # calls past the limit after which the original's remaining inputs are not tried


def _observe_all(fn: Callable[..., Any], state: Any, inputs: list[Any], probe: Any, encoding: Any,
                 skip: set[int]) -> list[dict[str, Any]]:
    """Each input's observation. Inputs the parent says to skip (the original ran past the limit
    on them: they decide nothing) are not run; after SLOW_CALLS slow calls, neither is the rest —
    a function slow on every input would otherwise spend its whole budget waiting."""
    observations: list[dict[str, Any]] = []
    slow = 0
    for index, (args, kwargs) in enumerate(inputs):
        if index in skip or slow >= SLOW_CALLS:
            observations.append({"slow": True, "not_run": True})
            continue
        observation = run_once(fn, state, args, kwargs, probe, encoding, seed=index)
        slow += bool(observation.get("slow"))
        observations.append(observation)
    return observations


def run_once(fn: Callable[..., Any], state: StateWatch, args: tuple[Any, ...], kwargs: dict[str, Any],
             probe: LineProbe, encoding: Any, seed: int) -> dict[str, Any]:
    """What one call under a time limit does, as plain data: `slow` when it ran past the limit.
    `random` is seeded alike for the same input in both processes: code that draws random numbers
    the same way gives the same results."""
    pristine = copy.deepcopy((args, kwargs))
    args, kwargs = copy.deepcopy(pristine)
    random.seed(seed)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, CALL_SECONDS)
    error: BaseException | None = None
    result: object = None
    encoded: object = None
    shown = ""
    aliased: object = None
    try:
        with probe:
            returned = fn(*args, **kwargs)
            result = encoding.drain(returned)
        encoded, shown = encoding.encode(result), encoding.safe_repr(result, 20_000)  # before a caller changes it
        aliased = _after_caller_mutates(fn, returned, pristine, encoding)
    except _TooSlow:
        return {"slow": True}
    except Exception as exc:
        error = exc
        encoded, shown = encoding.encode(None), "None"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    try:
        return {
            "result": encoded, "shown": shown,
            "error": None if error is None else [encoding.named(type(error)), encoding.safe_repr(error)],
            "args": encoding.encode((args, kwargs)), "state": state.now(), "aliased": aliased,
        }
    except _TooSlow:
        return {"slow": True}


SENTINEL = "\u00abcaller's own item\u00bb"


def _after_caller_mutates(fn: Callable[..., Any], returned: object, pristine: Any, encoding: Any) -> object:
    """A caller may change the container it was given: when the result is a list, dict, set or
    bytearray, it is changed so, and the function called again on the same input — code that hands
    out its own cached container shows the caller's change there. What that second call returns
    (or raises), encoded; None when the result is not a container."""
    if type(returned) is list:
        returned.append(SENTINEL)
    elif type(returned) is dict:
        returned[SENTINEL] = SENTINEL
    elif type(returned) is set:
        returned.add(SENTINEL)
    elif type(returned) is bytearray:
        returned.append(0)
    else:
        return None
    args, kwargs = copy.deepcopy(pristine)
    try:
        return encoding.encode(encoding.drain(fn(*args, **kwargs)))
    except _TooSlow:
        raise
    except Exception as exc:
        return ["raises", encoding.named(type(exc))]


class LineProbe:
    """Which changed lines of the variant the compared inputs run. Traces only calls into the
    function's file, and stops tracing once every hunk has been reached."""

    def __init__(self, fn: Callable[..., Any], hunks: list[list[int]]) -> None:
        code = getattr(inspect.unwrap(getattr(fn, "__func__", fn)), "__code__", None)
        runnable = executable_lines(code) if code is not None else set()
        self.filename = code.co_filename if code is not None else ""
        self.pending = [set(h) & runnable for h in hunks if set(h) & runnable]
        self.hunks = len(self.pending)

    def __enter__(self) -> LineProbe:
        if self.pending:
            sys.settrace(self._call)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.hunks:
            sys.settrace(None)

    def _call(self, frame: types.FrameType, event: str, arg: object) -> Any:
        return self._line if frame.f_code.co_filename == self.filename else None

    def _line(self, frame: types.FrameType, event: str, arg: object) -> Any:
        if event == "line" and self.pending:
            self.pending = [h for h in self.pending if frame.f_lineno not in h]
            if not self.pending:
                sys.settrace(None)
        return self._line


def executable_lines(code: types.CodeType) -> set[int]:
    """Lines with bytecode in `code` and the code nested in it (comprehensions, inner functions)."""
    found: set[int] = set()
    pending = [code]
    while pending:
        current = pending.pop()
        found.update(line for _start, _end, line in current.co_lines() if line is not None)
        pending.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    return found - {code.co_firstlineno}


# -- arguments written as text by the symbolic search ----------------------------------------

def as_call(fn: Callable[..., Any], named: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Arguments by parameter name (as CrossHair reports them) as a call: `*args` spread after
    the positional parameters before it, `**kwargs` merged, positional-only ones by position."""
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return (), named
    kinds = {p.kind for p in parameters}
    named = dict(named)
    args: list[Any] = []
    if inspect.Parameter.VAR_POSITIONAL in kinds or inspect.Parameter.POSITIONAL_ONLY in kinds:
        for parameter in parameters:
            if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD) and parameter.name in named:
                args.append(named.pop(parameter.name))
            elif parameter.kind is parameter.VAR_POSITIONAL and parameter.name in named:
                args.extend(named.pop(parameter.name))
    for parameter in parameters:
        if parameter.kind is parameter.VAR_KEYWORD and isinstance(named.get(parameter.name), dict):
            named.update(named.pop(parameter.name))
    return tuple(args), named


class SharedGenerator:
    """One generator handed to two calls, as CrossHair hands the generator it draws for an argument
    to both versions (it cannot copy a generator): a copy of it is itself, so the second call finds
    what the first left."""

    def __init__(self, items: tuple[Any, ...]) -> None:
        self._items = iter(items)

    def __iter__(self) -> SharedGenerator:
        return self

    def __next__(self) -> Any:
        return next(self._items)

    def __deepcopy__(self, memo: dict[int, Any]) -> SharedGenerator:
        return self

    def __repr__(self) -> str:
        return "<generator shared by both calls>"


GENERATOR = "<generator object "


def rebuild_arguments(fn: Callable[..., Any], arguments: Mapping[str, str], module: Any, *,
                      shared: bool = False, items: tuple[Any, ...] = ()) -> dict[str, Any] | None:
    """`evaluate_arguments`, except that an argument CrossHair printed as a generator is replayed
    as an iterator over `items` (what it held is not printed), and another object that cannot be
    rebuilt (`<object object at …>`) takes its parameter's default, when there is one; None when
    the input cannot be rebuilt at all. What is replayed is what the counterexample shows.
    `shared`: a generator is rebuilt as one `SharedGenerator` over a few items instead (the same
    object in both calls)."""
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        parameters = {}  # type: ignore[assignment]
    defaults = {name: p.default for name, p in parameters.items() if p.default is not p.empty}
    try:
        import typing

        declared = typing.get_type_hints(fn)
    except Exception:  # names it cannot resolve: the declarations as written
        declared = {}
    rebuilt: dict[str, Any] = {}
    for name, text in arguments.items():
        # The text came from the process that ran the variant, which can print anything as a
        # generator: only a parameter the original declares open to one is read as one.
        generator = text.startswith(GENERATOR) and name in parameters and _may_be_generator(
            declared.get(name, parameters[name].annotation))
        try:
            rebuilt.update(evaluate_arguments({name: text}, module))
        except Exception:  # what cannot be rebuilt is not replayed
            if shared and generator:
                rebuilt[name] = SharedGenerator((0, 1, 2))
            elif generator:
                rebuilt[name] = iter(items)
            elif name in defaults and text.startswith("<"):
                rebuilt[name] = defaults[name]
            else:
                return None
    return rebuilt


def _may_be_generator(annotation: Any) -> bool:
    """Whether the original's declaration of a parameter admits a generator: none at all, Any,
    object, a type variable, an iterable or iterator type, or a union holding one."""
    import collections.abc
    import typing

    if annotation in (inspect.Parameter.empty, typing.Any, object) or isinstance(annotation, (typing.TypeVar, str)):
        return True
    origin = typing.get_origin(annotation) or annotation
    if origin in (typing.Union, types.UnionType):
        return any(_may_be_generator(member) for member in typing.get_args(annotation))
    return origin in (collections.abc.Iterable, collections.abc.Iterator, collections.abc.Generator)


def evaluate_arguments(arguments: Mapping[str, str], module: Any) -> dict[str, Any]:
    """Keyword arguments from their reprs: literals, and calls of classes (and members of enums)
    defined in `module` with such arguments — nothing else is evaluated (the text came from a
    process that ran the variant)."""
    return {name: _evaluate(ast.parse(text, mode="eval").body, module) for name, text in arguments.items()}


class ReturnsInTurn:
    """The function CrossHair reports for a symbolic callable: it returns the given values in turn,
    then the last one forever (`(x:=[…], lambda *a: x.pop(0) if len(x) > 1 else x[0])[1]`)."""

    def __init__(self, values: list[Any]) -> None:
        self.values = list(values)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.values.pop(0) if len(self.values) > 1 else self.values[0]

    def __repr__(self) -> str:
        return f"(x:={self.values!r}, lambda *a: x.pop(0) if len(x) > 1 else x[0])[1]"


_IN_TURN = ast.dump(ast.parse("lambda *a: x.pop(0) if len(x) > 1 else x[0]", mode="eval").body)


def _in_turn(node: ast.expr, module: Any) -> ReturnsInTurn | None:
    """That exact shape, its values evaluated like any other argument; nothing else."""
    if (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value == 1
            and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 2):
        named, function = node.value.elts
        if (isinstance(named, ast.NamedExpr) and named.target.id == "x" and isinstance(named.value, ast.List)
                and ast.dump(function) == _IN_TURN):
            return ReturnsInTurn(_evaluate(named.value, module))
    return None


def _evaluate(node: ast.expr, module: Any) -> Any:
    in_turn = _in_turn(node, module)
    if in_turn is not None:
        return in_turn
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = [_evaluate(e, module) for e in node.elts]
        return items if isinstance(node, ast.List) else tuple(items) if isinstance(node, ast.Tuple) else set(items)
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {_evaluate(k, module): _evaluate(v, module) for k, v in zip(node.keys, node.values) if k is not None}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id in ("float", "set", "frozenset", "tuple", "list", "dict") and not node.keywords:
            return {"float": float, "set": set, "frozenset": frozenset, "tuple": tuple, "list": list, "dict": dict}[node.func.id](
                *(_evaluate(a, module) for a in node.args))
        kind = vars(module).get(node.func.id)
        if isinstance(kind, type) and kind.__module__ == module.__name__:
            return kind(*(_evaluate(a, module) for a in node.args),
                        **{k.arg: _evaluate(k.value, module) for k in node.keywords if k.arg})
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        kind = vars(module).get(node.value.id)
        if isinstance(kind, type) and kind.__module__ == module.__name__:
            return getattr(kind, node.attr)
    return ast.literal_eval(node)
