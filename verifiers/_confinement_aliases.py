"""The first pass of confinement, run twice so that order does not matter: which names hold
foreign objects (aliases), which imported names are modules, and which parameters this module's
own functions write. Writing to a parameter is owned (it holds an instance as far as the function
can tell), but handing such a function a foreign object is a foreign write at the call site:
`def add(d): d["k"] = 1` then `add(config.REGISTRY)`; a function passing its parameter on to one
that writes it is seen too (two levels deep, as aliases are)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import libcst as cst
from libcst.metadata import FullyQualifiedNameProvider, QualifiedNameSource

from verifiers._confinement_names import ARG_MUTATORS, ATTRIBUTE_WRITERS, CLASS_MUTATORS, MUTATOR_METHODS
from verifiers._confinement_modules import project_module, stdlib_submodule
from verifiers._confinement_resolve import Aliases, Resolver
from verifiers.symbols import dotted_name

__all__ = ["AliasCollector", "ParamWriteCollector", "all_params", "root_name", "written_arguments"]


class AliasCollector(Resolver):
    """First pass: which names hold foreign objects, and which imported names are modules."""

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            parts = dotted_name(alias.name).split(".")
            self.aliases.modules.update(".".join(parts[: i + 1]) for i in range(len(parts)))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = self.absolute(node)
        if isinstance(node.names, cst.ImportStar):
            self.aliases.star.append(module)
            return
        for alias in node.names:
            full = f"{module}.{dotted_name(alias.name)}" if module else dotted_name(alias.name)
            if project_module(self.root, full) or stdlib_submodule(full):
                self.aliases.modules.add(full)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target, node.value)

    def visit_For(self, node: cst.For) -> None:
        self._bind_items(node.target, node.iter)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind_items(node.target, node.iter)

    def visit_Param(self, node: cst.Param) -> None:
        if node.default is not None:
            self._bind(node.name, node.default)

    def _bind_items(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> None:
        if isinstance(iterable, (cst.Tuple, cst.List, cst.Set)):
            for element in iterable.elements:
                self._bind(target, element.value)
        else:
            self._hold(target, {f"{m}[]" for m in self.meanings(iterable)})

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)) and isinstance(value, (cst.Tuple, cst.List)) \
                and len(target.elements) == len(value.elements):
            for t, v in zip(target.elements, value.elements):
                self._bind(t.value, v.value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            self._hold(target, {f"{m}[]" for m in self.meanings(value)})
        else:
            self._hold(target, self.meanings(value))

    def _hold(self, target: cst.BaseExpression, meanings: set[str]) -> None:
        if not meanings:
            return
        for key in self._keys(target):
            self.aliases.held.setdefault(key, set()).update(meanings)

    def _keys(self, target: cst.BaseExpression) -> Iterator[str]:
        if isinstance(target, cst.Name):
            for q in self.get_metadata(FullyQualifiedNameProvider, target, set()):
                yield q.name
            if self.in_class_body():  # `mod = json` in class C: also `self.mod` in its methods
                yield f"{'.'.join(self.classes)}#{target.value}"
        elif isinstance(target, cst.Attribute) and (key := self.self_key(target)):
            yield key
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                yield from self._keys(element.value)
        elif isinstance(target, cst.StarredElement):
            yield from self._keys(target.value)


class ParamWriteCollector(AliasCollector):
    """The alias pass, plus which parameters (by name, in order) each own function writes."""

    def __init__(self, root: Path, package: str, aliases: Aliases) -> None:
        super().__init__(root, package, aliases)
        self.functions: list[tuple[str, set[str]]] = []  # (key, parameter names), innermost last

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        key = self.function_key(node)
        names = [p.name.value for p in all_params(node.params)]
        if self.in_class_body():
            names = names[1:]  # `self` / `cls`: called as self.method(...)
        self.aliases.params[key] = names
        self.functions.append((key, set(names)))
        return super().visit_FunctionDef(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.functions.pop()
        super().leave_FunctionDef(original_node)

    def function_key(self, node: cst.FunctionDef) -> str:
        if self.in_class_body():
            return f"{'.'.join(self.classes)}#{node.name.value}"
        qualified = self.get_metadata(FullyQualifiedNameProvider, node.name, set())
        return min((q.name for q in qualified), default=node.name.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        super().visit_Assign(node)
        for target in node.targets:
            self._written(target.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._written(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        super().visit_AnnAssign(node)
        self._written(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._written(node.target)

    def visit_Call(self, node: cst.Call) -> None:
        args = [a.value for a in node.args if a.keyword is None and not a.star]
        callee = self.meanings(node.func)
        if callee & (ATTRIBUTE_WRITERS | ARG_MUTATORS) and args:
            self._mark(root_name(args[0]))
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value in MUTATOR_METHODS | CLASS_MUTATORS:
            self._mark(root_name(node.func.value))
        for _, _, arg in written_arguments(self, node):
            self._mark(root_name(arg))

    def _written(self, target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._written(element.value)
        elif isinstance(target, (cst.Attribute, cst.Subscript)):
            self._mark(root_name(target.value))

    def _mark(self, name: str | None) -> None:
        if name is not None and self.functions and name in self.functions[-1][1]:
            self.aliases.param_writes.setdefault(self.functions[-1][0], set()).add(name)


def written_arguments(resolver: Resolver, node: cst.Call) -> list[tuple[str, str, cst.BaseExpression]]:
    """(function, parameter, argument) for each argument of a call to an own function that
    writes to that parameter."""
    key = _callee_key(resolver, node.func)
    if key is None or not (written := resolver.aliases.param_writes.get(key)):
        return []
    names = resolver.aliases.params.get(key, [])
    found = []
    for index, arg in enumerate(node.args):
        if arg.star:
            continue
        name = arg.keyword.value if arg.keyword is not None else names[index] if index < len(names) else None
        if name is not None and name in written:
            found.append((key.replace("#", "."), name, arg.value))
    return found


def _callee_key(resolver: Resolver, func: cst.BaseExpression) -> str | None:
    if isinstance(func, cst.Attribute):
        return resolver.self_key(func)
    if isinstance(func, cst.Name):
        qualified = resolver.get_metadata(FullyQualifiedNameProvider, func, set())
        return min((q.name for q in qualified if q.source is QualifiedNameSource.LOCAL), default=None)
    return None


def root_name(node: cst.BaseExpression) -> str | None:
    """`p` for `p`, `p.x`, `p[k].y`: the variable a chain of attributes and items starts from."""
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def all_params(params: cst.Parameters) -> list[cst.Param]:
    star = [params.star_arg] if isinstance(params.star_arg, cst.Param) else []
    kwarg = [params.star_kwarg] if params.star_kwarg is not None else []
    return [*params.posonly_params, *params.params, *star, *params.kwonly_params, *kwarg]
