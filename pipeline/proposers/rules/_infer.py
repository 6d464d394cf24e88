"""The type of an expression, as an annotation, from what the function itself shows: declared
types, literals, builtins with a fixed result, str methods, and loop variables over collections
of a known element type (tuple unpacking, `enumerate`, `zip`, `dict.items()` included).

Conservative like the rest of the analysis: a name bound in several places must get the same
type from every binding (a comprehension's variable counts as the same name), and anything not
understood is None — a rule that needs the type then refuses.
"""

from __future__ import annotations

import libcst as cst

from pipeline.proposers.rules._analysis import Facts
from pipeline.proposers.rules._base import code, expression
from pipeline.proposers.rules._types import arguments, element_of, head

__all__ = ["element_type", "type_of"]

_STR_METHODS = frozenset({"lower", "upper", "casefold", "title", "capitalize", "swapcase", "strip", "lstrip", "rstrip",
                          "replace", "format", "join", "zfill", "center", "ljust", "rjust", "expandtabs",
                          "removeprefix", "removesuffix"})
_STR_LISTS = frozenset({"split", "rsplit", "splitlines"})
_INT_RESULTS = frozenset({"len", "int", "ord", "hash", "round"})
_STR_RESULTS = frozenset({"str", "repr", "chr", "format", "ascii"})
_SAME_ELEMENTS = frozenset({"sorted", "reversed", "list", "tuple", "set", "frozenset", "iter"})
_DEPTH = 6
Assumed = tuple[tuple[str, str], ...]  # names whose type a recursive binding is checked against
_AUGMENTED = {cst.AddAssign: cst.Add(), cst.SubtractAssign: cst.Subtract(), cst.MultiplyAssign: cst.Multiply(),
              cst.FloorDivideAssign: cst.FloorDivide(), cst.ModuloAssign: cst.Modulo()}


def _annotation(source: str) -> cst.BaseExpression:
    return expression(source)


def type_of(facts: Facts, node: cst.BaseExpression, depth: int = 0, assumed: Assumed = ()) -> cst.BaseExpression | None:
    """The type of `node`'s value, or None when the function does not show it."""
    if depth > _DEPTH:
        return None
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return _annotation("bytes" if isinstance(value, bytes) else "str") if value is not None else None
    if isinstance(node, cst.FormattedString):
        return _annotation("str")
    if isinstance(node, cst.Integer):
        return _annotation("int")
    if isinstance(node, cst.Float):
        return _annotation("float")
    if isinstance(node, cst.Name):
        return _name_type(facts, node.value, depth, assumed)
    if isinstance(node, cst.Call):
        return _call_type(facts, node, depth, assumed)
    if isinstance(node, cst.Subscript):
        return _item_type(facts, node, depth, assumed)
    if isinstance(node, cst.Tuple) and node.elements and all(isinstance(e, cst.Element) for e in node.elements):
        parts = [type_of(facts, e.value, depth + 1, assumed) for e in node.elements]
        return _annotation(f"tuple[{', '.join(code(p) for p in parts if p is not None)}]") if all(parts) else None
    if isinstance(node, cst.BinaryOperation):
        left, right = type_of(facts, node.left, depth + 1, assumed), type_of(facts, node.right, depth + 1, assumed)
        if left is None or right is None or code(left) != code(right):
            return None
        if code(left) == "str" and isinstance(node.operator, cst.Add):
            return left
        arithmetic = (cst.Add, cst.Subtract, cst.Multiply, cst.FloorDivide, cst.Modulo)
        return left if code(left) == "int" and isinstance(node.operator, arithmetic) else None
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = type_of(facts, node.expression, depth + 1, assumed)
        return inner if inner is not None and code(inner) in ("int", "float") else None
    return None


def element_type(facts: Facts, iterable: cst.BaseExpression, depth: int = 0, assumed: Assumed = ()) -> cst.BaseExpression | None:
    """The type of what iterating over `iterable` yields."""
    if depth > _DEPTH:
        return None
    if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Name) and not any(a.keyword or a.star for a in iterable.args):
        name, args = iterable.func.value, [a.value for a in iterable.args]
        if facts.bindings(name):
            return None
        if name == "range":
            return _annotation("int")
        if name in _SAME_ELEMENTS and len(args) == 1:
            return element_type(facts, args[0], depth + 1, assumed)
        if name == "enumerate" and len(args) == 1:
            inner = element_type(facts, args[0], depth + 1, assumed)
            return _annotation(f"tuple[int, {code(inner)}]") if inner is not None else None
        if name == "zip" and args:
            parts = [element_type(facts, a, depth + 1, assumed) for a in args]
            return _annotation(f"tuple[{', '.join(code(p) for p in parts if p is not None)}]") if all(parts) else None
        return None
    if isinstance(iterable, cst.Call) and isinstance(iterable.func, cst.Attribute) and not iterable.args:
        owner = type_of(facts, iterable.func.value, depth + 1, assumed)
        method, args = iterable.func.attr.value, arguments(owner) if owner is not None else []
        if owner is None or head(owner) not in ("dict", "Mapping", "MutableMapping") or len(args) != 2:
            return _split_element(facts, iterable, depth, assumed)
        return {"keys": args[0], "values": args[1], "items": _annotation(f"tuple[{code(args[0])}, {code(args[1])}]")}.get(method)
    if isinstance(iterable, cst.Call):
        return _split_element(facts, iterable, depth, assumed)
    declared = type_of(facts, iterable, depth + 1, assumed)
    return element_of(declared) if declared is not None else None


def _split_element(facts: Facts, call: cst.Call, depth: int, assumed: Assumed = ()) -> cst.BaseExpression | None:
    result = _call_type(facts, call, depth, assumed)
    return element_of(result) if result is not None else None


def _call_type(facts: Facts, call: cst.Call, depth: int, assumed: Assumed = ()) -> cst.BaseExpression | None:
    func = call.func
    if isinstance(func, cst.Name) and not facts.bindings(func.value):
        if func.value in _INT_RESULTS and not (func.value == "round" and len(call.args) != 1):
            return _annotation("int")
        if func.value in _STR_RESULTS:
            return _annotation("str")
        if func.value in ("sorted", "list") and len(call.args) == 1 and not call.args[0].keyword:
            inner = element_type(facts, call.args[0].value, depth + 1, assumed)
            return _annotation(f"list[{code(inner)}]") if inner is not None else None
        return None
    if isinstance(func, cst.Attribute):
        owner = type_of(facts, func.value, depth + 1, assumed)
        if owner is not None and head(owner) in ("dict", "Mapping", "MutableMapping") and func.attr.value == "get":
            return _got(facts, call, owner, depth, assumed)
        if owner is None or code(owner) != "str":
            return None
        if func.attr.value in _STR_METHODS:
            return owner
        return _annotation("list[str]") if func.attr.value in _STR_LISTS else None
    return None


def _got(facts: Facts, call: cst.Call, owner: cst.BaseExpression, depth: int, assumed: Assumed) -> cst.BaseExpression | None:
    """`d.get(k, default)` of a `dict[K, V]`: V, when the default is a V too (or an empty display)."""
    args = arguments(owner)
    if len(args) != 2 or len(call.args) != 2 or any(a.keyword or a.star for a in call.args):
        return None
    default = call.args[1].value
    if isinstance(default, (cst.List, cst.Dict, cst.Tuple)) and not default.elements:
        return args[1] if head(args[1]) in ("list", "dict", "tuple", "Sequence", "Mapping") else None
    found = type_of(facts, default, depth + 1, assumed)
    return args[1] if found is not None and code(found) == code(args[1]) else None


def _item_type(facts: Facts, node: cst.Subscript, depth: int, assumed: Assumed = ()) -> cst.BaseExpression | None:
    if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
        return None
    index = node.slice[0].slice.value
    owner = type_of(facts, node.value, depth + 1, assumed)
    if owner is None:
        return None
    kind, args = head(owner), arguments(owner)
    if kind == "tuple" and isinstance(index, cst.Integer) and not any(isinstance(a, cst.Ellipsis) for a in args):
        position = int(index.value)
        return args[position] if position < len(args) else None
    if kind in ("dict", "Mapping", "MutableMapping") and len(args) == 2:
        return args[1]
    return element_of(owner) if kind in ("list", "tuple", "Sequence", "MutableSequence", "str", "bytes") else None


def _name_type(facts: Facts, name: str, depth: int, assumed: Assumed = ()) -> cst.BaseExpression | None:
    declared = facts.annotation(name)
    if declared is not None or facts.param(name) is not None:
        return declared
    known = dict(assumed)
    if name in known:
        return _annotation(known[name])
    bindings = facts.bindings(name)
    direct = [b for b in bindings if not _self_referring(facts, b, name)]
    found = {_binding_type(facts, b, depth, assumed) for b in direct}
    if len(found) != 1 or "" in found:
        return None
    kind = found.pop()
    hypothesis = (*assumed, (name, kind))  # `x = x + 1`: the type it keeps if it starts as `kind`
    if any(_binding_type(facts, b, depth, hypothesis) != kind for b in bindings if b not in direct):
        return None
    return _annotation(kind)


def _self_referring(facts: Facts, binding: cst.Name, name: str) -> bool:
    """A binding whose value reads the name itself (`x = x + 1`, `x += 1`, `for x in f(x)`)."""
    statement = facts.parents.get(binding)
    while statement is not None and not isinstance(statement, (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor)):
        statement = facts.parents.get(statement)
    if isinstance(statement, cst.AugAssign):
        return True
    value = statement.iter if isinstance(statement, (cst.For, cst.CompFor)) else getattr(statement, "value", None)
    return isinstance(value, cst.BaseExpression) and bool(facts.names(name, value))


def _binding_type(facts: Facts, binding: cst.Name, depth: int, assumed: Assumed = ()) -> str:
    """The code of the type one binding gives its name ("" when unknown)."""
    path: list[int] = []  # positions inside nested tuple targets, outermost last
    child: cst.CSTNode = binding
    for parent in facts.ancestors(binding):
        if isinstance(parent, cst.Element):
            child = parent
            continue
        if isinstance(parent, (cst.Tuple, cst.List)):
            path.append(next(i for i, e in enumerate(parent.elements) if e is child))
            child = parent
            continue
        break
    else:
        return ""
    found: cst.BaseExpression | None = None
    if isinstance(parent, cst.AugAssign) and parent.target is child and type(parent.operator) in _AUGMENTED:
        step = cst.BinaryOperation(left=child, operator=_AUGMENTED[type(parent.operator)], right=parent.value)
        found = type_of(facts, step, depth + 1, assumed)
    elif isinstance(parent, (cst.For, cst.CompFor)) and parent.target is child:
        found = element_type(facts, parent.iter, depth + 1, assumed)
    elif isinstance(parent, cst.AssignTarget) and isinstance(holder := facts.parents.get(parent), cst.Assign):
        found = type_of(facts, holder.value, depth + 1, assumed) if len(holder.targets) == 1 else None
    for position in reversed(path):
        args = arguments(found) if found is not None and head(found) == "tuple" else []
        if any(isinstance(a, cst.Ellipsis) for a in args):
            found = args[0]
        else:
            found = args[position] if position < len(args) else None
    return code(found) if found is not None else ""
