"""Private copies of a project. Crucible reads the user's tree and writes only here."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from verifiers.tree import copy_tree

__all__ = ["copy_tree", "workspace"]


@contextmanager
def workspace(prefix: str = "crucible-") -> Iterator[Path]:
    """A fresh private directory, removed afterwards whatever happened inside."""
    base = os.environ.get("CRUCIBLE_WORKDIR") or None
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=base))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
