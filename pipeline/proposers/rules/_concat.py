"""Recognising `s += e` and `s = s + a + b` (a string accumulation step) and the part it adds."""

from __future__ import annotations

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules._base import code

__all__ = ["added_part", "accumulated_name"]


def accumulated_name(statement: cst.CSTNode) -> str | None:
    """The name a statement accumulates into, if it has the shape of a step."""
    if isinstance(statement, cst.AugAssign) and isinstance(statement.operator, cst.AddAssign):
        return statement.target.value if isinstance(statement.target, cst.Name) else None
    if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
        target = statement.targets[0].target
        if isinstance(target, cst.Name) and _leftmost(statement.value) == target.value:
            return target.value
    return None


def added_part(facts: Facts, statement: cst.CSTNode, name: str) -> str | None:
    """The code of what a step adds to `name` (its operands re-associated: string concatenation
    is associative), or None if it is not a step or the added part reads `name` itself."""
    if accumulated_name(statement) != name:
        return None
    if isinstance(statement, cst.AugAssign):
        part = statement.value
        return None if facts.names(name, part) else _parenthesised(part)
    assert isinstance(statement, cst.Assign)
    operands = _operands(statement.value)
    rest = operands[1:]
    if not rest or any(facts.names(name, o) for o in rest):
        return None
    return " + ".join(_parenthesised(o) for o in rest) if len(rest) > 1 else _parenthesised(rest[0])


def _operands(value: cst.BaseExpression) -> list[cst.BaseExpression]:
    """`s + a + b` (parsed `(s + a) + b`) as [s, a, b]; unparenthesised `+` chains only."""
    if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, cst.Add) and not value.lpar:
        return [*_operands(value.left), value.right]
    return [value]


def _leftmost(value: cst.BaseExpression) -> str | None:
    first = _operands(value)[0]
    return first.value if isinstance(first, cst.Name) and len(_operands(value)) > 1 else None


def _parenthesised(part: cst.BaseExpression) -> str:
    """Code safe as an operand of `+` and as a generator's element."""
    loose = (cst.IfExp, cst.Lambda, cst.NamedExpr, cst.BooleanOperation, cst.Comparison, cst.UnaryOperation, cst.Yield)
    if isinstance(part, cst.Tuple) and not part.lpar:
        return f"({code(part)})"
    return f"({code(part)})" if isinstance(part, loose) and not part.lpar else code(part)
