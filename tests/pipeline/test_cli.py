"""CLI exit codes for bad input and integrity problems: one `crucible: ` line on stderr, never a
traceback, and the user's tree left byte-for-byte as it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, diff_for
from tests.support import Run, crucible, snapshot
from verifiers.kernel import LOCK_FILE


def assert_one_error_line(run: Run) -> str:
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("crucible: "), run.stderr
    assert "Traceback" not in run.stderr + run.stdout and "internal error" not in run.stderr
    return lines[0]


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Reports and crash logs go under tmp_path, never the user's home."""
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    monkeypatch.setenv("CRUCIBLE_WORKDIR", str(tmp_path))
    return state


def write_patch(tmp_path: Path, content: str | bytes, name: str = "change.diff") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def core_edit(root: Path) -> str:
    """A well-formed patch of a source file (it would go through every gate)."""
    core = (root / "agent/core.py").read_text(encoding="utf-8")
    return diff_for(root, {"agent/core.py": core.replace("seen: list[str] = []", "seen: list[str] = list()")})


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- gate: bad input (2) -----------------------------------------------------------------------

# (id, patch text or bytes given the project, what the one line must mention)
BAD_PATCHES: list[tuple[str, Callable[[Path], str | bytes], str]] = [
    ("empty", lambda r: "", "patch is empty"),
    ("whitespace", lambda r: "\n  \n", "patch is empty"),
    ("python-file", lambda r: (r / "agent/core.py").read_text(encoding="utf-8"), "not a unified diff"),
    ("json", lambda r: json.dumps({"diff": "agent/core.py"}), "not a unified diff"),
    ("not-utf8", lambda r: core_edit(r).encode().replace(b"list()", b"list(\xe9)"), "not UTF-8"),
    ("nul", lambda r: core_edit(r) + "\x00", "NUL"),
    ("truncated", lambda r: core_edit(r).rsplit("\n", 4)[0] + "\n", "hunk ends early"),
    ("escapes-project", lambda r: "--- /dev/null\n+++ b/../evil.py\n@@ -0,0 +1 @@\n+x\n", "outside the project"),
    ("absolute-path", lambda r: "--- /etc/passwd\n+++ /etc/passwd\n@@ -1 +1 @@\n-root\n+evil\n", "outside the project"),
    ("git-dir", lambda r: "--- /dev/null\n+++ b/.git/hooks/post-checkout\n@@ -0,0 +1 @@\n+x\n", "outside the project"),
    ("does-not-apply", lambda r: core_edit(r).replace(" def dedupe", " def dedup"), "does not apply"),
    ("missing-file", lambda r: core_edit(r).replace("agent/core.py", "agent/other.py"), "does not have"),
    ("through-symlink", lambda r: "--- /dev/null\n+++ b/agent/out/x.py\n@@ -0,0 +1 @@\n+x\n", "symlink"),
    ("binary", lambda r: "diff --git a/x.bin b/x.bin\nindex 1..2 100644\nBinary files a/x.bin and b/x.bin differ\n", "binary"),
    ("symlink-mode", lambda r: "diff --git a/l b/l\nnew file mode 120000\n--- /dev/null\n+++ b/l\n@@ -0,0 +1 @@\n+/etc\n", "symlink"),
]


@pytest.mark.parametrize(("make", "fragment"), [(m, f) for _, m, f in BAD_PATCHES], ids=[i for i, _, _ in BAD_PATCHES])
def test_gate_bad_patch_is_2(tiny: Path, tmp_path: Path, make: Callable[[Path], str | bytes], fragment: str) -> None:
    (tiny / "agent/out").symlink_to(tmp_path, target_is_directory=True)
    patch = write_patch(tmp_path, make(tiny))
    before = snapshot(tiny)
    run = crucible("gate", "--project", str(tiny), "--patch", str(patch), "--report-dir", str(tmp_path / "r"))
    assert run.code == 2, run
    assert fragment in assert_one_error_line(run)
    assert run.stdout == ""
    assert snapshot(tiny) == before


def test_gate_missing_patch_file_is_2(tiny: Path, tmp_path: Path) -> None:
    before = snapshot(tiny)
    run = crucible("gate", "--project", str(tiny), "--patch", str(tmp_path / "nope.diff"))
    assert run.code == 2
    assert "nope.diff: patch file does not exist" in assert_one_error_line(run)
    assert snapshot(tiny) == before


# (id, change to the project, what the one line must mention)
BAD_PROJECTS: list[tuple[str, Callable[[Path], object], str]] = [
    ("unknown-config-key", lambda r: edit(r, "pyproject.toml", 'source = ["agent"]', 'source = ["agent"]\nsauce = 1'), "pyproject.toml: unknown key 'sauce'"),
    ("missing-source", lambda r: edit(r, "pyproject.toml", 'source = ["agent"]\n', ""), "pyproject.toml: missing required key 'source'"),
    ("source-not-a-list", lambda r: edit(r, "pyproject.toml", 'source = ["agent"]', 'source = "agent"'), "pyproject.toml: key 'source'"),
    ("path-missing", lambda r: edit(r, "pyproject.toml", 'tests = "tests"', 'tests = "qa"'), "'qa' does not exist"),
    ("path-escapes", lambda r: edit(r, "pyproject.toml", 'tests = "tests"', 'tests = "../tests"'), "key 'tests'"),
    ("invalid-toml", lambda r: edit(r, "pyproject.toml", 'source = ["agent"]', 'source = ["agent"'), "pyproject.toml: not valid TOML"),
    ("both-config-files", lambda r: (r / "crucible.toml").write_text('source = ["agent"]\n', encoding="utf-8"), "keep one of them"),
    ("kernel-unknown-key", lambda r: edit(r, "specs/kernel.toml", "forbidden_imports", "forbidden_import"), "specs/kernel.toml: unknown key"),
    ("kernel-protects-nothing-real", lambda r: edit(r, "specs/kernel.toml", '"agent/safety.py"', '"agent/guard.py"'), "'agent/guard.py'"),
    ("kernel-bad-symbol", lambda r: edit(r, "specs/kernel.toml", "agent.limits:MAX_STEPS", "agent.limits:MAX-STEPS"), "not 'module:qualname'"),
    ("kernel-symbol-module-missing", lambda r: edit(r, "specs/kernel.toml", "agent.limits:MAX_STEPS", "agent.gone:MAX_STEPS"), "module 'agent.gone'"),
]


@pytest.mark.parametrize(("change", "fragment"), [(c, f) for _, c, f in BAD_PROJECTS], ids=[i for i, _, _ in BAD_PROJECTS])
def test_gate_bad_config_is_2(tiny: Path, tmp_path: Path, change: Callable[[Path], object], fragment: str) -> None:
    change(tiny)
    patch = write_patch(tmp_path, core_edit(tiny))
    before = snapshot(tiny)
    run = crucible("gate", "--project", str(tiny), "--patch", str(patch), "--report-dir", str(tmp_path / "r"))
    assert run.code == 2, run
    assert fragment in assert_one_error_line(run)
    assert snapshot(tiny) == before


def test_gate_missing_project_is_2(tmp_path: Path) -> None:
    patch = write_patch(tmp_path, "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")
    run = crucible("gate", "--project", str(tmp_path / "nowhere"), "--patch", str(patch))
    assert run.code == 2
    assert "project directory does not exist" in assert_one_error_line(run)


@pytest.mark.parametrize(
    "argv",
    [[], ["gate"], ["gate", "--project", "."], ["gate", "--patch", "x.diff"], ["frobnicate"], ["kernel"], ["kernel", "unlock", "--project", "."], ["gate", "--project", ".", "--patch", "x", "--bogus"]],
    ids=["nothing", "gate-bare", "no-patch", "no-project", "unknown-command", "kernel-bare", "unknown-kernel-command", "unknown-option"],
)
def test_usage_errors_are_2(argv: list[str]) -> None:
    run = crucible(*argv)
    assert run.code == 2
    assert "see --help" in assert_one_error_line(run)


# --- gate: integrity (3) -----------------------------------------------------------------------

# (id, change to the project, what the one line must name)
OFF_THE_LOCK: list[tuple[str, Callable[[Path], object], str]] = [
    ("no-lock", lambda r: (r / LOCK_FILE).unlink(), "crucible.lock: missing"),
    ("test-file", lambda r: edit(r, "tests/test_core.py", '== ["search"]', '== ["search", "answer"]'), "changed file:tests/test_core.py"),
    ("test-file-added", lambda r: (r / "tests/test_skip.py").write_text("", encoding="utf-8"), "new file:tests/test_skip.py"),
    ("kernel-file", lambda r: edit(r, "agent/safety.py", '"answer")', '"answer", "rm")'), "changed file:agent/safety.py"),
    ("protected-symbol", lambda r: edit(r, "agent/limits.py", "MAX_STEPS = 10", "MAX_STEPS = 10**6"), "changed symbol:agent.limits:MAX_STEPS"),
    ("kernel-spec", lambda r: edit(r, "specs/kernel.toml", '"ctypes"', '"ctypes", "os"'), "changed file:specs/kernel.toml"),
    ("spec-file", lambda r: edit(r, "specs/agent/core.py", "post: len", "post: True or len"), "changed file:specs/agent/core.py"),
    ("config", lambda r: edit(r, "pyproject.toml", "strict = true", "strict = false"), "changed file:pyproject.toml"),
    ("lock-hand-edited", lambda r: edit(r, LOCK_FILE, '"digest": "sha256:', '"digest": "sha256:0'), "edited by hand"),
    ("lock-garbage", lambda r: (r / LOCK_FILE).write_text("locked!\n", encoding="utf-8"), "unreadable"),
]


@pytest.mark.parametrize(("change", "named"), [(c, n) for _, c, n in OFF_THE_LOCK], ids=[i for i, _, _ in OFF_THE_LOCK])
def test_gate_off_the_lock_is_3(tiny: Path, tmp_path: Path, change: Callable[[Path], object], named: str) -> None:
    change(tiny)
    patch = write_patch(tmp_path, core_edit(tiny))
    before = snapshot(tiny)
    run = crucible("gate", "--project", str(tiny), "--patch", str(patch), "--report-dir", str(tmp_path / "r"))
    assert run.code == 3, run
    line = assert_one_error_line(run)
    assert line.startswith(f"crucible: {LOCK_FILE}: ") and named in line, line
    assert snapshot(tiny) == before


def test_lock_is_checked_before_the_patch_is_read(tiny: Path, tmp_path: Path) -> None:
    (tiny / LOCK_FILE).unlink()
    run = crucible("gate", "--project", str(tiny), "--patch", str(tmp_path / "nope.diff"))
    assert run.code == 3
    assert "crucible.lock: missing" in assert_one_error_line(run)


# --- gate: a real verdict, cheaply ------------------------------------------------------------

def test_gate_rejects_a_patch_to_a_test_and_leaves_the_tree(tiny: Path, tmp_path: Path) -> None:
    test = (tiny / "tests/test_core.py").read_text(encoding="utf-8")
    patch = write_patch(tmp_path, diff_for(tiny, {"tests/test_core.py": test.replace('used=9) == ["search"]', "used=9)")}))
    report = tmp_path / "report"
    before = snapshot(tiny)
    run = crucible("gate", "--project", str(tiny), "--patch", str(patch), "--report-dir", str(report))
    assert run.code == 1, run
    assert run.stderr == ""
    assert "scope" in run.stdout and "tests/test_core.py" in run.stdout
    assert snapshot(tiny) == before
    records = (report / "verdicts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(records) == 1 and json.loads(records[0])["admitted"] is False


# --- kernel lock / verify ----------------------------------------------------------------------

def test_kernel_lock_then_verify(tiny: Path) -> None:
    (tiny / LOCK_FILE).unlink()
    locked = crucible("kernel", "lock", "--project", str(tiny))
    assert (locked.code, locked.stderr) == (0, "")
    assert locked.stdout.startswith("locked 6 protected item(s): sha256:")
    verified = crucible("kernel", "verify", "--project", str(tiny))
    assert (verified.code, verified.stderr) == (0, "")
    assert verified.stdout.startswith("ok: tree matches crucible.lock")
    assert locked.stdout.rsplit(" ", 1)[1].strip() in verified.stdout


def test_kernel_verify_after_a_test_edit_is_1(tiny: Path) -> None:
    edit(tiny, "tests/test_core.py", '== ["search"]', '== ["search", "answer"]')
    run = crucible("kernel", "verify", "--project", str(tiny))
    assert run.code == 1
    assert "changed file:tests/test_core.py" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


def test_kernel_verify_without_a_lock_is_1(tiny: Path) -> None:
    (tiny / LOCK_FILE).unlink()
    run = crucible("kernel", "verify", "--project", str(tiny))
    assert run.code == 1 and "crucible.lock: missing" in run.stdout


def test_kernel_lock_after_an_edit_accepts_it(tiny: Path) -> None:
    edit(tiny, "tests/test_core.py", '== ["search"]', '== ["search"]  # pinned')
    assert crucible("kernel", "lock", "--project", str(tiny)).code == 0
    assert crucible("kernel", "verify", "--project", str(tiny)).code == 0


@pytest.mark.parametrize("command", ["lock", "verify"])
@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda r: edit(r, "pyproject.toml", 'source = ["agent"]', "source = []"), "key 'source'"),
        (lambda r: edit(r, "specs/kernel.toml", "protected", "protect"), "unknown key 'protect'"),
    ],
    ids=["bad-config", "bad-kernel-spec"],
)
def test_kernel_commands_bad_input_is_2(tiny: Path, command: str, change: Callable[[Path], object], fragment: str) -> None:
    change(tiny)
    before = snapshot(tiny)
    run = crucible("kernel", command, "--project", str(tiny))
    assert run.code == 2
    assert fragment in assert_one_error_line(run)
    assert snapshot(tiny) == before


def test_kernel_lock_refuses_an_undefined_symbol(tiny: Path) -> None:
    edit(tiny, "specs/kernel.toml", "agent.limits:MAX_STEPS", "agent.limits:MIN_STEPS")
    before = snapshot(tiny)
    run = crucible("kernel", "lock", "--project", str(tiny))
    assert run.code == 2
    assert "agent.limits:MIN_STEPS is not defined" in assert_one_error_line(run)
    assert snapshot(tiny) == before


# --- the real process ---------------------------------------------------------------------------

def test_python_dash_m_bad_patch_is_one_line(tiny: Path, tmp_path: Path) -> None:
    patch = write_patch(tmp_path, "def f():\n    return 1\n")
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state"), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "gate", "--project", str(tiny), "--patch", str(patch)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert assert_one_error_line(Run(done.returncode, done.stdout, done.stderr)).startswith("crucible: ")
