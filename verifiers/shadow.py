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
        rewritten = cst.parse_module(source).visit(_Redirect(shadows, package))
        (tree / _shadow_path(path)).write_text(rewritten.code, encoding="utf-8")
    return shadows


class _Redirect(cst.CSTTransformer):
    """Points imports of changed modules at their shadows (absolute and relative forms)."""

    def __init__(self, shadows: dict[str, str], package: str) -> None:
        super().__init__()
        self.shadows = shadows
        self.package = package

    def _absolute(self, node: cst.ImportFrom) -> str:
        module = _dotted(node.module) if node.module is not None else ""
        if not node.relative:
            return module
        base = self.package.split(".") if self.package else []
        if len(node.relative) > 1:
            base = base[: len(base) - (len(node.relative) - 1)]
        return ".".join([*base, module] if module else base)

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        target = self._absolute(updated_node)
        if target in self.shadows:
            return updated_node.with_changes(module=_attribute(self.shadows[target]), relative=[])
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        names = []
        for alias in updated_node.names:
            full = f"{target}.{_dotted(alias.name)}" if target else _dotted(alias.name)
            if full in self.shadows:
                bound = alias.asname or cst.AsName(name=cst.Name(_dotted(alias.name)))
                alias = alias.with_changes(name=cst.Name(self.shadows[full].rpartition(".")[2]), asname=bound)
            names.append(alias)
        return updated_node.with_changes(names=names)

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        names = []
        for alias in updated_node.names:
            full = _dotted(alias.name)
            if full in self.shadows and alias.asname is not None:
                alias = alias.with_changes(name=_attribute(self.shadows[full]))
            names.append(alias)
        return updated_node.with_changes(names=names)


def _dotted(node: cst.BaseExpression) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _attribute(dotted: str) -> cst.Attribute | cst.Name:
    head, *rest = dotted.split(".")
    node: cst.Attribute | cst.Name = cst.Name(head)
    for part in rest:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node
