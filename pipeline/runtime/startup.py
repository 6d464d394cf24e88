"""What the runtime checks when an agent hands it its modules at start-up."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping
from pathlib import Path
from types import FunctionType, ModuleType

from pipeline.runtime.kernelfacts import KernelFacts
from pipeline.runtime.versions import ModuleSource

__all__ = ["managed_module", "stale_references"]


def managed_module(name: str, root: Path, kernel: set[str], facts: KernelFacts) -> tuple[ModuleType, ModuleSource]:
    if name in kernel:
        raise ValueError(f"{name} is a kernel module: kernel modules are never reloaded")
    module = importlib.import_module(name)
    if hasattr(module, "__path__") or getattr(module, "__file__", None) is None:
        raise ValueError(f"{name} is a package or has no source file: manage its modules instead")
    if "__crucible_board__" in module.__dict__:
        raise ValueError(f"{name} is already managed by a runtime")
    path = Path(str(module.__file__)).resolve()
    if root not in path.parents:
        raise ValueError(f"{name} ({path}) is not inside the agent root {root}")
    relative = path.relative_to(root).as_posix()
    if facts.protects(relative):
        raise ValueError(f"{name} ({relative}) is protected by the kernel spec: it is never reloaded")
    return module, ModuleSource(name, relative, path.read_text(encoding="utf-8"))


def stale_references(modules: Mapping[str, ModuleType]) -> list[str]:
    """Functions of managed modules bound, before start-up, in modules the runtime does not manage."""
    spaces = {id(m.__dict__) for m in modules.values()}
    found: list[str] = []
    for name, module in list(sys.modules.items()):
        if name in modules or module is None or not isinstance(getattr(module, "__dict__", None), dict):
            continue
        for attr, value in list(module.__dict__.items()):
            if isinstance(value, FunctionType) and id(value.__globals__) in spaces:
                found.append(f"{name}.{attr}")
    return found

