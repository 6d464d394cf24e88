"""A dict searched item by item for a key — `for k, v in d.items(): if k == key: …` — does in
O(n) what a lookup does in O(1):

    if key in d:
        v = d[key]
        …
    [else: <the loop's else>]

Exact when the keys are str/int/bytes (or tuples of them: at most one key equals the value looked
for, and hashing finds that one), the value looked for is a plain name (or a str method of one)
of the keys' type, the key variable is read only by the comparison and neither variable after
the loop (they end on the last item when nothing matches), the match neither changes the dict
nor `continue`s, and it ends the loop (`break`, `return`) or the loop has no `else`.
"""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import Facts, logical_body
from pipeline.proposers.rules._base import FunctionRule, Refusals, code, replace, statements
from pipeline.proposers.rules._infer import type_of
from pipeline.proposers.rules._running import is_name
from pipeline.proposers.rules._types import arguments, head, is_interchangeable

__all__ = ["DictScan"]

_PURE_STR = frozenset({"lower", "upper", "casefold", "strip", "lstrip", "rstrip", "title"})


class DictScan(FunctionRule[cst.For]):
    NAME: ClassVar[str] = "dict-scan-to-lookup"
    DESCRIPTION: ClassVar[str] = "a loop over a dict's items looking for one key becomes a lookup"
    DIAGNOSTIC: ClassVar[str] = "linear-search-in-loop"

    def _node(self, site: cst.For) -> cst.CSTNode:
        return site

    def _sites(self, facts: Facts, refusals: Refusals) -> list[cst.For]:
        return [loop for loop in facts.own_loops() if isinstance(loop, cst.For) and _site(facts, loop, refusals)]

    def _apply(self, facts: Facts, site: cst.For) -> cst.FunctionDef:
        test = logical_body(site.body)[0]
        assert isinstance(test, cst.If) and isinstance(test.test, cst.Comparison) and isinstance(site.target, cst.Tuple)
        dictionary = code(_owner(site.iter) or cst.Name("_"))
        key, value = (e.value for e in site.target.elements)
        probe = test.test.comparisons[0].comparator if is_name(test.test.left, code(key)) else test.test.left
        kept: list[cst.BaseStatement] = []
        for line in _lines(test.body):
            if isinstance(line, cst.SimpleStatementLine):
                small = [s for s in line.body if not isinstance(s, cst.Break)]
                if small:
                    small[-1] = small[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
                    kept.append(line.with_changes(body=small))
            else:
                kept.append(line)
        binding = statements(f"{code(value)} = {dictionary}[{code(probe)}]") if facts.names(code(value), test.body) else []
        header = cst.parse_statement(f"if {code(probe)} in {dictionary}:\n    pass\n")
        assert isinstance(header, cst.If)
        orelse = cst.Else(body=site.orelse.body) if site.orelse is not None else None
        new = header.with_changes(body=cst.IndentedBlock(body=[*binding, *kept] or statements("pass")), orelse=orelse,
                                  leading_lines=site.leading_lines)
        return replace(facts.function, {site: new})


def _lines(suite: cst.BaseSuite) -> list[cst.BaseStatement]:
    if isinstance(suite, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=list(suite.body))]
    return [line for line in suite.body if isinstance(line, cst.BaseStatement)]


def _owner(iterable: cst.BaseExpression) -> cst.Name | None:
    """`d` in `d.items()`."""
    if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Attribute) and iterable.func.attr.value == "items":
        owner = iterable.func.value
        return owner if isinstance(owner, cst.Name) and not iterable.args else None
    return None


def _plain(probe: cst.BaseExpression) -> bool:
    if isinstance(probe, cst.Call) and isinstance(probe.func, cst.Attribute) and not probe.args:
        return probe.func.attr.value in _PURE_STR and _plain(probe.func.value)
    return isinstance(probe, cst.Name)


def _site(facts: Facts, loop: cst.For, refusals: Refusals) -> bool:
    owner, body, target = _owner(loop.iter), logical_body(loop.body), loop.target
    test = body[0] if len(body) == 1 else None
    if owner is None or not isinstance(test, cst.If) or test.orelse is not None or not isinstance(target, cst.Tuple):
        return False
    names = [e.value for e in target.elements]
    comparison = test.test
    if len(names) != 2 or not all(isinstance(n, cst.Name) for n in names) or not isinstance(comparison, cst.Comparison):
        return False
    key, value = (code(n) for n in names)
    if len(comparison.comparisons) != 1 or not isinstance(comparison.comparisons[0].operator, cst.Equal):
        return False
    left, right = comparison.left, comparison.comparisons[0].comparator
    probe = right if is_name(left, key) else left if is_name(right, key) else None
    if probe is None or facts.names(key, probe) or facts.names(value, probe):
        return False
    if any(facts.bindings(n.value, loop) for n in facts.names(within=probe)):
        return False  # the value looked for changes as the loop goes
    last = _lines(test.body)[-1]
    ends = isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], (cst.Break, cst.Return))
    if _exits(facts, test, loop) or (loop.orelse is not None and not ends):
        return False
    declared = type_of(facts, owner)
    keys = arguments(declared) if declared is not None and head(declared) in ("dict", "Mapping", "MutableMapping") else []
    probed = type_of(facts, probe)
    if len(keys) != 2 or not is_interchangeable(keys[0]) or not _plain(probe) or probed is None or code(probed) != code(keys[0]):
        refusals.refuse(loop, f"the keys of {owner.value} and {code(probe)} are not known to be the same str/int/bytes type")
        return False
    outside = [n for name in (key, value) for n in facts.names(name) if not facts.inside(n, loop)]
    changed = facts.bindings(owner.value, loop) or not all(facts.read_only(u) for u in facts.loads(owner.value, loop))
    if outside or len(facts.names(key, loop)) != 2 or changed:
        refusals.refuse(loop, "the key is read beyond the comparison, a variable after the loop, or the dict changes")
        return False
    return True


def _exits(facts: Facts, test: cst.If, loop: cst.For) -> bool:
    """A `break` or `continue` of `loop` other than a `break` closing the match."""
    last = _lines(test.body)[-1]
    for node in facts.walk(test.body):
        if isinstance(node, (cst.Break, cst.Continue)) and not (isinstance(node, cst.Break) and facts.inside(node, last)):
            owner = next(a for a in facts.ancestors(node) if isinstance(a, (cst.For, cst.While)))
            if owner is loop:
                return True
    return False
