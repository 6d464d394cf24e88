"""One changed function against its original, by the strongest method that applies, with the
code under judgement kept away from the verdict.

1. Z3, on the syntax alone, for pure int/bool code (`proved`); a disproof seeds the inputs.
2. Separated runs: a process that loads only the original chooses the inputs (seeds, recorded
   inputs, random inputs) and runs the original on them; a process that loads only the variant
   runs the variant on exactly those inputs. This module compares what they report.
3. CrossHair's symbolic diff, the one step that loads both versions in one process: a difference
   it finds is replayed by separated runs before it rejects with a counterexample, and its "no
   difference" counts only when that process's fingerprint shows the judge untouched.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from verifiers.base import GateContext, Outcome, Strength
from verifiers.changes import ModuleChange, changed_hunks, function_index
from verifiers.counterexamples import equivalence_test
from verifiers.formal import Counterexample, FunctionVerdict, WorkerRun, blame, install_worker, run_worker, tampered
from verifiers.observations import Disagreement, code_literals, compare
from verifiers.tamper import tampering
from verifiers.shadow import install_shadows
from verifiers.tree import copy_tree
from verifiers.z3proof import prove_equivalent

__all__ = ["Trees", "check_function", "check_state"]


@dataclass(frozen=True)
class Trees:
    """Where each kind of process runs: the original alone (with the recorded inputs), the
    variant alone, and both side by side (the variant plus the originals under shadow names)."""

    original: Path
    variant: Path
    joint: Path
    shared_classes: dict[str, list[str]]  # per module: classes unchanged, shared by both in `joint`
    recordings: str | None  # relative to `original`
    sources: tuple[str, ...]  # the project's source paths (fingerprinted by definitions in `joint`)


def check_function(ctx: GateContext, trees: Trees, change: ModuleChange, qualname: str, *, shadow: str,
                   preconditions: list[str], replay: bool, stub: str | None = None) -> FunctionVerdict:
    """`stub`: the `.pyi` whose annotations type the function (when the code has none)."""
    typed: list[bool] = []  # whether the stub gave the function any types (the original's run says)
    verdict = _check_function(ctx, trees, change, qualname, shadow, preconditions, replay, stub, typed)
    if stub is not None and verdict.outcome is Outcome.PASS:
        source = f"types from {stub}" if any(typed) else f"{stub} gave it no usable types"
        return replace(verdict, summary=f"{verdict.summary} ({source})")
    return verdict


def _check_function(ctx: GateContext, trees: Trees, change: ModuleChange, qualname: str, shadow: str,
                    preconditions: list[str], replay: bool, stub: str | None, typed: list[bool]) -> FunctionVerdict:
    original_fn = function_index(_parse(ctx.variant.original_root / change.path)).get(qualname)
    variant_fn = function_index(_parse(ctx.variant.root / change.path)).get(qualname)
    seeds: list[list[int | bool]] = []
    if isinstance(original_fn, ast.FunctionDef) and isinstance(variant_fn, ast.FunctionDef) and "." not in qualname and qualname in change.changed:
        proof = prove_equivalent(original_fn, variant_fn, _constants(ctx.variant.original_root / change.path),
                                 _constants(ctx.variant.root / change.path))
        if proof is not None and proof.proved:
            return FunctionVerdict(change.module, qualname, Outcome.PASS, "proved equal for all inputs (Z3)", Strength.PROVED)
        if proof is not None and proof.counterexample is not None:
            seeds.append(list(proof.counterexample))
    hunks: list[list[int]] = []  # only replayed (unannotated) code must be seen to run its changed lines
    if original_fn is not None and variant_fn is not None and qualname in change.changed:
        hunks = changed_hunks((ctx.variant.original_root / change.path).read_text(encoding="utf-8"),
                              (ctx.variant.root / change.path).read_text(encoding="utf-8"), original_fn, variant_fn)
    literals = code_literals([n for n in (original_fn, variant_fn) if n is not None])
    chooser = {"role": "observe", "generate": True, "module": change.module, "qualname": qualname, "budget": _budget(ctx),
               "seeds": seeds, "recordings": trees.recordings if replay else None, "preconditions": preconditions,
               "crosshair": not replay, "literals": literals, "stub": stub}
    label = f"{change.module}-{qualname}"
    first = run_worker(ctx, trees.original, chooser, f"eq-original-{label}")
    typed.append(first.result.get("stub") is True)
    if "observations" not in first.result:
        return _verdict(change.module, qualname, first.result, "the original's run: ")
    skip = [index for index, observed in enumerate(first.result["observations"]) if observed.get("slow")]
    second = run_worker(ctx, trees.variant, {"role": "observe", "module": change.module, "qualname": qualname,
                                             "inputs": first.result["inputs"], "hunks": hunks, "skip": skip}, f"eq-variant-{label}")
    problem = _untrusted(change.module, qualname, second, first)
    if problem is not None:
        return problem
    disagreement, compared = compare(first.result["observations"], second.result["observations"], first.result["calls"])
    unstable = 0
    if disagreement is not None:
        settled = _without_unstable(ctx, trees, change, qualname, first, second, disagreement)
        if isinstance(settled, FunctionVerdict):
            return settled
        first, second, unstable = settled
        disagreement, compared = compare(first.result["observations"], second.result["observations"], first.result["calls"])
    if disagreement is not None:
        recorded, edge = first.result["recorded"], first.result.get("edge", 0)
        kind = "a concrete" if disagreement.index < recorded else "an edge-case" if disagreement.index < recorded + edge else "a random"
        return _disagreement(change.module, qualname, disagreement, kind=kind)
    verdict = _check_further(ctx, trees, change, qualname, shadow, preconditions, first, second, replay, stub, compared)
    return _noting_unstable(verdict, unstable) if unstable else verdict


def _check_further(ctx: GateContext, trees: Trees, change: ModuleChange, qualname: str, shadow: str,
                   preconditions: list[str], first: WorkerRun, second: WorkerRun, replay: bool, stub: str | None,
                   compared: int) -> FunctionVerdict:
    """After the separated runs agree: CrossHair over the declared (or inferred) types."""
    recorded = sum(1 for o in first.result["observations"][: first.result["recorded"]] if not o.get("slow"))
    outcome = _concrete(change.module, qualname, first.result, second.result, recorded, compared - recorded)
    if not replay:  # annotated: CrossHair searches the declared types
        symbolic = _symbolic(ctx, trees, change, qualname, shadow, preconditions, first, replay, stub)
        if compared and symbolic.summary.startswith(_INCONCLUSIVE):
            unusable = (symbolic.harness_artefact if symbolic.harness_artefact is not None
                        else _crosshair_unusable(ctx, trees, change, qualname, shadow, preconditions, stub))
            if unusable is not None:
                return _unreached(FunctionVerdict(
                    change.module, qualname, Outcome.PASS,
                    f"agreed on {compared} input(s) in separated runs; CrossHair cannot judge this function: on the "
                    f"original against itself, {unusable} (its own report on the variant, {symbolic.summary}, proves "
                    "nothing either way)", Strength.SAMPLED, compared), second.result)
        return symbolic
    if not first.result.get("signature") or compared == 0:
        return outcome
    symbolic = _symbolic(ctx, trees, change, qualname, shadow, preconditions, first, replay, None)
    if symbolic.outcome is Outcome.FAIL:
        return symbolic
    if symbolic.harness_artefact is not None and outcome.outcome is Outcome.PASS:
        return replace(outcome, summary=f"{outcome.summary}; CrossHair cannot judge this function: "
                                        f"{symbolic.harness_artefact}")
    if symbolic.outcome is not Outcome.PASS:
        return _unreached(symbolic, second.result)
    return _unreached(FunctionVerdict(
        change.module, qualname, Outcome.PASS,
        f"agreed on {recorded} recorded and {compared - recorded} random input(s); {symbolic.summary} over types "
        f"inferred from them ({first.result['signature']})", Strength.BOUNDED, symbolic.paths), second.result)


# What CrossHair says when it cannot be believed either way: a difference the separated runs do
# not show, or a crash of the worker.
_INCONCLUSIVE = ("CrossHair reports a difference on", "worker crashed")


def _crosshair_unusable(ctx: GateContext, trees: Trees, change: ModuleChange, qualname: str, shadow: str,
                        preconditions: list[str], stub: str | None) -> str | None:
    """CrossHair on the ORIGINAL against its own copy (no variant code anywhere in that process):
    when it reports a difference there too, or crashes, it cannot judge this function at all, and
    its inconclusive report on the variant is the tool's, not the variant's doing — what the
    separated runs established stands (sampled). Otherwise (None) the report stands, unknown: a
    variant cannot buy its way down to sampled by upsetting CrossHair."""
    tree = copy_tree(ctx.variant.original_root, ctx.scratch / f"equivalence-self-{change.module}-{qualname}")
    install_shadows(ctx.variant.original_root, tree, {change.module: change.path})
    install_worker(tree)
    budget = _budget(ctx)
    budget["search_seconds"] = budget["search_seconds"] * 2 / 3
    job = {"role": "symbolic", "module": change.module, "shadow": shadow, "qualname": qualname, "budget": budget,
           "shared_classes": trees.shared_classes.get(change.module, []), "preconditions": preconditions,
           "signature": None, "stub": stub}
    run = run_worker(ctx, tree, job, f"eq-self-{change.module}-{qualname}")
    outcome = run.result.get("outcome")
    if run.tampered is None and outcome == "fail" and run.result.get("counterexample"):
        return f"it reports a difference too ({run.result['counterexample'].get('input', '?')})"
    if run.tampered is None and outcome == "error":
        return f"it fails too ({str(run.result.get('summary', ''))[:200]})"
    return None


def _without_unstable(ctx: GateContext, trees: Trees, change: ModuleChange, qualname: str, first: WorkerRun,
                      second: WorkerRun, found: Disagreement) -> FunctionVerdict | tuple[WorkerRun, WorkerRun, int]:
    """Before a difference counts, the original runs the same inputs once more in a fresh process.
    Inputs on which it disagrees with itself (time, uuids, objects that carry their own identity
    into the result) prove nothing about the variant and are left out, and the rest compared again;
    when that is most of them, the function is nondeterministic: unknown, never a counterexample."""
    again = run_worker(ctx, trees.original, {"role": "observe", "module": change.module, "qualname": qualname,
                                             "inputs": first.result["inputs"]}, f"eq-original-again-{change.module}-{qualname}")
    if "observations" not in again.result:
        return first, second, 0
    observed, repeated = first.result["observations"], again.result["observations"]
    unstable = [index for index, (one, other) in enumerate(zip(observed, repeated, strict=True))
                if not one.get("slow") and not other.get("slow") and compare([one], [other], [""])[0] is not None]
    if not unstable:
        return first, second, 0
    if found.index in unstable and 2 * len(unstable) >= len(observed):
        self_difference, _ = compare([observed[found.index]], [repeated[found.index]], [found.call])
        assert self_difference is not None
        return FunctionVerdict(change.module, qualname, Outcome.UNKNOWN,
                               f"nondeterministic: the original itself answers differently in two runs on ({found.call}): "
                               f"{self_difference.original}, then {self_difference.variant} ({len(unstable)} of "
                               f"{len(observed)} input(s) so); the variant's difference there proves nothing")
    return _dropping(first, unstable), _dropping(second, unstable), len(unstable)


def _dropping(run: WorkerRun, indices: list[int]) -> WorkerRun:
    """`run` without the observations (and calls) at `indices`; the counts of recorded and edge
    inputs shrink with them, so that a difference is still named by the kind of its input."""
    left_out = set(indices)
    result = dict(run.result)
    result["observations"] = [o for i, o in enumerate(run.result["observations"]) if i not in left_out]
    if "calls" in run.result:
        result["calls"] = [c for i, c in enumerate(run.result["calls"]) if i not in left_out]
    if "recorded" in run.result:
        recorded, edge = run.result["recorded"], run.result.get("edge", 0)
        result["recorded"] = recorded - sum(1 for i in left_out if i < recorded)
        result["edge"] = edge - sum(1 for i in left_out if recorded <= i < recorded + edge)
    return replace(run, result=result)


def _noting_unstable(verdict: FunctionVerdict, unstable: int) -> FunctionVerdict:
    return replace(verdict, summary=f"{verdict.summary}; {unstable} input(s) left out: the original itself answers "
                                    "differently on them in two runs")


def _concrete(module: str, qualname: str, first: dict[str, Any], second: dict[str, Any], recorded: int,
              randomised: int) -> FunctionVerdict:
    """The verdict of the separated runs alone (unannotated code, no inferred types)."""
    if recorded:
        return _unreached(FunctionVerdict(module, qualname, Outcome.PASS, f"agreed on {recorded} recorded input(s) "
                                          "(CrossHair cannot build inputs: no annotations)", Strength.SAMPLED, recorded), second)
    if first["observations"]:  # every recorded input was skipped: the original itself is slow on each
        return FunctionVerdict(module, qualname, Outcome.UNKNOWN, f"none of {len(first['observations'])} input(s) could be "
                               "compared: the original runs past the call limit on each")
    return FunctionVerdict(module, qualname, Outcome.UNKNOWN,
                           "CrossHair cannot build inputs (no annotations) and no recorded input reached it")


def _unreached(verdict: FunctionVerdict, second: dict[str, Any]) -> FunctionVerdict:
    """`verdict`, unless some changed line ran on none of the compared inputs: then unknown."""
    missing = second.get("unreached") or []
    if missing:
        lines = ", ".join(str(line) for line in missing)
        return FunctionVerdict(verdict.module, verdict.qualname, Outcome.UNKNOWN,
                               f"no compared input runs the changed line(s) {lines} of the variant ({len(missing)} of "
                               f"{second.get('hunks', 0)} change(s) unexercised): nothing vouches for them", paths=verdict.paths)
    if second.get("hunks") and verdict.outcome is Outcome.PASS:
        return FunctionVerdict(verdict.module, verdict.qualname, verdict.outcome, f"{verdict.summary}; every changed line ran",
                               verdict.strength, verdict.paths)
    return verdict


def _symbolic(ctx: GateContext, trees: Trees, change: ModuleChange, qualname: str, shadow: str,
              preconditions: list[str], first: WorkerRun, replay: bool, stub: str | None) -> FunctionVerdict:
    """CrossHair with both versions loaded; its pass counts only in an untouched process, its
    difference only once separated runs show it."""
    budget = _budget(ctx)
    budget["search_seconds"] = budget["search_seconds"] * 2 / 3  # a third went on the random inputs
    job = {"role": "symbolic", "module": change.module, "shadow": shadow, "qualname": qualname, "budget": budget,
           "shared_classes": trees.shared_classes.get(change.module, []), "preconditions": preconditions,
           "signature": first.result["inputs"] if replay else None, "stub": stub}
    run = run_worker(ctx, trees.joint, job, f"eq-symbolic-{change.module}-{qualname}", definitions=trees.sources)
    result = run.result
    if run.tampered is not None:
        return FunctionVerdict(change.module, qualname, Outcome.ERROR, run.tampered)
    if result.get("outcome") == "pass":
        # The worker itself gives the original the variant's unchanged classes (one class object for both).
        shared = trees.shared_classes.get(change.module, [])
        forged = tampering(run.fingerprints, judge={f"module {shadow}": [f"~{c}" for c in shared],
                                                    **{f"class {shadow}.{c}": ["(gone)"] for c in shared}})
        return tampered(change.module, qualname, forged) if forged else _verdict(change.module, qualname, result)
    if result.get("outcome") == "fail" and result.get("counterexample"):
        return _confirm(ctx, trees, change, qualname, result)
    verdict = _verdict(change.module, qualname, result)
    return blame(verdict, ctx, trees.joint, result, _diffbehavior(ctx, job),
                 f"in a copy of the patched project with the original {change.path} saved as module {shadow}")


def _confirm(ctx: GateContext, trees: Trees, change: ModuleChange, qualname: str, reported: dict[str, Any]) -> FunctionVerdict:
    """Replay the symbolic search's differences (the best few it reports) in separated processes:
    only a difference they observe rejects with a counterexample, on the input they ran."""
    found = reported.get("counterexamples") or [reported["counterexample"]]
    job = {"role": "observe", "module": change.module, "qualname": qualname,
           "literal_inputs": [f.get("arguments", {}) for f in found]}
    label = f"{change.module}-{qualname}"
    first = run_worker(ctx, trees.original, job, f"eq-confirm-original-{label}")
    second = run_worker(ctx, trees.variant, job, f"eq-confirm-variant-{label}")
    best = found[0]
    if not first.result.get("observations") or "observations" not in second.result:
        return FunctionVerdict(change.module, qualname, Outcome.UNKNOWN,
                               f"CrossHair reports a difference on ({best.get('input')}) that separated runs could not replay: "
                               f"original {best.get('original')}, variant {best.get('variant')}")
    problem = _untrusted(change.module, qualname, second, first)
    if problem is not None:
        return problem
    if first.result.get("replayed") != second.result.get("replayed"):
        return FunctionVerdict(change.module, qualname, Outcome.UNKNOWN,
                               f"CrossHair reports a difference on ({best.get('input')}); the two versions could not "
                               "rebuild the same inputs to replay it")
    disagreement, _ = compare(first.result["observations"], second.result["observations"], first.result["calls"])
    if disagreement is None:
        shared = _shared_generator_explains(ctx, trees, change, qualname, found)
        artefact = f"{_SHARED} ({shared})" if shared else None
        return FunctionVerdict(change.module, qualname, Outcome.UNKNOWN,
                               f"CrossHair reports a difference on ({best.get('input')}) that separated runs do not show "
                               f"(nondeterminism, or a process that was tampered with; {len(set(first.result['replayed']))} of "
                               f"{len(found)} reported input(s) replayed)" + (f"; {artefact}" if artefact else ""),
                               harness_artefact=artefact)
    return _disagreement(change.module, qualname, disagreement, kind="a symbolic", symbolic=True)


# CrossHair cannot copy a generator it draws for an argument, so both versions get the same one:
# the second finds it spent. When the original does the same against itself, the report is the
# harness's, not the variant's.
_SHARED = "the original itself answers differently when two calls share one generator argument, as CrossHair's do"


def _shared_generator_explains(ctx: GateContext, trees: Trees, change: ModuleChange, qualname: str,
                               found: list[dict[str, Any]]) -> str | None:
    """When every reported input has a generator argument: each run twice by the ORIGINAL alone on
    one shared generator, and the call on which its two answers differ; else None. Nothing of the
    variant's runs in that process, so a variant cannot make this say yes."""
    sharing = [f.get("arguments", {}) for f in found
               if any(str(text).startswith("<generator object ") for text in f.get("arguments", {}).values())]
    if not sharing or len(sharing) < len(found):  # a reported difference sharing cannot explain
        return None
    job = {"role": "observe", "module": change.module, "qualname": qualname, "literal_inputs": sharing, "shared_twice": True}
    run = run_worker(ctx, trees.original, job, f"eq-shared-original-{change.module}-{qualname}")
    observed, calls = run.result.get("observations") or [], run.result.get("calls") or []
    if run.tampered is not None or len(observed) != 2 * len(calls):
        return None
    for index, call in enumerate(calls):
        differs, _ = compare([observed[2 * index]], [observed[2 * index + 1]], [call])
        if differs is not None and differs.outcome == "fail":
            return f"on ({call}): {differs.original}, then {differs.variant}"
    return None


def _untrusted(module: str, qualname: str, variant: WorkerRun, original: WorkerRun) -> FunctionVerdict | None:
    if variant.tampered is not None:
        return FunctionVerdict(module, qualname, Outcome.ERROR, variant.tampered)
    forged = tampering(variant.fingerprints, original.fingerprints)
    if forged and "observations" in variant.result:
        return tampered(module, qualname, forged)
    if "observations" not in variant.result:
        return _verdict(module, qualname, variant.result, "the variant's run: ")
    return None


def _disagreement(module: str, qualname: str, found: Disagreement, *, kind: str, symbolic: bool = False) -> FunctionVerdict:
    if found.outcome == "unknown":
        return FunctionVerdict(module, qualname, Outcome.UNKNOWN, f"the variant runs past the call limit on an input the "
                               f"original answers at once (a hang?): ({found.call})")
    test = equivalence_test(module, qualname, found.call, found.original_return, found.original_error, found.sees_callers_change)
    where = "found by CrossHair, replayed in separated runs" if symbolic else f"on {kind} input"
    return FunctionVerdict(module, qualname, Outcome.FAIL, f"different behaviour {where}",
                           counterexample=Counterexample(found.call, found.original, found.variant, test=test))


def _verdict(module: str, qualname: str, result: dict[str, Any], prefix: str = "") -> FunctionVerdict:
    outcome = Outcome(result.get("outcome", "error"))
    strength = Strength(result["strength"]) if result.get("strength") else None
    return FunctionVerdict(module, qualname, outcome, prefix + str(result.get("summary", "no result")), strength,
                           int(result.get("paths", 0)), None, str(result.get("detail", "")))


def check_state(ctx: GateContext, trees: Trees, change: ModuleChange) -> FunctionVerdict:
    """Module state right after import, for the names the change rebinds, each version in its
    own process: public values must be equal; private ones may differ (a list turned into a set)
    when every function reading them behaves the same (those are compared as changed too)."""
    job = {"role": "observe", "module": change.module, "qualname": None, "state_names": list(change.state_names)}
    first = run_worker(ctx, trees.original, job, f"state-original-{change.module}")
    second = run_worker(ctx, trees.variant, job, f"state-variant-{change.module}")
    if "state" not in first.result:
        return _verdict(change.module, "", first.result, "the original's import: ")
    problem = _untrusted_state(change.module, second, first)
    if problem is not None:
        return problem
    before, after = first.result["state"], second.result["state"]
    # Compared by behaviour where both versions bind the name to a function of their own (a name
    # one version drops is a change importers see: the tests and the removed-name rule judge it).
    functions = tuple(sorted(set(first.result.get("callables", [])) & set(second.result.get("callables", []))))
    differences = [name for name in sorted(before) if before[name] not in (["absent"], ["callable"])
                   and after.get(name) != before[name] and after.get(name) != ["callable"] and not name.startswith("<")]
    public = [n for n in differences if not n.split(".")[-1].startswith("_")]
    detail = "\n".join(f"{n}: differs after import" for n in differences)
    if public:
        return FunctionVerdict(change.module, "", Outcome.FAIL, f"module state differs: {public[0]}", detail=detail)
    if differences:
        return FunctionVerdict(change.module, "", Outcome.PASS, "private module state differs; its readers are compared",
                               Strength.EXHAUSTIVE, detail=detail, callables=functions)
    return FunctionVerdict(change.module, "", Outcome.PASS, "module state after import is equal", Strength.EXHAUSTIVE,
                           callables=functions)


def _untrusted_state(module: str, variant: WorkerRun, original: WorkerRun) -> FunctionVerdict | None:
    if variant.tampered is not None:
        return FunctionVerdict(module, "", Outcome.ERROR, variant.tampered)
    if "state" not in variant.result:
        return _verdict(module, "", variant.result, "the variant's import: ")
    forged = tampering(variant.fingerprints, original.fingerprints)
    return tampered(module, "", forged) if forged else None


def _budget(ctx: GateContext) -> dict[str, float]:
    b = ctx.budgets
    return {"search_seconds": b.search_seconds, "per_path_seconds": b.per_path_seconds, "max_iterations": b.max_iterations}


def _diffbehavior(ctx: GateContext, job: dict[str, Any]) -> list[str]:
    """CrossHair's own command for this comparison (what a tool failure is reproduced with)."""
    b = ctx.budgets
    return ["-m", "crosshair", "diffbehavior", f"{job['shadow']}.{job['qualname']}", f"{job['module']}.{job['qualname']}",
            "--exception_equivalence", "SAME_TYPE", "--per_condition_timeout", str(b.search_seconds),
            "--per_path_timeout", str(b.per_path_seconds)]


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_bytes())


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

