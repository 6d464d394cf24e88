"""Proofs where they are cheap: two versions of a function over ints and bools, made of
assignments, if/else, returns and pure integer/boolean expressions, are translated to Z3 with
Python's semantics (unbounded ints, floor division and modulo, ZeroDivisionError) and proved
equal for all inputs. Anything outside that subset returns None and goes to CrossHair."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any, Final

import z3

__all__ = ["ProofResult", "prove_equivalent"]

SOLVER_MILLISECONDS: Final = 5000


@dataclass(frozen=True)
class ProofResult:
    proved: bool
    counterexample: tuple[int | bool, ...] | None  # positional arguments, when disproved
    unknown: bool = False


class _Unsupported(Exception):
    pass


@dataclass
class _Value:
    kind: str  # "int" | "bool"
    expr: Any  # z3 ArithRef or BoolRef


@dataclass
class _State:
    env: dict[str, _Value]
    done: Any  # z3 BoolRef: has returned
    result: _Value | None
    raises: Any  # z3 BoolRef: has raised ZeroDivisionError


def prove_equivalent(
    original: ast.FunctionDef, variant: ast.FunctionDef,
    original_constants: dict[str, int | bool] | None = None, variant_constants: dict[str, int | bool] | None = None,
) -> ProofResult | None:
    """Module-level int/bool constants each version reads may be passed in to be inlined."""
    try:
        params = _parameters(original)
        if _parameters(variant) != params:
            return None
        symbols = {name: _Value(kind, z3.Int(name) if kind == "int" else z3.Bool(name)) for name, kind in params}
        left = _run(original.body, {**_literals(original_constants or {}), **symbols})
        right = _run(variant.body, {**_literals(variant_constants or {}), **symbols})
    except (_Unsupported, z3.Z3Exception, RecursionError):
        return None
    if left.result is None or right.result is None or left.result.kind != right.result.kind:
        return None
    same = z3.And(
        left.raises == right.raises,
        z3.Or(left.raises, z3.And(left.done == right.done, z3.Implies(left.done, left.result.expr == right.result.expr))),
    )
    solver = z3.Solver()
    solver.set("timeout", SOLVER_MILLISECONDS)
    solver.add(z3.Not(same))
    verdict = solver.check()
    if verdict == z3.unsat:
        return ProofResult(True, None)
    if verdict == z3.sat:
        model = solver.model()
        values = tuple(_concrete(model.eval(symbols[name].expr, model_completion=True), kind) for name, kind in params)
        return ProofResult(False, values)
    return ProofResult(False, None, unknown=True)


def _literals(constants: dict[str, int | bool]) -> dict[str, _Value]:
    return {
        name: _Value("bool", z3.BoolVal(value)) if isinstance(value, bool) else _Value("int", z3.IntVal(value))
        for name, value in constants.items()
    }


def _concrete(value: Any, kind: str) -> int | bool:
    return z3.is_true(value) if kind == "bool" else int(value.as_long())


def _parameters(fn: ast.FunctionDef) -> list[tuple[str, str]]:
    args = fn.args
    if args.vararg or args.kwarg or args.posonlyargs or args.kwonlyargs or fn.decorator_list:
        raise _Unsupported("signature")
    found = []
    for arg in args.args:
        if not (isinstance(arg.annotation, ast.Name) and arg.annotation.id in ("int", "bool")):
            raise _Unsupported("annotation")
        found.append((arg.arg, arg.annotation.id))
    if not (isinstance(fn.returns, ast.Name) and fn.returns.id in ("int", "bool")):
        raise _Unsupported("return annotation")
    return found


def _run(body: list[ast.stmt], symbols: dict[str, _Value]) -> _State:
    state = _State(dict(symbols), z3.BoolVal(False), None, z3.BoolVal(False))
    state = _block(_without_docstring(body), state)
    return state


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
        return body[1:]
    return body


def _block(body: list[ast.stmt], state: _State) -> _State:
    for statement in body:
        state = _statement(statement, state)
    return state


def _statement(node: ast.stmt, state: _State) -> _State:
    live = z3.Not(z3.Or(state.done, state.raises))
    if isinstance(node, ast.Return) and node.value is not None:
        value, raises = _expr(node.value, state.env)
        result = value if state.result is None else _merge_value(state.done, state.result, value)
        return _State(state.env, z3.Or(state.done, live), result, z3.Or(state.raises, z3.And(live, raises)))
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        target, value_node = _assignment(node)
        value, raises = _expr(value_node, state.env)
        env = dict(state.env)
        env[target] = value
        return _State(env, state.done, state.result, z3.Or(state.raises, z3.And(live, raises)))
    if isinstance(node, ast.If):
        condition, raises = _expr(node.test, state.env)
        if condition.kind != "bool":
            condition = _Value("bool", condition.expr != 0)
        then = _block(node.body, _State(dict(state.env), state.done, state.result, z3.Or(state.raises, z3.And(live, raises))))
        other = _block(node.orelse, _State(dict(state.env), state.done, state.result, z3.Or(state.raises, z3.And(live, raises))))
        return _merge(condition.expr, then, other)
    if isinstance(node, ast.Pass):
        return state
    raise _Unsupported(type(node).__name__)


def _assignment(node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> tuple[str, ast.expr]:
    if isinstance(node, ast.Assign):
        if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
            raise _Unsupported("assignment target")
        return node.targets[0].id, node.value
    if not isinstance(node.target, ast.Name) or node.value is None:
        raise _Unsupported("assignment target")
    if isinstance(node, ast.AugAssign):
        return node.target.id, ast.BinOp(ast.Name(node.target.id, ast.Load()), node.op, node.value)
    return node.target.id, node.value


def _merge_value(condition: Any, then: _Value | None, other: _Value | None) -> _Value | None:
    if then is None or other is None:
        return then or other
    if then.kind != other.kind:
        raise _Unsupported("branches of different types")
    return _Value(then.kind, z3.If(condition, then.expr, other.expr))


def _merge(condition: Any, then: _State, other: _State) -> _State:
    env: dict[str, _Value] = {}
    for name in then.env.keys() & other.env.keys():
        merged = _merge_value(condition, then.env[name], other.env[name])
        assert merged is not None
        env[name] = merged
    return _State(env, z3.If(condition, then.done, other.done), _merge_value(condition, then.result, other.result),
                  z3.If(condition, then.raises, other.raises))


def _as_int(value: _Value) -> Any:
    return z3.If(value.expr, z3.IntVal(1), z3.IntVal(0)) if value.kind == "bool" else value.expr


def _as_bool(value: _Value) -> Any:
    return value.expr if value.kind == "bool" else value.expr != 0


def _expr(node: ast.expr, env: dict[str, _Value]) -> tuple[_Value, Any]:
    """(value, condition under which evaluating it raises ZeroDivisionError)."""
    never = z3.BoolVal(False)
    if isinstance(node, ast.Constant) and type(node.value) in (int, bool):
        if isinstance(node.value, bool):
            return _Value("bool", z3.BoolVal(node.value)), never
        return _Value("int", z3.IntVal(node.value)), never
    if isinstance(node, ast.Name):
        if node.id not in env:
            raise _Unsupported(f"name {node.id}")
        return env[node.id], never
    if isinstance(node, ast.UnaryOp):
        operand, raises = _expr(node.operand, env)
        if isinstance(node.op, ast.Not):
            return _Value("bool", z3.Not(_as_bool(operand))), raises
        if isinstance(node.op, ast.USub):
            return _Value("int", -_as_int(operand)), raises
        if isinstance(node.op, ast.UAdd):
            return _Value("int", _as_int(operand)), raises
        raise _Unsupported("unary operator")
    if isinstance(node, ast.BinOp):
        return _binary(node, env)
    if isinstance(node, ast.BoolOp):
        return _boolean(node, env)
    if isinstance(node, ast.Compare):
        return _compare(node, env)
    if isinstance(node, ast.IfExp):
        test, r0 = _expr(node.test, env)
        body, r1 = _expr(node.body, env)
        orelse, r2 = _expr(node.orelse, env)
        merged = _merge_value(_as_bool(test), body, orelse)
        assert merged is not None
        return merged, z3.Or(r0, z3.If(_as_bool(test), r1, r2))
    if isinstance(node, ast.Call):
        return _call(node, env)
    raise _Unsupported(type(node).__name__)


def _binary(node: ast.BinOp, env: dict[str, _Value]) -> tuple[_Value, Any]:
    left, r1 = _expr(node.left, env)
    right, r2 = _expr(node.right, env)
    a, b = _as_int(left), _as_int(right)
    raises = z3.Or(r1, r2)
    if isinstance(node.op, ast.Add):
        return _Value("int", a + b), raises
    if isinstance(node.op, ast.Sub):
        return _Value("int", a - b), raises
    if isinstance(node.op, ast.Mult):
        return _Value("int", a * b), raises
    if isinstance(node.op, (ast.FloorDiv, ast.Mod)):
        # Python rounds toward negative infinity; Z3's integer division is Euclidean.
        floor = z3.If(b > 0, a / b, z3.If(b < 0, (-a) / (-b), 0))
        value = floor if isinstance(node.op, ast.FloorDiv) else a - b * floor
        return _Value("int", value), z3.Or(raises, b == 0)
    if isinstance(node.op, ast.Pow) and isinstance(node.right, ast.Constant) and type(node.right.value) is int and 0 <= node.right.value <= 8:
        product: Any = z3.IntVal(1)
        for _ in range(node.right.value):
            product = product * a
        return _Value("int", product), raises
    raise _Unsupported("binary operator")


def _boolean(node: ast.BoolOp, env: dict[str, _Value]) -> tuple[_Value, Any]:
    values = [_expr(v, env) for v in node.values]
    if any(v.kind != "bool" for v, _ in values):
        raise _Unsupported("and/or over non-bools returns an operand")
    result, raises = values[-1][0].expr, values[-1][1]
    for value, r in reversed(values[:-1]):
        if isinstance(node.op, ast.And):
            raises = z3.Or(r, z3.And(value.expr, raises))
            result = z3.And(value.expr, result)
        else:
            raises = z3.Or(r, z3.And(z3.Not(value.expr), raises))
            result = z3.Or(value.expr, result)
    return _Value("bool", result), raises


def _compare(node: ast.Compare, env: dict[str, _Value]) -> tuple[_Value, Any]:
    operators = {ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b, ast.Lt: lambda a, b: a < b,
                 ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b}
    left, raises = _expr(node.left, env)
    parts: list[Any] = []
    for op, right_node in zip(node.ops, node.comparators):
        if type(op) not in operators:
            raise _Unsupported("comparison")
        right, r = _expr(right_node, env)
        # A chain stops at its first false comparison: later operands are never evaluated.
        raises = z3.Or(raises, z3.And(*parts, r) if parts else r)
        parts.append(operators[type(op)](_as_int(left), _as_int(right)))
        left = right
    return _Value("bool", z3.And(*parts)), raises


def _call(node: ast.Call, env: dict[str, _Value]) -> tuple[_Value, Any]:
    if not isinstance(node.func, ast.Name) or node.keywords or not node.args or node.func.id in env:
        raise _Unsupported("call")
    args = [_expr(a, env) for a in node.args]
    raises = z3.Or(*[r for _, r in args]) if len(args) > 1 else args[0][1]
    values = [_as_int(v) for v, _ in args]
    name = node.func.id
    if name == "abs" and len(values) == 1:
        return _Value("int", z3.If(values[0] < 0, -values[0], values[0])), raises
    if name in ("min", "max") and len(values) >= 2:
        kinds = {v.kind for v, _ in args}
        if kinds == {"bool"}:  # min/max return one of their arguments: bools stay bools
            combined = z3.And(*[v.expr for v, _ in args]) if name == "min" else z3.Or(*[v.expr for v, _ in args])
            return _Value("bool", combined), raises
        if "bool" in kinds:
            raise _Unsupported("min/max over ints and bools returns either type")
        best = values[0]
        for value in values[1:]:
            # min keeps the first of equal values, max too: equal ints are indistinguishable.
            best = z3.If(value < best, value, best) if name == "min" else z3.If(value > best, value, best)
        return _Value("int", best), raises
    raise _Unsupported(f"call to {name}")
