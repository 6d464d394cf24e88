"""What every rule shares: finding sites, rewriting them one at a time, checking the result, and
turning any surprise into a skip (like LibCST's codemods, a rule's public methods never raise)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import ClassVar, Generic, TypeVar, Union

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules.base import RuleSkip

__all__ = ["FunctionRule", "Refusals", "Replacement", "code", "empty_list", "empty_string", "expression", "in_place_of", "operand", "replace",
           "replace_in", "small_statement", "statements"]

Site = TypeVar("Site")
Replacement = Union[cst.CSTNode, cst.FlattenSentinel[cst.CSTNode], cst.RemovalSentinel]
_ROUNDS = 25  # a function with more sites than this is rewritten in part (the rest on a later pass)
_EMPTY = cst.Module(body=[])


def code(node: cst.CSTNode) -> str:
    return _EMPTY.code_for_node(node)


def operand(node: cst.BaseExpression) -> str:
    """The code of `node`, parenthesised where a bare tuple, conditional or lambda would change
    meaning as an argument or a comprehension's iterable."""
    bare = not node.lpar and isinstance(node, (cst.Tuple, cst.IfExp, cst.Lambda, cst.NamedExpr, cst.Yield))
    return f"({code(node)})" if bare else code(node)


def empty_string(value: cst.BaseExpression | None) -> bool:
    """`""` (or `''`) as a literal."""
    return isinstance(value, cst.SimpleString) and value.evaluated_value == ""


def empty_list(value: cst.BaseExpression | None) -> bool:
    """`[]` as a literal."""
    return isinstance(value, cst.List) and not value.elements


def expression(source: str) -> cst.BaseExpression:
    return cst.parse_expression(source)


def statements(source: str) -> list[cst.BaseStatement]:
    return list(cst.parse_module(textwrap.dedent(source).strip("\n") + "\n").body)


def small_statement(source: str) -> cst.BaseSmallStatement:
    line = cst.parse_statement(source)
    assert isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1
    return line.body[0]


class _Replacer(cst.CSTTransformer):
    def __init__(self, mapping: Mapping[cst.CSTNode, Replacement],
                 before: Mapping[cst.CSTNode, Sequence[cst.BaseStatement]]) -> None:
        super().__init__()
        self.mapping = mapping
        self.before = before

    # libcst types on_leave per node type (a TypeVar); one table of replacements spans them all
    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> Replacement:  # type: ignore[override]
        if original_node in self.mapping:
            return self.mapping[original_node]
        prelude = self.before.get(original_node)
        if prelude is None:
            return updated_node
        assert isinstance(updated_node, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
        first = prelude[0].with_changes(leading_lines=updated_node.leading_lines)
        return cst.FlattenSentinel([first, *prelude[1:], updated_node.with_changes(leading_lines=())])


def replace(function: cst.FunctionDef, mapping: Mapping[cst.CSTNode, Replacement],
            before: Mapping[cst.CSTNode, Sequence[cst.BaseStatement]] | None = None) -> cst.FunctionDef:
    """`function` with each key node (by identity) swapped for its value, and statements put
    before each key of `before` (a statement in a block; it gives them the comments above it)."""
    result = function.visit(_Replacer(mapping, before or {}))
    assert isinstance(result, cst.FunctionDef)
    return result


def replace_in(node: cst.CSTNode, mapping: Mapping[cst.CSTNode, Replacement]) -> cst.CSTNode:
    """Like `replace`, below any node."""
    result = node.visit(_Replacer(mapping, {}))
    assert isinstance(result, cst.CSTNode)
    return result


def in_place_of(old: cst.CSTNode, new: Sequence[cst.BaseStatement]) -> Replacement:
    """Statements to stand where `old` (a statement line or compound statement) stood, keeping
    the comments and blank lines above it and the comment after it."""
    first, *rest = new
    if isinstance(old, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        first = first.with_changes(leading_lines=old.leading_lines)
    if isinstance(old, cst.SimpleStatementLine) and rest and isinstance(rest[-1], cst.SimpleStatementLine):
        rest[-1] = rest[-1].with_changes(trailing_whitespace=old.trailing_whitespace)
    elif isinstance(old, cst.SimpleStatementLine) and not rest and isinstance(first, cst.SimpleStatementLine):
        first = first.with_changes(trailing_whitespace=old.trailing_whitespace)
    items: list[cst.CSTNode] = [first, *rest]
    return items[0] if len(items) == 1 else cst.FlattenSentinel(items)


class Refusals(list[str]):
    """Why near misses were refused; `diagnosed` holds the nodes where the pattern itself occurs
    but cannot be rewritten exactly (still reported by `matches`, so the target is ranked)."""

    def __init__(self) -> None:
        super().__init__()
        self.diagnosed: list[cst.CSTNode] = []

    def refuse(self, node: cst.CSTNode, reason: str) -> None:
        self.append(reason)
        if not any(node is d for d in self.diagnosed):
            self.diagnosed.append(node)


class FunctionRule(Generic[Site]):
    """A rule over one function. Subclasses find validated sites (`_sites`, noting why near
    misses were refused, and where a refused one is the pattern itself: `Refusals.refuse`) and
    rewrite one site at a time (`_apply`); sites are re-found after each rewrite, so overlapping
    sites never see stale nodes."""

    NAME: ClassVar[str]
    DESCRIPTION: ClassVar[str]
    DIAGNOSTIC: ClassVar[str]

    def _sites(self, facts: Facts, refusals: Refusals) -> list[Site]:
        raise NotImplementedError

    def _node(self, site: Site) -> cst.CSTNode:
        raise NotImplementedError

    def _apply(self, facts: Facts, site: Site) -> cst.FunctionDef:
        raise NotImplementedError

    def matches(self, function: cst.FunctionDef) -> list[cst.CSTNode]:
        """Where the pattern occurs: the sites it would rewrite, then those it refuses."""
        try:
            refusals = Refusals()
            found = [self._node(s) for s in self._sites(Facts.of(function), refusals)]
        except Exception:  # a rule that cannot analyse a function has nothing to say about it
            return []
        return found + [n for n in refusals.diagnosed if not any(n is f for f in found)]

    def rewrite(self, function: cst.FunctionDef) -> cst.FunctionDef | RuleSkip:
        try:
            return self._rewrite(function)
        except Exception as exc:  # LibCST's TransformFailure, as a skip: the proposer moves on
            return RuleSkip(f"{self.NAME}: internal error: {type(exc).__name__}: {exc}")

    def _rewrite(self, function: cst.FunctionDef) -> cst.FunctionDef | RuleSkip:
        refusals = Refusals()
        current = function
        for _ in range(_ROUNDS):
            facts = Facts.of(current)
            sites = self._sites(facts, refusals)
            if not sites:
                break
            current = self._apply(facts, sites[0])
        if current is function:
            reasons = "; ".join(dict.fromkeys(refusals)) or "the pattern does not occur"
            return RuleSkip(f"{self.NAME}: {reasons}")
        return _checked(function, current)


def _checked(original: cst.FunctionDef, rewritten: cst.FunctionDef) -> cst.FunctionDef | RuleSkip:
    """The rewrite, if it renders to code that parses, compiles and still defines the function."""
    source = code(rewritten)
    try:
        reparsed = cst.parse_module(source)
        compile(source, "<rule output>", "exec", dont_inherit=True)
    except (cst.ParserSyntaxError, SyntaxError, ValueError) as exc:
        return RuleSkip(f"rewrite does not compile: {exc}")
    defs = [s for s in reparsed.body if isinstance(s, cst.FunctionDef)]
    if len(defs) != 1 or defs[0].name.value != original.name.value:
        return RuleSkip("rewrite does not define the same function")
    return rewritten
