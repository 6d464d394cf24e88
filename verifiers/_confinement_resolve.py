"""What an expression may evaluate to, for confinement: every object the module does not own gets
a dotted meaning (`json.encoder`, `builtins.print`, `agent.config.TABLE[]`, `<globals>`); what it
owns (its own functions, classes and globals, `self`, locals and parameters holding instances)
gets none. Resolution follows imports with libcst's FullyQualifiedNameProvider, as bindings.py
does, and aliases (`p = json`, `t = getattr(json, "encoder")`, `self.m = json`) flow-insensitively,
so it over-approximates rather than misses."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from libcst.metadata import FullyQualifiedNameProvider, PositionProvider, QualifiedNameSource

from verifiers._confinement_names import SHARED_OBJECT_GETTERS
from verifiers._confinement_modules import module_imports, project_module, stdlib_submodule
from verifiers.symbols import dotted_name

__all__ = ["Aliases", "Resolver", "absolute_module", "import_names", "literal_arg", "literal_string"]

SELF_NAMES = ("self", "cls", "mcs")
ITEM_GETTERS = frozenset({"get", "setdefault", "pop", "__getitem__"})
GETATTR_LIKE = frozenset({"builtins.getattr", "builtins.object.__getattribute__", "builtins.type.__getattribute__"})


@dataclass
class Aliases:
    """What the first pass learns about the module's names."""

    held: dict[str, set[str]] = field(default_factory=dict)  # qualified local name -> meanings
    modules: set[str] = field(default_factory=lambda: {"builtins"})  # names known to be modules
    star: list[str] = field(default_factory=list)  # `from X import *` sources
    params: dict[str, list[str]] = field(default_factory=dict)  # own function -> parameter names
    param_writes: dict[str, set[str]] = field(default_factory=dict)  # own function -> written ones


class Resolver(cst.CSTVisitor):
    """Name resolution shared by both passes; tracks the enclosing classes for `self.x` aliases."""

    METADATA_DEPENDENCIES = (FullyQualifiedNameProvider, PositionProvider)

    def __init__(self, root: Path, package: str, aliases: Aliases) -> None:
        super().__init__()
        self.root = root
        self.package = package
        self.aliases = aliases
        self.scopes: list[tuple[str, str]] = []  # ("class" | "function", name), innermost last

    @property
    def classes(self) -> list[str]:
        return [name for kind, name in self.scopes if kind == "class"]

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.scopes.append(("class", node.name.value))
        return True

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scopes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.scopes.append(("function", node.name.value))
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def absolute(self, node: cst.ImportFrom) -> str:
        return absolute_module(node, self.package)

    # -- meanings ------------------------------------------------------------------------------
    def meanings(self, node: cst.BaseExpression) -> set[str]:
        """Dotted names of the foreign objects `node` may evaluate to; empty when it is owned."""
        if isinstance(node, cst.Name):
            return self._reexported(self._name(node))
        if isinstance(node, cst.Attribute):
            return self._reexported(self._attribute(node))
        if isinstance(node, cst.Subscript):
            return self._subscript(node)
        if isinstance(node, cst.Call):
            return self._call(node)
        if isinstance(node, cst.IfExp):
            return self.meanings(node.body) | self.meanings(node.orelse)
        if isinstance(node, cst.BooleanOperation):
            return self.meanings(node.left) | self.meanings(node.right)
        if isinstance(node, cst.NamedExpr):
            return self.meanings(node.value)
        return set()

    def _name(self, node: cst.Name) -> set[str]:
        if node.value == "__builtins__":
            return {"builtins"}
        found: set[str] = set()
        qualified = self.get_metadata(FullyQualifiedNameProvider, node, set())
        for q in qualified:
            if q.source is QualifiedNameSource.LOCAL:
                found |= self.aliases.held.get(q.name, set())
            else:  # IMPORT, BUILTIN
                found.add(q.name)
        if not qualified:
            found |= {f"{source}.{node.value}" for source in self.aliases.star}
        return found

    def _attribute(self, node: cst.Attribute) -> set[str]:
        attr = node.attr.value
        if attr == "__class__" and not self.is_self(node.value):
            base = self.meanings(node.value)
            return {f"{b}.__class__" for b in base} if base else {"<the class of an unresolved object>"}
        found = {f"{base}.{attr}" for base in self.meanings(node.value)}
        for q in self.get_metadata(FullyQualifiedNameProvider, node, set()):  # `Holder.mod`
            if q.source is QualifiedNameSource.LOCAL:
                found |= self.aliases.held.get(q.name, set())
        key = self.self_key(node)
        return found | self.aliases.held.get(key, set()) if key else found

    def _subscript(self, node: cst.Subscript) -> set[str]:
        if len(node.slice) != 1 or not isinstance(node.slice[0].slice, cst.Index):
            return set()  # a slice is a copy
        key = literal_string(node.slice[0].slice.value)
        found = set()
        for base in self.meanings(node.value):
            if base == "sys.modules" and key:
                found.add(key)
                self.aliases.modules.add(key)
            elif base.endswith(".__dict__") and key:
                found.add(f"{base.removesuffix('.__dict__')}.{key}")
            elif base.endswith(".__dict__"):
                found.add(f"{base.removesuffix('.__dict__')}.?")  # a name computed at run time
            else:
                found.add(f"{base}[]")
        return found

    def _call(self, call: cst.Call) -> set[str]:
        callee = self.meanings(call.func)
        args = [a.value for a in call.args if a.keyword is None and not a.star]
        name = literal_arg(call, 0)
        if callee & GETATTR_LIKE and len(args) >= 2:
            attr = literal_arg(call, 1) or "?"
            return {f"{base}.{attr}" for base in self.meanings(args[0])}
        if isinstance(call.func, cst.Attribute) and call.func.attr.value == "__getattribute__" and args:
            return {f"{base}.{name or '?'}" for base in self.meanings(call.func.value)}
        if isinstance(call.func, cst.Call) and args and self.meanings(call.func.func) & {"operator.attrgetter", "operator.itemgetter"}:
            attr = literal_arg(call.func, 0) or "?"  # `attrgetter("environ")(os)`
            return {f"{base}.{attr}" for base in self.meanings(args[0])}
        if "builtins.vars" in callee:
            return {f"{base}.__dict__" for base in self.meanings(args[0])} if args else {"<locals>"}
        if "builtins.locals" in callee:
            return {"<locals>"}
        if "builtins.globals" in callee:
            return {"<globals>"}
        if callee & {"importlib.import_module", "builtins.__import__", "sys.modules.get"} and name:
            self.aliases.modules.add(name)
            return {name}
        if callee & SHARED_OBJECT_GETTERS:
            return {f"{min(callee & SHARED_OBJECT_GETTERS)}()"}
        if isinstance(call.func, cst.Attribute) and call.func.attr.value in ITEM_GETTERS:
            return {f"{base}[]" for base in self.meanings(call.func.value)}  # `TABLE.get(k)`: an item
        if "builtins.type" in callee and len(args) == 1 and not self.is_self(args[0]):
            base = self.meanings(args[0])
            return {f"{b}.__class__" for b in base} if base else {"<the class of an unresolved object>"}
        return set()  # what a call returns is a new object, as far as Crucible can tell

    def _reexported(self, meanings: set[str]) -> set[str]:
        """`os.sys` is also `sys`: what a module imports is reachable as its attribute."""
        found = set(meanings)
        for meaning in meanings:
            owner, _, name = meaning.rpartition(".")
            if owner and self.is_module(owner) and (reached := module_imports(self.root, owner).get(name)):
                found.add(reached)
        return found

    # -- helpers -------------------------------------------------------------------------------
    def is_self(self, node: cst.BaseExpression) -> bool:
        return bool(self.classes) and isinstance(node, cst.Name) and node.value in SELF_NAMES

    def self_key(self, node: cst.Attribute) -> str | None:
        """`self.handle` inside class C: one key for every method of C (and for C's body)."""
        return f"{'.'.join(self.classes)}#{node.attr.value}" if self.is_self(node.value) else None

    def in_class_body(self) -> bool:
        return bool(self.scopes) and self.scopes[-1][0] == "class"

    def is_module(self, name: str) -> bool:
        if name in self.aliases.modules or name in sys.stdlib_module_names:
            return True
        return project_module(self.root, name) or stdlib_submodule(name)

    def namespace_like(self, meaning: str) -> bool:
        """A whole namespace (a module, `globals()`, a `__dict__`) rather than one object in it."""
        return meaning in {"<globals>", "<locals>"} or meaning.endswith(".__dict__") or self.is_module(meaning)


def absolute_module(node: cst.ImportFrom, package: str) -> str:
    """The absolute module a `from` import reads, relative imports resolved against `package`."""
    module = dotted_name(node.module) if node.module is not None else ""
    if not node.relative:
        return module
    base = package.split(".") if package else []
    base = base[: len(base) - (len(node.relative) - 1)] if len(node.relative) > 1 else base
    return ".".join([*base, module] if module else base)


def import_names(node: cst.Import | cst.ImportFrom, absolute: str) -> Iterable[tuple[str, str | None]]:
    """(module, imported name) pairs: `import a.b` -> (a.b, None); `from a import b` -> (a, b)."""
    if isinstance(node, cst.Import):
        return [(dotted_name(alias.name), None) for alias in node.names]
    if isinstance(node.names, cst.ImportStar):
        return [(absolute, "*")]
    return [(absolute, dotted_name(alias.name)) for alias in node.names]


def literal_string(node: cst.BaseExpression) -> str | None:
    """The value of a string literal, adjacent literals (`"py" "test"`) and `+` of literals folded."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left, right = literal_string(node.left), literal_string(node.right)
        return left + right if left is not None and right is not None else None
    return None


def literal_arg(call: cst.Call, index: int) -> str | None:
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    return literal_string(positional[index]) if index < len(positional) else None
