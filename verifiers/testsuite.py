"""Gate 5: the project's pytest suite, run in the sandbox on private copies.

The original and the variant run side by side (two cores, same wall time as one) and are
compared test by test: every test the original passes must run and pass on the variant. A
variant that makes tests vanish, hangs, crashes, or exhausts its limits fails.

Outcomes come from the suite harness (`_suite_plugin.py`) over the authenticated channel, never
from files the variant could write; a run whose channel was forged, or that changed what the
judge relies on (its fingerprint), is `error`: its reports vouch for nothing.
"""

from __future__ import annotations

import json
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Final

from verifiers.base import Evidence, GateContext, GateResult, Outcome
from verifiers.channel import ChannelBroken, Listener, Message
from verifiers.sandbox import SandboxLimits, SandboxResult, SandboxUnavailable, run_sandboxed
from verifiers.selection import Baseline, Selection, cached_baseline, select, store_baseline
from verifiers.tamper import Fingerprints, fingerprints, tampering
from verifiers.tree import copy_tree

__all__ = ["HARNESS", "SUITE_PLUGIN", "SuiteRun", "TestOutcome", "TestSuiteGate", "install_suite_plugin", "run_harnessed",
           "run_test_suite"]

HARNESS: Final = "_crucible_harness.py"  # verifiers/_harness.py, as copied into a sandboxed tree
SUITE_PLUGIN: Final = "_crucible_suite_plugin"  # verifiers/_suite_plugin.py, loaded with -p
_HARNESS_SOURCE: Final = Path(__file__).with_name("_harness.py")
_SUITE_PLUGIN_SOURCE: Final = Path(__file__).with_name("_suite_plugin.py")

RERUNS: Final = 3  # runs of the original for each test that failed on the variant
SIGNALS: Final = {9: "SIGKILL (CPU or memory limit?)", 24: "SIGXCPU (CPU time limit)", 25: "SIGXFSZ (file size limit)", 11: "SIGSEGV"}


@dataclass(frozen=True)
class TestOutcome:
    test_id: str
    passed: bool
    message: str = ""


@dataclass(frozen=True)
class SuiteRun:
    """One sandboxed pytest run as its harness reported it over the channel."""

    sandbox: SandboxResult
    outcomes: dict[str, TestOutcome] | None  # None when the run did not report to its end
    problem: str | None = None  # why the reports cannot be used (a broken channel: tampering)
    fingerprints: Fingerprints | None = None
    benchmarks: dict[str, list[float]] | None = None  # pytest-benchmark's samples, when it ran
    touched: dict[str, list[str]] | None = None  # traced runs: the source files each test reached
    collected: list[str] | None = None  # the node ids pytest collected

    def failure(self) -> str | None:
        """Why this run cannot be compared at all, or None."""
        tool = self.sandbox.tool
        if tool.timed_out:
            return f"timed out after {tool.seconds:.0f}s (wall limit): a hang or an endless loop"
        if self.sandbox.killed_by is not None:
            return f"killed by signal {self.sandbox.killed_by} {SIGNALS.get(self.sandbox.killed_by, '')}".rstrip()
        if tool.returncode == 5:
            return "pytest collected no tests"
        if self.outcomes is None:
            return f"pytest ended (exit {tool.returncode}) without a test report (no closing report on the channel)"
        if tool.returncode not in (0, 1):
            return f"pytest could not run the suite (exit {tool.returncode}: collection or internal error)"
        return None


class TestSuiteGate:
    __test__ = False  # not a pytest test class, whatever its name
    NAME: ClassVar[str] = "tests"
    DESCRIPTION: ClassVar[str] = "the project's pytest suite passes in the sandbox, test for test"

    def check(self, ctx: GateContext) -> GateResult:
        try:
            return self._check(ctx)
        except SandboxUnavailable as exc:
            return GateResult(
                self.NAME, Outcome.ERROR,
                f"no sandbox: {exc}; install bubblewrap, or pass --allow-weak-isolation to accept "
                "resource limits alone",
            )

    def _check(self, ctx: GateContext) -> GateResult:
        """The original's suite once per original tree (traced, cached); the variant's, whole on
        that first run, else only the tests that reach the change."""
        baseline = cached_baseline(ctx)
        if baseline is not None and ctx.trace_tests and not baseline.traced:
            baseline = None  # more verdicts on this original are coming: worth tracing it now
        if baseline is None:
            if ctx.trace_tests:
                with ThreadPoolExecutor(max_workers=2) as pool:
                    original_future = pool.submit(run_test_suite, ctx, ctx.variant.original_root, "original", None, True)
                    variant_future = pool.submit(run_test_suite, ctx, ctx.variant.root, "variant")
                    original, variant = original_future.result(), variant_future.result()
            else:
                quick, variant = _against_collection(self.NAME, ctx)
                if quick is not None:
                    return quick
                original = run_test_suite(ctx, ctx.variant.original_root, "original")
            broken = _original_problem(self.NAME, original)
            if broken is not None:
                return broken
            baseline = _baseline(original, traced=ctx.trace_tests)
            store_baseline(ctx, baseline)
            how = "traced now" if ctx.trace_tests else "run now, untraced: one verdict"
            selection = Selection(None, f"all {len(baseline.passed)} test(s) (the original's were {how})")
        else:
            selection = select(ctx, baseline)
            variant = run_test_suite(ctx, ctx.variant.root, "variant", selection.tests)
        result = _judge(self.NAME, baseline, variant, selection)
        broken_tests = [e.rule for e in result.evidence if e.rule not in (None, "isolation", "tampering", "selection")]
        if result.outcome is not Outcome.FAIL or not broken_tests:
            return result
        return _rerun_broken(self.NAME, ctx, result, [b for b in broken_tests if b])


def _against_collection(name: str, ctx: GateContext) -> tuple[GateResult | None, SuiteRun]:
    """One verdict, nothing cached: the variant's whole suite, and beside it only the collection of
    the original's (its test ids, and what collecting changed of the judge). When every test the
    original collects runs and passes on the variant, cleanly, every test the original passes does:
    the verdict needs no run of the original. Anything else (a failure, a test missing, a change of
    the judge the collection does not explain) is left to the full comparison, with this run of the
    variant."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        collection_future = pool.submit(run_test_suite, ctx, ctx.variant.original_root, "original-collection", None,
                                        False, True)
        variant_future = pool.submit(run_test_suite, ctx, ctx.variant.root, "variant")
        collection, variant = collection_future.result(), variant_future.result()
    if collection.problem or collection.failure() or not collection.collected or any(not o.passed for o in (collection.outcomes or {}).values()):
        return None, variant
    collected = Baseline({t: True for t in collection.collected}, {},
                         collection.fingerprints.changed() if collection.fingerprints is not None else {}, {},
                         collection.sandbox.isolation, traced=False)
    why = f"all {len(collected.passed)} test(s) the original collects; each passes on the variant, so the original's run was not needed"
    verdict = _judge(name, collected, variant, Selection(None, why))
    return (verdict if verdict.outcome is Outcome.PASS else None), variant


def _original_problem(name: str, original: SuiteRun) -> GateResult | None:
    isolation = Evidence(f"sandbox: {original.sandbox.isolation}", rule="isolation")
    broken = original.problem or original.failure()
    if broken is not None or original.outcomes is None:
        return GateResult(name, Outcome.ERROR, f"the original's test suite did not complete: {broken}",
                          (Evidence(broken or "no report", excerpt=original.sandbox.tool.excerpt()), isolation))
    if not any(o.passed for o in original.outcomes.values()):
        return GateResult(name, Outcome.ERROR, f"the original passes none of its {len(original.outcomes)} test(s) "
                          "(all skipped or failing): the suite vouches for nothing", (isolation,))
    return None


def _baseline(original: SuiteRun, *, traced: bool) -> Baseline:
    outcomes = original.outcomes or {}
    return Baseline({t: o.passed for t, o in outcomes.items()}, {t: o.message for t, o in outcomes.items() if not o.passed},
                    original.fingerprints.changed() if original.fingerprints is not None else {},
                    original.touched or {}, original.sandbox.isolation, traced)


def _rerun_broken(name: str, ctx: GateContext, first: GateResult, broken: list[str]) -> GateResult:
    """A test that failed on the variant runs again on both sides (RERUNS times each). One that also
    fails on the original in any run is flaky: left out of the verdict, with that evidence; the
    others' failures stand."""
    flaky: dict[str, int] = {}
    try:
        for round_ in range(RERUNS):
            again = run_test_suite(ctx, ctx.variant.original_root, f"original-rerun-{round_}", broken)
            for test_id in broken:
                outcome = (again.outcomes or {}).get(test_id)
                if outcome is None or not outcome.passed:
                    flaky[test_id] = flaky.get(test_id, 0) + 1
    except SandboxUnavailable:
        return first
    standing = [e for e in first.evidence if e.rule not in flaky]
    if not flaky:
        return first
    notes = tuple(Evidence(f"{t} is flaky: it failed on the original too in {n} of {RERUNS} rerun(s); left out of the verdict",
                           rule="flaky") for t, n in sorted(flaky.items()))
    still = [e for e in standing if e.rule not in ("isolation", "tampering", "selection", None)]
    if still:
        return GateResult(name, Outcome.FAIL, f"{len(still)} test(s) broken: {still[0].message}", (*standing, *notes))
    return GateResult(name, Outcome.PASS, f"every test the original passes reliably passes on the variant "
                      f"({len(flaky)} flaky test(s) left out)", (*standing, *notes))


def _judge(name: str, baseline: Baseline, variant: SuiteRun, selection: Selection) -> GateResult:
    """Every selected test the original passes must run and pass on the variant."""
    isolation = Evidence(f"sandbox: {variant.sandbox.isolation}", rule="isolation")
    chosen = Evidence(f"tests run on the variant: {selection.why}", rule="selection")
    if variant.problem is not None:
        return GateResult(name, Outcome.ERROR, f"variant: {variant.problem}",
                          (Evidence(variant.problem, rule="tampering"), isolation))
    problem = variant.failure()
    if problem is not None or variant.outcomes is None:  # a run that did not complete proves nothing either way
        return GateResult(name, Outcome.FAIL, f"variant: {problem}",
                          (Evidence(problem or "no report", excerpt=variant.sandbox.tool.excerpt()), isolation))
    forged = tampering(variant.fingerprints, None, baseline.changed)
    if forged:
        return _tampered(name, forged, isolation)
    wanted = set(selection.tests) if selection.tests is not None else set(baseline.passed)
    evidence = []
    for test_id in sorted(wanted & set(baseline.passed)):
        after = variant.outcomes.get(test_id)
        if baseline.passed[test_id] and after is None:
            evidence.append(Evidence(f"{test_id} did not run on the variant", rule=test_id))
        elif baseline.passed[test_id] and after is not None and not after.passed:
            evidence.append(Evidence(f"{test_id} fails on the variant", rule=test_id, excerpt=after.message))
    new_failures = [o for t, o in variant.outcomes.items() if t not in baseline.passed and not o.passed]
    evidence += [Evidence(f"{o.test_id} fails on the variant", rule=o.test_id, excerpt=o.message) for o in new_failures]
    if evidence:
        return GateResult(name, Outcome.FAIL, f"{len(evidence)} test(s) broken: {evidence[0].message}",
                          (*evidence, chosen, isolation))
    passed = sum(o.passed for o in variant.outcomes.values())
    return GateResult(name, Outcome.PASS, f"{passed} test(s) pass as on the original ({selection.why})", (chosen, isolation))


def _tampered(name: str, changed: list[str], isolation: Evidence) -> GateResult:
    """The variant's run changed what the judge relies on: its reports vouch for nothing."""
    evidence = tuple(Evidence(f"changed while the variant ran: {line}", rule="tampering") for line in changed[:20])
    return GateResult(name, Outcome.ERROR, f"the variant's run tampered with the judge: {changed[0]}", (*evidence, isolation))


def run_test_suite(ctx: GateContext, tree: Path, label: str, only: list[str] | None = None, trace: bool = False,
                   collect_only: bool = False) -> SuiteRun:
    """Run the suite (or the tests `only` names) on a fresh copy of `tree` (the copy is the only
    writable place); with `trace`, noting the source files each test reaches; with `collect_only`,
    only collecting it."""
    workdir = copy_tree(tree, ctx.scratch / f"tests-{label}")
    budgets = ctx.budgets
    limits = SandboxLimits(budgets.test_seconds, budgets.test_cpu_seconds, budgets.memory_bytes, budgets.file_bytes, budgets.processes)
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_benchmark.plugin",
            "--benchmark-disable", "--rootdir", str(workdir), *(["--collect-only"] if collect_only else []),
            *(only if only else [ctx.config.tests])]
    return run_harnessed(ctx, workdir, argv, limits, trace=trace)


def run_harnessed(ctx: GateContext, workdir: Path, argv: list[str], limits: SandboxLimits, *, trace: bool = False) -> SuiteRun:
    """pytest with the suite harness in `workdir`, its reports read from the channel."""
    install_suite_plugin(workdir)
    owned = [str(workdir / source) for source in ctx.config.source]
    listener = Listener()
    # After pytest-benchmark's plugin, whose hook (the timings) the harness implements.
    at = argv.index("pytest_benchmark.plugin") + 1
    env = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "CRUCIBLE_OWNED": json.dumps(owned),
           **({"CRUCIBLE_TRACE": json.dumps(owned)} if trace else {})}
    sandboxed = run_sandboxed(
        [*argv[:at], "-p", SUITE_PLUGIN, *argv[at:]], workdir=workdir, limits=limits, isolation=ctx.isolation,
        env=env, channel=listener,
    )
    try:
        messages = listener.messages()
    except ChannelBroken as exc:
        return SuiteRun(sandboxed, None, f"its report channel was tampered with: {exc}")
    collected = next((m.data for m in messages if m.kind == "collected" and isinstance(m.data, list)), None)
    return SuiteRun(sandboxed, _outcomes(messages), None, fingerprints(messages), _benchmarks(messages),
                    _touched(messages, workdir) if trace else None, [str(t) for t in collected] if collected is not None else None)


def _touched(messages: list[Message], workdir: Path) -> dict[str, list[str]]:
    """Per test, the project-relative source files its calls reached."""
    prefix = f"{workdir}/"
    found: dict[str, list[str]] = {}
    for message in messages:
        if message.kind == "touched" and isinstance(message.data, dict):
            files = [str(f)[len(prefix):] for f in message.data.get("files", []) if str(f).startswith(prefix)]
            found[str(message.data["nodeid"])] = sorted(files)
    return found


def install_suite_plugin(workdir: Path) -> None:
    for source, name in ((_HARNESS_SOURCE, HARNESS), (_SUITE_PLUGIN_SOURCE, f"{SUITE_PLUGIN}.py")):
        shutil.copyfile(source, workdir / name)


def _outcomes(messages: list[Message]) -> dict[str, TestOutcome] | None:
    """Per test: passed when no phase failed and its call passed; None without a closing report."""
    if not messages or messages[-1].kind != "end":
        return None
    outcomes: dict[str, TestOutcome] = {}
    for message in messages:
        data = message.data
        if message.kind != "test" or not isinstance(data, dict):
            continue
        test_id, when, outcome = str(data["nodeid"]), str(data["when"]), str(data["outcome"])
        earlier = outcomes.get(test_id, TestOutcome(test_id, True))
        passed = earlier.passed and outcome != "failed" and (when != "call" or outcome == "passed") and outcome != "skipped"
        text = str(data.get("message", "")) if outcome != "passed" else ""
        outcomes[test_id] = TestOutcome(test_id, passed, earlier.message or text)
    for message in messages:
        if message.kind == "collect-error" and isinstance(message.data, dict):
            node = str(message.data["nodeid"])
            outcomes[node] = TestOutcome(node, False, str(message.data.get("message", "")))
    return outcomes


def _benchmarks(messages: list[Message]) -> dict[str, list[float]] | None:
    found = [m.data for m in messages if m.kind == "benchmarks" and isinstance(m.data, dict)]
    if not found:
        return None
    return {str(node): [float(t) for t in samples] for node, samples in found[-1].items()}
