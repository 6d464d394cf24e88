"""Patch intake: what `git diff` really writes parses and applies; everything unsafe or malformed
is refused with one BadInput line, and a refused patch writes nothing."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

import pipeline.patch as patch_module
from pipeline.errors import BadInput
from pipeline.patch import apply_patch, parse_patch, read_patch
from tests.conftest import diff_for
from tests.support import snapshot
from verifiers.base import ChangeKind

Files = Mapping[str, bytes]
"""Project-relative path -> content."""
After = Mapping[str, bytes | None]
"""Project-relative path -> new content; None deletes the file."""
Change = tuple[str, str, str | None]
"""(kind, path, renamed_from) of one FileChange."""


# --- helpers ---------------------------------------------------------------------------------

def _git(repo: Path, *args: str) -> str:
    """Run git with no user or system configuration, so the diff is what stock git writes."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(repo.parent), "LC_ALL": "C",
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "init.defaultBranch=main", *args],
        cwd=repo, env=env, capture_output=True, check=True, timeout=30,
    )
    return done.stdout.decode("utf-8")


def _write(root: Path, files: Files) -> None:
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _read(root: Path) -> dict[str, bytes]:
    """Every regular file under `root` (no .git), by relative POSIX path."""
    found: dict[str, bytes] = {}
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = [d for d in subdirs if d != ".git"]
        for name in names:
            path = Path(directory) / name
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


@dataclass(frozen=True)
class GitCase:
    """A before tree, an after tree, and how to ask git for the diff between them."""

    id: str
    before: Files
    after: After
    executable: tuple[str, ...] = ()  # files made executable in the after tree
    diff_args: tuple[str, ...] = ("-M",)
    config: tuple[str, ...] = ()  # extra `-c key=value` for git
    changes: tuple[Change, ...] = ()
    tweak: Callable[[Path], None] | None = None  # a last step, after `git add -A`


def git_diff(tmp_path: Path, case: GitCase) -> str:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _write(repo, case.before)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "before")
    for relative, content in case.after.items():
        if content is None:
            (repo / relative).unlink()
        else:
            _write(repo, {relative: content})
    for relative in case.executable:
        (repo / relative).chmod(0o755)
    _git(repo, "add", "-A")
    if case.tweak is not None:
        case.tweak(repo)
    config = [arg for pair in case.config for arg in ("-c", pair)]
    return _git(repo, *config, "diff", "--cached", *case.diff_args)


def project(tmp_path: Path, files: Files) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    _write(root, files)
    return root


def refusal(action: Callable[[], object]) -> str:
    """The message of the BadInput `action` raises; it must be one line."""
    with pytest.raises(BadInput) as caught:
        action()
    message = str(caught.value)
    assert message and "\n" not in message, message
    return message


def section(path: str, hunk: str, *, header: str = "") -> str:
    """A git-style section modifying `path` with one literal hunk."""
    return f"diff --git a/{path} b/{path}\n{header}--- a/{path}\n+++ b/{path}\n{hunk}"


# --- real git diffs that must parse and apply ----------------------------------------------

LONG = b"".join(b"line %d\n" % n for n in range(1, 41))
SOURCE = b"def f(x):\n    a = x + 1\n    b = a * 2\n    c = b - 3\n    return c\n"

APPLIES = [
    GitCase("modify", {"m.py": b"a\nb\nc\n"}, {"m.py": b"a\nB\nc\n"}, changes=(("modified", "m.py", None),)),
    GitCase("new-file", {"keep.py": b"k\n"}, {"pkg/sub/new.py": b"x = 1\ny = 2\n"}, changes=(("added", "pkg/sub/new.py", None),)),
    GitCase("new-empty-file", {"keep.py": b"k\n"}, {"empty.py": b""}, changes=(("added", "empty.py", None),)),
    GitCase("delete", {"keep.py": b"k\n", "gone.py": b"one\ntwo\n"}, {"gone.py": None}, changes=(("deleted", "gone.py", None),)),
    GitCase("delete-empty-file", {"keep.py": b"k\n", "gone.py": b""}, {"gone.py": None}, changes=(("deleted", "gone.py", None),)),
    GitCase("pure-rename", {"old.py": SOURCE}, {"old.py": None, "pkg/new.py": SOURCE}, changes=(("added", "pkg/new.py", "old.py"),)),
    GitCase(
        "rename-with-edit", {"old.py": SOURCE}, {"old.py": None, "new.py": SOURCE.replace(b"* 2", b"* 3")},
        changes=(("added", "new.py", "old.py"),),
    ),
    GitCase("no-newline-both-sides", {"n.py": b"x\ny"}, {"n.py": b"x\nz"}, changes=(("modified", "n.py", None),)),
    GitCase("add-final-newline", {"n.py": b"x\ny"}, {"n.py": b"x\ny\n"}, changes=(("modified", "n.py", None),)),
    GitCase("remove-final-newline", {"n.py": b"x\ny\n"}, {"n.py": b"x\ny"}, changes=(("modified", "n.py", None),)),
    GitCase("edit-above-missing-newline", {"n.py": LONG + b"tail"}, {"n.py": LONG.replace(b"line 2\n", b"LINE 2\n") + b"tail"}),
    GitCase("empty-file-gets-a-line", {"e.py": b""}, {"e.py": b"x\n"}),
    GitCase("empty-file-gets-text-without-newline", {"e.py": b""}, {"e.py": b"x"}),
    GitCase("file-becomes-empty", {"e.py": b"x\n"}, {"e.py": b""}),
    GitCase("unterminated-file-becomes-empty", {"e.py": b"x"}, {"e.py": b""}),
    GitCase("delete-unterminated-file", {"k.py": b"k\n", "e.py": b"x\ny"}, {"e.py": None}),
    GitCase("context-line-without-newline", {"n.py": b"x\ny"}, {"n.py": b"X\ny"}),
    GitCase("form-feed-and-line-separator", {"o.py": b"a\x0cb\n\xe2\x80\xa8c\rd\n"}, {"o.py": b"a\x0cb\n\xe2\x80\xa8C\rd\n"}),
    GitCase("byte-order-mark", {"b.py": b"\xef\xbb\xbfx = 1\n"}, {"b.py": b"\xef\xbb\xbfx = 2\n"}),
    GitCase("new-file-without-newline", {"keep.py": b"k\n"}, {"n.py": b"a\nb"}, changes=(("added", "n.py", None),)),
    GitCase("space-in-path", {"my dir/a b.py": b"a\n"}, {"my dir/a b.py": b"a\nb\n"}, changes=(("modified", "my dir/a b.py", None),)),
    GitCase("space-in-path-new", {"keep.py": b"k\n"}, {"my dir/new file.py": b"n\n"}, changes=(("added", "my dir/new file.py", None),)),
    GitCase("space-in-path-new-empty", {"keep.py": b"k\n"}, {"e f.py": b""}, changes=(("added", "e f.py", None),)),
    GitCase(
        "space-in-path-mode-only", {"run me.sh": b"echo\n"}, {}, executable=("run me.sh",),
        changes=(("modified", "run me.sh", None),),
    ),
    GitCase(
        "space-in-path-rename", {"a b.py": SOURCE}, {"a b.py": None, "c d.py": SOURCE},
        changes=(("added", "c d.py", "a b.py"),),
    ),
    GitCase("unicode-path", {"ünï/çødé.py": b"u\n"}, {"ünï/çødé.py": b"U\n"}, changes=(("modified", "ünï/çødé.py", None),)),
    GitCase("unicode-path-new", {"keep.py": b"k\n"}, {"日本/語.py": b"x\n"}, changes=(("added", "日本/語.py", None),)),
    GitCase(
        "unicode-path-quotepath-off", {"ü\"q.py": b"u\n"}, {"ü\"q.py": b"U\n"}, config=("core.quotepath=false",),
        changes=(("modified", "ü\"q.py", None),),
    ),
    GitCase("quote-in-path", {'say "hi".py': b"q\n"}, {'say "hi".py': b"Q\n"}, changes=(("modified", 'say "hi".py', None),)),
    GitCase("crlf-file", {"w.py": b"one\r\ntwo\r\nthree\r\n"}, {"w.py": b"one\r\nTWO\r\nthree\r\n"}),
    GitCase("crlf-file-no-final-newline", {"w.py": b"one\r\ntwo"}, {"w.py": b"one\r\ntwo\r\nthree"}),
    GitCase("mode-change-only", {"run.sh": b"echo\n"}, {}, executable=("run.sh",), changes=(("modified", "run.sh", None),)),
    GitCase("mode-change-with-edit", {"run.sh": b"echo\n"}, {"run.sh": b"echo hi\n"}, executable=("run.sh",)),
    GitCase("new-executable", {"keep.py": b"k\n"}, {"run.sh": b"echo\n"}, executable=("run.sh",)),
    GitCase("two-hunks", {"l.txt": LONG}, {"l.txt": LONG.replace(b"line 3\n", b"THREE\n").replace(b"line 37\n", b"")}),
    GitCase("zero-context", {"l.txt": LONG}, {"l.txt": LONG.replace(b"line 5\n", b"line 5\nnew\n").replace(b"line 30\n", b"")}, diff_args=("-U0",)),
    GitCase("whole-file-rewrite", {"l.txt": LONG}, {"l.txt": b"just this\n"}),
    GitCase("blank-lines", {"b.py": b"a\n\n\nb\n"}, {"b.py": b"a\n\nb\n\n"}),
    GitCase(
        "several-files", {"a.py": b"a\n", "b.py": SOURCE, "c.py": b"c\n"},
        {"a.py": b"A\n", "b.py": None, "b2.py": SOURCE, "c.py": None, "d/e.py": b"e\n"},
        changes=(("added", "b2.py", "b.py"), ("added", "d/e.py", None), ("deleted", "c.py", None), ("modified", "a.py", None)),
    ),
    GitCase("format-patch-trailer", {"m.py": b"a\nb\n"}, {"m.py": b"a\nB\n"}),
]


@pytest.mark.parametrize("case", APPLIES, ids=[case.id for case in APPLIES])
def test_real_git_diff_applies_to_a_copy(tmp_path: Path, case: GitCase) -> None:
    text = git_diff(tmp_path, case)
    if case.id == "format-patch-trailer":
        head = "From 0000 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\n---\n m.py | 2 +-\n 1 file changed\n\n"
        text = head + text + "-- \n2.39.5\n\n"
    root = project(tmp_path, case.before)
    changes = apply_patch(parse_patch(text), root)
    expected = {path: content for path, content in {**case.before, **case.after}.items() if content is not None}
    assert _read(root) == expected
    if case.changes:
        got = sorted((c.kind.value, c.path, c.renamed_from) for c in changes)
        assert got == sorted(case.changes)


def test_crlf_lines_survive_in_the_hunk(tmp_path: Path) -> None:
    case = GitCase("crlf", {"w.py": b"one\r\ntwo\r\n"}, {"w.py": b"one\r\nTWO\r\n"})
    patch = parse_patch(git_diff(tmp_path, case))
    assert patch.files[0].hunks[0].lines == (" one\r", "-two\r", "+TWO\r")


def test_hunk_records_missing_final_newline(tmp_path: Path) -> None:
    case = GitCase("nonl", {"n.py": b"x\ny\n"}, {"n.py": b"x\ny"})
    hunk = parse_patch(git_diff(tmp_path, case)).files[0].hunks[0]
    assert (hunk.old_eof_newline, hunk.new_eof_newline) == (True, False)


# --- real git diffs that must be refused ---------------------------------------------------

def _symlink(name: str, target: str) -> Callable[[Path], None]:
    def make(repo: Path) -> None:
        link = repo / name
        if link.exists() or link.is_symlink():
            link.unlink()
        link.symlink_to(target)
        _git(repo, "add", "-A")
    return make


def _submodule(repo: Path) -> None:
    _git(repo, "update-index", "--add", "--cacheinfo", f"160000,{'1' * 40},vendor/lib")


GIT_REFUSALS = [
    (GitCase("new-symlink", {"k.py": b"k\n"}, {}, tweak=_symlink("link", "/etc/passwd")), "a symlink is refused"),
    (GitCase("file-becomes-symlink", {"k.py": b"k\n"}, {}, tweak=_symlink("k.py", "/etc/passwd")), "a symlink is refused"),
    (GitCase("submodule", {"k.py": b"k\n"}, {}, tweak=_submodule), "a submodule is refused"),
    (GitCase("binary-plain", {"b.bin": b"\x00\x01bin"}, {"b.bin": b"\x00\x02bin"}), "binary"),
    (GitCase("binary-git", {"b.bin": b"\x00\x01bin"}, {"b.bin": b"\x00\x02bin"}, diff_args=("--binary",)), "binary"),
    (GitCase("binary-new", {"k.py": b"k\n"}, {"b.bin": b"\x00\xff"}, diff_args=("--binary",)), "binary"),
    (GitCase("copy", {"a.py": SOURCE}, {"b.py": SOURCE}, diff_args=("-C", "--find-copies-harder")), "copy patches"),
    # A backslash is a separator on Windows: refused wherever it appears, like '..'.
    (GitCase("backslash-in-path", {"a\\b.py": b"q\n"}, {"a\\b.py": b"Q\n"}), "outside the project"),
    (GitCase("tab-in-path", {"t\tab.py": b"t\n"}, {"t\tab.py": b"T\n"}), "control characters"),
]


@pytest.mark.parametrize(("case", "fragment"), GIT_REFUSALS, ids=[case.id for case, _ in GIT_REFUSALS])
def test_real_git_diff_refused(tmp_path: Path, case: GitCase, fragment: str) -> None:
    text = git_diff(tmp_path, case)
    assert fragment in refusal(lambda: parse_patch(text))


# --- hand-written malformed or unsafe patches ------------------------------------------------

NEW_FILE = "diff --git a/{p} b/{p}\nnew file mode 100644\n--- /dev/null\n+++ b/{p}\n@@ -0,0 +1 @@\n+x\n"
MODIFY = "--- a/{p}\n+++ b/{p}\n@@ -1 +1 @@\n-a\n+b\n"

MALFORMED = [
    ("empty", "", "patch is empty"),
    ("whitespace", "  \n\t\n\r\n", "patch is empty"),
    ("python-source", "import os\n\n\ndef f() -> int:\n    return 1 - 2 + 3\n", "not a unified diff"),
    ("json", json.dumps({"files": [{"path": "agent/core.py", "diff": "-a +b"}]}, indent=2), "not a unified diff"),
    ("prose", "Please change line 3 of agent/core.py to return early.\n", "not a unified diff"),
    ("hunk-without-headers", "@@ -1 +1 @@\n-a\n+b\n", "hunk outside a file section"),
    ("git-section-hunk-without-headers", "diff --git a/m.py b/m.py\n@@ -1 +1 @@\n-a\n+b\n", "hunk outside a file section"),
    ("second-hunk-after-prose", MODIFY.format(p="m.py") + "a remark\n@@ -5 +5 @@\n-x\n+y\n", "hunk outside a file section"),
    ("nul-bytes", MODIFY.format(p="m.py") + "\x00", "NUL"),
    ("headers-without-hunk", "--- a/m.py\n+++ b/m.py\n", "without any '@@' hunk"),
    ("git-headers-without-hunk", "diff --git a/m.py b/m.py\nindex 1..2 100644\n--- a/m.py\n+++ b/m.py\n", "without any '@@' hunk"),
    ("malformed-hunk-header", "--- a/m.py\n+++ b/m.py\n@@ -a,1 +b,1 @@\n-a\n+b\n", "malformed hunk header"),
    ("truncated-hunk", "--- a/m.py\n+++ b/m.py\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n", "hunk ends early"),
    ("truncated-mid-line", "--- a/m.py\n+++ b/m.py\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n+C", "hunk ends early"),
    ("header-counts-too-many", "--- a/m.py\n+++ b/m.py\n@@ -1,2 +1,5 @@\n a\n-b\n+B\n", "hunk ends early"),
    ("header-counts-too-few-old", "--- a/m.py\n+++ b/m.py\n@@ -1,1 +1,2 @@\n a\n-b\n+B\n", "do not match"),
    ("junk-inside-hunk", "--- a/m.py\n+++ b/m.py\n@@ -1,2 +1,2 @@\n a\n?? b\n", "unexpected line inside a hunk"),
    ("no-newline-marker-first", "--- a/m.py\n+++ b/m.py\n@@ -1 +1 @@\n\\ No newline at end of file\n-a\n+b\n", "marker without"),
    ("junk-in-git-header", "diff --git a/m.py b/m.py\nsomething odd\n--- a/m.py\n+++ b/m.py\n@@ -1 +1 @@\n-a\n+b\n", "unexpected line in the header"),
    ("both-dev-null", "--- /dev/null\n+++ /dev/null\n@@ -0,0 +1 @@\n+x\n", "neither an old nor a new path"),
    ("odd-mode", "diff --git a/m.py b/m.py\nnew file mode 100600\n--- /dev/null\n+++ b/m.py\n@@ -0,0 +1 @@\n+x\n", "mode 100600 is refused"),
    ("symlink-mode-change", "diff --git a/m.py b/m.py\nold mode 100644\nnew mode 120000\n", "a symlink is refused"),
    ("binary-outside-section", "Binary files a/x.bin and b/x.bin differ\n", "binary"),
    ("parent-escape", NEW_FILE.format(p="../x.py"), "outside the project"),
    ("deep-parent-escape", NEW_FILE.format(p="agent/../../x.py"), "outside the project"),
    ("absolute-etc-passwd", MODIFY.replace("a/{p}", "/etc/passwd").replace("b/{p}", "/etc/passwd"), "outside the project"),
    ("absolute-new-file", "--- /dev/null\n+++ /tmp/evil.py\n@@ -0,0 +1 @@\n+x\n", "outside the project"),
    ("git-config", MODIFY.format(p=".git/config"), "outside the project"),
    ("git-hooks", NEW_FILE.format(p=".git/hooks/pre-commit"), "outside the project"),
    ("nested-git-dir", NEW_FILE.format(p="vendor/.git/config"), "outside the project"),
    ("backslash-path", NEW_FILE.format(p="..\\x.py"), "outside the project"),
    ("quoted-escape", 'diff --git "a/../x.py" "b/../x.py"\nnew file mode 100644\n--- /dev/null\n+++ "b/../x.py"\n@@ -0,0 +1 @@\n+x\n', "outside the project"),
    ("newline-in-quoted-path", '--- /dev/null\n+++ "b/a\\nb.py"\n@@ -0,0 +1 @@\n+x\n', "control characters"),
    ("rename-escape", "diff --git a/m.py b/x.py\nsimilarity index 100%\nrename from m.py\nrename to ../x.py\n", "outside the project"),
    ("same-file-twice", MODIFY.format(p="m.py") + MODIFY.format(p="m.py"), "more than one file section"),
    ("rename-and-modify-target", "diff --git a/a.py b/b.py\nsimilarity index 100%\nrename from a.py\nrename to b.py\n" + section("b.py", "@@ -1 +1 @@\n-a\n+b\n"), "more than one file section"),
    ("names-disagree", "diff --git a/a.py b/a.py\n--- a/b.py\n+++ b/b.py\n@@ -1 +1 @@\n-a\n+b\n", "file names disagree"),
    ("rename-names-disagree", "diff --git a/a.py b/b.py\nrename from a.py\nrename to b.py\n" + MODIFY.format(p="b.py"), "file names disagree"),
    ("file-and-dir-in-one-patch", NEW_FILE.format(p="pkg") + NEW_FILE.format(p="pkg/mod.py"), "to be a directory"),
    ("dir-before-file-in-one-patch", NEW_FILE.format(p="pkg/sub/mod.py") + NEW_FILE.format(p="pkg"), "to be a directory"),
]


@pytest.mark.parametrize(("text", "fragment"), [(t, f) for _, t, f in MALFORMED], ids=[i for i, _, _ in MALFORMED])
def test_malformed_or_unsafe_patch_refused(text: str, fragment: str) -> None:
    assert fragment in refusal(lambda: parse_patch(text, source="p.diff"))


def test_refusal_names_the_patch_and_line() -> None:
    text = "--- a/m.py\n+++ b/m.py\n@@ -1,2 +1,2 @@\n a\n?? b\n"
    assert refusal(lambda: parse_patch(text, source="agent.diff")).startswith("agent.diff:5: ")


def test_surrounding_prose_is_ignored() -> None:
    text = "Subject: tidy\n\nSome words.\n" + MODIFY.format(p="m.py") + "thanks\n"
    files = parse_patch(text).files
    assert [(f.old_path, f.new_path) for f in files] == [("m.py", "m.py")]


def test_paths_are_normalised() -> None:
    text = "--- a/./pkg//m.py\n+++ b/./pkg//m.py\n@@ -1 +1 @@\n-a\n+b\n"
    assert parse_patch(text).files[0].path == "pkg/m.py"


def test_plain_diff_u_with_timestamps() -> None:
    text = "--- a/m.py\t2024-01-01 10:00:00.000000000 +0000\n+++ b/m.py\t2024-01-02 10:00:00.000000000 +0000\n@@ -1 +1 @@\n-a\n+b\n"
    assert parse_patch(text).files[0].path == "m.py"


# --- application against a real project copy -------------------------------------------------

def _core_edit(root: Path) -> str:
    """A valid section (edits agent/__init__.py) to put in front of a failing one."""
    return diff_for(root, {"agent/__init__.py": '"""Changed."""\n'})


def _links(root: Path) -> None:
    (root / "agent/linked").symlink_to("../specs", target_is_directory=True)
    (root / "agent/alias.py").symlink_to("safety.py")


APPLY_REFUSALS: list[tuple[str, Callable[[Path], str], str]] = [
    ("context-does-not-match", lambda r: section("agent/limits.py", "@@ -1,2 +1,2 @@\n-not in the file\n+x\n context\n"), "does not apply"),
    ("second-hunk-does-not-match", lambda r: section(
        "agent/limits.py",
        "@@ -1 +1 @@\n-\"\"\"Run limits; MAX_STEPS is protected, the rest may change.\"\"\"\n+\"\"\"Limits.\"\"\"\n"
        "@@ -6,2 +6,2 @@\n def steps_left(used: int) -> int:\n-    return nothing\n+    return 0\n",
    ), "hunk 2"),
    ("missing-file", lambda r: section("agent/absent.py", "@@ -1 +1 @@\n-a\n+b\n"), "does not have"),
    ("directory-as-file", lambda r: section("specs/agent", "@@ -1 +1 @@\n-a\n+b\n"), "does not have"),
    ("new-file-exists", lambda r: NEW_FILE.format(p="agent/safety.py"), "already exists"),
    ("new-file-onto-directory", lambda r: NEW_FILE.format(p="specs/agent"), "already exists"),
    ("rename-onto-existing", lambda r: "diff --git a/agent/limits.py b/agent/safety.py\nsimilarity index 100%\nrename from agent/limits.py\nrename to agent/safety.py\n", "already exists"),
    ("parent-is-a-file", lambda r: NEW_FILE.format(p="agent/core.py/extra.py"), "is a file, not a directory"),
    ("through-symlinked-dir", lambda r: NEW_FILE.format(p="agent/linked/evil.py"), "symlink"),
    ("modify-through-symlinked-dir", lambda r: section("agent/linked/agent/core.py", "@@ -1 +1 @@\n-def dedupe(items: list[str]) -> list[str]:\n+def dedupe(items): \n"), "symlink"),
    ("modify-a-symlink", lambda r: section("agent/alias.py", "@@ -1 +1 @@\n-\"\"\"Kernel: the action allow-list.\"\"\"\n+x = 1\n"), "symlink"),
    ("delete-a-symlink", lambda r: "diff --git a/agent/alias.py b/agent/alias.py\ndeleted file mode 100644\n", "symlink"),
    ("partial-delete", lambda r: "diff --git a/agent/limits.py b/agent/limits.py\ndeleted file mode 100644\n--- a/agent/limits.py\n+++ /dev/null\n@@ -1,3 +0,0 @@\n-\"\"\"Run limits; MAX_STEPS is protected, the rest may change.\"\"\"\n-\n-MAX_STEPS = 10\n", "does not remove the whole file"),
    ("not-utf8-target", lambda r: section("agent/latin.txt", "@@ -1 +1 @@\n-caf\n+cafe\n"), "not UTF-8"),
]


@pytest.mark.parametrize(("make", "fragment"), [(m, f) for _, m, f in APPLY_REFUSALS], ids=[i for i, _, _ in APPLY_REFUSALS])
def test_apply_refuses_and_writes_nothing(tiny: Path, make: Callable[[Path], str], fragment: str) -> None:
    _links(tiny)
    (tiny / "agent/latin.txt").write_bytes(b"caf\xe9\n")
    text = _core_edit(tiny) + make(tiny)
    patch = parse_patch(text)
    before = snapshot(tiny)
    assert fragment in refusal(lambda: apply_patch(patch, tiny))
    assert snapshot(tiny) == before


def test_apply_refuses_even_when_the_bad_section_comes_first(tiny: Path) -> None:
    patch = parse_patch(NEW_FILE.format(p="agent/safety.py") + _core_edit(tiny))
    before = snapshot(tiny)
    refusal(lambda: apply_patch(patch, tiny))
    assert snapshot(tiny) == before


def test_diff_for_round_trip_on_tiny(tiny: Path) -> None:
    core = (tiny / "agent/core.py").read_text(encoding="utf-8")
    edits = {
        "agent/core.py": core.replace("break", "return done"),
        "agent/extra.py": "VALUE = 1\n",
        "agent/__init__.py": None,
    }
    changes = apply_patch(parse_patch(diff_for(tiny, edits)), tiny)
    assert (tiny / "agent/core.py").read_text(encoding="utf-8") == edits["agent/core.py"]
    assert (tiny / "agent/extra.py").read_text(encoding="utf-8") == "VALUE = 1\n"
    assert not (tiny / "agent/__init__.py").exists()
    assert {(c.path, c.kind) for c in changes} == {
        ("agent/core.py", ChangeKind.MODIFIED), ("agent/extra.py", ChangeKind.ADDED), ("agent/__init__.py", ChangeKind.DELETED),
    }


def test_hunk_with_stale_line_numbers_applies_at_its_context(tmp_path: Path) -> None:
    root = project(tmp_path, {"l.txt": LONG})
    hunk = "@@ -20,3 +20,3 @@\n line 9\n-line 10\n+TEN\n line 11\n"
    apply_patch(parse_patch(section("l.txt", hunk)), root)
    assert (root / "l.txt").read_bytes() == LONG.replace(b"line 10\n", b"TEN\n")


def test_lf_patch_does_not_apply_to_crlf_file(tmp_path: Path) -> None:
    root = project(tmp_path, {"w.py": b"one\r\ntwo\r\n"})
    patch = parse_patch(section("w.py", "@@ -1,2 +1,2 @@\n one\n-two\n+TWO\n"))
    assert "does not apply" in refusal(lambda: apply_patch(patch, root))
    assert (root / "w.py").read_bytes() == b"one\r\ntwo\r\n"


# --- reading a patch file ---------------------------------------------------------------------

def test_read_patch_refuses_missing_file(tmp_path: Path) -> None:
    assert "does not exist" in refusal(lambda: read_patch(tmp_path / "nope.diff"))


def test_read_patch_refuses_a_directory(tmp_path: Path) -> None:
    assert "does not exist" in refusal(lambda: read_patch(tmp_path))


def test_read_patch_refuses_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "p.diff"
    path.write_bytes(MODIFY.format(p="m.py").encode().replace(b"+b", b"+caf\xe9"))
    assert "not UTF-8" in refusal(lambda: read_patch(path))


def test_read_patch_refuses_oversized(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(patch_module, "MAX_PATCH_BYTES", 64)
    path = tmp_path / "p.diff"
    path.write_text(MODIFY.format(p="m.py") * 4, encoding="utf-8")
    assert "larger than" in refusal(lambda: read_patch(path))


def test_read_patch_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "agent.diff"
    path.write_text("not a diff\n", encoding="utf-8")
    assert refusal(lambda: read_patch(path)).startswith(f"{path}: ")


def test_read_patch_keeps_the_text(tmp_path: Path) -> None:
    path = tmp_path / "p.diff"
    text = MODIFY.format(p="m.py")
    path.write_text(text, encoding="utf-8")
    assert read_patch(path).text == text
