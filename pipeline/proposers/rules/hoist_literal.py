"""A constant container rebuilt in every iteration of a loop or comprehension — a dict, set or
list display of literals, or `set([...])`, `frozenset({...})`, `set("aeiou")`, `dict(a=1)` — is
built once before the loop. An assignment `stop = {"a", "the"}` that is a loop body's own
statement moves out whole, keeping its name; a display used in place gets a fresh local.

Exact when the one shared container can never be told from a fresh one: its items are immutable
literals (str, bytes, numbers, bools, None, tuples of them), and a mutable container (dict, set,
list) is only read — searched, indexed, iterated, measured, copied — wherever it or the name
holding it is used, never changed, returned or handed to other code. Displays CPython already
folds into constants (a tuple of literals; a list or set display right of `in` or as a `for`
iterable) are left alone: nothing is rebuilt there. (Only the function is rewritten, so the
container is a local, not a module-level constant.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import PURE_BUILTINS, READ_METHODS, Facts
from pipeline.proposers.rules._base import FunctionRule, Refusals, Replacement, code, replace, statements
from pipeline.proposers.rules._loops import Repeater, movable, placement, repeaters

__all__ = ["HoistLiteral"]

_BUILDERS = frozenset({"set", "frozenset", "list", "tuple", "dict"})
_IMMUTABLE = frozenset({"frozenset", "tuple"})
_HINTS = {"dict": "lookup_table", "set": "member_set", "frozenset": "member_set", "list": "constant_list",
          "tuple": "constant_tuple"}


@dataclass(frozen=True)
class _Site:
    nodes: tuple[cst.BaseExpression, ...]
    anchor: cst.CSTNode
    hint: str
    moved: cst.Assign | cst.AnnAssign | None  # the loop's own `name = <literal>`, moved out whole


class HoistLiteral(FunctionRule[_Site]):
    NAME: ClassVar[str] = "hoist-constant-literal"
    DESCRIPTION: ClassVar[str] = "a constant dict/set/list rebuilt in every iteration is built once before the loop"
    DIAGNOSTIC: ClassVar[str] = "loop-invariant-work"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.nodes[0]

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
        groups: dict[tuple[int, str], list[tuple[cst.BaseExpression, Repeater]]] = {}
        anchors: dict[int, cst.CSTNode] = {}
        claimed: list[cst.CSTNode] = []
        for node in facts.walk(facts.function.body):
            kind = _kind(facts, node) if isinstance(node, (cst.Dict, cst.Set, cst.List, cst.Call)) else None
            if kind is None or any(facts.inside(node, c) for c in claimed) or _folded(facts, node):
                continue
            assert isinstance(node, cst.BaseExpression)
            around = repeaters(facts, node)
            anchor = placement(facts, around[-1]) if around else None
            if anchor is None:
                continue
            claimed.append(node)
            if kind not in _IMMUTABLE and not _only_read(facts, node):
                continue  # a fresh container each time is what the loop needs (it is changed or kept)
            anchors[id(anchor)] = anchor
            groups.setdefault((id(anchor), code(node)), []).append((node, around[-1]))
        return [_site(facts, anchors[key], found) for (key, _), found in groups.items()]

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        if site.moved is not None:
            line = facts.line(site.moved)
            assert isinstance(line, cst.SimpleStatementLine)
            return replace(facts.function, {line: cst.RemoveFromParent()}, before={site.anchor: [line]})
        name = facts.fresh(site.hint)
        mapping: dict[cst.CSTNode, Replacement] = {n: cst.Name(name) for n in site.nodes}
        return replace(facts.function, mapping, before={site.anchor: statements(f"{name} = {code(site.nodes[0])}")})


def _site(facts: Facts, anchor: cst.CSTNode, found: list[tuple[cst.BaseExpression, Repeater]]) -> _Site:
    nodes = tuple(n for n, _ in found)
    statement = facts.parents.get(nodes[0])
    moved = None
    if len(nodes) == 1 and isinstance(statement, (cst.Assign, cst.AnnAssign)) and statement.value is nodes[0]:
        moved = statement if movable(facts, statement, found[0][1]) else None
    kind = _kind(facts, nodes[0]) or "list"
    return _Site(nodes, anchor, _HINTS[kind], moved)


def _constant(node: cst.BaseExpression) -> bool:
    """An immutable literal: str, bytes, a number, True/False/None, or a tuple of them."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        return node.evaluated_value is not None
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        return isinstance(node.expression, (cst.Integer, cst.Float, cst.Imaginary))
    if isinstance(node, cst.Tuple):
        return all(isinstance(e, cst.Element) and _constant(e.value) for e in node.elements)
    return False


def _display(node: cst.BaseExpression) -> bool:
    """A list, set or tuple display (or a str) of constants."""
    if isinstance(node, (cst.List, cst.Set, cst.Tuple)):
        return all(isinstance(e, cst.Element) and _constant(e.value) for e in node.elements)
    return isinstance(node, (cst.SimpleString, cst.ConcatenatedString)) and node.evaluated_value is not None


def _pairs(node: cst.BaseExpression) -> bool:
    """A list or tuple display of constant pairs (what `dict(...)` takes without raising)."""
    if not isinstance(node, (cst.List, cst.Tuple)):
        return False
    items = [e.value for e in node.elements if isinstance(e, cst.Element)]
    return len(items) == len(node.elements) and all(isinstance(i, cst.Tuple) and len(i.elements) == 2 and _constant(i) for i in items)


def _kind(facts: Facts, node: cst.CSTNode) -> str | None:
    """The kind of container a constant builder builds, or None if `node` is not one."""
    if isinstance(node, cst.Dict):
        pairs = all(isinstance(e, cst.DictElement) and _constant(e.key) and _constant(e.value) for e in node.elements)
        return "dict" if pairs and node.elements else None
    if isinstance(node, (cst.Set, cst.List)):
        return ("set" if isinstance(node, cst.Set) else "list") if node.elements and _display(node) else None
    if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in _BUILDERS):
        return None
    builder, args = node.func.value, node.args
    if facts.bindings(builder) or any(a.star for a in args):
        return None
    if builder == "dict":
        keywords = bool(args) and all(a.keyword is not None and _constant(a.value) for a in args)
        return builder if keywords or (len(args) == 1 and args[0].keyword is None and _pairs(args[0].value)) else None
    if len(args) == 1 and args[0].keyword is None and _display(args[0].value):
        return builder
    return None


def _folded(facts: Facts, node: cst.CSTNode) -> bool:
    """A list or set display CPython compiles to a constant: right of `in`, or a `for` iterable."""
    if not isinstance(node, (cst.List, cst.Set)):
        return False
    parent = facts.parents.get(node)
    if isinstance(parent, cst.ComparisonTarget) and parent.comparator is node:
        return isinstance(parent.operator, (cst.In, cst.NotIn))
    return isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node


def _named(facts: Facts, node: cst.CSTNode) -> str | None:
    statement = facts.parents.get(node)
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1 and statement.value is node:
        target = statement.targets[0].target
        return target.value if isinstance(target, cst.Name) else None
    if isinstance(statement, cst.AnnAssign) and statement.value is node and isinstance(statement.target, cst.Name):
        return statement.target.value
    return None


def _reads(facts: Facts, node: cst.CSTNode) -> bool:
    """`node` is used where its value is only read, never kept or changed."""
    parent = facts.parents.get(node)
    if isinstance(parent, cst.ComparisonTarget):
        return parent.comparator is node
    if isinstance(parent, cst.Subscript):
        return parent.value is node and not _stored(facts, parent)
    if isinstance(parent, cst.Attribute):
        call = facts.parents.get(parent)
        return parent.attr.value in READ_METHODS and isinstance(call, cst.Call) and call.func is parent
    if isinstance(parent, cst.Arg):
        call = facts.parents.get(parent)
        return isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.func.value in PURE_BUILTINS
    if isinstance(parent, (cst.For, cst.CompFor)):
        return parent.iter is node
    return isinstance(parent, cst.Comparison) and parent.left is node


def _stored(facts: Facts, node: cst.CSTNode) -> bool:
    parent = facts.parents.get(node)
    if isinstance(parent, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del)):
        return getattr(parent, "target", None) is node
    return False


def _only_read(facts: Facts, node: cst.BaseExpression) -> bool:
    """The container (or the one name holding it) is only read wherever it is used."""
    name = _named(facts, node)
    if name is None:
        return _reads(facts, node)
    uses = facts.loads(name)
    return bool(uses) and all(_reads(facts, u) and not facts.in_nested_scope(u) for u in uses)
