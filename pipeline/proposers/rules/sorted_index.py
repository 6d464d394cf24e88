"""A full sort to read one end: `sorted(x)[0]` → `min(x)`, `sorted(x)[-1]` → `max(…)`, with
`key=` and `reverse=` too, also through a name (`r = sorted(x); return r[0]`). O(n) for O(n log n).

Exactly the element the sort would put there, for totally ordered values (not NaN): a stable
sort's `[0]` is the first minimal element, as `min` returns; its `[-1]` is the LAST maximal one,
while `max` returns the first, so `[-1]` becomes `max(reversed(x))` — even for ints, where
`True` and `1` tie — or plain `max(x)` for a set without a key (no two members are equal, so
there is no tie to break). On empty input the sort
raises IndexError and `min` ValueError, so unless an earlier `if not x: return/raise` rules that
out, the rewrite keeps the original expression for that case: `min(x) if x else sorted(x)[0]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import PURE_BUILTINS, Facts, logical_body
from pipeline.proposers.rules._base import FunctionRule, Refusals, Replacement, code, expression, operand, replace
from pipeline.proposers.rules._types import shape_of

__all__ = ["SortedIndex"]

_SETS = frozenset({"set", "frozenset", "AbstractSet", "MutableSet"})


@dataclass(frozen=True)
class _Site:
    node: cst.Subscript | cst.Assign  # `sorted(...)[i]`, or `r = sorted(...)` read as `r[0]`/`r[-1]`
    call: cst.Call
    last: bool  # [-1]
    replacement: str
    use: cst.Subscript | None = None  # the `r[i]` of the named form read once
    others: tuple[tuple[cst.Subscript, str], ...] = ()  # the named form read several times: each read, its value


class SortedIndex(FunctionRule[_Site]):
    NAME: ClassVar[str] = "sorted-index-to-min-max"
    DESCRIPTION: ClassVar[str] = "sorting a whole sequence to take its first or last element becomes min/max"
    DIAGNOSTIC: ClassVar[str] = "sort-for-extreme"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.node

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
        found = []
        for node in facts.walk(facts.function.body):
            site = _direct(facts, node, refusals) if isinstance(node, cst.Subscript) else None
            if isinstance(node, cst.Assign):
                site = _named(facts, node, refusals)
            if site is not None:
                found.append(site)
        return found

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        if isinstance(site.node, cst.Subscript):
            return replace(facts.function, {site.node: _fitted(facts, site.node, site.replacement)})
        if site.others:
            mapping: dict[cst.CSTNode, Replacement] = {u: _fitted(facts, u, value) for u, value in site.others}
            mapping[facts.line(site.node)] = cst.RemoveFromParent()
            return replace(facts.function, mapping)
        assert site.use is not None
        mapping = {site.node: site.node.with_changes(value=expression(site.replacement)), site.use: site.use.value}
        return replace(facts.function, mapping)


def _fitted(facts: Facts, node: cst.BaseExpression, source: str) -> cst.BaseExpression:
    """`source`, parenthesised if it is a guarded (conditional) expression inside a larger one."""
    parent = facts.parents.get(node)
    whole = isinstance(parent, (cst.Assign, cst.AnnAssign, cst.Return, cst.Expr)) and getattr(parent, "value", None) is node
    guarded = isinstance(expression(source), cst.IfExp)
    return expression(f"({source})" if guarded and not whole else source)


def _index(subscript: cst.Subscript) -> bool | None:
    """True for `[-1]`, False for `[0]`, None for anything else."""
    if len(subscript.slice) != 1 or not isinstance(subscript.slice[0].slice, cst.Index):
        return None
    value = subscript.slice[0].slice.value
    if isinstance(value, cst.Integer) and value.value == "0":
        return False
    minus_one = (isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus)
                 and isinstance(value.expression, cst.Integer) and value.expression.value == "1")
    return True if minus_one else None


def _sorted_call(node: cst.BaseExpression) -> cst.Call | None:
    if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "sorted"):
        return None
    if not node.args or node.args[0].keyword or node.args[0].star:
        return None
    for arg in node.args[1:]:
        if arg.keyword is None or arg.keyword.value not in ("key", "reverse"):
            return None
        if arg.keyword.value == "reverse" and not (isinstance(arg.value, cst.Name) and arg.value.value in ("True", "False")):
            return None
    return node


def _keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    return next((a.value for a in call.args if a.keyword is not None and a.keyword.value == name), None)


def _base(sequence: cst.BaseExpression) -> cst.Name | None:
    """The name whose value `sequence` is (`x`, or the dict in `d.values()`)."""
    if isinstance(sequence, cst.Name):
        return sequence
    if isinstance(sequence, cst.Call) and isinstance(sequence.func, cst.Attribute) and not sequence.args:
        owner = sequence.func.value
        return owner if sequence.func.attr.value in ("keys", "values", "items") and isinstance(owner, cst.Name) else None
    return None


def _replacement(facts: Facts, call: cst.Call, last: bool, original: str, site: cst.CSTNode, refusals: Refusals,
                 guarded: bool = True) -> str | None:
    sequence, key = call.args[0].value, _keyword(call, "key")
    reverse = _keyword(call, "reverse")
    largest = last != (isinstance(reverse, cst.Name) and reverse.value == "True")
    shape = shape_of(facts, sequence)
    argument = operand(sequence)
    distinct = shape is not None and shape.kind in _SETS and key is None
    if last and not distinct:
        if shape is None or not shape.reversible:
            refusals.refuse(site, f"[-1] is the last of equal elements; {code(sequence)} is not known to be reversible")
            return None
        argument = f"reversed({argument})"
    keyed = f"{argument}, key={code(key)}" if key is not None else argument
    found = f"{'max' if largest else 'min'}({keyed})"
    base = _base(sequence)
    if base is None or shape is None or not shape.sized:
        refusals.refuse(site, f"cannot tell whether {code(sequence)} may be empty (IndexError would become ValueError)")
        return None
    if not guarded or _known_non_empty(facts, base.value, site):
        return found
    return f"{found} if {code(sequence)} else {original}"


def _direct(facts: Facts, node: cst.Subscript, refusals: Refusals) -> _Site | None:
    last, call = _index(node), _sorted_call(node.value)
    if last is None or call is None or _is_empty_fallback(facts, node, call):
        return None
    replacement = _replacement(facts, call, last, code(node.with_changes(lpar=(), rpar=())), node, refusals)
    return _Site(node, call, last, replacement) if replacement else None


def _is_empty_fallback(facts: Facts, node: cst.CSTNode, call: cst.Call) -> bool:
    """The `else` of `min(x) if x else sorted(x)[0]`: it only runs on empty input."""
    parent = facts.parents.get(node)
    return isinstance(parent, cst.IfExp) and parent.orelse is node and parent.test.deep_equals(call.args[0].value)


def _named(facts: Facts, node: cst.Assign, refusals: Refusals) -> _Site | None:
    """`r = sorted(x)` read only as `r[0]` / `r[-1]` in the statements right after it, the first of
    which reads one before anything else: `return r[0]…`, `lo, hi = r[0], r[-1]`."""
    call = _sorted_call(node.value)
    target = node.targets[0].target if len(node.targets) == 1 else None
    if call is None or not isinstance(target, cst.Name) or len(facts.bindings(target.value)) != 1:
        return None
    uses = facts.loads(target.value)
    reads = [facts.parents.get(u) for u in uses]
    if not uses or not all(isinstance(r, cst.Subscript) and r.value is u and _index(r) is not None and not _written(facts, r)
                           for r, u in zip(reads, uses)):
        return None
    following = _following(facts, node, uses)
    subscripts = [r for r in reads if isinstance(r, cst.Subscript)]
    lead = next((r for r in subscripts if _leads(facts, r, following[0])), None) if following else None
    if lead is None:
        return None
    if len(uses) == 1:
        last = bool(_index(lead))
        original = f"{code(call)}[{'-1' if last else '0'}]"
        replacement = _replacement(facts, call, last, original, node, refusals)
        return _Site(node, call, last, replacement, lead) if replacement else None
    values = []
    for read in subscripts:
        last = bool(_index(read))
        original = f"{code(call)}[{'-1' if last else '0'}]"
        value = _replacement(facts, call, last, original, node, refusals, guarded=read is lead)
        if value is None:
            return None
        values.append((read, value))
    return _Site(node, call, bool(_index(lead)), values[0][1], None, tuple(values))


def _written(facts: Facts, subscript: cst.Subscript) -> bool:
    parent = facts.parents.get(subscript)
    return isinstance(parent, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del)) and getattr(parent, "target", None) is subscript


def _following(facts: Facts, node: cst.Assign, uses: list[cst.Name]) -> list[cst.CSTNode]:
    """The statements right after `node` that hold every use, if they call nothing but builtins
    and rebind nothing the sort reads (so the sorted values cannot change in between)."""
    siblings = facts.siblings(node)
    index = next(i for i, s in enumerate(siblings) if s is node)
    read = {n.value for n in facts.names(within=node.value)}
    found: list[cst.CSTNode] = []
    for statement in siblings[index + 1:]:
        if not isinstance(statement, (cst.Assign, cst.AnnAssign, cst.Return, cst.Expr)):
            return []
        calls = [n for n in facts.walk(statement) if isinstance(n, cst.Call)]
        if any(not (isinstance(c.func, cst.Name) and c.func.value in PURE_BUILTINS) for c in calls):
            return []
        if any(facts.bindings(name, statement) for name in read):
            return []
        found.append(statement)
        if all(any(facts.inside(u, s) for s in found) for u in uses):
            return found
    return []


def _leads(facts: Facts, node: cst.CSTNode, statement: cst.CSTNode) -> bool:
    """`node` is evaluated first in `statement` (a return or assignment of `node[...]...`,
    `node, …`, `node - …`, `f(node, …)` with `f` a builtin)."""
    current = node
    while (parent := facts.parents.get(current)) is not None and parent is not statement:
        if _first_evaluated(parent) is not current:
            return False
        current = parent
    return isinstance(statement, (cst.Return, cst.Assign, cst.AnnAssign)) and statement.value is current


def _first_evaluated(node: cst.CSTNode) -> cst.CSTNode | None:
    """The child of `node` Python evaluates first (looking up a builtin's name aside)."""
    if isinstance(node, (cst.Subscript, cst.Attribute)):
        return node.value
    if isinstance(node, (cst.BinaryOperation, cst.Comparison)):
        return node.left
    if isinstance(node, (cst.Tuple, cst.List)) and node.elements:
        return node.elements[0]
    if isinstance(node, (cst.Element, cst.Arg)):
        return node.value
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in PURE_BUILTINS and node.args:
        return node.args[0] if not node.args[0].keyword and not node.args[0].star else None
    return None


def _known_non_empty(facts: Facts, name: str, site: cst.CSTNode) -> bool:
    """An earlier `if not name: return/raise` (or `if len(name) == 0:`) at the top of the function,
    after which `name` is neither rebound nor changed before `site`."""
    top = facts.top_level(site)
    for statement in logical_body(facts.function.body):
        if statement is top:
            return False
        if isinstance(statement, cst.If) and statement.orelse is None and _tests_empty(statement.test, name):
            body = logical_body(statement.body)
            if body and isinstance(body[-1], (cst.Return, cst.Raise)) and _untouched_after(facts, name, statement, site):
                return True
    return False


def _tests_empty(test: cst.BaseExpression, name: str) -> bool:
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return isinstance(test.expression, cst.Name) and test.expression.value == name
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.comparisons[0].operator, cst.Equal):
        left, right = test.left, test.comparisons[0].comparator
        is_len = (isinstance(left, cst.Call) and isinstance(left.func, cst.Name) and left.func.value == "len"
                  and len(left.args) == 1 and isinstance(left.args[0].value, cst.Name) and left.args[0].value.value == name)
        return is_len and isinstance(right, cst.Integer) and right.value == "0"
    return False


def _untouched_after(facts: Facts, name: str, guard: cst.CSTNode, site: cst.CSTNode) -> bool:
    if any(facts.before(guard, b) for b in facts.bindings(name)):
        return False
    between = [n for n in facts.loads(name) if facts.before(guard, n) and facts.before(n, site)]
    return all(facts.read_only(n) for n in between)
