"""Walking and hashing project trees: one notion of which files count, shared by every stage."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Final

__all__ = ["IGNORED_DIRS", "IGNORED_SUFFIXES", "copy_tree", "hash_bytes", "hash_tree", "is_ignored", "iter_files"]

# Caches and tool state that never count as project content.
IGNORED_DIRS: Final = frozenset(
    {
        ".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".pytest_cache", ".hypothesis",
        ".benchmarks", ".crucible", ".venv", "venv", ".tox", ".nox", "node_modules",
        ".ruff_cache", "build", "dist", "crucible-reports",
    }
)
IGNORED_SUFFIXES: Final = (".pyc", ".pyo")


def is_ignored(relative: str) -> bool:
    parts = relative.split("/")
    return any(p in IGNORED_DIRS or p.endswith(".egg-info") for p in parts[:-1]) or (
        parts[-1] in IGNORED_DIRS or parts[-1].endswith(IGNORED_SUFFIXES)
    )


def iter_files(root: Path, start: str = "") -> Iterator[str]:
    """Project-relative POSIX paths of the files under `start` (a file or directory), sorted."""
    base = root / start if start else root
    if base.is_file() or base.is_symlink():
        if not is_ignored(start):
            yield start
        return
    if not base.is_dir():
        return
    found: list[str] = []
    for directory, subdirs, files in os.walk(base, followlinks=False):
        here = Path(directory)
        subdirs[:] = [d for d in subdirs if d not in IGNORED_DIRS and not d.endswith(".egg-info")]
        # Symlinked directories are reported as entries (hashed by target), never walked.
        entries = files + [d for d in subdirs if (here / d).is_symlink()]
        found.extend((here / name).relative_to(root).as_posix() for name in entries)
    yield from sorted(r for r in found if not is_ignored(r))


def hash_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_entry(path: Path) -> str:
    if path.is_symlink():
        return "symlink:" + hash_bytes(str(path.readlink()).encode())
    return hash_bytes(path.read_bytes())


def hash_tree(root: Path) -> dict[str, str]:
    """Content hash of every counted file; symlinks hash their target text, never followed."""
    return {relative: _hash_entry(root / relative) for relative in iter_files(root)}


def _ignore(directory: str, names: list[str]) -> set[str]:
    return {n for n in names if n in IGNORED_DIRS or n.endswith(IGNORED_SUFFIXES) or n.endswith(".egg-info")}


def copy_tree(source: Path, destination: Path) -> Path:
    """Copy a project's counted files (symlinks stay links, never followed)."""
    shutil.copytree(source, destination, symlinks=True, ignore=_ignore)
    return destination
