"""Helpers the command-level tests share: calling the CLI in-process, and photographing a tree."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from pipeline.cli import main
from verifiers.tree import copy_tree

__all__ = ["Run", "crucible", "pytest_on_copy", "snapshot"]


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def crucible(*argv: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return Run(code, out.getvalue(), err.getvalue())


def snapshot(root: Path) -> dict[str, str]:
    """Bytes, modes and link targets of every entry under `root`, directories and caches included."""
    entries: dict[str, str] = {}
    for directory, subdirs, names in os.walk(root):
        for name in subdirs + names:
            path = Path(directory) / name
            key = path.relative_to(root).as_posix()
            if path.is_symlink():
                entries[key] = "link:" + os.readlink(path)
            elif path.is_dir():
                entries[key] = f"dir:{path.stat().st_mode:o}"
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                entries[key] = f"file:{path.stat().st_mode:o}:{digest}"
    return entries


def pytest_on_copy(project: Path, root: Path, test_source: str, edits: dict[str, str | None]) -> int:
    """pytest's exit code for `test_source` run on a copy of `project` (at `root`) with `edits`."""
    copy_tree(project, root)
    for path, text in edits.items():
        assert text is not None
        (root / path).write_text(text)
    (root / "test_counterexample.py").write_text(test_source)
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_counterexample.py"],
                          cwd=root, capture_output=True, check=False).returncode
