"""Gate 6: the contracts in `specs/` hold on the variant (CrossHair, PEP 316, in the sandbox).

Checked: every changed function with a contract (or in a class with invariants), and the
functions in the same module that call a changed function or read changed module state.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any, ClassVar

from verifiers.base import Evidence, GateContext, GateResult, Outcome, Strength
from verifiers.changes import ModuleChange, changed_modules
from verifiers.counterexamples import contract_test, split_call
from verifiers.formal import (
    Counterexample, FunctionVerdict, blame, combine, install_worker, parallel, run_worker, tampered, tool_failure,
    verdict_cache,
)
from verifiers.tamper import tampering
from verifiers.specs import ModuleSpecs, load_specs, weave
from verifiers.tree import copy_tree, hash_tree

__all__ = ["ContractsGate"]


class ContractsGate:
    NAME: ClassVar[str] = "contracts"
    DESCRIPTION: ClassVar[str] = "CrossHair checks the woven contracts of every changed function and its callers"

    def check(self, ctx: GateContext) -> GateResult:
        specs = load_specs(ctx.variant.original_root, ctx.config)
        changes = [c for c in changed_modules(ctx.variant) if c.module in specs]
        removed = [(c, q) for c in changes for q in c.removed if specs[c.module].covers(q)]
        if removed:
            evidence = tuple(Evidence(f"removes {c.module}.{q}, which has a contract", c.path, rule=q) for c, q in removed)
            return GateResult(self.NAME, Outcome.FAIL, evidence[0].message, evidence)
        targets = [(c, q) for c in changes for q in c.to_check if specs[c.module].covers(q)]
        if not targets:
            return GateResult(self.NAME, Outcome.PASS, "no function with a contract is affected by the change")
        tree = _woven_tree(ctx, specs)
        key = _cache_key(ctx)
        verdicts = parallel([
            (c.module, q, functools.partial(_check_one, ctx, tree, c, q, _condition_count(specs[c.module], q), key))
            for c, q in targets
        ], ctx.budgets.gate_seconds)
        outcome, strength = combine(verdicts)
        paths = {c.module: c.path for c in changes}
        evidence = tuple(v.evidence(paths.get(v.module)) for v in verdicts)
        failing = [v for v in verdicts if v.outcome is outcome]
        summary = (
            f"{len(verdicts)} contracted function(s) hold" if outcome is Outcome.PASS
            else f"{failing[0].tool_failure} failed on {failing[0].name} (not a finding about the variant): {failing[0].summary}"
            if failing[0].tool_failure else f"{failing[0].name}: {failing[0].summary}"
        )
        return GateResult(self.NAME, outcome, summary, evidence, strength=strength, tool_failure=tool_failure(verdicts, outcome))


def _condition_count(specs: ModuleSpecs, qualname: str) -> int:
    """Postconditions and invariants CrossHair will check for `qualname`, one by one."""
    return sum(1 for c in specs.conditions_for(qualname) if not c.startswith("pre"))


def _woven_tree(ctx: GateContext, specs: dict[str, ModuleSpecs]) -> Path:
    tree = copy_tree(ctx.variant.root, ctx.scratch / "contracts-tree")
    for module_specs in specs.values():
        path = tree / module_specs.module_path
        if path.is_file():
            path.write_text(weave(path.read_text(encoding="utf-8"), module_specs), encoding="utf-8")
    install_worker(tree)
    return tree


def _cache_key(ctx: GateContext) -> list[str]:
    variant = hash_tree(ctx.variant.root)
    relevant = sorted((k, v) for k, v in variant.items() if any(k.startswith(s) for s in (*ctx.config.source, ctx.config.specs)))
    b = ctx.budgets
    # Tool versions and the gates' own code are added by `verdict_cache`.
    return ["contracts", repr(relevant), repr((b.search_seconds, b.per_path_seconds, b.function_seconds)), ctx.isolation.value]


def _check_one(ctx: GateContext, tree: Path, change: ModuleChange, qualname: str, conditions: int, key: list[str]) -> FunctionVerdict:
    cache = verdict_cache([*key, change.module, qualname])
    cached = cache.load()
    if cached is not None:
        return cached
    b = ctx.budgets
    # The search budget is per function: CrossHair spends it condition by condition.
    per_condition = max(1.0, b.search_seconds / max(1, conditions))
    job = {"role": "contracts", "module": change.module, "qualname": qualname,
           "budget": {"search_seconds": per_condition, "per_path_seconds": b.per_path_seconds}}
    run = run_worker(ctx, tree, job, f"contracts-{change.module}-{qualname}")
    result = run.result
    forged = tampering(run.fingerprints) if run.tampered is None and result.get("outcome") == "pass" else []
    if forged:  # a pass reached in a process whose judge was touched vouches for nothing
        return tampered(change.module, qualname, forged)
    command = ["-m", "crosshair", "check", "--analysis_kind", "PEP316", f"{change.module}.{qualname}",
               "--per_condition_timeout", str(per_condition), "--per_path_timeout", str(b.per_path_seconds)]
    verdict = blame(_verdict(change.module, qualname, result), ctx, tree, result, command,
                    "in a copy of the patched project with the contracts of specs/ woven in as docstrings")
    cache.store(verdict)
    return verdict


def _verdict(module: str, qualname: str, result: dict[str, Any]) -> FunctionVerdict:
    outcome = Outcome(result["outcome"])
    strength = Strength(result["strength"]) if result.get("strength") else None
    counterexample = None
    if outcome is Outcome.FAIL:
        counterexample = _counterexample(module, qualname, result)
    detail = "\n".join(f"{m['state']}: {m['message']}" for m in result.get("messages", [])) or result.get("detail", "")
    return FunctionVerdict(module, qualname, outcome, result["summary"], strength, counterexample=counterexample, detail=detail)


def _counterexample(module: str, qualname: str, result: dict[str, Any]) -> Counterexample | None:
    failing = next((m for m in result.get("messages", []) if m["state"] in ("post_fail", "post_err", "exec_err")), None)
    if failing is None:
        return None
    message: str = failing["message"]
    condition = _condition(message, failing.get("condition", ""))
    leaf = qualname.rsplit(".", 1)[-1]
    arguments = split_call(message.split("when calling", 1)[-1], leaf)
    returned = re.search(r"\(which (returns|raises) (.*)\)\s*$", message)
    variant = f"{returned[1]} {returned[2]}" if returned else message
    test = contract_test(module, qualname, arguments, condition) if arguments is not None else ""
    return Counterexample(
        input=f"{leaf}({arguments})" if arguments is not None else message,
        original="(not checked)", variant=variant, condition=condition, test=test,
    )


def _condition(message: str, source_line: str) -> str:
    quoted = re.match(r'^"(.+?)" yields false', message)
    if quoted:
        return quoted[1]
    line = source_line.strip().strip('"').strip()
    return line if re.match(r"^(pre|post|inv)(\[[^\]]*\])?:", line) else ""
