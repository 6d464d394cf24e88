"""`crucible release` and `crucible rollback`: exit codes, one-line refusals, and the round trip
to a runtime through its watched directory (the CLI's bundle is the one the runtime takes)."""

from __future__ import annotations

import importlib
import io
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.report.jsonl import append_record
from pipeline.runtime import candidate_history, decode_release, read_changelog, watch
from tests.runtime.agents import Agent, Lab, record_for

A = "def f() -> int:\n    return 1\n"


def crucible(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def _report(agent: Agent, tmp_path: Path, body: str = "return 2 - 1", **changes: object) -> tuple[Path, str]:
    record = record_for(agent, {"a": A.replace("return 1", body)}, **changes)
    report = tmp_path / "report"
    append_record(report, record)
    return report, record.id


@pytest.mark.parametrize("argv", [
    ("release",),
    ("release", "--report", "R", "--candidate", "c-1"),  # neither --to nor --agent
    ("release", "--report", "R", "--candidate", "c-1", "--to", "D", "--agent", "http://127.0.0.1:1"),
    ("release", "--report", "/nonexistent", "--candidate", "c-1", "--to", "D"),
    ("rollback", "--releases", "D", "--to", "two"),
    ("rollback", "--releases", "D", "--wait", "1"),  # --wait needs --changelog
    ("rollback", "--agent", "http://example.com:80"),  # the admin endpoint is loopback only
    ("release", "--bogus"),
])
def test_bad_input_is_one_line_and_exit_2(argv: tuple[str, ...], tmp_path: Path) -> None:
    code, out, err = crucible(*[str(tmp_path / a) if a in ("R", "D") else a for a in argv])
    assert code == 2, (out, err)
    assert err.startswith("crucible: ") and err.count("\n") == 1 and "Traceback" not in err


def test_help_exits_0() -> None:
    code, out, _ = crucible("release", "--help")
    assert code == 0 and "--candidate" in out and "--agent" in out


def test_an_unknown_candidate_and_a_rejected_one(lab: Lab, tmp_path: Path) -> None:
    agent = lab.agent({"a": A})
    report, _ = _report(agent, tmp_path, admitted=False, summary="tests: fail: 1 test failed")
    code, _, err = crucible("release", "--report", str(report), "--candidate", "c-nope", "--to", str(tmp_path / "d"))
    assert code == 2 and "no candidate" in err
    code, out, _ = crucible("release", "--report", str(report), "--candidate", "c-", "--to", str(tmp_path / "d"))
    assert code == 1 and out.startswith("refused: c-") and "tests: fail" in out
    assert not (tmp_path / "d").exists()


def test_a_tree_that_moved_off_the_verdict_kernel_is_exit_3(lab: Lab, tmp_path: Path) -> None:
    agent = lab.agent({"a": A})
    report, candidate = _report(agent, tmp_path, kernel_digest="sha256:" + "1" * 64)
    code, _, err = crucible("release", "--report", str(report), "--candidate", candidate, "--to", str(tmp_path / "d"))
    assert code == 3 and "is not the verdict's" in err


def test_release_and_rollback_round_trip_through_the_watched_directory(lab: Lab, tmp_path: Path) -> None:
    agent = lab.agent({"a": A})
    runtime = lab.start(agent, ("a",))
    releases = tmp_path / "releases"
    watch(runtime, releases, poll_seconds=0.02)
    f = importlib.import_module(agent.module("a")).f
    report, candidate = _report(agent, tmp_path, body="return 7")
    code, out, _ = crucible("release", "--report", str(report), "--candidate", candidate[:6], "--to", str(releases),
                            "--who", "carol", "--wait", "10")
    assert code == 0, out
    assert "published: " in out and "agent: switch: switched from version 0 (version 1)" in out
    assert f() == 7
    bundle = decode_release((releases / "processed" / out.split("published: ")[1].split()[0].split("/")[-1]).read_bytes())
    assert (bundle.candidate, bundle.publisher, bundle.report) == (candidate, "carol", str(report.resolve()))

    log = runtime.changelog.path
    code, out, _ = crucible("rollback", "--releases", str(releases), "--to", "0", "--reason", "bad numbers",
                            "--who", "dave", "--wait", "10", "--changelog", str(log))
    assert code == 0 and "agent: rollback: bad numbers (version 0)" in out and f() == 1
    code, out, _ = crucible("rollback", "--releases", str(releases), "--to", "5", "--who", "erin", "--wait", "10",
                            "--changelog", str(log))
    assert code == 1 and "rollback-refused" in out
    switch = [e for e in read_changelog(log) if e["event"] == "switch"][0]
    assert (switch["who"], switch["candidate"], switch["report"]) == ("carol", candidate, str(report.resolve()))
    history = candidate_history(agent.root, candidate)  # what a report links to from the candidate's verdict
    assert [e["event"] for e in history] == ["release-received", "switch", "rollback"]


def test_an_unreachable_agent_is_exit_3(lab: Lab, tmp_path: Path) -> None:
    agent = lab.agent({"a": A})
    report, candidate = _report(agent, tmp_path)
    code, _, err = crucible("release", "--report", str(report), "--candidate", candidate, "--agent", "http://127.0.0.1:9")
    assert code == 3 and "not reachable" in err
