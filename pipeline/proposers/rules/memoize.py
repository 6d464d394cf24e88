"""A pure recursive function that solves the same subproblems again and again (two or more
recursive calls, or one in a loop: Fibonacci, edit distance, path counting) gets a cache.

Not `functools.lru_cache`: a rule rewrites only the function, so it cannot add the import (and
`__import__` would be refused by the scope gate). The recursion moves into an inner function that
looks its arguments up in a dict created by each outer call — self-contained, no state between
calls, no unbounded growth. Parameters passed through unchanged by every recursive call (a graph,
a table) stay outside the key, so they need not be hashable.

Applies only when the function is pure enough that caching cannot be observed: it calls only
itself, side-effect-free builtins and read-only methods; writes no attribute, item or global; its
varying parameters are annotated with hashable immutable types (int, str, bool, bytes, tuples and
frozensets of them — not float, where 0.0 and -0.0 would share a key). A varying `list[T]`
parameter (recursing on `xs[1:]`) enters the key as `tuple(xs)`, T being such a type: the
function only reads it, so equal lists give equal results. Recursion depth grows by one frame
(the outer call). Where the recursion repeats but caching is not exact (impure, unannotated,
float or unhashable arguments), the site is reported and refused; a decorated function (perhaps
already cached) is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from pipeline.proposers.rules._analysis import PURE_BUILTINS, READ_METHODS, Facts
from pipeline.proposers.rules._base import FunctionRule, Refusals, code, operand, statements
from pipeline.proposers.rules._types import element_of, head, is_hashable

__all__ = ["MemoizeRecursion"]

_FORBIDDEN = (cst.Yield, cst.Await, cst.Global, cst.Nonlocal, cst.Lambda, cst.ClassDef, cst.Try, cst.With)


@dataclass(frozen=True)
class _Site:
    calls: tuple[cst.Call, ...]
    varying: tuple[cst.Param, ...]
    fixed: frozenset[str]


class MemoizeRecursion(FunctionRule[_Site]):
    NAME: ClassVar[str] = "memoize-recursion"
    DESCRIPTION: ClassVar[str] = "a pure function that recomputes its own subproblems caches them in a per-call dict"
    DIAGNOSTIC: ClassVar[str] = "exponential-recursion"

    def _node(self, site: _Site) -> cst.CSTNode:
        return site.calls[0]

    def _sites(self, facts: Facts, refusals: Refusals) -> list[_Site]:
        fn = facts.function
        calls = [n for n in facts.walk(fn.body) if isinstance(n, cst.Call) and isinstance(n.func, cst.Name) and n.func.value == fn.name.value]
        if not calls or not _repeats(facts, calls):
            return []  # no recursion, or a linear one: nothing is computed twice
        if fn.decorators:
            refusals.append("decorated functions are left alone (a decorator may cache already)")
            return []
        reason = _impure(facts, calls)
        if reason is not None:
            refusals.refuse(calls[0], reason)
            return []
        site = _site(facts, calls, refusals)
        return [site] if site is not None else []

    def _apply(self, facts: Facts, site: _Site) -> cst.FunctionDef:
        fn = facts.function
        assert fn.returns is not None and isinstance(fn.body, cst.IndentedBlock)
        cache, inner = facts.fresh(f"{fn.name.value}_cache"), facts.fresh(f"{fn.name.value}_memo")
        keys = [p.name.value for p in site.varying]
        parts = [f"tuple({k})" if _listed(p) else k for k, p in zip(keys, site.varying)]
        key = parts[0] if len(parts) == 1 else f"({', '.join(parts)})"
        types = [_key_type(p) for p in site.varying]
        key_type = types[0] if len(keys) == 1 else f"tuple[{', '.join(types)}]"
        fixed = {i for i, p in enumerate(_params(fn)) if p.name.value in site.fixed}
        docstring = _docstring(fn.body)
        prelude: list[cst.BaseStatement] = []
        if parts != keys:  # a list in the key: build it once per call
            name = facts.fresh("key")
            prelude, key = statements(f"{name} = {key}"), name
        body = fn.body.with_changes(body=fn.body.body[len(docstring):]).visit(_Memoised(site.calls, fixed, inner, cache, key))
        assert isinstance(body, cst.IndentedBlock)
        guard = [*prelude, *statements(f"if {key} in {cache}:\n    return {cache}[{key.strip('()')}]")]
        header = cst.parse_statement(f"def {inner}({', '.join(f'{k}: {_annotation(p)}' for k, p in zip(keys, site.varying))}): pass")
        assert isinstance(header, cst.FunctionDef)
        helper = header.with_changes(body=body.with_changes(body=[*guard, *body.body]), returns=fn.returns,
                                     leading_lines=[cst.EmptyLine(indent=False)])
        call = statements(f"return {inner}({', '.join(keys)})")[0].with_changes(leading_lines=[cst.EmptyLine(indent=False)])
        table = statements(f"{cache}: dict[{key_type}, {code(fn.returns.annotation)}] = {{}}")
        return fn.with_changes(body=fn.body.with_changes(body=[*docstring, *table, helper, call]))


class _Memoised(cst.CSTTransformer):
    """The original body, recursing into the cached helper and recording what it returns."""

    def __init__(self, calls: tuple[cst.Call, ...], fixed: set[int], inner: str, cache: str, key: str) -> None:
        super().__init__()
        self.calls, self.fixed, self.inner, self.cache, self.key = set(calls), fixed, inner, cache, key

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if original_node not in self.calls:
            return updated_node
        args = [a for i, a in enumerate(updated_node.args) if i not in self.fixed]
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(func=cst.Name(self.inner), args=args)

    def leave_Return(self, original_node: cst.Return, updated_node: cst.Return) -> cst.Return:
        if updated_node.value is None:
            return updated_node
        value = cst.parse_expression(f"{self.cache}.setdefault({self.key}, {operand(updated_node.value)})")
        return updated_node.with_changes(value=value)


def _params(fn: cst.FunctionDef) -> list[cst.Param]:
    return [*fn.params.posonly_params, *fn.params.params]


def _listed(param: cst.Param) -> bool:
    return param.annotation is not None and head(param.annotation.annotation) == "list"


def _key_type(param: cst.Param) -> str:
    if _listed(param):
        assert param.annotation is not None
        element = element_of(param.annotation.annotation)
        return f"tuple[{code(element) if element is not None else 'object'}, ...]"
    return _annotation(param)


def _annotation(param: cst.Param) -> str:
    assert param.annotation is not None
    return code(param.annotation.annotation)


def _docstring(body: cst.BaseSuite) -> list[cst.BaseStatement]:
    first = body.body[0] if isinstance(body, cst.IndentedBlock) and body.body else None
    if isinstance(first, cst.SimpleStatementLine) and len(first.body) == 1 and isinstance(first.body[0], cst.Expr):
        if isinstance(first.body[0].value, (cst.SimpleString, cst.ConcatenatedString)):
            return [first]
    return []


def _repeats(facts: Facts, calls: list[cst.Call]) -> bool:
    """Overlapping subproblems are likely: several recursive calls, or one inside a loop."""
    return len(calls) >= 2 or bool(facts.loops(calls[0]))


def _impure(facts: Facts, calls: list[cst.Call]) -> str | None:
    fn = facts.function
    if fn.asynchronous or fn.returns is None or not isinstance(fn.body, cst.IndentedBlock):
        return "async, unannotated or one-line functions are left alone"
    params = fn.params
    if params.star_arg != cst.MaybeSentinel.DEFAULT or params.kwonly_params or params.star_kwarg:
        return "the function takes *args, keyword-only or **kwargs parameters"
    names = [p.name.value for p in _params(fn)]
    if names[:1] in (["self"], ["cls"]):
        return "a method recursing through a global name"
    for node in facts.walk(fn.body):
        if isinstance(node, _FORBIDDEN) or isinstance(node, cst.FunctionDef):
            return f"the body uses {type(node).__name__}, which caching could make observable"
        if isinstance(node, (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.Del)) and not _plain_target(node):
            return "the body writes an attribute or an item"
        if isinstance(node, cst.Call) and not (node in calls or _pure_call(node)):
            return f"it calls {code(node.func)}, which may not be pure"
    uses = facts.names(fn.name.value, fn.body)
    if len(uses) != len(calls) or any(facts.parents.get(u) not in calls for u in uses):
        return f"{fn.name.value} is used other than by calling it"
    return None


def _plain_target(node: cst.AssignTarget | cst.AugAssign | cst.AnnAssign | cst.Del) -> bool:
    target = node.target
    return isinstance(target, cst.Name) or (isinstance(target, cst.Tuple) and all(isinstance(e.value, cst.Name) for e in target.elements))


def _pure_call(call: cst.Call) -> bool:
    func = call.func
    if isinstance(func, cst.Name):
        return func.value in PURE_BUILTINS
    return isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value in READ_METHODS


def _passes(call: cst.Call, index: int, name: str) -> bool:
    value = call.args[index].value
    return isinstance(value, cst.Name) and value.value == name


def _site(facts: Facts, calls: list[cst.Call], refusals: Refusals) -> _Site | None:
    params = _params(facts.function)
    if any(len(c.args) != len(params) or any(a.keyword or a.star for a in c.args) for c in calls):
        refusals.refuse(calls[0], "a recursive call does not pass every parameter by position")
        return None
    fixed = frozenset(p.name.value for i, p in enumerate(params)
                      if all(_passes(c, i, p.name.value) for c in calls) and not facts.bindings(p.name.value, facts.function.body))
    varying = tuple(p for p in params if p.name.value not in fixed)
    if not varying:
        return None
    for param in varying:
        annotation = param.annotation.annotation if param.annotation else None
        if annotation is not None and _listed(param):
            annotation = element_of(annotation)
        if not is_hashable(annotation) or "float" in (code(annotation) if annotation else ""):
            refusals.refuse(calls[0], f"parameter {param.name.value} is not annotated with a hashable immutable type")
            return None
    for name in fixed:
        if not all(facts.read_only(u) or facts.parents.get(facts.parents.get(u) or u) in calls for u in facts.loads(name, facts.function.body)):
            refusals.refuse(calls[0], f"{name} may be changed by the function")
            return None
    return _Site(tuple(calls), varying, fixed)
