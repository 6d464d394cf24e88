"""A string built up piece by piece across loops and branches — `s = ""`, then only `s += e`
(or `s = s + a + b`) anywhere, and `return s` — collects its pieces in a list and joins them
once: `parts.append(e)` … `return "".join(parts)`. The string may also be read in any `return`
(`return s.strip() + "."`, an early return inside the loop), and after the loops in statements
of the function's own body that run once (`result = s.rstrip()`): each read becomes the join.

Where the loop body does more than the accumulation (so `string-concat-to-join` does not apply).
Exact for str pieces: `s` is never read while it grows except where the join stands in for it
(a `return` ends the function; a read after the last step sees every piece), so the partial
strings were never otherwise observable; the types gate holds the pieces to `str`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules._base import FunctionRule, Refusals, Replacement, empty_string, in_place_of, replace, small_statement, statements
from pipeline.proposers.rules._concat import added_part
from pipeline.proposers.rules._loops import repeaters

__all__ = ["StringBuilder"]


@dataclass(frozen=True)
class _Site:
    init: cst.Assign | cst.AnnAssign
    name: str
    steps: tuple[tuple[cst.CSTNode, str], ...]  # (statement, added part)
    reads: tuple[cst.Name, ...]  # in returns, or after the last step


class StringBuilder(FunctionRule[_Site]):
    NAME: ClassVar[str] = "string-builder-parts"
    DESCRIPTION: ClassVar[str] = "a string grown by += across the function is collected in a list and joined once"
    DIAGNOSTIC: ClassVar[str] = "string-concat-in-loop"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.init

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
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
        for read in site.reads:
            mapping[read] = cst.parse_expression(f'"".join({parts})')
        return replace(facts.function, mapping)


def _site(facts: Facts, init: cst.Assign | cst.AnnAssign, name: str, refusals: Refusals) -> _Site | None:
    steps: list[tuple[cst.CSTNode, str]] = []
    reads: list[cst.Name] = []
    others: list[cst.Name] = []
    declared = init.targets[0].target if isinstance(init, cst.Assign) else init.target
    for use in facts.names(name):
        statement = facts.statement(use)
        part = added_part(facts, statement, name) if use is not declared else None
        if use is declared or any(s is statement for s, _ in steps):
            continue
        if part is not None and not facts.in_nested_scope(statement):
            steps.append((statement, part))
        elif facts.is_store(use) or facts.in_nested_scope(use):
            others.append(use)
        elif isinstance(statement, cst.Return) and not _repeated_in(facts, use, statement) or _after_every_step(facts, use, steps):
            reads.append(use)
        else:
            others.append(use)
    if not any(facts.loops(s) for s, _ in steps):
        return None
    if others or not reads or any(not _after_every_step(facts, r, steps) for r in reads
                                  if not isinstance(facts.statement(r), cst.Return)):
        refusals.refuse(init, f"{name} is read other than to add to it, in a return, or once after it is built")
        return None
    return _Site(init, name, tuple(steps), tuple(reads))


def _repeated_in(facts: Facts, use: cst.Name, statement: cst.CSTNode) -> bool:
    """Read again and again within `statement` (in a comprehension of it)."""
    return any(facts.inside(r, statement) for r in repeaters(facts, use))


def _after_every_step(facts: Facts, use: cst.Name, steps: list[tuple[cst.CSTNode, str]]) -> bool:
    """A read in a statement of the function's own body, run once, after every step."""
    if facts.is_store(use) or facts.in_nested_scope(use) or repeaters(facts, use):
        return False
    top = facts.top_level(use)
    return all(facts.before(facts.top_level(step), top) for step, _ in steps)
