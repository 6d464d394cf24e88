"""A tool that fails is a finding about the tool: the worker says whose failure a crash is, the
evidence carries the tool's own command and whether it reproduces, and reports keep such
rejections apart from the variant's own failures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.report.jsonl import append_record
from pipeline.report.summary import blamed_tool, summarise
from tests.conftest import FIXTURES, VariantFactory
from tests.pipeline.report.conftest import record
from tests.support import crucible
from verifiers import _formal_worker as worker
from verifiers import _inputs as inputs
from verifiers.base import Budgets, GateResult, Outcome
from verifiers.equivalence import EquivalenceGate
from verifiers.formal import FunctionVerdict, blamed_tool as worker_blame, reproduce, tool_failure

CORE = "calc/core.py"
SOURCE = (FIXTURES / "formal" / CORE).read_text()


def _crosshair_internal() -> None:
    from crosshair.util import CrossHairInternal

    raise CrossHairInternal("Possibly transient value found in memo")  # type: ignore[no-untyped-call]


def _z3_error() -> None:
    import z3

    raise z3.Z3Exception("solver failed")


def _worker_bug() -> None:
    inputs.draw(object, inputs.Domain(1, [], []), 0)  # no strategy for `object`: raised in the worker's own code


def _project_code(tmp_path: Path) -> Callable[[], None]:
    source = tmp_path / "agent_module.py"
    source.write_text("def f():\n    raise ValueError('the variant itself')\n")
    namespace: dict[str, object] = {}
    exec(compile(source.read_text(), str(source), "exec"), namespace)
    function = namespace["f"]
    assert callable(function)
    return function


@pytest.mark.parametrize(("label", "make", "expected"), [
    ("CrossHair's own exception type", lambda tmp: _crosshair_internal, "crosshair-tool"),
    ("Z3's exception type", lambda tmp: _z3_error, "z3-solver"),
    ("raised in the worker's own code", lambda tmp: _worker_bug, "crucible"),
    ("raised in the code under judgement", _project_code, None),
])
def test_the_worker_says_whose_failure_a_crash_is(
    tmp_path: Path, label: str, make: Callable[[Path], Callable[[], None]], expected: str | None,
) -> None:
    with pytest.raises(BaseException) as caught:
        make(tmp_path)()
    assert worker.culprit(caught.value) == expected


def test_a_blamed_tool_is_named_with_its_installed_version() -> None:
    from importlib import metadata

    assert worker_blame({"culprit": "crosshair-tool"}) == f"crosshair-tool {metadata.version('crosshair-tool')}"
    assert worker_blame({"culprit": None}) is None
    assert worker_blame({}) is None


def test_a_gate_blames_a_tool_only_when_every_deciding_verdict_is_that_tools_failure() -> None:
    crashed = FunctionVerdict("m", "f", Outcome.ERROR, "worker crashed", tool_failure="crosshair-tool 0.0.114")
    own = FunctionVerdict("m", "g", Outcome.ERROR, "worker crashed: ImportError")
    failed = FunctionVerdict("m", "h", Outcome.FAIL, "different behaviour")
    assert tool_failure([crashed], Outcome.ERROR) == "crosshair-tool 0.0.114"
    assert tool_failure([crashed, own], Outcome.ERROR) is None
    assert tool_failure([crashed, failed], Outcome.FAIL) is None  # the variant's own failure decides


def test_a_variant_that_crashes_on_import_is_its_own_failure_not_the_tools(make_context: VariantFactory) -> None:
    broken = SOURCE.replace("LIMIT = 100", "LIMIT = 100\nif True:\n    raise RuntimeError('import-time failure')")
    ctx = make_context(FIXTURES / "formal", {CORE: broken}, budgets=Budgets(search_seconds=1.0, function_seconds=10.0))
    result = EquivalenceGate().check(ctx)
    assert result.outcome is Outcome.ERROR, result
    assert result.tool_failure is None
    assert "import-time failure" in result.summary


@pytest.mark.parametrize(("command", "reproduced"), [
    (["-c", "raise RuntimeError('the same crash')"], True),
    (["-c", "print('fine')"], False),
])
def test_reproduce_runs_the_tools_own_command_and_says_if_it_shows_the_failure(
    make_context: VariantFactory, command: list[str], reproduced: bool,
) -> None:
    ctx = make_context(FIXTURES / "formal", {CORE: SOURCE + "\n"})
    text = reproduce(ctx, ctx.variant.root, command, {"exception": "RuntimeError"}, "in the test tree")
    assert text.startswith("reproduced outside Crucible") is reproduced, text
    assert "python -c" in text


def test_reports_keep_tool_failures_apart_from_the_variants_own(tmp_path: Path) -> None:
    parse = GateResult("parse", Outcome.PASS, "ok")
    crashed = record("c-crash", False, (parse, GateResult("equivalence", Outcome.ERROR, "crosshair-tool 0.0.114 failed",
                                                             tool_failure="crosshair-tool 0.0.114")))
    wrong = record("c-wrong", False, (parse, GateResult("equivalence", Outcome.FAIL, "different behaviour")))
    assert blamed_tool(crashed) == "crosshair-tool 0.0.114" and blamed_tool(wrong) is None
    summary = summarise([crashed, wrong])
    assert summary.rejected_by == (("equivalence", 1),)
    assert summary.tool_failures == ((("crosshair-tool 0.0.114", "equivalence"), 1),)
    for item in (crashed, wrong):
        append_record(tmp_path, item)
    out = " ".join(crucible("report", str(tmp_path)).stdout.replace("│", " ").split())
    assert "a tool failed crosshair-tool 0.0.114 at equivalence: 1" in out
