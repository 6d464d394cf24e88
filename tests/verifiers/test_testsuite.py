"""Gate 5 on real pytest in the real sandbox: only a variant that passes every test the original
passes gets through; hangs, crashes, vanished reports, skips and fork bombs all fail."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

import verifiers.sandbox as sandbox
from tests.conftest import VariantFactory
from verifiers.base import Budgets, Isolation, Outcome
from verifiers.testsuite import TestSuiteGate

CORE = "agent/core.py"
ORIGINAL = (Path(__file__).parent.parent / "fixtures" / "tiny" / CORE).read_text()
DEDUPE_BODY = """    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen
"""
BUDGETS = Budgets(test_seconds=5, test_cpu_seconds=5, memory_bytes=1024**3, processes=32)
STRICT_ONLY = pytest.mark.skipif(sandbox.sandbox_problem() is not None, reason="needs bubblewrap")


def dedupe_body(body: str) -> str:
    assert DEDUPE_BODY in ORIGINAL
    return ORIGINAL.replace(DEDUPE_BODY, body)


def at_import(statement: str) -> str:
    return ORIGINAL.replace("from agent import safety\n", f"from agent import safety\n{statement}\n")


# (label, new agent/core.py, expected outcome, words the summary must contain)
CASES = [
    ("benign refactor", dedupe_body("    return list(dict.fromkeys(items))\n"), Outcome.PASS, "3 test(s) pass"),
    ("breaks a test", dedupe_body("    return sorted(set(items))\n"), Outcome.FAIL, "test_dedupe_keeps_first_occurrence_order fails"),
    ("import raises", at_import("raise RuntimeError('variant is broken at import')"), Outcome.FAIL, "collection"),
    ("hangs in a called function", dedupe_body("    while True:\n        pass\n"), Outcome.FAIL, "timed out"),
    ("sleeps forever in a called function", dedupe_body("    import time\n    time.sleep(10**6)\n    return items\n"), Outcome.FAIL, "timed out"),
    ("os._exit(0) at import", at_import("import os\nos._exit(0)"), Outcome.FAIL, "without a test report"),
    ("os._exit(0) inside a test", dedupe_body("    import os\n    os._exit(0)\n"), Outcome.FAIL, "without a test report"),
    ("skips the module at import", at_import("import pytest\npytest.skip('not today', allow_module_level=True)"), Outcome.FAIL, "collected no tests"),
    ("skips a called test", dedupe_body("    import pytest\n    pytest.skip('not today')\n    return items\n"), Outcome.FAIL, "test_dedupe_keeps_first_occurrence_order"),
    ("xfails a called test", dedupe_body("    import pytest\n    pytest.xfail('expected')\n    return items\n"), Outcome.FAIL, "test_dedupe_keeps_first_occurrence_order"),
    ("exhausts memory", dedupe_body("    hoard = [bytearray(1 << 26) for _ in range(1 << 10)]\n    return items * len(hoard)\n"), Outcome.FAIL, "test_dedupe_keeps_first_occurrence_order"),
    ("dies of SIGKILL", dedupe_body("    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)\n    return items\n"), Outcome.FAIL, "killed by signal 9"),
]


@STRICT_ONLY
@pytest.mark.parametrize(("label", "source", "expected", "words"), CASES, ids=[c[0] for c in CASES])
def test_test_suite_gate(make_context: VariantFactory, tiny: Path, label: str, source: str, expected: Outcome, words: str) -> None:
    result = TestSuiteGate().check(make_context(tiny, {CORE: source}, budgets=BUDGETS))
    assert result.outcome is expected, result
    assert words in result.summary, result
    assert any(e.rule == "isolation" and "bubblewrap" in e.message for e in result.evidence)


BOMB = dedupe_body("""    import os
    while True:
        try:
            os.fork()
        except OSError:
            pass
""")


@STRICT_ONLY
def test_fork_bomb_in_a_called_function_fails_and_returns(make_context: VariantFactory, tiny: Path) -> None:
    """The bomb's processes are forks of the variant's pytest, so their argv names the scratch
    directory: none may be alive once the gate has returned."""
    ctx = make_context(tiny, {CORE: BOMB}, budgets=Budgets(test_seconds=4, processes=16))
    started = time.monotonic()
    result = TestSuiteGate().check(ctx)
    assert time.monotonic() - started < 30
    assert result.outcome is Outcome.FAIL, result
    assert "timed out" in result.summary
    assert _processes_naming(ctx.scratch) == []


def _processes_naming(path: Path) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and str(path).encode() in (entry / "cmdline").read_bytes():
                found.append(entry.name)
        except OSError:
            pass  # gone while we looked
    return found


@STRICT_ONLY
def test_a_broken_test_is_named_in_the_evidence(make_context: VariantFactory, tiny: Path) -> None:
    result = TestSuiteGate().check(make_context(tiny, {CORE: dedupe_body("    return sorted(set(items))\n")}, budgets=BUDGETS))
    broken = {e.rule: e for e in result.evidence if e.rule not in ("isolation", "selection")}
    assert len(broken) == 3 and "3 test(s) broken" in result.summary
    assert "assert ['a', 'b', 'c'] == ['b', 'a', 'c']" in broken["tests/test_core.py::test_dedupe_keeps_first_occurrence_order"].excerpt


BROKEN = "    return sorted(set(items))\n"  # fails test_dedupe_keeps_first_occurrence_order
FIND_CHANNEL = """import os
_fds = [int(n) for n in os.listdir("/proc/self/fd") if int(n) > 2]"""
# Each variant breaks a visible test AND tries to forge the verdict from inside pytest's process.
FORGERIES = [
    ("writes a passing JUnit report and exits", at_import(
        "import os, pathlib\npathlib.Path('.crucible-junit.xml').write_text('<testsuites><testsuite/></testsuites>')\n"
        "os._exit(0)"), Outcome.FAIL, "without a test report"),
    ("writes bytes on every inherited descriptor", at_import(
        f"{FIND_CHANNEL}\nfor _fd in _fds:\n    try:\n        os.write(_fd, bytes(36) + b'{{}}')\n    except OSError:\n"
        "        pass"), Outcome.ERROR, "report channel was tampered with"),
    ("marks every report passed through pytest's report class", at_import(
        "import _pytest.reports\n_pytest.reports.BaseReport.passed = property(lambda self: True)\n"
        "_pytest.reports.BaseReport.failed = property(lambda self: False)"), Outcome.ERROR, "class _pytest.reports.BaseReport"),
    ("rebinds the JSON encoder the harness might use", at_import(
        "import json\njson.dumps = lambda *a, **k: '{}'"), Outcome.ERROR, "module json: ~dumps"),
    ("replaces the harness's channel", at_import(  # its hooks then fail: the run never reports its end
        "import sys\nsys.modules['_crucible_suite_plugin']._CHANNEL = None"), Outcome.FAIL, "without a test report"),
    ("silences the harness's test hook", at_import(
        "import sys\nsys.modules['_crucible_suite_plugin'].pytest_runtest_logreport.__code__ = (lambda report: None).__code__"),
     Outcome.ERROR, "_crucible_suite_plugin"),
]


@STRICT_ONLY
@pytest.mark.parametrize(("label", "forgery", "expected", "words"), FORGERIES, ids=[f[0] for f in FORGERIES])
def test_a_variant_cannot_forge_its_test_outcomes(
    make_context: VariantFactory, tiny: Path, label: str, forgery: str, expected: Outcome, words: str,
) -> None:
    source = forgery.replace(DEDUPE_BODY, BROKEN)
    assert source != forgery
    result = TestSuiteGate().check(make_context(tiny, {CORE: source}, budgets=BUDGETS))
    assert result.outcome is expected, result
    assert words in result.summary + " ".join(e.message for e in result.evidence), result


@STRICT_ONLY
def test_an_original_suite_that_passes_nothing_vouches_for_nothing(make_context: VariantFactory, tiny: Path) -> None:
    test_file = tiny / "tests" / "test_core.py"
    test_file.write_text("import pytest\npytestmark = pytest.mark.skip('everything skipped')\n" + test_file.read_text())
    result = TestSuiteGate().check(make_context(tiny, {CORE: dedupe_body(BROKEN)}, budgets=BUDGETS))
    assert result.outcome is Outcome.ERROR, result
    assert "passes none of its 3 test(s)" in result.summary


# Strict versus weak isolation, with bubblewrap pretended away.

@pytest.fixture
def no_bubblewrap(monkeypatch: pytest.MonkeyPatch) -> str:
    reason = "bubblewrap (bwrap) is not installed (pretended by the test)"
    monkeypatch.setattr(sandbox, "sandbox_problem", lambda: reason)
    return reason


def test_strict_isolation_without_bubblewrap_is_an_error(make_context: VariantFactory, tiny: Path, no_bubblewrap: str) -> None:
    result = TestSuiteGate().check(make_context(tiny, {CORE: ORIGINAL + "\nX = 1\n"}, isolation=Isolation.STRICT, budgets=BUDGETS))
    assert result.outcome is Outcome.ERROR, result
    assert no_bubblewrap in result.summary
    assert "--allow-weak-isolation" in result.summary


@pytest.mark.parametrize(("source", "expected"), [
    (ORIGINAL + "\nX = 1\n", Outcome.PASS),
    (dedupe_body("    return sorted(set(items))\n"), Outcome.FAIL),
])
def test_weak_isolation_runs_and_says_so(make_context: VariantFactory, tiny: Path, no_bubblewrap: str, source: str, expected: Outcome) -> None:
    result = TestSuiteGate().check(make_context(tiny, {CORE: source}, isolation=Isolation.WEAK, budgets=BUDGETS))
    assert result.outcome is expected, result
    (isolation,) = [e for e in result.evidence if e.rule == "isolation"]
    assert "WEAK" in isolation.message and no_bubblewrap in isolation.message


FLAKY = '''import pathlib
import threading


def test_intermittent() -> None:
    """Fails on the variant's run and on the original's second rerun: flaky, whatever the change."""
    here = pathlib.Path.cwd().name
    assert here not in ("tests-variant", "tests-original-rerun-1")


def test_many_threads() -> None:
    results: list[int] = []
    threads = [threading.Thread(target=results.append, args=(n,)) for n in range(150)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 150
'''


@STRICT_ONLY
def test_a_flaky_test_is_left_out_with_evidence_and_threads_are_not_limited(make_context: VariantFactory, tiny: Path) -> None:
    (tiny / "tests" / "test_flaky.py").write_text(FLAKY)
    result = TestSuiteGate().check(make_context(tiny, {CORE: ORIGINAL + "\nX = 1\n"}, budgets=Budgets(test_seconds=30)))
    assert result.outcome is Outcome.PASS, result
    (note,) = [e for e in result.evidence if e.rule == "flaky"]
    assert "tests/test_flaky.py::test_intermittent is flaky: it failed on the original too in 1 of 3" in note.message


@STRICT_ONLY
def test_a_test_only_the_variant_fails_still_fails_after_the_reruns(make_context: VariantFactory, tiny: Path) -> None:
    (tiny / "tests" / "test_flaky.py").write_text(FLAKY)
    result = TestSuiteGate().check(make_context(tiny, {CORE: dedupe_body(BROKEN)}, budgets=Budgets(test_seconds=30)))
    assert result.outcome is Outcome.FAIL, result
    assert "test_dedupe_keeps_first_occurrence_order fails on the variant" in result.summary + str(result.evidence)


@STRICT_ONLY
def test_after_the_first_run_only_the_tests_that_reach_the_change_run(
    make_context: VariantFactory, tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The original's suite is traced once (per original tree); then a change to agent/limits.py
    runs the two tests whose calls reach it, and still fails when it breaks one of them."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    limits = "agent/limits.py"
    source = (tiny / limits).read_text()
    first = TestSuiteGate().check(make_context(tiny, {CORE: ORIGINAL + "\nX = 1\n"}, budgets=BUDGETS))
    assert first.outcome is Outcome.PASS and "the original's were traced now" in first.summary, first
    benign = TestSuiteGate().check(make_context(tiny, {limits: source.replace("max(0, MAX_STEPS - used)", "max(MAX_STEPS - used, 0)")},
                                                budgets=BUDGETS))
    assert benign.outcome is Outcome.PASS, benign
    assert "2 of 3 test(s): those whose calls reach agent/limits.py" in benign.summary
    broken = TestSuiteGate().check(make_context(tiny, {limits: source.replace("max(0, MAX_STEPS - used)", "max(0, MAX_STEPS - used - 1)")},
                                                budgets=BUDGETS))
    assert broken.outcome is Outcome.FAIL and "test_run_respects_step_limit" in broken.summary, broken
    stateful = TestSuiteGate().check(make_context(tiny, {limits: source + "\nLOG: list[str] = []\n"}, budgets=BUDGETS))
    assert "all 3 test(s): the import-time state of agent.limits changed" in stateful.summary, stateful


@STRICT_ONLY
def test_one_verdict_runs_the_original_untraced_and_a_run_traces_it_later(
    make_context: VariantFactory, tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`crucible gate` (one patch) does not pay for tracing, nor for the original's run when the
    variant passes every test the original collects; a broken test still needs the original's run
    (it may fail there too) and is found. A run's verdicts trace the original once, then select."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    limits = "agent/limits.py"
    source = (tiny / limits).read_text()
    benign = {limits: source.replace("max(0, MAX_STEPS - used)", "max(MAX_STEPS - used, 0)")}
    broken = {limits: source.replace("max(0, MAX_STEPS - used)", "max(0, MAX_STEPS - used - 1)")}
    once = TestSuiteGate().check(dataclasses.replace(make_context(tiny, benign, budgets=BUDGETS), trace_tests=False))
    assert once.outcome is Outcome.PASS and "so the original's run was not needed" in once.summary, once
    fails = TestSuiteGate().check(dataclasses.replace(make_context(tiny, broken, budgets=BUDGETS), trace_tests=False))
    assert fails.outcome is Outcome.FAIL and "test_run_respects_step_limit" in fails.summary, fails
    again = TestSuiteGate().check(dataclasses.replace(make_context(tiny, broken, budgets=BUDGETS), trace_tests=False))
    assert "the original's run was not traced" in str(again.evidence), again  # its untraced run is cached
    traced = TestSuiteGate().check(make_context(tiny, benign, budgets=BUDGETS))
    assert "the original's were traced now" in traced.summary, traced
    selected = TestSuiteGate().check(make_context(tiny, benign, budgets=BUDGETS))
    assert "2 of 3 test(s): those whose calls reach agent/limits.py" in selected.summary, selected
