"""Order-preserving de-duplication into a list, by membership tests against the list itself:

    out = []
    for x in xs:
        if skip(x): continue          # optional filters, kept as the generator's condition
        if x not in out:              # or: `if x in out: continue` then `out.append(x)`
            out.append(x)

becomes `out = list(dict.fromkeys(x for x in xs if not skip(x)))` — one hash lookup per item
instead of a scan of everything kept so far. Exact for hashable items whose `==` agrees with
`hash` (the element type must say so); filters run in the same order on the same items.

The same with a comprehension and a side list, `seen = []` then
`out = [x for x in xs if x not in seen and not seen.append(x)]` (or `if not (x in seen or
seen.append(x))`, the side list read nowhere else), or `[seen.append(x) for x in xs if x not in
seen]` run for its effect: the list built is `list(dict.fromkeys(xs))`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts, logical_body
from pipeline.proposers.rules._base import FunctionRule, Refusals, code, empty_list, in_place_of, operand, replace, statements
from pipeline.proposers.rules._types import element_of, head, is_hashable, shape_of

__all__ = ["DedupeFromKeys"]


@dataclass(frozen=True)
class _Site:
    loop: cst.For | cst.ListComp  # the loop, or the comprehension with a side list
    init: cst.Assign | cst.AnnAssign
    filters: tuple[cst.BaseExpression, ...]
    result: str = ""  # the comprehension form: what the deduplicated list is assigned to


class DedupeFromKeys(FunctionRule[_Site]):
    NAME: ClassVar[str] = "dedupe-dict-fromkeys"
    DESCRIPTION: ClassVar[str] = "order-preserving dedupe by `not in` on a list becomes list(dict.fromkeys(...))"
    DIAGNOSTIC: ClassVar[str] = "quadratic-membership"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.loop

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
        loops = [loop for loop in facts.own_loops() if isinstance(loop, cst.For)]
        found = [site for loop in loops if (site := _site(facts, loop, refusals)) is not None]
        comprehensions = [n for n in facts.walk(facts.function.body) if isinstance(n, cst.ListComp)]
        return found + [site for comp in comprehensions if (site := _side_list(facts, comp, refusals)) is not None]

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        if isinstance(site.loop, cst.ListComp):
            statement = facts.line(facts.statement(site.loop))
            deduplicated = f"list(dict.fromkeys({operand(site.loop.for_in.iter)}))"
            init = site.init
            declared = f": {code(init.annotation.annotation)}" if isinstance(init, cst.AnnAssign) and _binds(init, site.result) else ""
            head = "return " if site.result == "return" else f"{site.result}{declared} = "
            new = statements(head + deduplicated)
            if isinstance(statement, cst.SimpleStatementLine) and "type: ignore" in code(statement.trailing_whitespace):
                statement = statement.with_changes(trailing_whitespace=cst.TrailingWhitespace())  # `append`'s None is no longer used
            replacement = in_place_of(statement, new)
            return replace(facts.function, {facts.line(facts.statement(site.loop)): replacement,
                                            facts.line(site.init): cst.RemoveFromParent()})
        assert isinstance(site.loop.target, cst.Name)
        item, source = site.loop.target.value, operand(site.loop.iter)
        if site.filters:
            conditions = " and ".join(_negated(f) for f in site.filters)
            source = f"{item} for {item} in {source} if {conditions}"
        init = site.init
        target = code(init.target if isinstance(init, cst.AnnAssign) else init.targets[0].target)
        annotation = f": {code(init.annotation.annotation)}" if isinstance(init, cst.AnnAssign) else ""
        new = statements(f"{target}{annotation} = list(dict.fromkeys({source}))")
        init_line = facts.line(init)
        mapping = {facts.line(site.loop): in_place_of(site.loop, new), init_line: cst.RemoveFromParent()}
        if facts.previous(site.loop) is init:  # keep the comments above the initialisation
            mapping = {init_line: in_place_of(init_line, new), site.loop: cst.RemoveFromParent()}
        return replace(facts.function, mapping)


def _negated(condition: cst.BaseExpression) -> str:
    if isinstance(condition, cst.Comparison) and len(condition.comparisons) == 1:
        flip = {cst.In: cst.NotIn(), cst.NotIn: cst.In(), cst.Is: cst.IsNot(), cst.IsNot: cst.Is()}
        operator = flip.get(type(condition.comparisons[0].operator))
        if operator is not None:
            target = condition.comparisons[0].with_changes(operator=operator)
            return code(condition.with_changes(comparisons=[target]))
    if isinstance(condition, cst.UnaryOperation) and isinstance(condition.operator, cst.Not):
        inner = condition.expression
        return code(inner) if not isinstance(inner, (cst.BooleanOperation, cst.IfExp, cst.NamedExpr)) else f"({code(inner)})"
    atom = (cst.Name, cst.Call, cst.Attribute, cst.Subscript, cst.Comparison)
    return f"not {code(condition)}" if isinstance(condition, atom) else f"not ({code(condition)})"


def _continue_if(statement: cst.CSTNode) -> cst.BaseExpression | None:
    if isinstance(statement, cst.If) and statement.orelse is None:
        body = logical_body(statement.body)
        if len(body) == 1 and isinstance(body[0], cst.Continue):
            return statement.test
    return None


def _membership(test: cst.BaseExpression, item: str, negated: bool) -> str | None:
    """The list name in `item in out` (or `item not in out`)."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    target = test.comparisons[0]
    operator = cst.NotIn if negated else cst.In
    if isinstance(test.left, cst.Name) and test.left.value == item and isinstance(target.operator, operator):
        return target.comparator.value if isinstance(target.comparator, cst.Name) else None
    return None


def _is_append(statement: cst.CSTNode, out: str, item: str) -> bool:
    if not isinstance(statement, cst.Expr) or not isinstance(statement.value, cst.Call):
        return False
    call = statement.value
    func, args = call.func, call.args
    return (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.value.value == out
            and func.attr.value == "append" and len(args) == 1 and not args[0].star and not args[0].keyword
            and isinstance(args[0].value, cst.Name) and args[0].value.value == item)


def _shape(facts: Facts, loop: cst.For) -> tuple[str, tuple[cst.BaseExpression, ...]] | None:
    """The list name and the filters, if the loop body is exactly the dedupe pattern."""
    if loop.orelse is not None or loop.asynchronous is not None or not isinstance(loop.target, cst.Name):
        return None
    item, body = loop.target.value, logical_body(loop.body)
    out, head_size = None, 0
    if len(body) >= 2 and (test := _continue_if(body[-2])) is not None:
        out, head_size = _membership(test, item, False), len(body) - 2
        out = out if out and _is_append(body[-1], out, item) else None
    if out is None and body and isinstance(body[-1], cst.If) and body[-1].orelse is None:
        out, inner, head_size = _membership(body[-1].test, item, True), logical_body(body[-1].body), len(body) - 1
        out = out if out and len(inner) == 1 and _is_append(inner[0], out, item) else None
    filters = [_continue_if(s) for s in body[:head_size]]
    if out is None or any(f is None for f in filters):
        return None
    return out, tuple(f for f in filters if f is not None)


def _site(facts: Facts, loop: cst.For, refusals: Refusals) -> _Site | None:
    shape = _shape(facts, loop)
    if shape is None:
        return None
    out, filters = shape
    assert isinstance(loop.target, cst.Name)
    item = loop.target.value
    init = _initialisation(facts, loop, out)
    if init is None:
        refusals.refuse(loop, f"{out} is not set to [] just before the loop (or is used in between)")
        return None
    if any(facts.names(out, f) for f in filters) or facts.names(out, loop.iter):
        refusals.refuse(loop, f"a filter or the iterable reads {out}")
        return None
    if any(not facts.inside(n, loop) for n in facts.names(item)):
        refusals.refuse(loop, f"the loop variable {item} is used after the loop")
        return None
    annotation = init.annotation.annotation if isinstance(init, cst.AnnAssign) else None
    iterated = shape_of(facts, loop.iter)
    elements = [element_of(annotation) if annotation is not None and head(annotation) == "list" else None,
                iterated.element if iterated is not None else None]
    if not any(is_hashable(e) for e in elements):
        refusals.refuse(loop, f"the items of {out} are not known to be hashable")
        return None
    return _Site(loop, init, tuple(filters))


def _binds(init: cst.AnnAssign, name: str) -> bool:
    return isinstance(init.target, cst.Name) and init.target.value == name


def _appends_item(node: cst.BaseExpression, out: str, item: str) -> bool:
    """`out.append(item)`."""
    return _is_append(cst.Expr(value=node), out, item)


def _side_condition(condition: cst.BaseExpression, item: str) -> str | None:
    """The side list in `item not in seen and not seen.append(item)` / `not (item in seen or seen.append(item))`."""
    if isinstance(condition, cst.BooleanOperation) and isinstance(condition.operator, cst.And):
        seen = _membership(condition.left, item, True)
        right = condition.right
        if seen and isinstance(right, cst.UnaryOperation) and isinstance(right.operator, cst.Not) and _appends_item(right.expression, seen, item):
            return seen
    if isinstance(condition, cst.UnaryOperation) and isinstance(condition.operator, cst.Not):
        inner = condition.expression
        if isinstance(inner, cst.BooleanOperation) and isinstance(inner.operator, cst.Or):
            seen = _membership(inner.left, item, False)
            return seen if seen and _appends_item(inner.right, seen, item) else None
    return None


def _side_list(facts: Facts, comp: cst.ListComp, refusals: Refusals) -> _Site | None:
    """`[x for x in xs if x not in seen and not seen.append(x)]` assigned or returned, or
    `[seen.append(x) for x in xs if x not in seen]` run for its effect."""
    loop = comp.for_in
    if loop.inner_for_in or len(loop.ifs) != 1 or not isinstance(loop.target, cst.Name) or comp.lpar:
        return None
    item, condition, statement = loop.target.value, loop.ifs[0].test, facts.parents.get(comp)
    seen = _side_condition(condition, item) if isinstance(comp.elt, cst.Name) and comp.elt.value == item else None
    if seen is not None and isinstance(statement, cst.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0].target, cst.Name):
        result = statement.targets[0].target.value
    elif seen is not None and isinstance(statement, cst.Return):
        result = ""
    elif isinstance(statement, cst.Expr) and (seen := _membership(condition, item, True)) and _appends_item(comp.elt, seen, item):
        result = seen
    else:
        return None
    anchor = facts.statement(comp)
    init = _initialisation(facts, anchor, seen) if isinstance(facts.parents.get(facts.line(anchor)), cst.IndentedBlock) else None
    elsewhere = [n for n in facts.names(seen) if not facts.inside(n, comp) and (init is None or not facts.inside(n, init))]
    if init is None or (result != seen and elsewhere) or facts.names(seen, loop.iter):
        refusals.refuse(comp, f"{seen} is not a side list set to [] before the comprehension and read nowhere else")
        return None
    if result == seen and any(not facts.before(anchor, n) for n in elsewhere):
        return None
    annotation = init.annotation.annotation if isinstance(init, cst.AnnAssign) else None
    iterated = shape_of(facts, loop.iter)
    elements = [element_of(annotation) if annotation is not None and head(annotation) == "list" else None,
                iterated.element if iterated is not None else None]
    if not any(is_hashable(e) for e in elements):
        refusals.refuse(comp, f"the items of {seen} are not known to be hashable")
        return None
    return _Site(comp, init, (), result or "return")


def _initialisation(facts: Facts, loop: cst.CSTNode, out: str) -> cst.Assign | cst.AnnAssign | None:
    """`out = []` earlier in the loop's own block, with nothing in between touching `out`."""
    siblings = facts.siblings(loop)
    index = next(i for i, s in enumerate(siblings) if s is loop)
    for statement in reversed(siblings[:index]):
        target = statement.target if isinstance(statement, cst.AnnAssign) else None
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            target = statement.targets[0].target
        value = statement.value if isinstance(statement, (cst.Assign, cst.AnnAssign)) else None
        if isinstance(target, cst.Name) and target.value == out:
            empty = empty_list(value)
            line = facts.line(statement)
            alone = not isinstance(line, cst.SimpleStatementLine) or len(line.body) == 1
            assert isinstance(statement, (cst.Assign, cst.AnnAssign))
            return statement if empty and alone else None
        if facts.names(out, statement):
            return None
    return None
