"""A string built up piece by piece across loops and branches — `s = ""`, then only `s += e`
(or `s = s + a + b`) anywhere, and `return s` — collects its pieces in a list and joins them
once: `parts.append(e)` … `return "".join(parts)`.

Where the loop body does more than the accumulation (so `string-concat-to-join` does not apply).
Exact for str pieces: `s` is never read before it is returned, so the partial strings were never
observable; the types gate holds the pieces to `str`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules._base import FunctionRule, Replacement, empty_string, in_place_of, replace, small_statement, statements
from pipeline.proposers.rules._concat import added_part

__all__ = ["StringBuilder"]


@dataclass(frozen=True)
class _Site:
    init: cst.Assign | cst.AnnAssign
    name: str
    steps: tuple[tuple[cst.CSTNode, str], ...]  # (statement, added part)
    returns: tuple[cst.Return, ...]


class StringBuilder(FunctionRule[_Site]):
    NAME: ClassVar[str] = "string-builder-parts"
    DESCRIPTION: ClassVar[str] = "a string grown by += across the function is collected in a list and joined once"
    DIAGNOSTIC: ClassVar[str] = "string-concat-in-loop"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.init

    def _sites(self, facts: Facts, refusals: list[str]) -> list[_Site]:
        found = []
        for line in facts.function.body.body:
            first = line.body[0] if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 else None
            if isinstance(first, (cst.Assign, cst.AnnAssign)) and empty_string(first.value):
                target = first.targets[0].target if isinstance(first, cst.Assign) else first.target
                site = _site(facts, first, target.value, refusals) if isinstance(target, cst.Name) else None
                found += [site] if site is not None else []
        return found

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        parts = facts.fresh(f"{site.name}_parts")
        init_line = facts.line(site.init)
        mapping: dict[cst.CSTNode, Replacement] = {
            init_line: in_place_of(init_line, statements(f"{parts}: list[str] = []")),
        }
        for step, part in site.steps:
            mapping[step] = small_statement(f"{parts}.append({part})")
        for ret in site.returns:
            mapping[ret] = ret.with_changes(value=cst.parse_expression(f'"".join({parts})'))
        return replace(facts.function, mapping)


def _site(facts: Facts, init: cst.Assign | cst.AnnAssign, name: str, refusals: list[str]) -> _Site | None:
    steps: list[tuple[cst.CSTNode, str]] = []
    returns: list[cst.Return] = []
    other = False
    declared = init.targets[0].target if isinstance(init, cst.Assign) else init.target
    for use in facts.names(name):
        statement = facts.statement(use)
        if use is declared:
            continue
        if isinstance(statement, cst.Return) and statement.value is use:
            returns.append(statement)
            continue
        part = added_part(facts, statement, name)
        if part is None or facts.in_nested_scope(statement):
            other = True
        elif not any(s is statement for s, _ in steps):
            steps.append((statement, part))
    if not any(facts.loops(s) for s, _ in steps):
        return None
    if other or not returns:
        refusals.append(f"{name} is read other than to add to it and return it")
        return None
    return _Site(init, name, tuple(steps), tuple(returns))
