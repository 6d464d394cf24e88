"""`crucible report`, `crucible show`, and the progress displays, on captured consoles."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from pipeline.cli_output import GateProgress, RunProgress
from pipeline.report.files import write_report_files
from pipeline.report.jsonl import append_record
from tests.pipeline.report.conftest import CONTRACTS_REJECTED, lineage, record, recorded
from tests.support import crucible
from verifiers.base import GateResult, Outcome
from verifiers.toolchain import describe, toolchain


def _cli(*argv: str) -> tuple[int, str, str]:
    run = crucible(*argv)
    return run.code, run.stdout, run.stderr


def test_report_lists_every_candidate_with_whole_ids(report_dir: Path) -> None:
    write_report_files(report_dir)
    code, out, _ = _cli("report", str(report_dir))
    assert code == 0
    for item in recorded():
        assert item.id in out
    for expected in ("6: 2 admitted, 4 rejected", "×476.91", "contracts", "benchmarks", "index.html", "sha256:65180a33"):
        assert expected in out


def test_show_prints_diff_counterexample_and_its_test(report_dir: Path) -> None:
    code, out, _ = _cli("show", str(report_dir), CONTRACTS_REJECTED[:8])
    assert code == 0
    for expected in ("+        if total >= limit:", "input", "first_over_budget([-1, -17869, 17870, 17870, 17870], 0)",
                     "returns 2", "def test_first_over_budget_contract() -> None:", "planner/planner.py"):
        assert expected in out


def test_report_and_show_name_the_versions_and_say_when_they_differ_from_here(tmp_path: Path) -> None:
    here = record("c-here", True)
    there = record("c-there", False, toolchain=(("python", "3.11.7"), ("crosshair-tool", "0.0.114")))
    for item in (here, there):
        append_record(tmp_path, item)
    code, out, _ = _cli("report", str(tmp_path))
    flat = " ".join(out.replace("│", " ").split())  # the facts panel wraps long values
    assert code == 0
    assert f"decided by {describe(toolchain())}" in flat
    assert "replayed here under other versions than the verdicts': crosshair-tool 0.0.114 (now" in flat
    code, out, _ = _cli("show", str(tmp_path), "c-here")
    assert code == 0 and "decided by python" in out and "replayed under other versions" not in out
    code, out, _ = _cli("show", str(tmp_path), "c-there")
    out = " ".join(out.split())
    assert code == 0 and "replayed under other versions than the verdict's: crosshair-tool 0.0.114 (now" in out


def test_record_text_is_printed_as_written(tmp_path: Path) -> None:
    text = "mypy: list[str] is not dict[str, int] [/bold] [red]"
    append_record(tmp_path, record("c-markup", False, (GateResult("types", Outcome.FAIL, text),), summary=text, proposer="[b]x"))
    for argv in (("report", str(tmp_path)), ("show", str(tmp_path), "c-markup")):
        code, out, err = _cli(*argv)
        assert code == 0, err
        assert "[b]x" in out
    assert text in _cli("show", str(tmp_path), "c-markup")[1].replace("\n", " ")


def test_show_needs_one_candidate(tmp_path: Path) -> None:
    for item in [*lineage(), record("c-root", False, summary="again")]:
        append_record(tmp_path, item)
    code, _, err = _cli("show", str(tmp_path), "c-")
    assert code == 2 and "more than one" in err
    code, _, err = _cli("show", str(tmp_path), "c-nope")
    assert code == 2 and "no candidate" in err
    code, out, _ = _cli("show", str(tmp_path), "c-root")  # gated twice: the latest verdict
    assert code == 0 and "again" in out
    assert _cli("report", str(tmp_path / "missing"))[0] == 2


def _console(terminal: bool) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=terminal, width=120, color_system=None), buffer


def test_run_progress_prints_a_line_per_finished_candidate() -> None:
    for terminal in (True, False):
        console, buffer = _console(terminal)
        with RunProgress(console) as progress:
            progress.start(len(lineage()))
            for item in lineage():
                progress.candidate(item.id, label="rules:[dict]")
                for gate in item.gates:
                    progress.observe(gate.gate, None)
                    progress.observe(gate.gate, gate, candidate=item.id)
                progress.finished(item)
        out = buffer.getvalue()
        assert "✓ admitted c-root (rules:[dict]) speed-up ×1.50" in out
        assert "✗ rejected c-grandchild (rules:[dict]) scope: fail: no" in out
        assert out.count("rules:[dict]") >= 4


def test_gate_progress_prints_each_gate() -> None:
    for terminal in (True, False):
        console, buffer = _console(terminal)
        with GateProgress(console) as progress:
            progress.observe("parse", None)
            progress.observe("parse", GateResult("parse", Outcome.PASS, "1 file parses [ok]", seconds=0.2))
        assert "parse" in buffer.getvalue() and "1 file parses [ok]" in buffer.getvalue()
