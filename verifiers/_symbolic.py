"""Runs INSIDE the sandbox, in the one process that loads both versions: CrossHair's symbolic
search for a difference between a function and its original (loaded beside it under a shadow
name, see `shadow.py`).

Self-contained (stdlib + CrossHair + the worker's siblings): copied into the sandboxed tree as
`_crucible_symbolic.py`. What it says counts only so far: a difference it reports is replayed in
separated processes before it rejects with a counterexample, and its "no difference" counts only
when the process's fingerprint shows the judge untouched.
"""

from __future__ import annotations

import collections
import dataclasses
import inspect
import random
import sys
from collections.abc import Callable, Mapping
from typing import Any

from _crucible_encode import drain  # type: ignore[import-not-found]
from _crucible_inputs import precondition  # type: ignore[import-not-found]

MUTABLE_TYPES = (list, dict, set, bytearray, collections.deque)


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
             guard: Callable[[tuple[Any, ...], dict[str, Any]], bool] | None = None,
             side: str = "", calling: list[str] | None = None) -> Callable[..., Any]:
    """`fn`, returning its result together with the module containers it may have mutated,
    presenting `signature` (types inferred from recorded inputs) to CrossHair, skipping
    (IgnoreAttempt) inputs that break the contract's preconditions. `calling[0]` says whose code
    runs: "harness" while the arguments are checked, then `side`."""
    import functools

    from crosshair import IgnoreAttempt

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if calling is not None:
            calling[0] = "harness"
        if guard is not None and not guard(args, kwargs):
            raise IgnoreAttempt("precondition")  # type: ignore[no-untyped-call]
        random.seed(0)  # both versions draw from the same sequence, as in the separated runs
        if calling is not None:
            calling[0] = side
        result = drain(fn(*args, **kwargs))
        return (result, {name: getattr(module, name) for name in names}) if names else result

    if signature is not None:
        wrapper.__signature__ = signature  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return wrapper


def counted(holds: Callable[[tuple[Any, ...], dict[str, Any]], bool],
            tally: list[int]) -> Callable[[tuple[Any, ...], dict[str, Any]], bool]:
    """`holds`, adding to tally[0] each time it lets arguments through."""
    def check(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
        ok = holds(args, kwargs)
        tally[0] += ok
        return ok

    return check


@dataclasses.dataclass
class Instruments:
    """What CrossHair is fitted with before the code under judgement loads (so that the process's
    first fingerprint already holds it): paths abandoned at the per-path deadline, counted by the
    version running (module file), and twin classes compared by fields."""

    files: dict[str, str]  # module file -> "original" / "variant", filled once both are loaded
    timeouts: collections.Counter[str]
    options: Any = None  # CrossHair's default options, read before the code under judgement ran
    calling: list[str] = dataclasses.field(default_factory=lambda: [""])  # whose code runs: see `observed`


def instrument(modules: tuple[str, str]) -> Instruments:
    import crosshair.diff_behavior as db
    from crosshair import IgnoreAttempt
    from crosshair.diff_behavior import ExceptionEquivalenceType
    from crosshair.statespace import StateSpace
    from crosshair.util import PathTimeout

    from crosshair.options import DEFAULT_OPTIONS

    fitted = Instruments({}, collections.Counter(), DEFAULT_OPTIONS)
    check: Callable[[Any], None] = getattr(StateSpace, "check_timeout")

    def counting(space: Any) -> None:
        try:
            check(space)
        except PathTimeout:
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_filename not in fitted.files:
                frame = frame.f_back  # type: ignore[assignment]
            fitted.timeouts[fitted.files[frame.f_code.co_filename] if frame is not None else "unattributed"] += 1
            raise

    def same_exception(kind: ExceptionEquivalenceType, exc1: BaseException | None, exc2: BaseException | None) -> bool:
        if exc1 is None or exc2 is None:
            return exc1 is None and exc2 is None
        return twins(type(exc1), type(exc2), modules)

    describe = db.describe_behavior

    def abandoning(fn: Callable[..., Any], args: Any) -> tuple[Any, BaseException | None]:
        # CrossHair gave up on this path while preparing the arguments or in the original's code
        # (a symbolic value it could not follow): the path says nothing either way and is dropped,
        # never read as a difference. Given up in the variant's code, it stays a difference, to be
        # replayed: a variant must not hide a path by making CrossHair give up on it.
        fitted.calling[0] = ""
        returned, raised = describe(fn, args)
        if isinstance(raised, IgnoreAttempt) and fitted.calling[0] != "variant":
            raise raised
        return returned, raised

    setattr(db, "describe_behavior", abandoning)
    setattr(StateSpace, "check_timeout", counting)
    setattr(db, "flexible_equal", lambda a, b: structurally_equal(a, b, modules))  # twin classes compare by fields
    setattr(db, "check_exception_equivalence", same_exception)
    return fitted


def function_info(owner: Any, module_name: str, qualname: str) -> Any:
    import importlib

    from crosshair.fnutil import FunctionInfo

    module = importlib.import_module(module_name)
    if owner is None:
        return FunctionInfo.from_fn(getattr(module, qualname.split(".")[-1]))
    return FunctionInfo.from_class(owner, qualname.split(".")[-1])


# The differences CrossHair reports (best first) that the parent replays: one it cannot rebuild (an
# argument printed as `<generator object …>`) or that the separated runs do not show may stand
# beside one they do.
DIFFERENCES_REPLAYED = 5


def _difference(diff: Any) -> dict[str, Any]:
    mutated = diff.result1.get_differing_arg_mutations(diff.result2)
    return {"input": ", ".join(f"{k}={v}" for k, v in diff.args.items()), "arguments": dict(diff.args),
            "original": diff.result1.describe(mutated), "variant": diff.result2.describe(mutated)}


def compare_symbolic(job: Mapping[str, Any], owner_o: Any, owner_v: Any, original: Any, variant: Any,
                     fitted: Instruments, mutables: list[str], signature: inspect.Signature | None = None) -> dict[str, Any]:
    import crosshair.diff_behavior as db
    from crosshair.diff_behavior import ExceptionEquivalenceType
    from crosshair.fnutil import FunctionInfo
    from crosshair.options import AnalysisOptionSet

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
        side = "original" if module is original else "variant"
        infos.append(FunctionInfo.from_fn(observed(fn, module, mutables, presented, guard, side, fitted.calling)))
    budget = job["budget"]
    options = fitted.options.overlay(AnalysisOptionSet(
        per_condition_timeout=budget["search_seconds"], per_path_timeout=budget["per_path_seconds"],
        max_iterations=budget["max_iterations"],
        # Spend the budget: CrossHair otherwise stops early once new paths stop adding coverage,
        # which misses rare paths (a hang guarded by a specific input).
        max_uninteresting_iterations=budget["max_iterations"],
    ))
    options.stats = collections.Counter()
    nondeterministic: list[bool] = []
    fitted.files.update({inspect.getfile(original): "original", inspect.getfile(variant): "variant"})
    timeouts = fitted.timeouts
    diffs = db.diff_behavior(infos[0], infos[1], options, ExceptionEquivalenceType.SAME_TYPE,
                             on_nondeterminism=lambda: nondeterministic.append(True))
    paths = int(options.stats["num_paths"])
    if isinstance(diffs, str):
        return {"outcome": "unknown", "summary": f"CrossHair cannot analyse it: {diffs}", "paths": paths}
    if diffs:
        found = [_difference(diff) for diff in diffs[:DIFFERENCES_REPLAYED]]
        return {"outcome": "fail", "summary": "different behaviour", "paths": paths, "counterexample": found[0],
                "counterexamples": found}
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


