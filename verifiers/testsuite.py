"""Gate 5: the project's pytest suite, run in the sandbox on private copies.

The original and the variant run side by side (two cores, same wall time as one) and are
compared test by test: every test the original passes must run and pass on the variant. A
variant that makes tests vanish, hangs, crashes, or exhausts its limits fails.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Final

from verifiers.base import Evidence, GateContext, GateResult, Outcome
from verifiers.sandbox import SandboxLimits, SandboxResult, SandboxUnavailable, run_sandboxed
from verifiers.tree import copy_tree

__all__ = ["TestOutcome", "TestSuiteGate", "run_test_suite"]

REPORT: Final = ".crucible-junit.xml"
SIGNALS: Final = {9: "SIGKILL (CPU or memory limit?)", 24: "SIGXCPU (CPU time limit)", 25: "SIGXFSZ (file size limit)", 11: "SIGSEGV"}


@dataclass(frozen=True)
class TestOutcome:
    test_id: str
    passed: bool
    message: str = ""


@dataclass(frozen=True)
class SuiteRun:
    sandbox: SandboxResult
    outcomes: dict[str, TestOutcome] | None  # None when pytest left no readable report

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
            return f"pytest ended (exit {tool.returncode}) without a test report"
        if tool.returncode not in (0, 1):
            return f"pytest could not run the suite (exit {tool.returncode}: collection or internal error)"
        return None


class TestSuiteGate:
    __test__ = False  # not a pytest test class, whatever its name
    NAME: ClassVar[str] = "tests"
    DESCRIPTION: ClassVar[str] = "the project's pytest suite passes in the sandbox, test for test"

    def check(self, ctx: GateContext) -> GateResult:
        try:
            with ThreadPoolExecutor(max_workers=2) as pool:
                original_future = pool.submit(run_test_suite, ctx, ctx.variant.original_root, "original")
                variant_future = pool.submit(run_test_suite, ctx, ctx.variant.root, "variant")
                original, variant = original_future.result(), variant_future.result()
        except SandboxUnavailable as exc:
            return GateResult(
                self.NAME, Outcome.ERROR,
                f"no sandbox: {exc}; install bubblewrap, or pass --allow-weak-isolation to accept "
                "resource limits alone",
            )
        return _judge(self.NAME, original, variant)


def _judge(name: str, original: SuiteRun, variant: SuiteRun) -> GateResult:
    isolation = Evidence(f"sandbox: {variant.sandbox.isolation}", rule="isolation")
    broken = original.failure()
    if broken is not None or original.outcomes is None:
        return GateResult(name, Outcome.ERROR, f"the original's test suite did not complete: {broken}",
                          (Evidence(broken or "no report", excerpt=original.sandbox.tool.excerpt()), isolation))
    problem = variant.failure()
    if problem is not None or variant.outcomes is None:
        return GateResult(name, Outcome.FAIL, f"variant: {problem}",
                          (Evidence(problem or "no report", excerpt=variant.sandbox.tool.excerpt()), isolation))
    evidence = []
    for test_id, before in sorted(original.outcomes.items()):
        after = variant.outcomes.get(test_id)
        if before.passed and after is None:
            evidence.append(Evidence(f"{test_id} did not run on the variant", rule=test_id))
        elif before.passed and after is not None and not after.passed:
            evidence.append(Evidence(f"{test_id} fails on the variant", rule=test_id, excerpt=after.message))
    new_failures = [o for t, o in variant.outcomes.items() if t not in original.outcomes and not o.passed]
    evidence += [Evidence(f"{o.test_id} fails on the variant", rule=o.test_id, excerpt=o.message) for o in new_failures]
    if evidence:
        return GateResult(name, Outcome.FAIL, f"{len(evidence)} test(s) broken: {evidence[0].message}", (*evidence, isolation))
    passed = sum(o.passed for o in variant.outcomes.values())
    return GateResult(name, Outcome.PASS, f"{passed} test(s) pass as on the original", (isolation,))


def run_test_suite(ctx: GateContext, tree: Path, label: str) -> SuiteRun:
    """Run the suite on a fresh copy of `tree` (the copy is the only writable place)."""
    workdir = copy_tree(tree, ctx.scratch / f"tests-{label}")
    budgets = ctx.budgets
    limits = SandboxLimits(budgets.test_seconds, budgets.test_cpu_seconds, budgets.memory_bytes, budgets.file_bytes, budgets.processes)
    argv = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_benchmark.plugin",
        "--benchmark-disable", f"--junitxml={workdir / REPORT}", "-o", "junit_family=xunit1",
        "--rootdir", str(workdir), ctx.config.tests,
    ]
    sandboxed = run_sandboxed(
        argv, workdir=workdir, limits=limits, isolation=ctx.isolation,
        env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    return SuiteRun(sandboxed, _read_report(workdir / REPORT))


def _read_report(path: Path) -> dict[str, TestOutcome] | None:
    if path.is_symlink() or not path.is_file():  # a link planted by the variant points at the host
        return None
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError:
        return None
    outcomes: dict[str, TestOutcome] = {}
    for case in root.iter("testcase"):
        test_id = f"{case.get('classname', '')}::{case.get('name', '')}"
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        skipped = case.find("skipped") is not None
        message = "" if problem is None else f"{problem.get('message', '')}\n{(problem.text or '')[-1500:]}".strip()
        outcomes[test_id] = TestOutcome(test_id, problem is None and not skipped, message)
    return outcomes
