"""A proposer Target for a function of a corpus agent, built the way targeting builds one."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from pipeline.config import load_config
from pipeline.proposers.base import Target
from verifiers.specs import load_specs
from verifiers.symbols import module_file

REPO = Path(__file__).resolve().parents[2]
TOOL_PLANNER = REPO / "corpus" / "tool-planner"


def corpus_target(project: Path, address: str, *, rejections: tuple[str, ...] = ()) -> Target:
    """`module:function` of `project` (a module-level function), with its source and contract."""
    module, _, qualname = address.partition(":")
    relative = module_file(project, module)
    assert relative is not None, address
    parsed = cst.parse_module((project / relative).read_text(encoding="utf-8"))
    function = next(s for s in parsed.body if isinstance(s, cst.FunctionDef) and s.name.value == qualname)
    contract = load_specs(project, load_config(project)).get(module)
    stub = contract.get(qualname) if contract is not None else None
    return Target(
        module=module, qualname=qualname, path=relative, source=parsed.code_for_node(function),
        seconds=0.0123, contract=stub.docstring if stub is not None else "", rejections=rejections,
    )
