"""The trusted part stands alone: `verifiers/` imports nothing from `pipeline/`, computes what
changed from the two trees itself (whatever list it is handed), and owns the admission rule."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import ClassVar

import pytest

from tests.conftest import VariantFactory
from verifiers.base import ChangeKind, FileChange, GateContext, GateResult, Outcome
from verifiers.runner import changed_files, run_gates

VERIFIERS = Path(__file__).resolve().parents[2] / "verifiers"


@pytest.mark.parametrize("path", sorted(VERIFIERS.glob("*.py")), ids=lambda p: p.name)
def test_no_module_of_the_trusted_part_imports_pipeline(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        assert not any(n == "pipeline" or n.startswith("pipeline.") for n in names), (path.name, names)


class Recorder:
    """A gate that only notes which changes it was shown."""

    NAME: ClassVar[str] = "recorder"
    DESCRIPTION: ClassVar[str] = "notes the changes"
    seen: ClassVar[tuple[FileChange, ...]] = ()

    def check(self, ctx: GateContext) -> GateResult:
        Recorder.seen = ctx.variant.changes
        return GateResult(self.NAME, Outcome.PASS, "ok")


def test_gates_see_what_the_trees_say_not_what_the_caller_claims(make_context: VariantFactory, tiny: Path) -> None:
    ctx = make_context(tiny, {"agent/core.py": (tiny / "agent/core.py").read_text() + "\nX = 1\n", "agent/new.py": "Y = 2\n"})
    # The caller hides the edit of core.py and claims a harmless file instead.
    lying = ctx.variant.__class__(ctx.variant.original_root, ctx.variant.root, (FileChange("README.md", ChangeKind.MODIFIED),),
                                  ctx.variant.diff)
    run_gates(ctx.__class__(ctx.config, ctx.kernel, lying, ctx.scratch), [Recorder()])
    assert Recorder.seen == (FileChange("agent/core.py", ChangeKind.MODIFIED), FileChange("agent/new.py", ChangeKind.ADDED))


def test_a_rename_is_seen_from_the_contents_and_a_hint_cannot_invent_one(make_context: VariantFactory, tiny: Path) -> None:
    ctx = make_context(tiny, {"agent/limits.py": None, "agent/limits2.py": (tiny / "agent/limits.py").read_text()})
    assert changed_files(ctx.variant) == (FileChange("agent/limits2.py", ChangeKind.ADDED, "agent/limits.py"),)
    hinted = ctx.variant.__class__(ctx.variant.original_root, ctx.variant.root,
                                   (FileChange("agent/limits2.py", ChangeKind.ADDED, "agent/core.py"),), "")
    assert changed_files(hinted) == (FileChange("agent/limits2.py", ChangeKind.ADDED, "agent/limits.py"),)
