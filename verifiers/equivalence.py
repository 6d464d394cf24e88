"""Gate 7: every changed function behaves as its original did, unless its spec says
`crucible: may-change` (then the contracts gate alone judges it).

Per function, strongest method first: a Z3 proof for pure int/bool code (`proved`); CrossHair's
behavioural diff in the sandbox under a wall-clock limit (`exhaustive` or `bounded`); for code
CrossHair cannot build inputs for, a replay of the inputs the original received in the project's
tests and benchmarks (`sampled`). Module-level state after import is compared too, and functions
that read changed state or call a changed function are checked alongside.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path
from typing import Any, ClassVar

from verifiers.base import Evidence, GateContext, GateResult, Outcome, Strength
from verifiers.changes import ModuleChange, changed_hunks, changed_modules, function_index
from verifiers.counterexamples import equivalence_test
from verifiers.formal import (
    Counterexample, FunctionVerdict, Job, blame, combine, install_worker, parallel, run_worker, tool_failure, verdict_cache,
)
from verifiers.recording import RECORDINGS, record_inputs
from verifiers.shadow import install_shadows, shadow_name
from verifiers.specs import CONDITION, ModuleSpecs, load_specs
from verifiers.tree import copy_tree, hash_tree
from verifiers.z3proof import prove_equivalent

__all__ = ["EquivalenceGate"]


class EquivalenceGate:
    NAME: ClassVar[str] = "equivalence"
    DESCRIPTION: ClassVar[str] = "each changed function behaves as its original (Z3 proof, CrossHair, or replay)"

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
        tree, shared = _comparison_tree(ctx, changes)
        recordings = _recordings(ctx, targets, tree)
        key = _cache_key(ctx)
        jobs: list[Job] = [(c.module, "", functools.partial(_state_check, ctx, tree, c, shared)) for c in states]
        jobs += [(c.module, q, functools.partial(_function_check, ctx, tree, c, q, shared, recordings, key,
                                                 _preconditions(specs.get(c.module), q))) for c, q in targets]
        verdicts = parallel(jobs, ctx.budgets.gate_seconds)
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


def _comparison_tree(ctx: GateContext, changes: list[ModuleChange]) -> tuple[Path, dict[str, list[str]]]:
    """The variant, plus each changed module's original under its shadow name."""
    tree = copy_tree(ctx.variant.root, ctx.scratch / "equivalence-tree")
    install_shadows(ctx.variant.original_root, tree, {c.module: c.path for c in changes})
    install_worker(tree)
    shared = {c.module: _unchanged_classes(ctx, c) for c in changes}
    return tree, shared


def _unchanged_classes(ctx: GateContext, change: ModuleChange) -> list[str]:
    before = _parse(ctx.variant.original_root / change.path)
    after = _parse(ctx.variant.root / change.path)
    old = {n.name: ast.dump(n) for n in before.body if isinstance(n, ast.ClassDef)}
    return [n.name for n in after.body if isinstance(n, ast.ClassDef) and old.get(n.name) == ast.dump(n)]


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_bytes())


def _cache_key(ctx: GateContext) -> list[str]:
    def source_of(root: Path) -> str:
        tree = hash_tree(root)
        return repr(sorted((k, v) for k, v in tree.items() if any(k.startswith(s) for s in (*ctx.config.source, ctx.config.specs))))

    b = ctx.budgets
    return ["equivalence", source_of(ctx.variant.original_root), source_of(ctx.variant.root),
            repr((b.search_seconds, b.per_path_seconds, b.max_iterations))]


def _needs_replay(ctx: GateContext, change: ModuleChange, qualname: str) -> bool:
    """CrossHair builds inputs from annotations; without them only recorded inputs help."""
    fn = function_index(_parse(ctx.variant.original_root / change.path)).get(qualname)
    if fn is None:
        return False
    args = [*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs]
    if "." in qualname and args and args[0].arg in ("self", "cls"):
        args = args[1:]
    return any(a.annotation is None for a in args) or bool(fn.args.vararg and fn.args.vararg.annotation is None)


def _recordings(ctx: GateContext, targets: list[tuple[ModuleChange, str]], tree: Path) -> str | None:
    """Inputs the original receives in the project's own runs, for what CrossHair cannot
    analyse; stored inside the comparison tree (the name is relative to it)."""
    wanted = [(c.module, q) for c, q in targets if _needs_replay(ctx, c, q)]
    if not wanted:
        return None
    record_inputs(ctx, wanted, tree / RECORDINGS)
    return RECORDINGS


def _budget(ctx: GateContext) -> dict[str, float]:
    b = ctx.budgets
    return {"search_seconds": b.search_seconds, "per_path_seconds": b.per_path_seconds, "max_iterations": b.max_iterations}


def _state_check(ctx: GateContext, tree: Path, change: ModuleChange, shared: dict[str, list[str]]) -> FunctionVerdict:
    job = {"mode": "equivalence", "module": change.module, "shadow": shadow_name(change.module, change.path),
           "qualname": None, "state_names": list(change.state_names), "shared_classes": shared[change.module],
           "budget": _budget(ctx)}
    result = run_worker(ctx, tree, job, f"state-{change.module}")
    public = [d for d in result.get("differences", []) if d["public"]]
    detail = "\n".join(f"{d['name']}: original {d['original']}, variant {d['variant']}" for d in result.get("differences", []))
    if result["outcome"] == "fail" and not public:
        # Private state may differ (a list became a set): its readers are compared instead.
        return FunctionVerdict(change.module, "", Outcome.PASS, "private module state differs; its readers are compared", Strength.EXHAUSTIVE, detail=detail)
    strength = Strength.EXHAUSTIVE if result["outcome"] == "pass" else None
    verdict = FunctionVerdict(change.module, "", Outcome(result["outcome"]), result["summary"], strength, detail=detail or result.get("detail", ""))
    shadow = job["shadow"]
    return blame(verdict, ctx, tree, result, ["-c", f"import {shadow}, {change.module}"],
                 f"in a copy of the patched project with the original {change.path} saved as module {shadow}")


def _preconditions(specs: ModuleSpecs | None, qualname: str) -> list[str]:
    """The contract's `pre:` lines (and, for a method, its class's `inv:` lines): inputs outside
    them are outside what the function promises, so equivalence is judged inside them only."""
    if specs is None:
        return []
    matches = (CONDITION.match(line) for line in specs.conditions_for(qualname))
    return [m.group("expr").strip() for m in matches if m is not None and m.group(1) in ("pre", "inv") and not m.group(2)]


def _function_check(ctx: GateContext, tree: Path, change: ModuleChange, qualname: str, shared: dict[str, list[str]],
                    recordings: str | None, key: list[str], preconditions: list[str]) -> FunctionVerdict:
    cache = verdict_cache([*key, change.module, qualname])
    cached = cache.load()
    if cached is not None:
        return cached
    seeds: list[list[int | bool]] = []
    original_fn = function_index(_parse(ctx.variant.original_root / change.path)).get(qualname)
    variant_fn = function_index(_parse(ctx.variant.root / change.path)).get(qualname)
    if isinstance(original_fn, ast.FunctionDef) and isinstance(variant_fn, ast.FunctionDef) and "." not in qualname and qualname in change.changed:
        proof = prove_equivalent(original_fn, variant_fn, _constants(ctx.variant.original_root / change.path),
                                 _constants(ctx.variant.root / change.path))
        if proof is not None and proof.proved:
            verdict = FunctionVerdict(change.module, qualname, Outcome.PASS, "proved equal for all inputs (Z3)", Strength.PROVED)
            cache.store(verdict)
            return verdict
        if proof is not None and proof.counterexample is not None:
            seeds.append(list(proof.counterexample))
    replay = _needs_replay(ctx, change, qualname)
    hunks = []  # only replayed (unannotated) code must be seen to run its changed lines
    if replay and original_fn is not None and variant_fn is not None and qualname in change.changed:
        hunks = changed_hunks((ctx.variant.original_root / change.path).read_text(encoding="utf-8"),
                              (ctx.variant.root / change.path).read_text(encoding="utf-8"), original_fn, variant_fn)
    job = {"mode": "equivalence", "module": change.module, "shadow": shadow_name(change.module, change.path), "qualname": qualname,
           "shared_classes": shared[change.module], "budget": _budget(ctx), "seeds": seeds, "hunks": hunks,
           "crosshair": not replay, "recordings": recordings if replay else None, "preconditions": preconditions}
    result = run_worker(ctx, tree, job, f"eq-{change.module}-{qualname}")
    verdict = blame(_function_verdict(change.module, qualname, result), ctx, tree, result, _diffbehavior(ctx, job),
                    f"in a copy of the patched project with the original {change.path} saved as module {job['shadow']}")
    cache.store(verdict)
    return verdict


def _diffbehavior(ctx: GateContext, job: dict[str, Any]) -> list[str]:
    """CrossHair's own command for this comparison (what a tool failure is reproduced with)."""
    b = ctx.budgets
    return ["-m", "crosshair", "diffbehavior", f"{job['shadow']}.{job['qualname']}", f"{job['module']}.{job['qualname']}",
            "--exception_equivalence", "SAME_TYPE", "--per_condition_timeout", str(b.search_seconds),
            "--per_path_timeout", str(b.per_path_seconds)]


def _constants(path: Path) -> dict[str, int | bool]:
    """Module-level names bound exactly once to an int or bool literal (Z3 may inline them)."""
    tree = _parse(path)
    counts: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            counts[node.id] = counts.get(node.id, 0) + 1
    found: dict[str, int | bool] = {}
    for node in tree.body:
        target, value = (node.targets[0], node.value) if isinstance(node, ast.Assign) and len(node.targets) == 1 else (
            (node.target, node.value) if isinstance(node, ast.AnnAssign) else (None, None))
        literal = value.value if isinstance(value, ast.Constant) else None
        if isinstance(target, ast.Name) and isinstance(literal, (int, bool)) and counts.get(target.id) == 1:
            found[target.id] = literal
    return found


def _function_verdict(module: str, qualname: str, result: dict[str, Any]) -> FunctionVerdict:
    outcome = Outcome(result["outcome"])
    strength = Strength(result["strength"]) if result.get("strength") else None
    counterexample = None
    found = result.get("counterexample")
    if outcome is Outcome.FAIL and found:
        test = equivalence_test(module, qualname, found["input"], found.get("original_return", ""), found.get("original_error"))
        counterexample = Counterexample(found["input"], found["original"], found["variant"], test=test)
    return FunctionVerdict(module, qualname, outcome, result["summary"], strength, int(result.get("paths", 0)),
                           counterexample, result.get("detail", ""))
