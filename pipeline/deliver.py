"""What a run hands over: `final.diff` (every improvement the final variant holds, verified as a
whole), applied to the user's tree only on request and only if that tree is still what the run
started from, or committed on a new git branch, ready for a pull request."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.errors import BadInput, IntegrityError
from pipeline.gating import Target
from pipeline.patch import apply_patch, parse_patch
from verifiers.kernel import verify_lock
from verifiers.tree import hash_tree

__all__ = ["apply_final", "commit_final", "commit_message", "tree_digest"]

_GIT_SECONDS = 60


def tree_digest(root: Path) -> str:
    """The project's files, by content (caches and tool state left out)."""
    return hashlib.sha256(json.dumps(sorted(hash_tree(root).items())).encode()).hexdigest()


def _unchanged(target: Target, start: str) -> None:
    """IntegrityError (exit 3) unless the tree is the one the run started from, lock included."""
    verify_lock(target.config, target.kernel)
    if not start or tree_digest(target.config.root) != start:
        raise IntegrityError(f"{target.config.root}: the project changed since the run started; nothing applied "
                             "(gate final.diff with `crucible gate`, or run again)")


def apply_final(target: Target, final_diff: str, start: str) -> list[str]:
    """Write the final variant into the project; the paths it changed."""
    _unchanged(target, start)
    changes = apply_patch(parse_patch(final_diff), target.config.root)
    return [c.path for c in changes]


def commit_message(members: Sequence[dict[str, Any]], headline: str) -> str:
    lines = [f"Crucible: {len(members)} verified improvement(s)", "", headline, ""]
    for member in members:
        how = ", ".join(member.get("rule") or []) or str(member.get("proposer", ""))
        lines.append(f"- {', '.join(member.get('functions') or [])}: {how}; ×{member.get('speedup')} on "
                     f"{member.get('benchmark') or '?'}; equivalence {member.get('equivalence') or '?'} ({member.get('id')})")
    lines += ["", "Every improvement above passed all eight gates alone and together (final.diff)."]
    return "\n".join(lines) + "\n"


def commit_final(target: Target, final_diff: str, start: str, branch: str, message: str) -> str:
    """A new branch with one commit holding the final variant, made in a temporary worktree (the
    user's checkout is not touched); the commit's id."""
    root = target.config.root
    top = Path(_git(root, "rev-parse", "--show-toplevel").strip())
    if _git(top, "branch", "--list", branch).strip():
        raise BadInput(f"--commit {branch}: that branch already exists")
    if _git(top, "status", "--porcelain", "--", str(root)).strip():
        raise IntegrityError(f"{root}: uncommitted changes; the branch is made from HEAD, which is not what the run started from")
    _unchanged(target, start)
    prefix = root.resolve().relative_to(top.resolve())
    scratch = Path(tempfile.mkdtemp(prefix="crucible-commit-"))
    worktree = scratch / "tree"
    try:
        _git(top, "worktree", "add", "--quiet", "--detach", str(worktree), "HEAD")
        apply_patch(parse_patch(final_diff), worktree / prefix)
        _git(worktree, "add", "--all", "--", str(prefix))
        _git(worktree, "-c", "user.name=Crucible", "-c", "user.email=crucible@localhost", "commit", "--quiet", "-m", message)
        commit = _git(worktree, "rev-parse", "HEAD").strip()
        _git(top, "branch", branch, commit)
        return commit
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=top, capture_output=True, check=False,
                       timeout=_GIT_SECONDS)
        shutil.rmtree(scratch, ignore_errors=True)


def _git(cwd: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=_GIT_SECONDS, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BadInput(f"git {args[0]}: {exc}") from None
    if done.returncode != 0:
        raise BadInput(f"git {' '.join(args[:2])}: {(done.stderr or done.stdout).strip()[:300]}")
    return done.stdout
