"""Handing the final variant over: applied only to the tree the run started from, or committed on
a new branch of a real git repository without touching the checkout."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipeline.deliver import apply_final, commit_final, tree_digest
from pipeline.errors import BadInput, IntegrityError
from pipeline.gating import load_target
from tests.conftest import FIXTURES, diff_for
from tests.support import snapshot
from verifiers.tree import copy_tree

ROWS = "table/rows.py"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_tree(FIXTURES / "mergepair", tmp_path / "mergepair")


def final_diff(root: Path) -> str:
    source = (root / ROWS).read_text()
    return diff_for(root, {ROWS: source.replace("functools.reduce(lambda width, value: width + len(value), values, 0)",
                                                "sum(map(len, values))")})


def test_apply_writes_the_final_variant_into_the_tree_it_started_from(project: Path) -> None:
    start = tree_digest(project)
    changed = apply_final(load_target(project), final_diff(project), start)
    assert changed == [ROWS] and "sum(map(len, values))" in (project / ROWS).read_text()


def test_apply_refuses_a_tree_that_changed_since_the_run_started_and_writes_nothing(project: Path) -> None:
    start, diff = tree_digest(project), final_diff(project)
    (project / "table" / "__init__.py").write_text('"""Edited by a person during the run."""\n')
    before = snapshot(project)
    with pytest.raises(IntegrityError, match="changed since the run started; nothing applied"):
        apply_final(load_target(project), diff, start)
    assert _checkout(project) == before


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout


def test_commit_makes_one_commit_on_a_new_branch_and_leaves_the_checkout_alone(project: Path) -> None:
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "base")
    start, before = tree_digest(project), _checkout(project)
    commit = commit_final(load_target(project), final_diff(project), start, "crucible/x", "Crucible: 1 verified improvement(s)\n")
    assert _checkout(project) == before and _git(project, "rev-parse", "crucible/x").strip() == commit
    assert _git(project, "rev-list", "--count", "main..crucible/x").strip() == "1"
    assert "sum(map(len, values))" in _git(project, "show", f"{commit}:{ROWS}")
    assert _git(project, "worktree", "list").count("\n") == 1  # the temporary worktree is gone
    with pytest.raises(BadInput, match="already exists"):
        commit_final(load_target(project), final_diff(project), start, "crucible/x", "again\n")


def test_commit_needs_a_git_repository(project: Path) -> None:
    with pytest.raises(BadInput, match="git"):
        commit_final(load_target(project), final_diff(project), tree_digest(project), "b", "m\n")


def _checkout(root: Path) -> dict[str, str]:
    """The working tree, not the repository's own records (a new branch adds to those)."""
    return {k: v for k, v in snapshot(root).items() if not k.startswith(".git/") and k != ".git"}
