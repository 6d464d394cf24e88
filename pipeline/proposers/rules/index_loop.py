"""A loop over the positions of a sequence that reads the items by index — `for i in
range(len(rows))` (or `range(0, len(rows))`, or `i = 0; while i < len(rows): …; i += 1`, or such
a comprehension) with `rows[i]`, `rows[i][k]`, `rows[i].name` in its body — iterates over the
items instead: `for row in rows`, or `for i, row in enumerate(rows)` where the index is needed
otherwise (read in the body, or after the loop). One iteration step instead of a `len`, a
`range` step and an index lookup per use. `for i, row in enumerate(rows)` that still reads
`rows[i]` reads `row`.

Exact when the sequence is a list, tuple, str or bytes (declared, or built in the function) that
the loop neither rebinds nor changes (no `rows[i] = …`, no append, not handed to other code), the
index is not rebound in the body, and no `rows[i]` sits in a function, lambda or stored generator
defined in the loop (which would read it later). A `while` loop must count from 0 by a final
`i += 1` with no `continue`, and its index must not be read after it (it ends one past the last
position; `enumerate` ends on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts, logical_body
from pipeline.proposers.rules._base import FunctionRule, Refusals, Replacement, code, replace, replace_in
from pipeline.proposers.rules._infer import type_of
from pipeline.proposers.rules._loops import COMPREHENSIONS, Repeater, aliased, source_changes
from pipeline.proposers.rules._running import is_name
from pipeline.proposers.rules._types import head, shape_of

__all__ = ["IndexLoop"]

_SEQUENCES = frozenset({"list", "tuple", "str", "bytes", "Sequence", "MutableSequence"})




@dataclass(frozen=True)
class _Site:
    loop: Repeater
    index: str
    sequence: str
    reads: tuple[cst.Subscript, ...]  # every `sequence[index]` in the loop
    keep_index: bool
    init: cst.CSTNode | None = None  # the `i = 0` line of a while loop
    step: cst.CSTNode | None = None  # the `i += 1` line of a while loop
    item: str = ""  # `x` of `for i, x in enumerate(xs)`, where `xs[i]` is read all the same


class IndexLoop(FunctionRule[_Site]):
    NAME: ClassVar[str] = "index-loop-to-items"
    DESCRIPTION: ClassVar[str] = "a loop over positions that reads items by index iterates over the items"
    DIAGNOSTIC: ClassVar[str] = "indexed-iteration"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.loop

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
        found = []
        for loop in facts.own_loops():
            site = _for_site(facts, loop, refusals) if isinstance(loop, cst.For) else _while_site(facts, loop, refusals)
            found += [site] if site is not None else []
        for node in facts.walk(facts.function.body):
            if isinstance(node, COMPREHENSIONS) and not node.for_in.inner_for_in and not facts.in_nested_scope(node):
                site = _for_site(facts, node, refusals)
                found += [site] if site is not None else []
        return found

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        if site.item:  # `for i, x in enumerate(xs)` already: only the reads change
            return replace(facts.function, {r: cst.Name(site.item) for r in site.reads})
        item = facts.fresh(_singular(site.sequence))
        target = f"{site.index}, {item}" if site.keep_index else item
        iterable = f"enumerate({site.sequence})" if site.keep_index else site.sequence
        mapping: dict[cst.CSTNode, Replacement] = {r: cst.Name(item) for r in site.reads}
        loop = site.loop
        if not isinstance(loop, cst.While):
            header = cst.parse_statement(f"for {target} in {iterable}:\n    pass\n")
            assert isinstance(header, cst.For)
            owner = loop if isinstance(loop, cst.For) else loop.for_in
            mapping[owner.target] = header.target
            mapping[owner.iter] = header.iter
            return replace(facts.function, mapping)
        assert site.init is not None and site.step is not None
        mapping[site.step] = cst.RemoveFromParent()
        body = replace_in(loop.body, mapping)
        header = cst.parse_statement(f"for {target} in {iterable}:\n    pass\n")
        assert isinstance(header, cst.For) and isinstance(body, cst.BaseSuite)
        init = site.init
        above = init.leading_lines if isinstance(init, cst.SimpleStatementLine) else ()
        new = header.with_changes(body=body, orelse=loop.orelse, leading_lines=[*above, *loop.leading_lines])
        return replace(facts.function, {loop: new, site.init: cst.RemoveFromParent()})


def _singular(name: str) -> str:
    if name.endswith("ies") and len(name) > 4:
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss") and len(name) > 1:
        return name[:-1]
    return f"{name}_item"


def _length_of(facts: Facts, node: cst.BaseExpression) -> str | None:
    """`xs` in `len(xs)`, or in `n` bound once to `len(xs)` of an `xs` never changed or rebound."""
    if isinstance(node, cst.Name) and facts.param(node.value) is None:
        values = facts.assigned_values(node.value)
        sequence = _length_of(facts, values[0]) if values and len(values) == 1 else None
        stable = sequence is not None and (facts.is_stable_param(sequence) or len(facts.bindings(sequence)) == 1)
        return sequence if stable and sequence and all(facts.read_only(u) for u in facts.loads(sequence)) else None
    if isinstance(node, cst.Call) and is_name(node.func, "len") and len(node.args) == 1 and is_name(node.args[0].value):
        value = node.args[0].value
        assert isinstance(value, cst.Name)
        return value.value
    return None


def _enumerated(facts: Facts, loop: Repeater, refusals: Refusals) -> _Site | None:
    """`for i, x in enumerate(xs)` whose body still reads `xs[i]`."""
    assert not isinstance(loop, cst.While)
    header = loop if isinstance(loop, cst.For) else loop.for_in
    iterable, target = header.iter, header.target
    names = [e.value for e in target.elements] if isinstance(target, cst.Tuple) else []
    if not (len(names) == 2 and all(isinstance(n, cst.Name) for n in names) and isinstance(iterable, cst.Call)
            and is_name(iterable.func, "enumerate") and len(iterable.args) == 1 and is_name(iterable.args[0].value)):
        return None
    index, item = (code(n) for n in names)
    site = _site(facts, loop, index, code(iterable.args[0].value), refusals)
    scope: cst.CSTNode = loop if isinstance(loop, COMPREHENSIONS) else loop.body
    if site is None or [b for b in facts.bindings(item, scope) if b is not names[1]]:
        return None
    return _Site(loop, index, site.sequence, site.reads, True, item=item)


def _for_site(facts: Facts, loop: Repeater, refusals: Refusals) -> _Site | None:
    if isinstance(loop, cst.While):
        return None
    header = loop if isinstance(loop, cst.For) else loop.for_in
    iterable, target = header.iter, header.target
    if isinstance(target, cst.Tuple):
        return _enumerated(facts, loop, refusals)
    if not (isinstance(iterable, cst.Call) and is_name(iterable.func, "range") and isinstance(target, cst.Name)):
        return None
    args = [a.value for a in iterable.args if not a.keyword and not a.star]
    if len(args) != len(iterable.args) or not (len(args) == 1 or (len(args) == 2 and code(args[0]) == "0")):
        return None
    sequence = _length_of(facts, args[-1])
    return _site(facts, loop, target.value, sequence, refusals) if sequence else None


def _while_site(facts: Facts, loop: cst.While, refusals: Refusals) -> _Site | None:
    test = loop.test
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
        return None
    operator, right = test.comparisons[0].operator, test.comparisons[0].comparator
    index, sequence = None, None
    if isinstance(operator, cst.LessThan) and is_name(test.left):
        index, sequence = code(test.left), _length_of(facts, right)
    elif isinstance(operator, cst.GreaterThan) and is_name(right):
        index, sequence = code(right), _length_of(facts, test.left)
    body = logical_body(loop.body)
    init, step = facts.previous(loop), body[-1] if body and isinstance(loop.body, cst.IndentedBlock) else None
    if index is None or sequence is None or not _sets(init, index, "0") or not _steps(step, index):
        return None
    assert init is not None and step is not None
    if any(len(line.body) != 1 for line in (facts.line(init), facts.line(step)) if isinstance(line, cst.SimpleStatementLine)):
        return None
    if _continues(facts, loop) or [n for n in facts.names(index) if not facts.inside(n, loop) and not facts.inside(n, init)]:
        refusals.refuse(loop, f"the while loop may skip its step, or {index} is read after it")
        return None
    site = _site(facts, loop, index, sequence, refusals, step)
    if site is None:
        return None
    return _Site(loop, index, sequence, site.reads, site.keep_index, facts.line(init), facts.line(step))


def _sets(statement: cst.CSTNode | None, name: str, value: str) -> bool:
    return (isinstance(statement, cst.Assign) and len(statement.targets) == 1 and is_name(statement.targets[0].target, name)
            and code(statement.value) == value)


def _steps(statement: cst.CSTNode | None, name: str) -> bool:
    return (isinstance(statement, cst.AugAssign) and isinstance(statement.operator, cst.AddAssign)
            and is_name(statement.target, name) and code(statement.value) == "1")


def _continues(facts: Facts, loop: cst.While) -> bool:
    """A `continue` of this loop (not of a loop inside it)."""
    for node in facts.walk(loop.body):
        if isinstance(node, cst.Continue):
            owner = next(a for a in facts.ancestors(node) if isinstance(a, (cst.For, cst.While)))
            if owner is loop:
                return True
    return False


def _site(facts: Facts, loop: Repeater, index: str, sequence: str, refusals: Refusals,
          step: cst.CSTNode | None = None) -> _Site | None:
    scope: cst.CSTNode = loop if isinstance(loop, COMPREHENSIONS) else loop.body
    reads = [n for n in facts.walk(scope) if isinstance(n, cst.Subscript) and _reads_at(n, sequence, index)]
    if not reads:
        return None
    target = loop.for_in.target if isinstance(loop, COMPREHENSIONS) else None
    if [b for b in facts.bindings(index, scope) if not (target is not None and facts.inside(b, target))
            and (step is None or not facts.inside(b, step))]:
        return None
    kind = _kind(facts, sequence)
    if kind not in _SEQUENCES:
        refusals.refuse(loop, f"{sequence} is not known to be a list, tuple or str (a dict is indexed by key)")
        return None
    if facts.bindings(sequence, loop) or not all(facts.read_only(u) for u in facts.loads(sequence, loop)):
        return None  # the loop changes the sequence: the index form is what it needs
    if aliased(facts, sequence) or source_changes(facts, sequence, loop):
        refusals.refuse(loop, f"{sequence} is also held by another name, which the loop could change it through")
        return None
    if any(facts.in_nested_scope(r) or _deferred(facts, r) for r in reads):
        refusals.refuse(loop, f"{sequence}[{index}] is read by code that may run later")
        return None
    uses = [n for n in facts.names(index) if not any(facts.inside(n, r) for r in reads)]
    if isinstance(loop, cst.For):
        keep = any(n is not loop.target for n in uses)
    elif isinstance(loop, cst.While):
        keep = any(facts.inside(n, loop.body) and (step is None or not facts.inside(n, step)) for n in uses)
    else:
        keep = any(facts.inside(n, loop) and n is not loop.for_in.target for n in uses)
    return _Site(loop, index, sequence, tuple(reads), keep)


def _reads_at(node: cst.Subscript, sequence: str, index: str) -> bool:
    if not is_name(node.value, sequence) or len(node.slice) != 1:
        return False
    part = node.slice[0].slice
    return isinstance(part, cst.Index) and is_name(part.value, index)


def _kind(facts: Facts, sequence: str) -> str | None:
    shape = shape_of(facts, cst.Name(sequence))
    if shape is not None:
        return shape.kind
    typed = type_of(facts, cst.Name(sequence))
    return head(typed) if typed is not None else None


def _deferred(facts: Facts, node: cst.CSTNode) -> bool:
    """Inside a generator expression that is not consumed at once (an argument of a call)."""
    for ancestor in facts.ancestors(node):
        if isinstance(ancestor, cst.GeneratorExp):
            return not isinstance(facts.parents.get(ancestor), (cst.Arg, cst.Call))
        if isinstance(ancestor, (cst.BaseSmallStatement, cst.BaseCompoundStatement)):
            return False
    return False
