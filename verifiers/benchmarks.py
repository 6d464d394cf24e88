"""Gate 8: pytest-benchmark, original against variant, interleaved in the sandbox, judged by the
rule in `verifiers/stats.py`. Only the benchmarks that reach the changed code (or the functions
reading state it changed) run, found by a recorded run of the original: timing code the change
does not touch would only measure noise. When none reaches it there is nothing to measure (pass,
no speed-up). No benchmarks configured: `skipped`, which for this gate alone does not reject.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar, Final

from verifiers.base import Evidence, GateContext, GateResult, Outcome, SkipReason
from verifiers.changes import changed_modules
from verifiers.recording import benchmark_files, record_inputs
from verifiers.sandbox import SandboxLimits, SandboxUnavailable
from verifiers.tamper import Fingerprints, tampering
from verifiers.testsuite import SuiteRun, run_harnessed
from verifiers.stats import CONFIDENCE, Comparison, Verdict, compare_timings
from verifiers.atomic import write_text_atomic
from verifiers.toolchain import toolchain
from verifiers.toolrun import tool_home
from verifiers.tree import copy_tree, hash_tree

__all__ = ["BenchmarkGate", "SuiteSpeed", "measure_suite"]

_PLUGIN: Final = "_crucible_bench_plugin"  # verifiers/_bench_plugin.py, as copied into the run


class BenchmarkGate:
    NAME: ClassVar[str] = "benchmarks"
    DESCRIPTION: ClassVar[str] = "pytest-benchmark: not slower than the original beyond noise; speed-up recorded"

    def check(self, ctx: GateContext) -> GateResult:
        files = benchmark_files(ctx.variant.original_root, ctx.config.benchmarks)
        if not files:
            why = "no benchmarks configured" if ctx.config.benchmarks is None else f"no benchmark files in {ctx.config.benchmarks}"
            return GateResult(self.NAME, Outcome.SKIPPED, f"{why}: skipped (for this gate alone, not a rejection)",
                              skip_reason=SkipReason.NOT_CONFIGURED)
        try:
            selected = _covering(ctx, files)
            if isinstance(selected, GateResult):
                return selected
            if not selected:
                return GateResult(self.NAME, Outcome.PASS, "no benchmark reaches the changed code: nothing to measure, "
                                  "no speed-up recorded")
            runs = _interleaved(ctx, selected)
            if isinstance(runs, GateResult):
                return runs
            first = _judge(self.NAME, *runs)
            if not first.summary.startswith(_SLOWER):
                return first
            # A slowdown must survive a second interleaved session: the samples of both are judged
            # together, so a burst of load during one does not reject, and a real one stays.
            again = _interleaved(ctx, selected, session="again-")
        except SandboxUnavailable as exc:
            return GateResult(self.NAME, Outcome.ERROR, f"no sandbox: {exc}")
        if isinstance(again, GateResult):
            return again
        pooled = _judge(self.NAME, _pooled(runs[0], again[0]), _pooled(runs[1], again[1]))
        return replace(pooled, summary=f"{pooled.summary}; measured twice, judged on both sessions' samples "
                                       f"(the first alone: {first.summary})")


_SLOWER: Final = "slower beyond noise"


def _pooled(first: Samples, second: Samples) -> Samples:
    return {node: [*first.get(node, []), *second.get(node, [])] for node in first.keys() | second.keys()}


def _covering(ctx: GateContext, files: list[str]) -> list[str] | GateResult:
    """Benchmark node ids that reach a changed function (from a recorded run of the original);
    an error when that run did not complete: "nothing reaches it" must be seen, not assumed."""
    targets = [(c.module, q) for c in changed_modules(ctx.variant) for q in c.to_check]
    if not targets:
        return []
    cache = _coverage_cache(ctx, targets)
    try:
        coverage: dict[str, list[str]] = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recording = record_inputs(ctx, targets, tests=False)
        if recording.failure is not None:
            return GateResult(BenchmarkGate.NAME, Outcome.ERROR, "cannot tell which benchmarks reach the change: "
                              f"the recorded run of the original's benchmarks failed ({recording.failure})")
        coverage = {node: list(reached) for node, reached in recording.coverage.items()}
        write_text_atomic(cache, json.dumps(coverage))
    return sorted(node for node, reached in coverage.items() if reached and node.split("::")[0] in files)


def _coverage_cache(ctx: GateContext, targets: list[tuple[str, str]]) -> Path:
    """Which benchmark reaches which function depends only on the original tree: a run's
    candidates on one base share it."""
    tree = hash_tree(ctx.variant.original_root)
    key = hashlib.sha256(json.dumps([sorted(tree.items()), sorted(targets), toolchain()]).encode()).hexdigest()
    return tool_home().parent / "coverage" / f"{key}.json"


Samples = dict[str, list[float]]


def _interleaved(ctx: GateContext, selected: list[str], session: str = "") -> tuple[Samples, Samples] | GateResult:
    """Rounds of O V / V O / O V …: drift on the machine hits both versions alike."""
    samples: dict[str, Samples] = {"original": {}, "variant": {}}
    trees = {"original": ctx.variant.original_root, "variant": ctx.variant.root}
    baseline: Fingerprints | None = None
    for round_ in range(ctx.budgets.benchmark_rounds):
        order = ("original", "variant") if round_ % 2 == 0 else ("variant", "original")
        for label in order:
            run = _run_once(ctx, trees[label], selected, f"{session}{label}-{round_}")
            if label == "original":
                baseline = baseline or run.fingerprints
            problem = _problem(run, label, baseline)
            if problem is not None:
                return problem
            assert run.benchmarks is not None
            for node, data in run.benchmarks.items():
                samples[label].setdefault(node, []).extend(data)
    return samples["original"], samples["variant"]


def _problem(run: SuiteRun, label: str, baseline: Fingerprints | None) -> GateResult | None:
    """Why this run's timings cannot be used: a broken channel or tampering (error), a failed run
    (error on the original, fail on the variant), or no timings reported."""
    if run.problem is not None:
        return GateResult(BenchmarkGate.NAME, Outcome.ERROR, f"{label}: {run.problem}", (Evidence(run.problem, rule="tampering"),))
    failure = run.failure() or (None if run.benchmarks else "no timings reported")
    if failure is not None:
        outcome = Outcome.ERROR if label == "original" else Outcome.FAIL
        return GateResult(BenchmarkGate.NAME, outcome, f"benchmarks failed on the {label} ({failure})",
                          (Evidence(f"benchmark run on the {label} failed", excerpt=run.sandbox.tool.excerpt()),))
    if label == "variant":
        forged = tampering(run.fingerprints, baseline)
        if forged:
            evidence = tuple(Evidence(f"changed while the variant ran: {line}", rule="tampering") for line in forged[:20])
            return GateResult(BenchmarkGate.NAME, Outcome.ERROR, f"the variant's benchmark run tampered with the judge: "
                              f"{forged[0]}", evidence)
    return None


def _run_once(ctx: GateContext, tree: Path, selected: list[str], label: str) -> SuiteRun:
    workdir = copy_tree(tree, ctx.scratch / f"bench-{label}")
    shutil.copyfile(Path(__file__).with_name("_bench_plugin.py"), workdir / f"{_PLUGIN}.py")
    b = ctx.budgets
    limits = SandboxLimits(b.test_seconds, b.test_cpu_seconds, b.memory_bytes, b.file_bytes, b.processes)
    argv = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_benchmark.plugin",
        "-p", _PLUGIN, "--benchmark-only", f"--benchmark-json={workdir / '.crucible-benchmark-unread.json'}",
        "--benchmark-max-time=0.15", "--benchmark-min-rounds=5",
        "--benchmark-warmup=on", "--benchmark-warmup-iterations=1", "--benchmark-disable-gc",
        "--rootdir", str(workdir), *selected,
    ]
    # The timings come over the harness's channel (pytest-benchmark's own hook), never from the
    # JSON file in the copy, which the variant could write.
    return run_harnessed(ctx, workdir, argv, limits)


def _judge(name: str, original: Samples, variant: Samples) -> GateResult:
    missing = sorted(original.keys() - variant.keys())
    if missing:  # timed on the original, not on the variant: never passed over unexamined
        evidence = tuple(Evidence(f"{node} ran on the original but reported no timing on the variant", rule=node) for node in missing)
        return GateResult(name, Outcome.FAIL, evidence[0].message, evidence)
    nodes = sorted(original.keys() & variant.keys())
    # One verdict per benchmark: the confidence level is Bonferroni-corrected so that judging
    # twenty benchmarks does not make one of them look slower by chance.
    confidence = 1 - (1 - CONFIDENCE) / max(1, len(nodes))
    comparisons = {node: compare_timings(original[node], variant[node], confidence=confidence) for node in nodes}
    if not comparisons:
        return GateResult(name, Outcome.ERROR, "the benchmark runs reported no timings")
    evidence = tuple(_evidence(node, c) for node, c in comparisons.items())
    slower = [node for node, c in comparisons.items() if c.verdict is Verdict.SLOWER]
    if slower:
        c = comparisons[slower[0]]
        return GateResult(name, Outcome.FAIL, f"{_SLOWER} on {slower[0]}: ×{c.speedup:.2f} "
                          f"({confidence:.1%} CI ×{c.low:.2f}–×{c.high:.2f})", evidence)
    faster = {node: c for node, c in comparisons.items() if c.verdict is Verdict.FASTER}
    if not faster:
        return GateResult(name, Outcome.PASS, f"no difference beyond noise on {len(comparisons)} benchmark(s)", evidence)
    best = max(faster, key=lambda node: faster[node].low)
    c = faster[best]
    return GateResult(name, Outcome.PASS, f"speed-up ×{c.speedup:.2f} on {best} (CI ×{c.low:.2f}–×{c.high:.2f})",
                      evidence, speedup=round(c.speedup, 4))


@dataclass(frozen=True)
class SuiteSpeed:
    """The whole benchmark suite, original against variant, interleaved in one session: each
    benchmark's speed-up with its interval, and their geometric mean, where a benchmark whose
    difference is within noise counts as ×1.0."""

    comparisons: dict[str, Comparison]
    rounds: int

    @property
    def geomean(self) -> float:
        factors = [c.speedup if c.verdict is not Verdict.SAME else 1.0 for c in self.comparisons.values()]
        return math.exp(sum(math.log(f) for f in factors) / len(factors)) if factors else 1.0


def measure_suite(ctx: GateContext, rounds: int) -> SuiteSpeed | str:
    """Every benchmark of the project (not only those reaching a change), or why it could not be
    measured."""
    files = benchmark_files(ctx.variant.original_root, ctx.config.benchmarks)
    if not files:
        return "no benchmarks configured"
    try:
        runs = _interleaved(replace(ctx, budgets=replace(ctx.budgets, benchmark_rounds=rounds)), files)
    except SandboxUnavailable as exc:
        return f"no sandbox: {exc}"
    if isinstance(runs, GateResult):
        return runs.summary
    original, variant = runs
    return SuiteSpeed({node: compare_timings(original[node], variant[node]) for node in sorted(original.keys() & variant.keys())},
                      rounds)


def _evidence(node: str, c: Comparison) -> Evidence:
    return Evidence(
        f"{node}: {c.verdict.value}, ×{c.speedup:.2f} (CI ×{c.low:.2f}–×{c.high:.2f}); median "
        f"{c.original_median * 1e3:.3f} ms → {c.variant_median * 1e3:.3f} ms",
        node.split("::")[0], rule=node,
        data=(("speedup", c.speedup), ("low", c.low), ("high", c.high), ("original_median", c.original_median),
              ("variant_median", c.variant_median)),
    )
