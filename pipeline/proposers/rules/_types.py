"""What a rule may assume about a value's type, read off annotations and literal assignments.

Only the shapes the rules need: is it a list (or another sized, reversible collection), what are
its elements, and are those elements hashable, interchangeable when equal, or plain ints.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from pipeline.proposers.rules._analysis import Facts

__all__ = ["Shape", "element_of", "is_hashable", "is_int", "is_interchangeable", "is_str", "shape_of"]

_ALIASES = {"List": "list", "Tuple": "tuple", "Dict": "dict", "Set": "set", "FrozenSet": "frozenset"}
_SIZED = {"list", "tuple", "str", "bytes", "dict", "set", "frozenset", "Sequence", "MutableSequence", "Mapping",
          "MutableMapping", "AbstractSet", "MutableSet", "Collection"}
_REVERSIBLE = {"list", "tuple", "str", "bytes", "dict", "Sequence", "MutableSequence"}
_ITERABLE = _SIZED | {"Iterable", "Iterator", "Reversible"}
_SCALARS = {"str", "int", "bool", "bytes"}  # equal values are indistinguishable in practice


@dataclass(frozen=True)
class Shape:
    """A value's container kind (`list`, `str`, `Sequence`…) and, if known, its element type."""

    kind: str
    element: cst.BaseExpression | None = None

    @property
    def sized(self) -> bool:
        """Truthiness means non-emptiness, and `len` cannot fail."""
        return self.kind in _SIZED

    @property
    def reversible(self) -> bool:
        return self.kind in _REVERSIBLE

    @property
    def iterable(self) -> bool:
        return self.kind in _ITERABLE


def head(annotation: cst.BaseExpression) -> str | None:
    node = annotation.value if isinstance(annotation, cst.Subscript) else annotation
    if isinstance(node, cst.Name):
        return _ALIASES.get(node.value, node.value)
    if isinstance(node, cst.Attribute):
        return _ALIASES.get(node.attr.value, node.attr.value)
    return None


def arguments(annotation: cst.BaseExpression) -> list[cst.BaseExpression]:
    if not isinstance(annotation, cst.Subscript):
        return []
    return [e.slice.value for e in annotation.slice if isinstance(e.slice, cst.Index)]


def element_of(annotation: cst.BaseExpression) -> cst.BaseExpression | None:
    """The element type of a homogeneous collection annotation (`list[T]`, `tuple[T, ...]`…)."""
    kind, args = head(annotation), arguments(annotation)
    if kind == "tuple":
        if len(args) == 2 and isinstance(args[1], cst.Ellipsis):
            return args[0]
        return None
    if kind in ("dict", "Mapping", "MutableMapping") and args:
        return args[0]
    if kind in _ITERABLE and len(args) == 1:
        return args[0]
    if kind in ("str", "bytes"):
        return annotation
    return None


def shape_from_annotation(annotation: cst.BaseExpression) -> Shape | None:
    kind = head(annotation)
    if kind is None or (kind not in _ITERABLE and kind not in _SCALARS):
        return None
    return Shape(kind, element_of(annotation))


def shape_from_value(value: cst.BaseExpression) -> Shape | None:
    """The shape of a freshly built value: a list or set display, a comprehension, `list(…)`…"""
    if isinstance(value, (cst.List, cst.ListComp)):
        return Shape("list")
    if isinstance(value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return Shape("str", cst.Name("str"))
    if isinstance(value, (cst.Dict, cst.DictComp)):
        return Shape("dict")
    if isinstance(value, (cst.Set, cst.SetComp)):
        return Shape("set")
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Name):
        builtin = {"list": "list", "sorted": "list", "dict": "dict", "set": "set", "tuple": "tuple", "str": "str"}
        kind = builtin.get(value.func.value)
        return Shape(kind) if kind else None
    return None


def shape_of(facts: Facts, expression: cst.BaseExpression) -> Shape | None:
    """What is known of a name's (or a dict view's) value, everywhere in the function."""
    if isinstance(expression, cst.Call) and isinstance(expression.func, cst.Attribute) and not expression.args:
        owner, method = expression.func.value, expression.func.attr.value
        if method in ("keys", "values", "items") and isinstance(owner, cst.Name):
            base = shape_of(facts, owner)
            if base is not None and base.kind == "dict":
                return Shape("dict")
        return None
    if not isinstance(expression, cst.Name):
        return None
    annotation = facts.annotation(expression.value)
    if annotation is not None:
        return shape_from_annotation(annotation)
    values = facts.assigned_values(expression.value)
    if not values or facts.param(expression.value) is not None:
        return None
    shapes = {shape_from_value(v) for v in values}
    return shapes.pop() if len(shapes) == 1 else None


def _scalar(annotation: cst.BaseExpression | None, allowed: set[str]) -> bool:
    return isinstance(annotation, cst.Name) and annotation.value in allowed


def is_int(annotation: cst.BaseExpression | None) -> bool:
    return _scalar(annotation, {"int", "bool"})


def is_str(annotation: cst.BaseExpression | None) -> bool:
    return _scalar(annotation, {"str"})


def is_interchangeable(annotation: cst.BaseExpression | None) -> bool:
    """Equal values of this type are the same for every purpose a function could observe, and
    `==` agrees with `hash`: str, int, bool, bytes, and tuples of them."""
    if annotation is None:
        return False
    if head(annotation) == "tuple":
        args = [a for a in arguments(annotation) if not isinstance(a, cst.Ellipsis)]
        return bool(args) and all(is_interchangeable(a) for a in args)
    return _scalar(annotation, _SCALARS)


def is_hashable(annotation: cst.BaseExpression | None) -> bool:
    """Values of this type can be set members or dict keys, with `==` consistent with `hash`."""
    if annotation is None:
        return False
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        return is_hashable(annotation.left) and is_hashable(annotation.right)
    kind = head(annotation)
    if kind in ("tuple", "frozenset", "Optional"):
        args = [a for a in arguments(annotation) if not isinstance(a, cst.Ellipsis)]
        return bool(args) and all(is_hashable(a) for a in args)
    return _scalar(annotation, _SCALARS | {"float", "complex", "None"})
