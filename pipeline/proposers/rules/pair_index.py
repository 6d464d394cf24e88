"""A linear search of a list of pairs or records inside a loop — for each item, scan
`for domain, folder in rules: if domain == key: …; break` (or `return …`), or
`next((v for k, v in pairs if k == key), default)` — becomes a dict built once before the loop
that keeps the FIRST match per key, and a lookup:

    rules_index: dict[str, tuple[str, str]] = {}
    for rules_item in rules:
        rules_index.setdefault(rules_item[0], rules_item)
    for item in items:
        if key in rules_index:
            domain, folder = rules_index[key]
            …
        [else: <the loop's else>]

Exact when the keys are str/int/bytes (or tuples of them: equal keys are interchangeable and
`==` agrees with `hash`), the value looked for is a plain name (or a str method of one) whose
declared or evident type is the keys' type, the list is neither rebound nor changed inside the loop, the
scan's variables are not read after it, and the match ends the scan (`break` or `return`); a
`next(…, default)` keeps its default, evaluated as before. Records compared by attribute, or of
unknown element type, are reported and refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts, logical_body
from pipeline.proposers.rules._base import FunctionRule, Refusals, Replacement, code, expression, replace, statements
from pipeline.proposers.rules._infer import type_of
from pipeline.proposers.rules._loops import aliased, placement, repeaters, shared_by, source_changes
from pipeline.proposers.rules._running import is_name
from pipeline.proposers.rules._types import arguments, element_of, head, is_hashable, is_interchangeable

__all__ = ["PairIndex"]

_PURE_STR = frozenset({"lower", "upper", "casefold", "strip", "lstrip", "rstrip", "title"})


@dataclass(frozen=True)
class _Site:
    node: cst.For | cst.Call  # the scanning loop, or the `next(...)` call
    pairs: str
    position: int  # of the key in each item
    value: int | None  # what the index keeps: the item (None) or its element at this position
    probe: cst.BaseExpression
    types: tuple[str, str]  # the index's key and value types
    anchor: cst.CSTNode


class PairIndex(FunctionRule[_Site]):
    NAME: ClassVar[str] = "scan-to-dict-lookup"
    DESCRIPTION: ClassVar[str] = "a linear search of a list of pairs inside a loop becomes a dict lookup"
    DIAGNOSTIC: ClassVar[str] = "linear-search-in-loop"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.node

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
        found = []
        for node in facts.walk(facts.function.body):
            site = None
            if isinstance(node, cst.For) and repeaters(facts, node):
                site = _scan_site(facts, node, refusals)
            elif isinstance(node, cst.Call) and is_name(node.func, "next") and repeaters(facts, node):
                site = _next_site(facts, node, refusals)
            found += [site] if site is not None else []
        return found

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        index, item = facts.fresh(f"{site.pairs}_index"), facts.fresh(f"{site.pairs}_item")
        kept = item if site.value is None else f"{item}[{site.value}]"
        build = statements(f"""
            {index}: dict[{site.types[0]}, {site.types[1]}] = {{}}
            for {item} in {site.pairs}:
                {index}.setdefault({item}[{site.position}], {kept})
            """)
        if isinstance(site.node, cst.Call):
            default = site.node.args[1].value
            lookup = expression(f"{index}.get({code(site.probe)}, {code(default)})")
            return replace(facts.function, {site.node: lookup}, before={site.anchor: build})
        mapping: dict[cst.CSTNode, Replacement] = {site.node: _lookup(site.node, index, site.probe)}
        return replace(facts.function, mapping, before={site.anchor: build})


def _lookup(loop: cst.For, index: str, probe: cst.BaseExpression) -> cst.If:
    """`if probe in index: <target> = index[probe]; <the match's statements>` [else: …]."""
    test = logical_body(loop.body)[0]
    assert isinstance(test, cst.If)
    kept: list[cst.BaseStatement] = []
    for line in _lines(test.body):
        if isinstance(line, cst.SimpleStatementLine):
            small = [s for s in line.body if not isinstance(s, cst.Break)]
            if small:
                small[-1] = small[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                kept.append(line.with_changes(body=small))
        else:
            kept.append(line)
    binding = statements(f"{code(loop.target)} = {index}[{code(probe)}]")
    header = cst.parse_statement(f"if {code(probe)} in {index}:\n    pass\n")
    assert isinstance(header, cst.If)
    orelse = cst.Else(body=loop.orelse.body) if loop.orelse is not None else None
    return header.with_changes(body=cst.IndentedBlock(body=[*binding, *kept]), orelse=orelse,
                               leading_lines=loop.leading_lines)


def _lines(suite: cst.BaseSuite) -> list[cst.BaseStatement]:
    if isinstance(suite, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=list(suite.body))]
    return [line for line in suite.body if isinstance(line, cst.BaseStatement)]


def _key(test: cst.BaseExpression, target: cst.BaseExpression) -> tuple[int, cst.BaseExpression, cst.BaseExpression] | None:
    """(the key's position in each item, the key expression, the value looked for) in `key == probe`."""
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.comparisons[0].operator, cst.Equal)):
        return None
    for key, probe in ((test.left, test.comparisons[0].comparator), (test.comparisons[0].comparator, test.left)):
        if isinstance(target, cst.Tuple) and isinstance(key, cst.Name):
            names = [e.value for e in target.elements]
            position = next((i for i, n in enumerate(names) if is_name(n, key.value)), None)
            if position is not None:
                return position, key, probe
        if isinstance(target, cst.Name) and isinstance(key, cst.Subscript) and is_name(key.value, target.value):
            part = key.slice[0].slice if len(key.slice) == 1 else None
            if isinstance(part, cst.Index) and isinstance(part.value, cst.Integer):
                return int(part.value.value), key, probe
            return -1, key, probe  # a record's field by name (`row["id"]`): reported, not rewritten
        if isinstance(target, cst.Name) and isinstance(key, cst.Attribute) and is_name(key.value, target.value):
            return -1, key, probe
    return None


def _types(facts: Facts, pairs: str, position: int, width: int | None) -> tuple[cst.BaseExpression, cst.BaseExpression] | None:
    """(key type, item type) of a list of tuples, or None."""
    element = element_of(facts.annotation(pairs) or type_of(facts, cst.Name(pairs)) or cst.Name("object"))
    if element is None or head(element) != "tuple" or position < 0:
        return None
    args = arguments(element)
    if len(args) == 2 and isinstance(args[1], cst.Ellipsis):
        return args[0], element
    if width is not None and width != len(args) or position >= len(args):
        return None
    return args[position], element


def _check(facts: Facts, node: cst.CSTNode, pairs: cst.BaseExpression, probe: cst.BaseExpression, position: int,
           width: int | None, refusals: Refusals) -> tuple[tuple[cst.BaseExpression, cst.BaseExpression], cst.CSTNode] | None:
    """((key type, item type), where to build the index), if the search can become a lookup."""
    if not isinstance(pairs, cst.Name):
        return None
    outer = shared_by(facts, node, frozenset({pairs.value}), read_only=True)
    anchor = placement(facts, outer) if outer is not None else None
    if outer is None or anchor is None:
        return None  # the list changes from one pass to the next
    types = _types(facts, pairs.value, position, width)
    if types is None or not is_interchangeable(types[0]):
        refusals.refuse(node, f"the keys of {pairs.value} are not known to be str/int/bytes (or tuples of them)")
        return None
    probed = type_of(facts, probe)
    if not (_plain(facts, probe) and is_hashable(probed) and probed is not None and code(probed) == code(types[0])):
        refusals.refuse(node, f"{code(probe)} is not a plain name whose type is that of the keys")
        return None
    shared = aliased(facts, pairs.value) or source_changes(facts, pairs.value, outer)
    if not facts.available_before(pairs.value, anchor) or shared:
        refusals.refuse(node, f"{pairs.value} is not bound once before the loop, or is also held by another name")
        return None
    return types, anchor


def _plain(facts: Facts, probe: cst.BaseExpression) -> bool:
    """A name, or a pure str method of one: evaluating it once instead of per item changes nothing."""
    if isinstance(probe, cst.Call) and isinstance(probe.func, cst.Attribute) and not probe.args:
        return probe.func.attr.value in _PURE_STR and _plain(facts, probe.func.value)
    return isinstance(probe, cst.Name)


def _scan_site(facts: Facts, loop: cst.For, refusals: Refusals) -> _Site | None:
    body = logical_body(loop.body)
    test = body[0] if len(body) == 1 else None
    if not (isinstance(test, cst.If) and test.orelse is None and isinstance(loop.target, (cst.Name, cst.Tuple))):
        return None
    target = loop.target
    if isinstance(target, cst.Tuple) and not all(isinstance(e, cst.Element) and is_name(e.value) for e in target.elements):
        return None
    found = _key(test.test, target)
    last = _lines(test.body)[-1]
    ends = isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], (cst.Break, cst.Return))
    if found is None or not ends or _exits(facts, test, loop):
        return None
    position, _, probe = found
    names = {n.value for n in facts.names(within=target)}
    if any(not facts.inside(n, loop) for name in names for n in facts.names(name)):
        refusals.refuse(loop, "the search's variables are read after it (they end on the last item when nothing matches)")
        return None
    if facts.names(within=probe) and any(facts.names(n.value, loop.target) for n in facts.names(within=probe)):
        return None
    width = len(target.elements) if isinstance(target, cst.Tuple) else None
    checked = _check(facts, loop, loop.iter, probe, position, width, refusals)
    if checked is None:
        return None
    (key, element), anchor = checked
    return _Site(loop, code(loop.iter), position, None, probe, (code(key), code(element)), anchor)


def _exits(facts: Facts, test: cst.If, loop: cst.For) -> bool:
    """A `break` or `continue` of `loop` before the last statement of the match."""
    last = _lines(test.body)[-1]
    for node in facts.walk(test.body):
        if isinstance(node, (cst.Break, cst.Continue)) and not (isinstance(node, cst.Break) and facts.inside(node, last)):
            owner = next(a for a in facts.ancestors(node) if isinstance(a, (cst.For, cst.While)))
            if owner is loop:
                return True
    return False


def _next_site(facts: Facts, call: cst.Call, refusals: Refusals) -> _Site | None:
    args = call.args
    if facts.bindings("next") or len(args) != 2 or any(a.keyword or a.star for a in args):
        return None
    generator, default = args[0].value, args[1].value
    if not isinstance(generator, cst.GeneratorExp) or generator.for_in.inner_for_in or len(generator.for_in.ifs) != 1:
        return None
    comp = generator.for_in
    target = comp.target
    if isinstance(target, cst.Tuple) and not all(isinstance(e, cst.Element) and is_name(e.value) for e in target.elements):
        return None
    found = _key(comp.ifs[0].test, target) if isinstance(target, (cst.Name, cst.Tuple)) else None
    value = _kept(generator.elt, target)
    if found is None or value == -1 or any(isinstance(n, (cst.Call, cst.NamedExpr, cst.Yield, cst.Await)) for n in facts.walk(default)):
        return None
    position, _, probe = found
    width = len(target.elements) if isinstance(target, cst.Tuple) else None
    checked = _check(facts, call, comp.iter, probe, position, width, refusals)
    if checked is None:
        return None
    (key, element), anchor = checked
    members = [a for a in arguments(element) if not isinstance(a, cst.Ellipsis)]
    kept = element if value is None else members[min(value, len(members) - 1)]
    return _Site(call, code(comp.iter), position, value, probe, (code(key), code(kept)), anchor)


def _kept(element: cst.BaseExpression, target: cst.BaseExpression) -> int | None:
    """What the generator yields: the item (None), or its element at a position (-1: other)."""
    if isinstance(target, cst.Name):
        return None if is_name(element, target.value) else -1
    if isinstance(target, cst.Tuple) and isinstance(element, cst.Name):
        names = [e.value for e in target.elements]
        return next((i for i, n in enumerate(names) if is_name(n, element.value)), -1)
    return -1
