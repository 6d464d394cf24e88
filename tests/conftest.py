"""Shared fixtures: real projects copied to tmp_path, variants built from file edits."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.patch import apply_patch, parse_patch
from verifiers.base import Budgets, GateContext, Isolation, Variant
from verifiers.kernel import load_kernel
from verifiers.tree import copy_tree

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent

Edits = Mapping[str, str | None]
"""Project-relative path -> new content (None deletes the file)."""


def diff_for(root: Path, edits: Edits) -> str:
    """A `git diff`-style patch turning the files under `root` into `edits`."""
    chunks = []
    for path, new in edits.items():
        old_file = root / path
        old = old_file.read_text(encoding="utf-8") if old_file.is_file() else None
        header = [f"diff --git a/{path} b/{path}\n"]
        if old is None:
            header.append("new file mode 100644\n")
        elif new is None:
            header.append("deleted file mode 100644\n")
        lines = difflib.unified_diff(
            (old or "").splitlines(keepends=True), (new or "").splitlines(keepends=True),
            fromfile="/dev/null" if old is None else f"a/{path}",
            tofile="/dev/null" if new is None else f"b/{path}",
        )
        chunks.append("".join(header) + "".join(lines))
    return "".join(chunks)


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A private copy of the tiny fixture project (agent/, tests/, specs/, kernel, lock)."""
    return copy_tree(FIXTURES / "tiny", tmp_path / "tiny")


VariantFactory = Callable[..., GateContext]


@pytest.fixture
def make_context(tmp_path: Path) -> VariantFactory:
    """Build the GateContext a gate sees for `edits` applied to a copy of `project`."""

    def build(project: Path, edits: Edits, *, isolation: Isolation = Isolation.STRICT, budgets: Budgets | None = None) -> GateContext:
        work = tmp_path / f"ctx-{len(list(tmp_path.iterdir()))}"
        original = copy_tree(project, work / "original")
        variant = copy_tree(project, work / "variant")
        patch = parse_patch(diff_for(original, edits))
        changes = apply_patch(patch, variant)
        (work / "scratch").mkdir()
        config = load_config(original)
        return GateContext(
            config=config, kernel=load_kernel(config), variant=Variant(original, variant, changes, patch.text),
            scratch=work / "scratch", budgets=budgets or Budgets(), isolation=isolation,
        )

    return build
