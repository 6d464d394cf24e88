"""Release bundles and the runtime's own diff applier (before/after tables), and that the runtime's
copy of the admission rule matches the verifiers' one."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pipeline.config import CONFIG_FILES
from pipeline.runtime import kernelfacts
from pipeline.runtime.bundle import REQUIRED_GATES, WAIVABLE_GATES, ReleaseInvalid, decode_release
from pipeline.runtime.diffcheck import DiffProblem, apply_file_diff, parse_file_diffs
from tests.runtime.agents import Lab, release_for
from verifiers import kernel
from verifiers import rule
from verifiers.registry import GATE_NAMES


def test_the_runtime_checks_releases_by_the_verifiers_own_rule() -> None:
    assert REQUIRED_GATES is rule.REQUIRED_GATES and REQUIRED_GATES == GATE_NAMES
    assert WAIVABLE_GATES is rule.WAIVABLE_WHEN_NOT_CONFIGURED


def test_the_runtime_protects_what_the_kernel_lock_protects() -> None:
    """The runtime keeps its own (import-light) copy of the always-protected files."""
    assert kernelfacts.LOCK_FILE == kernel.LOCK_FILE
    assert sorted(kernelfacts.ALWAYS_PROTECTED) == sorted((kernel.LOCK_FILE, *CONFIG_FILES, *kernel.TOOL_CONFIG_FILES))


PAIRS = [
    ("a\nb\nc\n", "a\nB\nc\n"),
    ("a\nb\nc\n", "a\nb\nc\nd\n"),
    ("a\nb\nc\n", "b\nc\n"),
    ("a\nb", "a\nb\n"),  # gains the final newline
    ("a\nb\n", "a\nc"),  # loses it
    ("a\nb", "a\nc"),  # neither has one
    ("".join(f"{n}\n" for n in range(40)), "".join(f"{n}\n" for n in range(40) if n not in (3, 30)) + "x\n"),
]


@pytest.mark.parametrize(("before", "after"), PAIRS)
def test_the_applier_reproduces_git_diffs(tmp_path: Path, before: str, after: str) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "m.py").write_text(before)
    (tmp_path / "b" / "m.py").write_text(after)
    diff = subprocess.run(["git", "diff", "--no-index", "a/m.py", "b/m.py"], cwd=tmp_path,
                          capture_output=True, text=True, check=False).stdout
    (file_diff,) = parse_file_diffs(diff).values()
    assert apply_file_diff(before, file_diff) == after


def test_the_applier_refuses_what_does_not_match() -> None:
    diff = "--- a/m.py\n+++ b/m.py\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n"
    with pytest.raises(DiffProblem, match="does not match"):
        apply_file_diff("a\nx\n", parse_file_diffs(diff)["m.py"])
    with pytest.raises(DiffProblem, match="shorter"):
        parse_file_diffs("--- a/m.py\n+++ b/m.py\n@@ -1,3 +1,3 @@\n a\n-b\n+c\n")
    with pytest.raises(DiffProblem, match="unsupported path"):
        parse_file_diffs('--- "a/m n.py"\n+++ b/m.py\n@@ -1 +1 @@\n-a\n+b\n')


def test_a_bundle_carries_the_verdict_and_its_evidence(lab: Lab) -> None:
    agent = lab.agent({"a": "X = 1\n"})
    release = decode_release(release_for(agent, {"a": "X = 2\n"}, speedup=1.5))
    assert release.release_id == "r-" + release.content_hash[7:19]
    assert release.admission_problem() is None and release.speedup == 1.5
    assert dict(release.files) == {agent.path("a"): "X = 2\n"}
    assert agent.path("a") in dict(release.base) and agent.path("kern") in dict(release.base)
    assert json.loads(release.verdict_json)["id"] == release.candidate


@pytest.mark.parametrize(("data", "message"), [
    (b"[]", "not a release bundle"),
    (b'{"format": 1, "content_hash": "x"}', "content hash"),
    (b"\xff", "not JSON"),
])
def test_unreadable_bundles(data: bytes, message: str) -> None:
    with pytest.raises(ReleaseInvalid, match=message):
        decode_release(data)
