"""Big suites, fast: the original's suite runs once per original tree (its outcomes, what its run
changed of the judge, and the source files each test reaches are cached by content); after that,
a variant runs only the tests that reach a changed file — all of them when the change alters a
module's import-time state, or when no test reaches it — and the verdict says how many and why."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from verifiers.atomic import write_text_atomic
from verifiers.base import GateContext
from verifiers.changes import changed_modules
from verifiers.toolchain import toolchain
from verifiers.toolrun import tool_home
from verifiers.tree import hash_tree

__all__ = ["Baseline", "Selection", "cached_baseline", "select", "store_baseline"]


@dataclass(frozen=True)
class Baseline:
    """The original's suite as one traced run saw it."""

    passed: dict[str, bool]  # nodeid -> passed
    messages: dict[str, str]  # nodeid -> failure text (failing tests only)
    changed: dict[str, list[str]]  # what the run changed of the judge (the tamper baseline)
    touched: dict[str, list[str]]  # nodeid -> project-relative source files its calls reached
    isolation: str
    traced: bool = True  # False: `touched` was not recorded (the run was not traced)


@dataclass(frozen=True)
class Selection:
    tests: list[str] | None  # None: the whole suite
    why: str


def _key(ctx: GateContext) -> Path:
    from verifiers.formal import LOGIC

    b = ctx.budgets
    parts = [LOGIC, repr(toolchain()), repr(sorted(hash_tree(ctx.variant.original_root).items())), ctx.isolation.value,
             repr((b.test_seconds, b.test_cpu_seconds, b.memory_bytes, b.processes))]
    return tool_home().parent / "suites" / f"{hashlib.sha256(json.dumps(parts).encode()).hexdigest()}.json"


def cached_baseline(ctx: GateContext) -> Baseline | None:
    try:
        data: Any = json.loads(_key(ctx).read_text(encoding="utf-8"))
        return Baseline(**data)
    except (OSError, ValueError, TypeError):
        return None


def store_baseline(ctx: GateContext, baseline: Baseline) -> None:
    path = _key(ctx)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps(asdict(baseline)))


def select(ctx: GateContext, baseline: Baseline) -> Selection:
    """The tests a change can affect, by the files they reach (see the module's docstring)."""
    changes = changed_modules(ctx.variant)
    stateful = [c.module for c in changes if c.state_names]
    total = len(baseline.passed)
    if stateful:
        return Selection(None, f"all {total} test(s): the import-time state of {', '.join(stateful)} changed")
    files = {c.path for c in ctx.variant.changes if c.path.endswith(".py")} | {
        c.renamed_from for c in ctx.variant.changes if c.renamed_from}
    if not baseline.traced:
        return Selection(None, f"all {total} test(s): the original's run was not traced")
    chosen = sorted(t for t, reached in baseline.touched.items() if files & set(reached))
    if not chosen:
        return Selection(None, f"all {total} test(s): none of them was seen to reach the changed file(s)")
    if len(chosen) == total:
        return Selection(None, f"all {total} test(s) reach the changed file(s)")
    return Selection(chosen, f"{len(chosen)} of {total} test(s): those whose calls reach {', '.join(sorted(files))} "
                             "(recorded on the original)")
