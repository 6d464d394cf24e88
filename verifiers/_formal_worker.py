"""Runs INSIDE the sandbox: CrossHair contract checks and behavioural comparisons of one function.

Self-contained on purpose (stdlib + CrossHair only): it is copied into the sandboxed tree and run
as a script, so nothing of Crucible is importable next to the variant's code. Usage:

    python _crucible_formal_worker.py JOB.json

JOB names the mode ("contracts" or "equivalence"), the module, the shadow module holding the
original code, the function, budgets and concrete inputs. The result is one JSON line on stdout
prefixed with RESULT_MARK.
"""

from __future__ import annotations

import collections
import collections.abc
import copy
import dataclasses
import importlib
import inspect
import json
import os
import re
import signal
import time
import pickle
import sys
import traceback
import types
from collections.abc import Callable, Mapping
from typing import Any

RESULT_MARK = "CRUCIBLE-FORMAL-RESULT "
MUTABLE_TYPES = (list, dict, set, bytearray, collections.deque)


def main(job_path: str) -> int:
    sys.path.insert(0, os.getcwd())
    if os.path.isdir("src"):
        sys.path.insert(0, os.path.join(os.getcwd(), "src"))
    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    import crosshair.core_and_libs  # noqa: F401  (registers CrossHair's patches before any analysis)

    try:
        result = CONTRACTS(job) if job["mode"] == "contracts" else EQUIVALENCE(job)
    except BaseException as exc:  # CrossHair's internal errors are BaseExceptions: report them all
        result = {"outcome": "error", "summary": f"worker crashed: {type(exc).__name__}: {exc}",
                  "detail": traceback.format_exc()[-3000:], "culprit": culprit(exc), "exception": type(exc).__name__}
    sys.stdout.write(RESULT_MARK + json.dumps(result) + "\n")
    sys.stdout.flush()
    os._exit(0)  # do not run the variant's atexit hooks or wait for its threads


TOOL_PACKAGES = {"crosshair": "crosshair-tool", "z3": "z3-solver"}


def culprit(exc: BaseException) -> str | None:
    """Whose failure a crash is: an analyser's distribution name, "crucible" for this worker's own
    code, or None when it came from the code under judgement (then it is a finding about it)."""
    top = (type(exc).__module__ or "").split(".")[0]
    if top in TOOL_PACKAGES:
        return TOOL_PACKAGES[top]
    frames = traceback.extract_tb(exc.__traceback__)
    innermost = os.path.abspath(frames[-1].filename) if frames else ""
    for package, distribution in TOOL_PACKAGES.items():
        if f"{os.sep}{package}{os.sep}" in innermost and f"{os.sep}site-packages{os.sep}" in innermost:
            return distribution
    return "crucible" if innermost == os.path.abspath(__file__) else None


# -- loading ---------------------------------------------------------------------------------

def resolve(module_name: str, qualname: str) -> tuple[Any, Any]:
    """(owner class or None, function object) for `qualname` in `module_name`."""
    owner: Any = importlib.import_module(module_name)
    *path, name = qualname.split(".")
    for part in path:
        owner = getattr(owner, part)
    return (owner if path else None), inspect.getattr_static(owner, name)


def function_info(owner: Any, module_name: str, qualname: str) -> Any:
    from crosshair.fnutil import FunctionInfo

    module = importlib.import_module(module_name)
    if owner is None:
        return FunctionInfo.from_fn(getattr(module, qualname.split(".")[-1]))
    return FunctionInfo.from_class(owner, qualname.split(".")[-1])


# -- contracts -------------------------------------------------------------------------------

def CONTRACTS(job: Mapping[str, Any]) -> dict[str, Any]:
    from crosshair.core_and_libs import analyze_function, run_checkables
    from crosshair.options import AnalysisKind, AnalysisOptionSet
    from crosshair.statespace import MessageType

    owner, _ = resolve(job["module"], job["qualname"])
    info = function_info(owner, job["module"], job["qualname"])
    budget = job["budget"]
    options = AnalysisOptionSet(
        analysis_kind=[AnalysisKind.PEP316], per_condition_timeout=budget["search_seconds"],
        per_path_timeout=budget["per_path_seconds"], report_all=True,
    )
    messages = run_checkables(analyze_function(info, options))
    failures = [m for m in messages if m.state in (MessageType.POST_FAIL, MessageType.POST_ERR, MessageType.EXEC_ERR)]
    found = [
        {"state": m.state.value, "message": m.message, "file": m.filename, "line": m.line, "condition": source_line(m.filename, m.line)}
        for m in messages
    ]
    if failures:
        return {"outcome": "fail", "summary": failures[0].message, "messages": found}
    problems = [m for m in messages if m.state in (MessageType.SYNTAX_ERR, MessageType.IMPORT_ERR)]
    if problems:
        return {"outcome": "error", "summary": problems[0].message, "messages": found}
    if not messages or any(m.state is MessageType.PRE_UNSAT for m in messages):
        why = "no input satisfied the preconditions" if messages else "CrossHair checked nothing"
        return {"outcome": "unknown", "summary": why, "messages": found}
    exhaustive = all(m.state is MessageType.CONFIRMED for m in messages)
    return {"outcome": "pass", "strength": "exhaustive" if exhaustive else "bounded",
            "summary": "contract holds over all paths" if exhaustive else "no counterexample within budget",
            "messages": found}


def source_line(filename: str | None, line: int | None) -> str:
    try:
        with open(filename or "", encoding="utf-8") as handle:
            return handle.read().splitlines()[(line or 1) - 1].strip()
    except (OSError, IndexError):
        return ""


# -- behavioural comparison ------------------------------------------------------------------

def twins(a: type, b: type, modules: tuple[str, str]) -> bool:
    """The same class in the original (shadow) module and in the variant module."""
    return a is b or (a.__qualname__ == b.__qualname__ and {a.__module__, b.__module__} <= set(modules))


def structurally_equal(a: object, b: object, modules: tuple[str, str]) -> bool:
    """flexible_equal, but objects of twin classes compare field by field (their classes are
    distinct objects in the two module copies), and identity-equality objects are not assumed
    equal: their fields are compared."""
    from crosshair.behavior_compare import flexible_equal

    if a is b:
        return True
    ca, cb = a.__class__, b.__class__
    if ca is not cb and isinstance(ca, type) and isinstance(cb, type) and not twins(ca, cb, modules):
        return bool(flexible_equal(a, b))
    if isinstance(a, BaseException) and isinstance(b, BaseException):
        return twins(ca, cb, modules) and repr(a.args) == repr(b.args)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return ca is cb and len(a) == len(b) and all(structurally_equal(x, y, modules) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return ca is cb and a.keys() == b.keys() and all(structurally_equal(v, b[k], modules) for k, v in a.items())
    identity_eq = getattr(ca, "__eq__", None) is object.__eq__
    if ca is cb and not identity_eq:
        try:  # the class's own notion of equality first (a case-insensitive key, say)
            if flexible_equal(a, b):
                return True
        except Exception:
            pass
    fields_a, fields_b = object_fields(a), object_fields(b)
    if fields_a is not None and fields_b is not None:
        # Field by field: nested objects compared by identity (deep copies of one another,
        # or twins from the two module copies) still count as equal when their fields are.
        return twins(ca, cb, modules) and structurally_equal(fields_a, fields_b, modules)
    return False if ca is cb and not identity_eq else bool(flexible_equal(a, b))


def object_fields(value: object) -> dict[str, object] | None:
    if isinstance(value, (int, float, complex, str, bytes, bool, type(None), type, Callable)):  # type: ignore[arg-type]
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if hasattr(value, "__dict__"):
        return dict(vars(value))
    slots = [s for k in type(value).__mro__ for s in getattr(k, "__slots__", ())]
    return {s: getattr(value, s, None) for s in slots} if slots else None


def shared_mutables(original: Any, variant: Any) -> list[str]:
    """Module-level containers both versions have: a function that mutates them is judged by
    what they hold afterwards, not only by its return value."""
    names = []
    for name, value in vars(original).items():
        other = vars(variant).get(name)
        if not name.startswith("__") and isinstance(value, MUTABLE_TYPES) and isinstance(other, MUTABLE_TYPES):
            names.append(name)
    return names


def observed(fn: Callable[..., Any], module: Any, names: list[str], signature: inspect.Signature | None = None,
             guard: Callable[[tuple[Any, ...], dict[str, Any]], bool] | None = None) -> Callable[..., Any]:
    """`fn`, returning its result together with the module containers it may have mutated,
    presenting `signature` (types inferred from recorded inputs) to CrossHair, and skipping
    (IgnoreAttempt) inputs that break the contract's preconditions."""
    import functools

    from crosshair import IgnoreAttempt

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if guard is not None and not guard(args, kwargs):
            raise IgnoreAttempt("precondition")  # type: ignore[no-untyped-call]
        result = drain(fn(*args, **kwargs))
        return (result, {name: getattr(module, name) for name in names}) if names else result

    if signature is not None:
        wrapper.__signature__ = signature  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return wrapper


DRAIN_LIMIT = 1000


@dataclasses.dataclass(frozen=True)
class Drained:
    """What a one-shot iterator returned by the function (a generator, a map, an iter() of a
    list) yields, up to DRAIN_LIMIT items: callers see its items, never the iterator object, so
    that is what is compared (CrossHair would call any two generators equal, unrun)."""

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


class LineProbe:
    """Which changed lines of the variant the compared inputs run. Equal results on inputs that
    never reach a change vouch for nothing, so a hunk no input reaches leaves the verdict unknown.
    Traces only calls into the variant's file, and stops tracing once every hunk has been reached."""

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
        sys.settrace(None)

    def _call(self, frame: types.FrameType, event: str, arg: object) -> Any:
        return self._line if frame.f_code.co_filename == self.filename else None

    def _line(self, frame: types.FrameType, event: str, arg: object) -> Any:
        if event == "line" and self.pending:
            self.pending = [h for h in self.pending if frame.f_lineno not in h]
            if not self.pending:
                sys.settrace(None)
        return self._line

    def unreached(self) -> str:
        lines = sorted(min(h) for h in self.pending)
        return ", ".join(str(line) for line in lines)


def executable_lines(code: types.CodeType) -> set[int]:
    """Lines with bytecode in `code` and the code nested in it (comprehensions, inner functions)."""
    found: set[int] = set()
    pending = [code]
    while pending:
        current = pending.pop()
        found.update(line for _start, _end, line in current.co_lines() if line is not None)
        pending.extend(c for c in current.co_consts if isinstance(c, types.CodeType))
    return found - {code.co_firstlineno}


def EQUIVALENCE(job: Mapping[str, Any]) -> dict[str, Any]:
    variant = importlib.import_module(job["module"])
    original = importlib.import_module(job["shadow"])
    modules = (job["module"], job["shadow"])
    for name in job.get("shared_classes", []):  # unchanged classes: one class object for both
        if hasattr(variant, name):
            setattr(original, name, getattr(variant, name))
    if job.get("qualname") is None:
        return compare_state(original, variant, job.get("state_names", []), modules)
    owner_o, _ = resolve(job["shadow"], job["qualname"])
    owner_v, _ = resolve(job["module"], job["qualname"])
    mutables = shared_mutables(original, variant)
    fn_o = bound_callable(owner_o, original, job["qualname"])
    fn_v = bound_callable(owner_v, variant, job["qualname"])
    admissible = precondition(fn_v, variant, job.get("preconditions", []))
    inputs = [(a, k) for a, k in load_inputs(job) if admissible(a, k)]
    # Annotated code is searched by CrossHair over its declared types; only where inputs come from
    # recordings (and types inferred from them) must the compared inputs be seen to run the change.
    probe = LineProbe(fn_v, [] if job.get("crosshair") else job.get("hunks", []))
    mismatch, recorded = compare_concrete(job, fn_o, fn_v, inputs, original, variant, modules, mutables, probe)
    if mismatch is not None:
        return mismatch
    signature = infer_signature(fn_o, inputs) if owner_o is None and not job.get("crosshair") else None
    # Small random inputs first: duplicates and ties come up often with a tiny alphabet, and a
    # concrete counterexample is cheaper than a symbolic one.
    domain = Domain(20261122, *literals(fn_o, fn_v))
    started = time.monotonic()
    hints = {p.name: p.annotation for p in signature.parameters.values()} if signature is not None else {}
    sampled = random_inputs(fn_o, owner_o, domain, job["budget"]["search_seconds"] / 3, admissible, hints=hints)
    mismatch, randomised = compare_concrete(job, fn_o, fn_v, sampled, original, variant, modules, mutables, probe)
    if mismatch is not None:
        if mismatch["outcome"] == "fail":
            mismatch["summary"] = "different behaviour on a random input"
        return mismatch
    # The search budget covers both phases: CrossHair gets what the random inputs left.
    spent = time.monotonic() - started
    job = {**job, "budget": {**job["budget"], "search_seconds": max(job["budget"]["search_seconds"] - spent,
                                                                     job["budget"]["search_seconds"] / 2)}}
    if job.get("crosshair"):
        return compare_symbolic(job, owner_o, owner_v, original, variant, modules, mutables)
    if signature is not None:
        symbolic = compare_symbolic(job, owner_o, owner_v, original, variant, modules, mutables, signature)
        if symbolic["outcome"] != "pass":
            return symbolic if symbolic["outcome"] == "fail" else unreached(probe, symbolic)
        symbolic["strength"] = "bounded"
        symbolic["summary"] = (f"agreed on {recorded} recorded and {randomised} random input(s); "
                               f"{symbolic['summary']} over types inferred from them ({signature})")
        return unreached(probe, symbolic)
    if recorded:
        return unreached(probe, {"outcome": "pass", "strength": "sampled", "paths": recorded,
                                 "summary": f"agreed on {recorded} recorded input(s) (CrossHair cannot build inputs: no annotations)"})
    if inputs:  # every recorded input was skipped: the original itself runs past the call limit on it
        return {"outcome": "unknown", "summary": f"none of {len(inputs)} recorded input(s) could be compared: the original "
                f"runs past {CALL_SECONDS}s on each (CrossHair cannot build inputs: no annotations)"}
    return {"outcome": "unknown", "summary": "CrossHair cannot build inputs (no annotations) and no recorded input reached it"}


def unreached(probe: LineProbe, verdict: dict[str, Any]) -> dict[str, Any]:
    """`verdict`, unless some changed line ran on none of the compared inputs: then unknown."""
    if probe.pending:
        return {"outcome": "unknown", "paths": verdict.get("paths", 0),
                "summary": f"no compared input runs the changed line(s) {probe.unreached()} of the variant "
                           f"({len(probe.pending)} of {probe.hunks} change(s) unexercised): nothing vouches for them"}
    if probe.hunks and verdict["outcome"] == "pass":
        verdict = {**verdict, "summary": f"{verdict['summary']}; every changed line ran"}
    return verdict


class _NoStrategy(Exception):
    pass


def literals(*functions: Callable[..., Any]) -> tuple[list[str], list[int | float]]:
    """String and number constants of the two versions' code (nested code included): inputs
    that hit `if kind == "range"` need the word "range"."""
    strings: set[str] = set()
    numbers: set[int | float] = set()
    pending = [getattr(inspect.unwrap(f), "__code__", None) for f in functions]
    while pending:
        code = pending.pop()
        if code is None:
            continue
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                pending.append(const)
            elif isinstance(const, str) and re.fullmatch(r"[\w.:-]{1,24}", const):
                strings.add(const)  # words the code compares against, not messages
            elif isinstance(const, (int, float)) and not isinstance(const, bool) and abs(const) < 10**12:
                numbers.update({const, const - 1, const + 1})
    return sorted(strings), sorted(numbers, key=repr)


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
        return draw(rng.choice(args), domain, depth + 1)
    if origin is typing.Literal and args:
        return rng.choice(args)
    raise _NoStrategy(kind)


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


def counted(holds: Callable[[tuple[Any, ...], dict[str, Any]], bool],
            tally: list[int]) -> Callable[[tuple[Any, ...], dict[str, Any]], bool]:
    """`holds`, adding to tally[0] each time it lets arguments through."""
    def check(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        ok = holds(args, kwargs)
        tally[0] += ok
        return ok

    return check


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


def compare_state(original: Any, variant: Any, names: list[str], modules: tuple[str, str]) -> dict[str, Any]:
    """Module state right after import, for the names the change rebinds."""
    differences = []
    for dotted in names:
        if dotted.startswith("<") or ".<" in dotted:
            continue
        before, after = lookup(original, dotted), lookup(variant, dotted)
        if before is _ABSENT:
            continue  # a name the variant adds (a new import, a helper) changes nothing that was there
        if callable(before) or callable(after) or inspect.ismodule(before) or inspect.ismodule(after):
            continue
        if before is _ABSENT or after is _ABSENT or not structurally_equal(before, after, modules):
            differences.append({"name": dotted, "original": safe_repr(before), "variant": safe_repr(after),
                                "public": not dotted.split(".")[-1].startswith("_")})
    return {"outcome": "fail" if differences else "pass", "differences": differences,
            "summary": f"module state differs: {differences[0]['name']}" if differences else "module state after import is equal"}


_ABSENT = object()


def lookup(module: Any, dotted: str) -> Any:
    value = module
    for part in dotted.split("."):
        value = getattr(value, part, _ABSENT)
        if value is _ABSENT:
            return _ABSENT
    return value


def safe_repr(value: object, limit: int = 400) -> str:
    if value is _ABSENT:
        return "<not defined>"
    try:
        text = repr(value)
    except Exception as exc:
        text = f"<repr failed: {exc!r}>"
    return text if len(text) <= limit else text[:limit] + "…"


def compare_concrete(job: Mapping[str, Any], fn_o: Callable[..., Any], fn_v: Callable[..., Any],
                     inputs: list[tuple[tuple[Any, ...], dict[str, Any]]], original: Any, variant: Any,
                     modules: tuple[str, str], mutables: list[str], probe: LineProbe) -> tuple[dict[str, Any] | None, int]:
    """The first input on which the two versions disagree (a failure, or unknown for a hang) and
    how many inputs were compared; (None, count) when all compared ones agree. `probe` watches
    which changed lines the variant's calls run."""
    compared = 0
    for args, kwargs in inputs:
        left = run_once(fn_o, original, mutables, args, kwargs)
        if left.get("slow"):
            continue  # the original itself is slow here: this input decides nothing, and is not counted
        with probe:
            right = run_once(fn_v, variant, mutables, args, kwargs)
        if right.get("slow"):
            call = ", ".join([*(safe_repr(a) for a in args), *(f"{k}={safe_repr(v)}" for k, v in kwargs.items())])
            return {"outcome": "unknown", "summary": f"the variant runs past {CALL_SECONDS}s on an input the original "
                    f"answers at once (a hang?): ({call})"}, compared
        if not outcomes_equal(left, right, modules):
            return {"outcome": "fail", "summary": "different behaviour on a concrete input",
                    "counterexample": counterexample(job, args, kwargs, left, right)}, compared
        compared += 1
    return None, compared


def bound_callable(owner: Any, module: Any, qualname: str) -> Callable[..., Any]:
    leaf = qualname.split(".")[-1]
    return getattr(owner if owner is not None else module, leaf)  # type: ignore[no-any-return]


class _TooSlow(BaseException):
    """A concrete call ran past its time limit (SIGALRM)."""


def _alarm(signum: int, frame: object) -> None:
    raise _TooSlow


CALL_SECONDS = 0.5


def run_once(fn: Callable[..., Any], module: Any, mutables: list[str], args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """One concrete call under a time limit; `slow` when it ran past it."""
    args, kwargs = copy.deepcopy((args, kwargs))
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, CALL_SECONDS)
    result: object = None
    try:
        result = fn(*args, **kwargs)
        error: BaseException | None = None
        result = drain(result)
    except _TooSlow:
        return {"slow": True}
    except Exception as exc:
        result, error = None, exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return {"result": result, "error": error, "args": (args, kwargs), "state": {n: getattr(module, n) for n in mutables}}


def outcomes_equal(left: dict[str, Any], right: dict[str, Any], modules: tuple[str, str]) -> bool:
    errors = left["error"], right["error"]
    if (errors[0] is None) != (errors[1] is None):
        return False
    if errors[0] is not None and not twins(type(errors[0]), type(errors[1]), modules):
        return False
    return all(structurally_equal(left[k], right[k], modules) for k in ("result", "args", "state"))


def counterexample(job: Mapping[str, Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                   left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    call = ", ".join([*(safe_repr(a) for a in args), *(f"{k}={safe_repr(v)}" for k, v in kwargs.items())])
    error = left["error"]
    # The original's return value in full: the generated test compares against it exactly.
    return {"input": call, "original": describe(left), "variant": describe(right),
            "original_return": safe_repr(left["result"], 100_000), "original_error": None if error is None else repr(error)}


def describe(outcome: Mapping[str, Any]) -> str:
    if outcome["error"] is not None:
        return f"raises {type(outcome['error']).__name__}: {outcome['error']}"
    return f"returns {safe_repr(outcome['result'])}"


def count_path_timeouts(files: dict[str, str]) -> collections.Counter[str]:
    """Make CrossHair's per-path deadline observable: paths it abandoned, counted by which
    version (module file) was running when the deadline struck."""
    from crosshair.statespace import StateSpace
    from crosshair.util import PathTimeout

    seen: collections.Counter[str] = collections.Counter()
    check: Callable[[Any], None] = getattr(StateSpace, "check_timeout")

    def counting(space: Any) -> None:
        try:
            check(space)
        except PathTimeout:
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_filename not in files:
                frame = frame.f_back  # type: ignore[assignment]
            seen[files[frame.f_code.co_filename] if frame is not None else "unattributed"] += 1
            raise

    setattr(StateSpace, "check_timeout", counting)
    return seen


def compare_symbolic(job: Mapping[str, Any], owner_o: Any, owner_v: Any, original: Any, variant: Any,
                     modules: tuple[str, str], mutables: list[str], signature: inspect.Signature | None = None) -> dict[str, Any]:
    import crosshair.diff_behavior as db
    from crosshair.diff_behavior import ExceptionEquivalenceType
    from crosshair.fnutil import FunctionInfo
    from crosshair.options import DEFAULT_OPTIONS, AnalysisOptionSet

    def same_exception(kind: ExceptionEquivalenceType, exc1: BaseException | None, exc2: BaseException | None) -> bool:
        if exc1 is None or exc2 is None:
            return exc1 is None and exc2 is None
        return twins(type(exc1), type(exc2), modules)

    setattr(db, "flexible_equal", lambda a, b: structurally_equal(a, b, modules))  # twin classes compare by fields
    setattr(db, "check_exception_equivalence", same_exception)
    infos = []
    conditions = job.get("preconditions", [])
    admitted = [0]  # calls whose inputs met the preconditions (the others are IgnoreAttempts)
    for owner, module, name in ((owner_o, original, job["shadow"]), (owner_v, variant, job["module"])):
        info = function_info(owner, name, job["qualname"])
        # Always through `observed`: results that are iterators are drained (CrossHair would call
        # any two generators equal without running them), mutated module state is compared,
        # preconditions are kept. A method keeps the signature CrossHair resolved (`self: Owner`).
        resolved = info.get_callable()
        if resolved is None:  # no signature CrossHair can use: diff_behavior says so below
            infos.append(info)
            continue
        fn, presented = resolved
        guard = counted(precondition(fn, variant, conditions), admitted)
        presented = signature if owner is None and signature is not None else presented
        infos.append(FunctionInfo.from_fn(observed(fn, module, mutables, presented, guard)))
    budget = job["budget"]
    options = DEFAULT_OPTIONS.overlay(AnalysisOptionSet(
        per_condition_timeout=budget["search_seconds"], per_path_timeout=budget["per_path_seconds"],
        max_iterations=budget["max_iterations"],
        # Spend the budget: CrossHair otherwise stops early once new paths stop adding coverage,
        # which misses rare paths (a hang guarded by a specific input).
        max_uninteresting_iterations=budget["max_iterations"],
    ))
    options.stats = collections.Counter()
    nondeterministic: list[bool] = []
    timeouts = count_path_timeouts({inspect.getfile(original): "original", inspect.getfile(variant): "variant"})
    diffs = db.diff_behavior(infos[0], infos[1], options, ExceptionEquivalenceType.SAME_TYPE,
                             on_nondeterminism=lambda: nondeterministic.append(True))
    paths = int(options.stats["num_paths"])
    if isinstance(diffs, str):
        return {"outcome": "unknown", "summary": f"CrossHair cannot analyse it: {diffs}", "paths": paths}
    if diffs:
        diff = diffs[0]
        call = ", ".join(f"{k}={v}" for k, v in diff.args.items())
        mutated = diff.result1.get_differing_arg_mutations(diff.result2)
        return {"outcome": "fail", "summary": "different behaviour", "paths": paths, "counterexample": {
            "input": call, "original": diff.result1.describe(mutated), "variant": diff.result2.describe(mutated),
            "original_return": diff.result1.return_repr, "original_error": diff.result1.error}}
    if nondeterministic:
        return {"outcome": "unknown", "summary": "repeated executions were not deterministic", "paths": paths}
    if timeouts["variant"] > 2 * timeouts["original"] + 1:
        # CrossHair drops a path that overruns its per-path limit. Paths that are slow to explore
        # symbolically time out in both versions alike; a variant that hangs on some input times
        # out where the original finishes — that must not pass.
        return {"outcome": "unknown", "paths": paths, "summary": f"{timeouts['variant']} path(s) of the variant "
                f"(against {timeouts['original']} of the original) did not finish within {budget['per_path_seconds']:.0f}s: "
                "a hang or a much slower path on some input"}
    if paths == 0:
        return {"outcome": "unknown", "summary": "CrossHair explored no path", "paths": 0}
    if conditions and admitted[0] == 0:
        # CrossHair counts an ignored attempt as a path on which both versions agree.
        return {"outcome": "unknown", "summary": f"none of the {paths} input(s) CrossHair explored met the preconditions",
                "paths": paths}
    exhaustive = options.stats["exhaustion"] > 0
    return {"outcome": "pass", "strength": "exhaustive" if exhaustive else "bounded", "paths": paths,
            "summary": "all paths exhausted" if exhaustive else f"no differences found in {paths} iterations"}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
