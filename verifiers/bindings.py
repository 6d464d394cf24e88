"""Who reaches what: rebinding or monkeypatching of protected symbols, forbidden imports, dynamic
imports. Names are resolved through imports with libcst's FullyQualifiedNameProvider (relative
imports included) and through plain aliases (`p = policy`), never by string matching."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import libcst as cst
import libcst.matchers as m
from libcst.metadata import FullRepoManager, FullyQualifiedNameProvider, MetadataWrapper, PositionProvider, QualifiedNameSource

from verifiers.symbols import dotted_name

__all__ = ["Finding", "ProtectedNames", "find_violations"]

# Calls that load code or modules by a name computed at run time.
DYNAMIC_LOADERS: Final = frozenset(
    {
        "builtins.__import__", "builtins.exec", "builtins.eval", "builtins.compile",
        "importlib.import_module", "importlib.__import__", "importlib.reload",
        "importlib.util.find_spec", "importlib.util.spec_from_file_location",
        "importlib.util.spec_from_loader", "importlib.util.module_from_spec",
        "importlib.machinery.SourceFileLoader", "importlib.machinery.SourcelessFileLoader",
        "importlib.machinery.ExtensionFileLoader", "importlib.machinery.PathFinder.find_spec",
        "imp.load_source", "imp.load_module", "imp.load_compiled", "imp.find_module",
        "runpy.run_module", "runpy.run_path", "pkgutil.get_loader", "pkgutil.find_loader",
        "pkgutil.walk_packages", "zipimport.zipimporter",
    }
)
# Loaders that are fine with a literal module name (checked against the forbidden list).
LITERAL_OK: Final = frozenset({"builtins.__import__", "importlib.import_module", "importlib.__import__"})
ATTRIBUTE_WRITERS: Final = frozenset(
    {
        "builtins.setattr", "builtins.delattr", "object.__setattr__", "object.__delattr__",
        "builtins.object.__setattr__", "builtins.object.__delattr__", "builtins.type.__setattr__",
        "unittest.mock.patch.object", "mock.patch.object", "pytest.MonkeyPatch.setattr",
    }
)
PATCHERS_BY_NAME: Final = frozenset({"unittest.mock.patch", "mock.patch", "unittest.mock.patch.dict"})
NAMESPACE_MUTATORS: Final = frozenset({"update", "setdefault", "pop", "popitem", "clear", "__setitem__", "__delitem__"})


@dataclass(frozen=True)
class ProtectedNames:
    """What the kernel protects, as dotted names."""

    modules: frozenset[str]  # whole protected modules (`agent.safety`)
    symbols: frozenset[str]  # protected symbols (`agent.respond.plan`, `agent.x.Class.method`)
    leaf_names: frozenset[str]  # last components of both, for objects we cannot resolve
    forbidden_imports: tuple[str, ...]

    def protects(self, dotted: str) -> bool:
        return any(dotted == p or dotted.startswith(p + ".") for p in self.modules | self.symbols)

    def contains(self, dotted: str) -> bool:
        """Whether `dotted` is a package or class holding something protected."""
        return any(p.startswith(dotted + ".") for p in self.modules | self.symbols)

    def forbids(self, module: str) -> str | None:
        return next((f for f in self.forbidden_imports if module == f or module.startswith(f + ".")), None)


@dataclass(frozen=True)
class Finding:
    kind: str  # rebinding | forbidden-import | dynamic-import
    message: str
    line: int
    code: str  # the offending source, whitespace-normalised: the identity used across versions

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.code)


def metadata_wrapper(root: Path, relative: str) -> MetadataWrapper:
    """One file's libcst tree with its fully qualified names resolved: shared by the analyses
    that read the same file (resolving is most of their cost), per content."""
    path = root / relative
    return _wrapper(str(root), relative, hashlib.sha256(path.read_bytes()).hexdigest())


@functools.lru_cache(maxsize=8)
def _wrapper(root: str, relative: str, digest: str) -> MetadataWrapper:
    path = str(Path(root) / relative)
    return FullRepoManager(root, [path], {FullyQualifiedNameProvider}).get_metadata_wrapper_for_path(path)


def find_violations(root: Path, relative: str, protected: ProtectedNames) -> list[Finding]:
    """Every violation in one file of the tree at `root`."""
    if relative.startswith("src/"):  # the src layout: module names start below src/
        root, relative = root / "src", relative.removeprefix("src/")
    wrapper = metadata_wrapper(root, relative)
    parts = relative.rsplit(".", 1)[0].split("/")
    is_package = parts[-1] == "__init__"
    module = ".".join(parts[:-1] if is_package else parts)
    package = module if is_package else ".".join(parts[:-1])
    state = _Names()
    for _ in range(2):  # twice, so that `b = a` after `a = policy` is seen whatever the order
        wrapper.visit(_AliasCollector(protected, state, package))
    visitor = _Visitor(protected, state, package, module)
    wrapper.visit(visitor)
    return visitor.findings


@dataclass
class _Names:
    """What the first pass learns about local names, flow-insensitively (so it over-approximates)."""

    aliases: dict[str, set[str]] = field(default_factory=dict)  # `p = policy`: p -> {agent.policy}
    imports: dict[str, str] = field(default_factory=dict)  # `from agent.policy import check`: check -> …


class _Resolver(cst.CSTVisitor):
    """Name resolution shared by both passes."""

    METADATA_DEPENDENCIES = (FullyQualifiedNameProvider, PositionProvider)

    def __init__(self, protected: ProtectedNames, names: _Names, package: str) -> None:
        super().__init__()
        self.protected = protected
        self.names = names
        self.package = package

    def absolute(self, node: cst.ImportFrom) -> str:
        module = dotted_name(node.module) if node.module is not None else ""
        if not node.relative:
            return module
        base = self.package.split(".") if self.package else []
        base = base[: len(base) - (len(node.relative) - 1)] if len(node.relative) > 1 else base
        return ".".join([*base, module] if module else base)

    def meanings(self, node: cst.BaseExpression) -> set[str]:
        """Dotted names `node` may evaluate to (imports, module-level names, aliases)."""
        names = {q.name for q in self.get_metadata(FullyQualifiedNameProvider, node, set())}
        if isinstance(node, cst.Name):
            names |= self.names.aliases.get(node.value, set())
        elif isinstance(node, cst.Attribute):
            names |= {f"{base}.{node.attr.value}" for base in self.meanings(node.value)}
        elif isinstance(node, cst.Call):
            names |= self._call_result(node)
        elif isinstance(node, cst.Subscript):
            key = _literal_key(node)
            if key is not None and "sys.modules" in self.meanings(node.value):
                names.add(key)
        return names

    def _call_result(self, call: cst.Call) -> set[str]:
        callee = self.meanings(call.func)
        first = _literal_arg(call, 0)
        if callee & {"importlib.import_module", "builtins.__import__"} and first:
            return {first}
        if "builtins.getattr" in callee and len(call.args) >= 2 and (attr := _literal_arg(call, 1)):
            return {f"{base}.{attr}" for base in self.meanings(call.args[0].value)}
        if "sys.modules.get" in callee and first:
            return {first}
        return set()

    def opaque(self, node: cst.BaseExpression) -> bool:
        """True for objects whose identity Crucible cannot know: parameters, locals, results."""
        return not any(
            q.source is not QualifiedNameSource.LOCAL
            for q in self.get_metadata(FullyQualifiedNameProvider, node, set())
        ) and not (isinstance(node, cst.Name) and node.value in self.names.aliases)

    def is_protected(self, node: cst.BaseExpression) -> str | None:
        return next((n for n in sorted(self.meanings(node)) if self.protected.protects(n)), None)


class _AliasCollector(_Resolver):
    """First pass: which local names hold a protected module or symbol."""

    def visit_Assign(self, node: cst.Assign) -> None:
        held = {n for n in self.meanings(node.value) if self.protected.protects(n)}
        if held:
            for target in node.targets:
                for name in _bound_names(target.target):
                    self.names.aliases.setdefault(name, set()).update(held)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            module = dotted_name(alias.name)
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            else:
                local, module = module.split(".")[0], module.split(".")[0]
            if self.protected.protects(module) or self.protected.contains(module):
                self.names.imports[local] = module

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            return
        module = self.absolute(node)
        for alias in node.names:
            full = f"{module}.{dotted_name(alias.name)}" if module else dotted_name(alias.name)
            bound = alias.asname.name if alias.asname else alias.name
            if isinstance(bound, cst.Name) and (self.protected.protects(full) or self.protected.contains(full)):
                self.names.imports[bound.value] = full


class _Visitor(_Resolver):
    """Second pass: report what the change may not do."""

    def __init__(self, protected: ProtectedNames, names: _Names, package: str, module: str) -> None:
        super().__init__(protected, names, package)
        self.module = module
        self.findings: list[Finding] = []
        self.scopes: list[str] = []  # "class" / "function", innermost last

    def report(self, kind: str, node: cst.CSTNode, message: str) -> None:
        line = self.get_metadata(PositionProvider, node).start.line
        code = " ".join(cst.Module([]).code_for_node(node).split())
        self.findings.append(Finding(kind, message, line, code))

    # -- imports ----------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self._check_import(node, dotted_name(alias.name))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = self.absolute(node)
        if isinstance(node.names, cst.ImportStar):
            self._check_import(node, module)
            if self.protected.protects(module) or self.protected.contains(module):
                self.report("rebinding", node, f"star import from {module} hides which protected names are rebound")
            return
        for alias in node.names:
            full = f"{module}.{dotted_name(alias.name)}" if module else dotted_name(alias.name)
            self._check_import(node, full if self.protected.forbids(full) else module)

    def _check_import(self, node: cst.CSTNode, module: str) -> None:
        forbidden = self.protected.forbids(module)
        if forbidden is not None:
            self.report("forbidden-import", node, f"imports {module}, forbidden by the kernel ({forbidden})")

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        """`import urllib; urllib.request.urlopen(…)` reaches a forbidden module without importing it."""
        for qualified in self.get_metadata(FullyQualifiedNameProvider, node, set()):
            if qualified.source is not QualifiedNameSource.IMPORT:
                continue  # `dict.fromkeys` is a builtin, not an import of the `builtins` module
            forbidden = self.protected.forbids(qualified.name)
            if forbidden is not None:
                self.report("forbidden-import", node, f"reaches {qualified.name}, forbidden by the kernel ({forbidden})")
                return False
        return True

    # -- writes -----------------------------------------------------------------------------
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._check_target(target.target, node)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._check_target(node.target, node)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._check_target(node.target, node)

    def visit_Del(self, node: cst.Del) -> None:
        self._check_target(node.target, node)

    def visit_For(self, node: cst.For) -> None:
        self._check_target(node.target, node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._check_target(node.asname.name, node)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._check_target(node.target, node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._check_rebound_name(node.name.value, node.name)
        self.scopes.append("function")
        for param in _all_params(node.params):
            self._check_rebound_name(param.name.value, param)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._check_rebound_name(node.name.value, node.name)
        self.scopes.append("class")

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.scopes.pop()

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            if self.protected.protects(f"{self.module}.{item.name.value}"):
                self.report("rebinding", node, f"declares protected {item.name.value} global to rebind it")

    def _check_target(self, target: cst.BaseExpression, statement: cst.CSTNode) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._check_target(element.value, statement)
        elif isinstance(target, cst.StarredElement):
            self._check_target(target.value, statement)
        elif isinstance(target, cst.Name):
            self._check_rebound_name(target.value, statement)
        elif isinstance(target, cst.Attribute):
            self._check_attribute_write(target, statement)
        elif isinstance(target, cst.Subscript):
            self._check_namespace_write(target.value, statement, (_literal_key(target),))

    def _check_rebound_name(self, name: str, node: cst.CSTNode) -> None:
        """A name imported from protected code, bound again in this file. A class body's own
        attributes (`quality: float` in a dataclass) live in the class, not the module: skipped."""
        if self.scopes and self.scopes[-1] == "class":
            return
        origin = self.names.imports.get(name)
        if origin is not None:
            self.report("rebinding", node, f"rebinds {name}, which is protected {origin}")

    def _check_attribute_write(self, target: cst.Attribute, statement: cst.CSTNode) -> None:
        hit = self.is_protected(target) or self.is_protected(target.value)
        if hit is not None:
            self.report("rebinding", statement, f"writes {target.attr.value} on protected {hit}")
        elif target.attr.value in self.protected.leaf_names and self.opaque(target.value):
            self.report(
                "rebinding", statement,
                f"writes attribute {target.attr.value} (named like a protected symbol) on an object "
                "Crucible cannot resolve",
            )

    def _check_namespace_write(self, container: cst.BaseExpression, statement: cst.CSTNode, keys: tuple[str | None, ...]) -> None:
        """`vars(m)[k] = …`, `m.__dict__[k] = …`, `globals()[k] = …`, `sys.modules[k] = …`; `keys`
        are the names written (None: not known before run time)."""
        owner = _namespace_owner(container)
        if owner is None:
            return
        if isinstance(owner, str):  # globals() / sys.modules: whole namespaces
            if owner == "sys.modules" and "sys.modules" not in self.meanings(container):
                return
            self.report("rebinding", statement, f"writes into {owner}, which can replace protected code")
        elif (hit := self.is_protected(owner)) is not None:
            self.report("rebinding", statement, f"writes into the namespace of protected {hit}")
        elif (hit := self._reaches_protected_member(owner, keys)) is not None:
            self.report("rebinding", statement, f"writes into the namespace holding protected {hit}")

    def _reaches_protected_member(self, owner: cst.BaseExpression, keys: tuple[str | None, ...]) -> str | None:
        """A module or class that holds protected symbols, written under a protected name or a
        name Crucible cannot know."""
        for holder in sorted(self.meanings(owner)):
            if not self.protected.contains(holder):
                continue
            for key in keys or (None,):
                if key is None:
                    return f"{holder} (a name computed at run time)"
                if self.protected.protects(f"{holder}.{key}"):
                    return f"{holder}.{key}"
        return None

    # -- calls ------------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        callee = self.meanings(node.func)
        if callee & ATTRIBUTE_WRITERS and node.args:
            self._check_setattr_call(node)
        if callee & PATCHERS_BY_NAME and (name := _literal_arg(node, 0)) and self.protected.protects(name):
            self.report("rebinding", node, f"patches protected {name}")
        loaders = callee & DYNAMIC_LOADERS
        if loaders:
            self._check_loader(node, sorted(loaders)[0])
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in NAMESPACE_MUTATORS:
            self._check_namespace_write(node.func.value, node, _written_keys(node))

    def _check_setattr_call(self, node: cst.Call) -> None:
        target = node.args[0].value
        name = _literal_arg(node, 1)
        hit = self.is_protected(target)
        if hit is None and name is not None:
            hit = next((n for n in sorted(self.meanings(target)) if self.protected.protects(f"{n}.{name}")), None)
        if hit is None:
            hit = self._reaches_protected_member(target, (name,))
        if hit is not None:
            self.report("rebinding", node, f"sets an attribute on protected {hit}")
        elif name in self.protected.leaf_names and self.opaque(target):
            self.report("rebinding", node, f"sets attribute {name} (named like a protected symbol) on an unresolved object")

    def _check_loader(self, node: cst.Call, loader: str) -> None:
        name = _literal_arg(node, 0)
        if loader in LITERAL_OK and name is not None and not name.startswith("."):
            forbidden = self.protected.forbids(name)
            if forbidden is not None:
                self.report("forbidden-import", node, f"imports {name} dynamically, forbidden ({forbidden})")
            return
        self.report("dynamic-import", node, f"{loader.removeprefix('builtins.')}() loads code by a name "
                    "computed at run time, which could reach a forbidden import")

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in {"__import__", "__builtins__", "__loader__", "__spec__"}:
            self.report("dynamic-import", node, f"uses {node.value}, a back door to the import system")

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.evaluated_value
        if isinstance(value, str) and value in {"__import__", "__builtins__"}:
            self.report("dynamic-import", node, f"names {value} as a string, a back door to the import system")


def _bound_names(target: cst.BaseExpression) -> Iterable[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _bound_names(element.value)


def _namespace_owner(container: cst.BaseExpression) -> cst.BaseExpression | str | None:
    if isinstance(container, cst.Attribute) and container.attr.value == "__dict__":
        return container.value
    if isinstance(container, cst.Call) and isinstance(container.func, cst.Name):
        if container.func.value == "vars" and container.args:
            return container.args[0].value
        if container.func.value == "globals":
            return "globals()"
    if m.matches(container, m.Attribute(value=m.Name("sys"), attr=m.Name("modules"))):
        return "sys.modules"
    return None


def _all_params(params: cst.Parameters) -> Sequence[cst.Param]:
    star = [params.star_arg] if isinstance(params.star_arg, cst.Param) else []
    kwarg = [params.star_kwarg] if params.star_kwarg is not None else []
    return [*params.posonly_params, *params.params, *star, *params.kwonly_params, *kwarg]


def _literal_arg(call: cst.Call, index: int) -> str | None:
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if index < len(positional) and isinstance(positional[index].value, cst.SimpleString):
        value = positional[index].value
        assert isinstance(value, cst.SimpleString)
        evaluated = value.evaluated_value
        return evaluated if isinstance(evaluated, str) else None
    return None


def _written_keys(call: cst.Call) -> tuple[str | None, ...]:
    """Names a namespace mutator call writes: `update(a=…)` keywords, `setdefault("a", …)`."""
    assert isinstance(call.func, cst.Attribute)
    if call.func.attr.value == "update":
        keywords = tuple(a.keyword.value for a in call.args if a.keyword is not None)
        positional = any(a.keyword is None for a in call.args)
        return keywords + ((None,) if positional or not keywords else ())
    return (_literal_arg(call, 0),)


def _literal_key(node: cst.Subscript) -> str | None:
    if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
        value = node.slice[0].slice.value
        if isinstance(value, cst.SimpleString) and isinstance(value.evaluated_value, str):
            return value.evaluated_value
    return None
