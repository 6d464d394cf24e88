"""The original of each changed module, installed beside the variant under a shadow name so that
both versions can be loaded in one process and compared.

`agent/core.py` (original) becomes `agent/_crucible_original_core.py`; its imports of other
changed modules are redirected to their shadows, so the original code keeps calling original
code, while unchanged modules (and their classes) are shared by both versions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import libcst as cst

from verifiers.symbols import dotted_name, module_file

__all__ = ["SHADOW_PREFIX", "install_shadows", "shadow_name"]

SHADOW_PREFIX: Final = "_crucible_original_"


def shadow_name(module: str, path: str) -> str:
    """`agent.core` -> `agent._crucible_original_core`; a package `agent` (its `__init__.py`)
    -> `agent._crucible_original_agent`, inside the package so relative imports still work."""
    package, _, leaf = module.rpartition(".")
    if path.endswith("__init__.py"):
        return f"{module}.{SHADOW_PREFIX}{leaf or module}"
    return f"{package}.{SHADOW_PREFIX}{leaf}" if package else f"{SHADOW_PREFIX}{leaf}"


def _shadow_path(path: str) -> str:
    directory, _, name = path.rpartition("/")
    if name == "__init__.py":
        # The package module itself: its shadow sits inside the package, named after it.
        leaf = directory.rpartition("/")[2]
        return f"{directory}/{SHADOW_PREFIX}{leaf}.py"
    return f"{directory}/{SHADOW_PREFIX}{name}" if directory else f"{SHADOW_PREFIX}{name}"


def install_shadows(original_root: Path, tree: Path, modules: dict[str, str]) -> dict[str, str]:
    """Write the original of every `module -> path` into `tree` under its shadow name.

    Returns module -> shadow module name.
    """
    shadows = {module: shadow_name(module, path) for module, path in modules.items()}
    for module, path in modules.items():
        source = (original_root / path).read_text(encoding="utf-8")
        package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
        rewritten = cst.parse_module(source).visit(_Redirect(shadows, package, original_root))
        (tree / _shadow_path(path)).write_text(rewritten.code, encoding="utf-8")
    return shadows


class _Redirect(cst.CSTTransformer):
    """Points imports of changed modules at their shadows (absolute and relative forms)."""

    def __init__(self, shadows: dict[str, str], package: str, root: Path) -> None:
        super().__init__()
        self.shadows = shadows
        self.package = package
        self.root = root
        self.dotted: dict[str, str] = {}  # `import pkg.a` of a changed module: `pkg.a` -> its shadow

    def visit_Module(self, node: cst.Module) -> None:
        # Every use of `pkg.a` must be known before the first one is rewritten, wherever the import is.
        collector = _PlainImports()
        node.visit(collector)
        self.dotted = {name: self.shadows[name] for name in collector.found if name in self.shadows and "." in name}

    def visit_Import(self, node: cst.Import) -> bool:
        return False  # names inside imports are rewritten by leave_Import, not leave_Attribute

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        dotted = dotted_name(updated_node)
        return _attribute(self.dotted[dotted]) if dotted in self.dotted else updated_node

    def _absolute(self, node: cst.ImportFrom) -> str:
        module = dotted_name(node.module) if node.module is not None else ""
        if not node.relative:
            return module
        base = self.package.split(".") if self.package else []
        if len(node.relative) > 1:
            base = base[: len(base) - (len(node.relative) - 1)]
        return ".".join([*base, module] if module else base)

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom,
    ) -> cst.ImportFrom | cst.FlattenSentinel[cst.BaseSmallStatement]:
        target = self._absolute(updated_node)
        if isinstance(updated_node.names, cst.ImportStar):
            return self._from_shadow(updated_node, target) if target in self.shadows else updated_node
        names, attributes = [], []
        for alias in updated_node.names:
            full = f"{target}.{dotted_name(alias.name)}" if target else dotted_name(alias.name)
            if full in self.shadows:
                bound = alias.asname or cst.AsName(name=cst.Name(dotted_name(alias.name)))
                alias = alias.with_changes(name=cst.Name(self.shadows[full].rpartition(".")[2]), asname=bound)
            elif target in self.shadows and module_file(self.root, full) is None:
                attributes.append(alias)
                continue
            names.append(alias)
        if not attributes:
            return updated_node.with_changes(names=names)
        # What the changed package defines comes from its shadow; its submodules stay submodules
        # of the package itself (the shadow has none).
        redirected = self._from_shadow(updated_node.with_changes(names=_last_without_comma(attributes)), target)
        if not names:
            return redirected
        return cst.FlattenSentinel([updated_node.with_changes(names=_last_without_comma(names)), redirected])

    def _from_shadow(self, node: cst.ImportFrom, target: str) -> cst.ImportFrom:
        return node.with_changes(module=_attribute(self.shadows[target]), relative=[])

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        names = []
        for alias in updated_node.names:
            full = dotted_name(alias.name)
            if full in self.shadows and (alias.asname is not None or full in self.dotted):
                alias = alias.with_changes(name=_attribute(self.shadows[full]))
            elif full in self.shadows and "." not in self.shadows[full]:  # `import helpers`, a top-level module
                alias = alias.with_changes(name=cst.Name(self.shadows[full]), asname=cst.AsName(name=cst.Name(full)))
            names.append(alias)
        return updated_node.with_changes(names=names)


class _PlainImports(cst.CSTVisitor):
    """Modules imported without an alias (`import pkg.a`), used by their dotted names."""

    def __init__(self) -> None:
        super().__init__()
        self.found: set[str] = set()

    def visit_Import(self, node: cst.Import) -> None:
        self.found.update(dotted_name(alias.name) for alias in node.names if alias.asname is None)


def _last_without_comma(names: list[cst.ImportAlias]) -> list[cst.ImportAlias]:
    return [*names[:-1], names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)] if names else names


def _attribute(dotted: str) -> cst.Attribute | cst.Name:
    head, *rest = dotted.split(".")
    node: cst.Attribute | cst.Name = cst.Name(head)
    for part in rest:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node
