"""The one number a run ends with: the project's whole benchmark suite on the original and on the
final variant, interleaved in one session — each benchmark's speed-up with its confidence
interval, and the geometric mean over all of them (a benchmark within noise counts ×1.0).
Per-candidate speed-ups stay each candidate's own evidence; they are never multiplied together."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # measuring loads the gates; describing a headline (`crucible report`) does not
    from pipeline.gating import GateOptions, Target
    from verifiers.benchmarks import SuiteSpeed

__all__ = ["HEADLINE_ROUNDS", "describe", "measure_headline"]

HEADLINE_ROUNDS = 5  # interleaved runs of each version (at least; more when the options ask)


def measure_headline(target: Target, final_diff: str, options: GateOptions) -> dict[str, Any]:
    """run.json's `headline`: the suite measured, or why it was not."""
    from pipeline.patch import apply_patch, parse_patch
    from pipeline.workspace import workspace
    from verifiers.base import GateContext, Variant
    from verifiers.benchmarks import measure_suite
    from verifiers.tree import copy_tree

    if not final_diff:
        return {"geomean": 1.0, "benchmarks": [], "note": "no improvement was merged: the final variant is the original"}
    rounds = max(HEADLINE_ROUNDS, options.budgets.benchmark_rounds)
    with workspace("crucible-headline-") as scratch:
        original = copy_tree(target.config.root, scratch / "original")
        final = copy_tree(original, scratch / "final")
        changes = apply_patch(parse_patch(final_diff), final)
        (scratch / "gates").mkdir()
        ctx = GateContext(config=target.config, kernel=target.kernel, variant=Variant(original, final, changes, final_diff),
                          scratch=scratch / "gates", budgets=options.budgets, isolation=options.isolation)
        measured = measure_suite(ctx, rounds)
    if isinstance(measured, str):
        return {"geomean": None, "benchmarks": [], "note": f"the suite could not be measured: {measured}"}
    return _payload(measured)


def _payload(speed: SuiteSpeed) -> dict[str, Any]:
    from verifiers.stats import Verdict

    rows = [{"benchmark": node, "speedup": round(c.speedup, 4), "low": round(c.low, 4), "high": round(c.high, 4),
             "verdict": c.verdict.value, "counted": round(c.speedup, 4) if c.verdict is not Verdict.SAME else 1.0,
             "original_median": c.original_median, "final_median": c.variant_median}
            for node, c in speed.comparisons.items()]
    return {"geomean": round(speed.geomean, 4), "benchmarks": rows, "rounds": speed.rounds,
            "note": "original vs final, interleaved in one session; 95% bootstrap intervals; within noise counts ×1.0"}


def describe(headline: dict[str, Any]) -> str:
    """The sentence the CLI and the report lead with."""
    rows = headline.get("benchmarks") or []
    if headline.get("geomean") is None or not rows:
        return str(headline.get("note", "no headline"))
    faster = sum(r["verdict"] == "faster" for r in rows)
    slower = sum(r["verdict"] == "slower" for r in rows)
    return (f"the final variant is ×{headline['geomean']:.2f} the original's speed (geometric mean over {len(rows)} "
            f"benchmark(s): {faster} faster, {slower} slower, {len(rows) - faster - slower} within noise)")
