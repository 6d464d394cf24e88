"""The CI recipe (.github/workflows/crucible.yml): it runs real `crucible` commands with real
options, and what it runs on a pull request — `git diff` of the branch, `crucible gate` — leaves
the three files its later steps publish."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tests.pipeline.report.conftest import REPO
from tests.pipeline.report.sarif_schema import schema_errors
from verifiers.tree import copy_tree

WORKFLOW = REPO / ".github" / "workflows" / "crucible.yml"


def _workflow() -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
    return loaded


def _steps(job: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = _workflow()["jobs"][job]["steps"]
    return steps


def _uses(job: str, action: str) -> dict[str, Any]:
    step = next(s for s in _steps(job) if str(s.get("uses", "")).startswith(action + "@"))
    return step


def _crucible_commands() -> list[list[str]]:
    """Every `crucible …` command line in the workflow's scripts, split as the shell would
    (GitHub `${{ … }}` expressions replaced by a word)."""
    commands = []
    for job in _workflow()["jobs"].values():
        for step in job["steps"]:
            for line in str(step.get("run", "")).splitlines():
                words = shlex.split(re.sub(r"\$\{\{.*?\}\}", "EXPR", line), comments=True)
                if words and words[0] == "crucible":
                    commands.append(words)
    return commands


def _help(subcommand: str) -> str:
    done = subprocess.run([sys.executable, "-m", "pipeline", subcommand, "--help"], capture_output=True, text=True,
                          timeout=60, check=False, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_workflow_gates_pull_requests_and_runs_on_a_schedule() -> None:
    workflow = _workflow()
    assert {"pull_request", "schedule"} <= set(workflow["on"])
    gate = workflow["jobs"]["gate"]
    assert gate["permissions"]["security-events"] == "write"
    assert _uses("gate", "github/codeql-action/upload-sarif")["with"]["sarif_file"] == "crucible-report/crucible.sarif"
    assert _uses("gate", "mikepenz/action-junit-report")["with"]["report_paths"] == "crucible-report/junit.xml"
    assert _uses("gate", "actions/upload-artifact")["with"]["path"] == "crucible-report/"
    assert _uses("improve", "actions/upload-artifact")["with"]["path"] == "crucible-run/"
    scripts = "\n".join(str(s.get("run", "")) for s in _steps("gate"))
    assert "git diff --relative origin/${{ github.base_ref }}...HEAD > change.diff" in scripts
    # Gated from the base, whose kernel lock is trusted, not from the pull request's tree.
    assert scripts.index("> change.diff") < scripts.index("git checkout -q --detach") < scripts.index("crucible gate")
    assert _uses("gate", "actions/checkout")["with"]["fetch-depth"] == 0


def test_a_scheduled_job_shows_what_the_newest_tool_releases_would_change() -> None:
    drift = _workflow()["jobs"]["toolchain-drift"]
    assert "schedule" in drift["if"]
    scripts = "\n".join(str(s.get("run", "")) for s in _steps("toolchain-drift"))
    assert ".ci/setup" in scripts and "crucible drift" in scripts and "pipefail" in scripts
    assert "crucible-drift/" in _uses("toolchain-drift", "actions/upload-artifact")["with"]["path"]


def test_every_crucible_command_and_option_is_real() -> None:
    commands = _crucible_commands()
    assert [c[1] for c in commands] == ["gate", "run", "drift"]
    for words in commands:
        options = set(re.findall(r"--[\w-]+", _help(words[1])))
        used = {w.split("=", 1)[0] for w in words[2:] if w.startswith("--")}
        assert used and used <= options, (words[1], used - options)
    gate = commands[0]
    assert gate[gate.index("--patch") + 1] == "change.diff" and gate[gate.index("--project") + 1] == "."


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


NOTE = '''

def save_note(text: str) -> None:
    """Keeps a note: </pre><script>window.pwned=1</script>"""
    with open("</pre><script>window.pwned=1</script>.txt", "w", encoding="utf-8") as handle:
        handle.write(text)
'''


def test_a_pull_request_diff_gated_as_the_workflow_does(tmp_path: Path) -> None:
    """A branch of a corpus agent, diffed and gated with the workflow's commands (the change
    writes a file: the policy gate rejects it, with a Semgrep finding at its line)."""
    project = copy_tree(REPO / "corpus" / "tool-planner", tmp_path / "agent")
    _git(project, "init", "-q", "-b", "main")
    _git(project, "-c", "user.name=ci", "-c", "user.email=ci@example.invalid", "add", "-A")
    _git(project, "-c", "user.name=ci", "-c", "user.email=ci@example.invalid", "commit", "-q", "-m", "agent")
    _git(project, "checkout", "-q", "-b", "agent-change")
    tools = project / "planner" / "tools.py"
    tools.write_text(tools.read_text(encoding="utf-8") + NOTE, encoding="utf-8")
    _git(project, "-c", "user.name=ci", "-c", "user.email=ci@example.invalid", "commit", "-q", "-am", "note")
    (project / "change.diff").write_text(_git(project, "diff", "--relative", "main...HEAD"), encoding="utf-8")
    _git(project, "checkout", "-q", "--detach", _git(project, "merge-base", "main", "HEAD").strip())
    report = tmp_path / "crucible-report"
    done = subprocess.run([sys.executable, "-m", "pipeline", "gate", "--project", ".", "--patch", "change.diff",
                           "--report-dir", str(report)], cwd=project, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert {"index.html", "crucible.sarif", "junit.xml", "verdicts.jsonl"} <= {p.name for p in report.iterdir()}

    log = json.loads((report / "crucible.sarif").read_text(encoding="utf-8"))
    assert schema_errors(log) == []
    line = len(tools.read_text(encoding="utf-8").splitlines()) + NOTE.splitlines().index(
        '    with open("</pre><script>window.pwned=1</script>.txt", "w", encoding="utf-8") as handle:') + 1
    located = [(r["ruleId"], r["locations"][0]["physicalLocation"]) for r in log["runs"][0]["results"]]
    assert located[0] == ("policy", {"artifactLocation": {"uri": "planner/tools.py", "uriBaseId": "%SRCROOT%"},
                                     "region": {"startLine": line}})
    suites = ET.parse(report / "junit.xml").getroot().findall("testsuite")
    assert len(suites) == 1 and suites[0].get("failures") == "1"
    page = (report / "index.html").read_text(encoding="utf-8")
    assert page.count("<script>") == 1 and "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
