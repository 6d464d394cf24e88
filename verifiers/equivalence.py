"""Gate 7: every changed function behaves as its original did, unless its spec says
`crucible: may-change` (then the contracts gate alone judges it).

Per function, strongest method first (see `behaviour.py`): a Z3 proof for pure int/bool code
(`proved`); separated runs of the original and the variant, each in its own sandboxed process, on
inputs the original's process chose (seeds, recordings from the project's own tests and
benchmarks, random inputs), compared here; CrossHair's behavioural diff under a wall-clock limit
(`exhaustive` or `bounded`), whose differences are replayed in separated runs and whose passes
count only from an untouched process; recorded inputs alone are `sampled`. Module-level state
after import is compared too, and functions that read changed state or call a changed function
are checked alongside.
"""

from __future__ import annotations

import ast
import functools
import time
from pathlib import Path
from typing import ClassVar

from verifiers.base import Evidence, GateContext, GateResult, Outcome, Strength
from verifiers.behaviour import Trees, check_function, check_state
from verifiers.changes import ModuleChange, changed_modules, function_index
from verifiers.formal import FunctionVerdict, Job, combine, install_worker, parallel, tool_failure, verdict_cache
from verifiers.recording import RECORDINGS, record_inputs
from verifiers.shadow import install_shadows, shadow_name
from verifiers.specs import CONDITION, ModuleSpecs, load_specs
from verifiers.stubs import stub_for, stub_signature
from verifiers.tree import copy_tree, hash_tree

__all__ = ["EquivalenceGate"]


class EquivalenceGate:
    NAME: ClassVar[str] = "equivalence"
    DESCRIPTION: ClassVar[str] = "each changed function behaves as its original (Z3 proof, separated runs, CrossHair)"

    def check(self, ctx: GateContext) -> GateResult:
        specs = load_specs(ctx.variant.original_root, ctx.config)
        changes = [c for c in changed_modules(ctx.variant) if (ctx.variant.original_root / c.path).is_file()]
        removed = [(c, q) for c in changes for q in c.removed if not any(p.startswith("_") for p in q.split("."))]
        if removed:
            evidence = tuple(Evidence(f"removes public {c.module}.{q}", c.path, rule=q) for c, q in removed)
            return GateResult(self.NAME, Outcome.FAIL, evidence[0].message, evidence)
        free = {(m, c.qualname) for m, s in specs.items() for c in s.contracts if c.may_change}
        targets = [(c, q) for c in changes for q in c.to_check if (c.module, q) not in free]
        states = [c for c in changes if c.state_names]
        if not targets and not states:
            waived = [f"{m}.{q}" for m, q in sorted(free)]
            note = f" ({', '.join(waived)} may change within its contract)" if waived else ""
            return GateResult(self.NAME, Outcome.PASS, f"no changed function to compare{note}")
        trees = _trees(ctx, changes, targets)
        key = _cache_key(ctx)
        started = time.monotonic()
        states_checked = parallel([(c.module, "", functools.partial(check_state, ctx, trees, c)) for c in states],
                                  ctx.budgets.gate_seconds)
        # A name bound to a function by assignment (`f = lambda …`, a partial, a decorated def) is
        # compared by behaviour, like a def: its value alone says nothing.
        by_module = {c.module: c for c in changes}
        assigned = [(by_module[v.module], name) for v in states_checked for name in v.callables
                    if name not in by_module[v.module].to_check and (v.module, name) not in free]
        jobs: list[Job] = [(c.module, q, functools.partial(_function_check, ctx, trees, c, q, key, _preconditions(specs.get(c.module), q)))
                           for c, q in [*targets, *assigned]]
        verdicts = [*states_checked, *parallel(jobs, ctx.budgets.gate_seconds - (time.monotonic() - started))]
        return _result(self.NAME, verdicts, {c.module: c.path for c in changes}, free)


def _result(name: str, verdicts: list[FunctionVerdict], paths: dict[str, str], free: set[tuple[str, str]]) -> GateResult:
    outcome, strength = combine(verdicts)
    evidence = [v.evidence(paths.get(v.module)) for v in verdicts]
    evidence += [Evidence(f"{m}.{q}: judged by its contract alone (crucible: may-change)", paths.get(m), rule=q) for m, q in sorted(free)]
    failing = next((v for v in verdicts if v.outcome is outcome), None)
    if outcome is Outcome.PASS:
        counts = {s: sum(v.strength is s for v in verdicts) for s in Strength}
        detail = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
        summary = f"{len(verdicts)} check(s) equivalent: {detail}" if detail else f"{len(verdicts)} check(s) equal"
    else:
        assert failing is not None
        summary = f"{failing.name}: {failing.summary}"
        if failing.tool_failure:
            summary = f"{failing.tool_failure} failed on {failing.name} (not a finding about the variant): {failing.summary}"
    return GateResult(name, outcome, summary, tuple(evidence), strength=strength, tool_failure=tool_failure(verdicts, outcome))


def _trees(ctx: GateContext, changes: list[ModuleChange], targets: list[tuple[ModuleChange, str]]) -> Trees:
    """The original alone (with the inputs recorded from its own runs), the variant alone, and
    the variant with each changed module's original beside it under its shadow name."""
    original = copy_tree(ctx.variant.original_root, ctx.scratch / "equivalence-original")
    variant = copy_tree(ctx.variant.root, ctx.scratch / "equivalence-variant")
    joint = copy_tree(ctx.variant.root, ctx.scratch / "equivalence-joint")
    install_shadows(ctx.variant.original_root, joint, {c.module: c.path for c in changes})
    for tree in (original, variant, joint):
        install_worker(tree)
    shared = {c.module: _unchanged_classes(ctx, c) for c in changes}
    wanted = [(c.module, q) for c, q in targets if _needs_replay(ctx, c, q)]
    # Rebound module-level names may turn out to be functions (`f = lambda …`): record them too
    # (the recorder skips what is not a function).
    wanted += [(c.module, n) for c in changes for n in c.state_names if "." not in n and not n.startswith("<")]
    recordings = None
    if wanted:
        record_inputs(ctx, wanted, original / RECORDINGS)
        recordings = RECORDINGS
    return Trees(original, variant, joint, shared, recordings, tuple(ctx.config.source))


def _function_check(ctx: GateContext, trees: Trees, change: ModuleChange, qualname: str, key: list[str],
                    preconditions: list[str]) -> FunctionVerdict:
    cache = verdict_cache([*key, change.module, qualname])
    cached = cache.load()
    if cached is not None:
        return cached
    replay = _needs_replay(ctx, change, qualname)
    verdict = check_function(ctx, trees, change, qualname, shadow=shadow_name(change.module, change.path),
                             preconditions=preconditions, replay=replay, stub=None if replay else _typing_stub(ctx, change, qualname))
    cache.store(verdict)
    return verdict


def _unchanged_classes(ctx: GateContext, change: ModuleChange) -> list[str]:
    before = _parse(ctx.variant.original_root / change.path)
    after = _parse(ctx.variant.root / change.path)
    old = {n.name: ast.dump(n) for n in before.body if isinstance(n, ast.ClassDef)}
    return [n.name for n in after.body if isinstance(n, ast.ClassDef) and old.get(n.name) == ast.dump(n)]


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_bytes())


def _cache_key(ctx: GateContext) -> list[str]:
    """Everything a verdict depends on: both versions' code and specs, the tests and benchmarks
    that supply the recorded inputs, the budgets and the isolation (tool versions and the gates'
    own code are added by `verdict_cache`)."""
    def source_of(root: Path, parts: tuple[str, ...]) -> str:
        tree = hash_tree(root)
        return repr(sorted((k, v) for k, v in tree.items() if any(k == p or k.startswith(p.rstrip("/") + "/") for p in parts)))

    b = ctx.budgets
    code = (*ctx.config.source, ctx.config.specs)
    runs = (ctx.config.tests, *([ctx.config.benchmarks] if ctx.config.benchmarks else []))
    return ["equivalence", source_of(ctx.variant.original_root, code), source_of(ctx.variant.root, code),
            source_of(ctx.variant.original_root, runs),
            repr((b.search_seconds, b.per_path_seconds, b.max_iterations, b.function_seconds)), ctx.isolation.value]


def _needs_replay(ctx: GateContext, change: ModuleChange, qualname: str) -> bool:
    """CrossHair builds inputs from annotations (inline, or in a `.pyi` stub); without them only
    recorded inputs help."""
    fn = function_index(_parse(ctx.variant.original_root / change.path)).get(qualname)
    if fn is None:  # bound by assignment (a lambda, a partial): no annotations to build inputs from
        return True
    if _annotated(fn, qualname):
        return False
    stub = stub_for(ctx.variant.original_root, change.path)
    typed = stub_signature(ctx.variant.original_root, stub, qualname) if stub else None
    return typed is None or not _annotated(typed, qualname)


def _typing_stub(ctx: GateContext, change: ModuleChange, qualname: str) -> str | None:
    """The stub that types `qualname`, when its own code carries no annotations."""
    fn = function_index(_parse(ctx.variant.original_root / change.path)).get(qualname)
    if fn is None or _annotated(fn, qualname):
        return None
    return stub_for(ctx.variant.original_root, change.path)


def _annotated(fn: ast.FunctionDef | ast.AsyncFunctionDef, qualname: str) -> bool:
    args = [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]
    if "." in qualname and args and args[0].arg in ("self", "cls"):
        args = args[1:]
    return all(a.annotation is not None for a in args) and not (fn.args.vararg and fn.args.vararg.annotation is None)


def _preconditions(specs: ModuleSpecs | None, qualname: str) -> list[str]:
    """The contract's `pre:` lines (and, for a method, its class's `inv:` lines): inputs outside
    them are outside what the function promises, so equivalence is judged inside them only."""
    if specs is None:
        return []
    matches = (CONDITION.match(line) for line in specs.conditions_for(qualname))
    return [m.group("expr").strip() for m in matches if m is not None and m.group(1) in ("pre", "inv") and not m.group(2)]
