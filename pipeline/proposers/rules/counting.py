"""Nested counting: for every `w`, a full pass over `ws` to count it —
`sum(1 for v in ws if v == w)`, `ws.count(w)`, or `n = 0; for v in ws: if v == w: n += 1` —
inside a loop or comprehension over `w`. Quadratic; one counting pass before the loop
(`tally = dict.fromkeys(ws, 0)`, then `tally[v] += 1`) makes every count a lookup.

The common whole-dict form, `for w in ws: [if w in d: continue] d[w] = <count of w in ws>`
(or `{w: <count> for w in ws}`), becomes the single pass itself: `d[w] = d.get(w, 0) + 1`. Keys
keep their first-seen order. Exact for elements whose equal values are interchangeable and whose
`==` agrees with `hash` (str, int, bytes, tuples of them: the annotation must say so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import PURE_BUILTINS, Facts, logical_body
from pipeline.proposers.rules._base import FunctionRule, Refusals, Replacement, code, in_place_of, replace, statements
from pipeline.proposers.rules._running import is_name
from pipeline.proposers.rules._types import is_interchangeable, shape_of

__all__ = ["NestedCounting"]

_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


@dataclass(frozen=True)
class _Site:
    node: cst.CSTNode  # the counting call, or the inner counting loop
    items: str  # ws
    item: str  # w
    owner: cst.For | cst.CompFor  # the iteration over w
    init: cst.Assign | None = None  # `n = 0` before the inner loop
    total: str = ""  # n


@dataclass(frozen=True)
class _KeySite:
    node: cst.Attribute  # `ws.count` passed as `key=` to max/min/sorted over the items of `ws`
    items: str
    statement: cst.CSTNode


class NestedCounting(FunctionRule[_Site | _KeySite]):
    NAME: ClassVar[str] = "count-in-one-pass"
    DESCRIPTION: ClassVar[str] = "a full recount for every item becomes one counting pass and lookups"
    DIAGNOSTIC: ClassVar[str] = "nested-counting"

    def _node(self, site: _Site | _KeySite) -> cst.CSTNode:
        return site.node

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site | _KeySite]:
        found: list[_Site | _KeySite] = []
        for node in facts.walk(facts.function.body):
            site = _count_at(facts, node)
            if site is not None and (reason := _refusal(facts, site)) is None:
                found.append(site)
            elif site is not None and reason:
                refusals.refuse(site.node, reason)
            elif isinstance(node, cst.Arg) and (keyed := _key_count(facts, node, refusals)) is not None:
                found.append(keyed)
        return found

    def _apply(self, facts: Facts, site: _Site | _KeySite) -> cst.FunctionDef:
        if isinstance(site, _KeySite):
            return _apply_key(facts, site)
        whole = _whole_dict_loop(facts, site) or _whole_dict_comprehension(facts, site)
        if whole is not None:
            return replace(facts.function, whole)
        tally, counted = facts.fresh(f"{site.items}_tally"), facts.fresh("counted")
        same = isinstance(site.owner.iter, cst.Name) and site.owner.iter.value == site.items
        lookup = f"{tally}[{site.item}]" if same else f"{tally}.get({site.item}, 0)"
        prelude = statements(f"""
            {tally} = dict.fromkeys({site.items}, 0)
            for {counted} in {site.items}:
                {tally}[{counted}] += 1
            """)
        mapping: dict[cst.CSTNode, Replacement] = {site.node: cst.parse_expression(lookup)}
        if site.init is not None:
            line = facts.line(site.init)
            mapping = {line: in_place_of(line, statements(f"{site.total} = {lookup}")), site.node: cst.RemoveFromParent()}
        return replace(facts.function, mapping, before={facts.line(_anchor(facts, site)): prelude})


def _key_count(facts: Facts, argument: cst.Arg, refusals: Refusals) -> _KeySite | None:
    """`max(set(ws), key=ws.count)` (or min/sorted, over `ws` itself, `set(ws)`, `dict.fromkeys(ws)`…)."""
    call, value = facts.parents.get(argument), argument.value
    if not (argument.keyword is not None and argument.keyword.value == "key" and isinstance(value, cst.Attribute)
            and value.attr.value == "count" and is_name(value.value) and isinstance(call, cst.Call)
            and is_name(call.func) and code(call.func) in ("max", "min", "sorted") and not facts.bindings(code(call.func))):
        return None
    items = code(value.value)
    first = call.args[0].value if call.args and not call.args[0].keyword and not call.args[0].star else None
    if first is None or not _over(first, items):
        return None
    shape = shape_of(facts, cst.Name(items))
    statement = facts.line(facts.statement(call))
    if shape is None or shape.kind not in ("list", "tuple", "Sequence") or not is_interchangeable(shape.element):
        refusals.refuse(value, f"the elements of {items} are not known to be str/int/bytes (annotate them)")
        return None
    calls = [n for n in facts.walk(statement) if isinstance(n, cst.Call) and n is not call and not _over(n, items)]
    if any(not (is_name(c.func) and code(c.func) in PURE_BUILTINS) for c in calls) or facts.in_nested_scope(call):
        return None
    if not isinstance(facts.parents.get(statement), cst.IndentedBlock) or not facts.available_before(items, statement):
        return None
    return _KeySite(value, items, statement)


def _over(node: cst.BaseExpression, items: str) -> bool:
    """`items`, or a builtin's copy of its distinct members: `set(items)`, `sorted(set(items))`…"""
    if is_name(node, items):
        return True
    if isinstance(node, cst.Call) and len(node.args) == 1 and not node.args[0].keyword and not node.args[0].star:
        func = code(node.func)
        return func in ("set", "frozenset", "sorted", "list", "tuple", "dict.fromkeys") and _over(node.args[0].value, items)
    return False


def _apply_key(facts: Facts, site: _KeySite) -> cst.FunctionDef:
    tally, counted = facts.fresh(f"{site.items}_tally"), facts.fresh("counted")
    prelude = statements(f"""
        {tally} = dict.fromkeys({site.items}, 0)
        for {counted} in {site.items}:
            {tally}[{counted}] += 1
        """)
    return replace(facts.function, {site.node: cst.parse_expression(f"{tally}.__getitem__")}, before={site.statement: prelude})


def _anchor(facts: Facts, site: _Site) -> cst.CSTNode:
    return facts.statement(site.owner) if isinstance(site.owner, cst.CompFor) else site.owner


def _equality(test: cst.BaseExpression, a: str) -> str | None:
    """The other name in `a == b` or `b == a`."""
    if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
        return None
    left, right = test.left, test.comparisons[0].comparator
    if not isinstance(test.comparisons[0].operator, cst.Equal) or not (is_name(left) and is_name(right)):
        return None
    assert isinstance(left, cst.Name) and isinstance(right, cst.Name)
    if left.value == a:
        return right.value
    return left.value if right.value == a else None


def _counted(comprehension: cst.GeneratorExp | cst.ListComp, test: cst.BaseExpression | None) -> tuple[str, str] | None:
    """(items, item) for a comprehension over `items` whose `v == item` test picks what it counts."""
    comp = comprehension.for_in
    if comp.inner_for_in or not is_name(comp.target) or not is_name(comp.iter) or test is None:
        return None
    assert isinstance(comp.target, cst.Name) and isinstance(comp.iter, cst.Name)
    item = _equality(test, comp.target.value)
    return (comp.iter.value, item) if item and item != comp.target.value else None


def _count_at(facts: Facts, node: cst.CSTNode) -> _Site | None:
    """`sum(1 for v in ws if v == w)`, `sum(v == w for v in ws)`, `len([v for v in ws if v == w])`,
    `ws.count(w)`, or a counting loop."""
    argument = node.args[0].value if isinstance(node, cst.Call) and len(node.args) == 1 and not node.args[0].keyword else None
    found = None
    if isinstance(node, cst.Call) and is_name(node.func, "sum") and isinstance(argument, cst.GeneratorExp):
        ifs = argument.for_in.ifs
        if isinstance(argument.elt, cst.Integer) and argument.elt.value == "1" and len(ifs) == 1:
            found = _counted(argument, ifs[0].test)
        elif not ifs:
            found = _counted(argument, argument.elt)
    elif isinstance(node, cst.Call) and is_name(node.func, "len") and isinstance(argument, cst.ListComp):
        plain = is_name(argument.elt, code(argument.for_in.target))
        found = _counted(argument, argument.for_in.ifs[0].test) if plain and len(argument.for_in.ifs) == 1 else None
    if found is not None:
        return _owned(facts, node, *found)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "count":
        owner_name, args = node.func.value, node.args
        if is_name(owner_name) and len(args) == 1 and is_name(args[0].value) and not args[0].keyword and not args[0].star:
            assert isinstance(owner_name, cst.Name) and isinstance(args[0].value, cst.Name)
            return _owned(facts, node, owner_name.value, args[0].value.value)
        return None
    return _counting_loop(facts, node) if isinstance(node, cst.For) else None


def _counting_loop(facts: Facts, loop: cst.For) -> _Site | None:
    """`n = 0` then `for v in ws: if v == w: n += 1`."""
    body = logical_body(loop.body)
    if loop.orelse or not is_name(loop.target) or not is_name(loop.iter) or len(body) != 1:
        return None
    test = body[0]
    if not isinstance(test, cst.If) or test.orelse is not None or len(inner := logical_body(test.body)) != 1:
        return None
    bump = inner[0]
    if not (isinstance(bump, cst.AugAssign) and isinstance(bump.operator, cst.AddAssign) and is_name(bump.target)
            and isinstance(bump.value, cst.Integer) and bump.value.value == "1"):
        return None
    assert isinstance(loop.target, cst.Name) and isinstance(loop.iter, cst.Name) and isinstance(bump.target, cst.Name)
    item, total = _equality(test.test, loop.target.value), bump.target.value
    init = facts.previous(loop)
    zero = (isinstance(init, cst.Assign) and len(init.targets) == 1 and is_name(init.targets[0].target, total)
            and isinstance(init.value, cst.Integer) and init.value.value == "0")
    if not item or item == loop.target.value or not zero or not isinstance(init, cst.Assign):
        return None
    line = facts.line(init)
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    site = _owned(facts, loop, loop.iter.value, item)
    return None if site is None else _Site(loop, site.items, item, site.owner, init, total)


def _owned(facts: Facts, node: cst.CSTNode, items: str, item: str) -> _Site | None:
    """The site, if the innermost loop or comprehension around `node` iterates over `item`."""
    child: cst.CSTNode = node
    for ancestor in facts.ancestors(node):
        if isinstance(ancestor, cst.For) and child is ancestor.body:
            return _Site(node, items, item, ancestor) if is_name(ancestor.target, item) else None
        if isinstance(ancestor, _COMPREHENSIONS):
            comp = ancestor.for_in
            if child is comp and not any(facts.inside(node, test) for test in comp.ifs):
                return None
            return _Site(node, items, item, comp) if is_name(comp.target, item) and not comp.inner_for_in else None
        if isinstance(ancestor, (cst.While, cst.FunctionDef, cst.Lambda)):
            return None
        child = ancestor
    return None


def _refusal(facts: Facts, site: _Site) -> str | None:
    """Why the site cannot be rewritten exactly ("" when it is not worth a message), or None."""
    shape = shape_of(facts, cst.Name(site.items))
    if shape is None or not is_interchangeable(shape.element):
        return f"the elements of {site.items} are not known to be str/int/bytes (annotate them)"
    if isinstance(site.node, cst.Call) and isinstance(site.node.func, cst.Attribute) and shape.kind not in ("list", "tuple", "Sequence"):
        return ""  # str.count counts substrings
    scope = site.owner if isinstance(site.owner, cst.For) else facts.statement(site.owner)
    for use in facts.names(site.items, scope):
        if not (facts.inside(use, site.node) or facts.inside(use, site.owner.iter)) or facts.is_store(use):
            return f"{site.items} is used or changed elsewhere in the loop"
    if [n for n in facts.bindings(site.item, scope) if n is not site.owner.target]:
        return f"{site.item} is rebound inside the loop"
    if not facts.available_before(site.items, _anchor(facts, site)):
        return f"{site.items} is not fixed before the loop"
    if isinstance(site.node, cst.For):
        inner = site.node.target
        assert isinstance(inner, cst.Name)
        if any(not facts.inside(n, site.node) for n in facts.names(inner.value)):
            return f"the counting loop's variable {inner.value} is used after it"
    return None


def _whole_dict_loop(facts: Facts, site: _Site) -> dict[cst.CSTNode, Replacement] | None:
    """`for w in ws: [if w in d: continue] d[w] = <count>` → `d[w] = d.get(w, 0) + 1`."""
    loop = site.owner
    if not isinstance(loop, cst.For) or loop.orelse or not is_name(loop.iter, site.items):
        return None
    body = logical_body(loop.body)
    last = body[-1] if body else None
    if not (isinstance(last, cst.Assign) and len(last.targets) == 1 and isinstance(last.targets[0].target, cst.Subscript)):
        return None
    target = last.targets[0].target
    assert isinstance(target, cst.Subscript)
    index = target.slice[0].slice if len(target.slice) == 1 else None
    if not (is_name(target.value) and isinstance(index, cst.Index) and is_name(index.value, site.item)):
        return None
    assert isinstance(target.value, cst.Name)
    counts = target.value.value
    core = [site.init, site.node] if site.init is not None else []
    expected = cst.Name(site.total) if site.init is not None else site.node
    if body[len(body) - 1 - len(core):-1] != core or not (last.value is expected or last.value.deep_equals(expected)):
        return None
    guard = body[: len(body) - 1 - len(core)]
    if guard and not (len(guard) == 1 and _skips_counted(guard[0], site.item, counts)):
        return None
    if site.init is not None and len(facts.names(site.total)) != 3:
        return None
    if not _starts_empty(facts, loop, counts):
        return None
    new = statements(f"for {code(loop.target)} in {site.items}:\n    {counts}[{site.item}] = {counts}.get({site.item}, 0) + 1")
    return {loop: in_place_of(loop, new)}


def _skips_counted(statement: cst.CSTNode, item: str, counts: str) -> bool:
    if not isinstance(statement, cst.If) or statement.orelse is not None:
        return False
    body, test = logical_body(statement.body), statement.test
    if len(body) != 1 or not isinstance(body[0], cst.Continue) or not isinstance(test, cst.Comparison):
        return False
    target = test.comparisons[0]
    return (len(test.comparisons) == 1 and isinstance(target.operator, cst.In) and is_name(test.left, item)
            and is_name(target.comparator, counts))


def _starts_empty(facts: Facts, loop: cst.For, counts: str) -> bool:
    """`counts = {}` earlier in the loop's block, and nothing in between mentions it."""
    siblings = facts.siblings(loop)
    for statement in reversed(siblings[: next(i for i, s in enumerate(siblings) if s is loop)]):
        if facts.names(counts, statement):
            value = statement.value if isinstance(statement, (cst.Assign, cst.AnnAssign)) else None
            single = not isinstance(statement, cst.Assign) or len(statement.targets) == 1
            return single and isinstance(value, cst.Dict) and not value.elements
    return False


def _whole_dict_comprehension(facts: Facts, site: _Site) -> dict[cst.CSTNode, Replacement] | None:
    """`{w: <count> for w in ws}` as a statement's whole value → a counting pass."""
    comp = facts.parents.get(site.owner)
    statement = facts.parents.get(comp) if comp is not None else None
    if not (isinstance(comp, cst.DictComp) and comp.value is site.node and is_name(comp.key, site.item)
            and isinstance(site.owner, cst.CompFor) and not site.owner.ifs and is_name(site.owner.iter, site.items) and not comp.lpar):
        return None
    if isinstance(statement, cst.Return):
        name = facts.fresh("counts")
        head, tail = "", [f"return {name}"]
    elif isinstance(statement, cst.Assign) and len(statement.targets) == 1 and is_name(statement.targets[0].target):
        name, head, tail = code(statement.targets[0].target), "", []
    elif isinstance(statement, cst.AnnAssign) and is_name(statement.target):
        name, head, tail = code(statement.target), f": {code(statement.annotation.annotation)}", []
    else:
        return None
    counted = facts.fresh("counted")
    new = statements("\n".join([f"{name}{head} = dict.fromkeys({site.items}, 0)", f"for {counted} in {site.items}:",
                                f"    {name}[{counted}] += 1", *tail]))
    line = facts.line(statement)
    return {line: in_place_of(line, new)}
