"""Versions of the managed modules. A version is one complete, self-consistent set of namespaces:
every managed module, freshly executed from that version's sources with `importlib` under a
versioned name (`quoter.pricing@v3`) and registered side by side in `sys.modules`. Version 0 is
the process as it started (the modules' own namespaces, adopted as they are)."""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType, ModuleType
from typing import Final

from pipeline.runtime.bundle import Release, source_hash

__all__ = ["ModuleSource", "Version", "VersionLoadError"]

STATE_NAMES: Final = "__crucible_state__"
MIGRATE_HOOK: Final = "__crucible_migrate__"

Namespace = dict[str, object]


class VersionLoadError(Exception):
    """A module of the version failed to execute."""


@dataclass(frozen=True)
class ModuleSource:
    module: str
    path: str  # project-relative POSIX path
    text: str

    @property
    def sha256(self) -> str:
        return source_hash(self.text)


class _ReleaseLoader(importlib.abc.SourceLoader):
    """Serves one module's source from memory; tracebacks read it back through `get_source`."""

    def __init__(self, filename: str, text: str) -> None:
        self._filename = filename
        self._data = text.encode("utf-8")

    def get_filename(self, fullname: str | None = None) -> str:
        return self._filename

    def get_data(self, path: str) -> bytes:
        return self._data


class Version:
    """Built completely (all modules executed, state migrated) before it can go live; after that
    its namespaces belong to the calls pinned to it."""

    def __init__(self, number: int, sources: Mapping[str, ModuleSource], release: Release | None) -> None:
        self.number = number
        self.sources = dict(sources)
        self.release = release
        self.namespaces: dict[str, Namespace] = {}
        self._pending = dict(sources)

    @classmethod
    def adopt(cls, modules: Mapping[str, ModuleType], sources: Mapping[str, ModuleSource]) -> Version:
        """Version 0: the modules the process imported itself, namespaces taken as they are."""
        version = cls(0, sources, None)
        version.namespaces = {name: module.__dict__ for name, module in modules.items()}
        version._pending.clear()
        return version

    def versioned_name(self, module: str) -> str:
        return module if self.number == 0 else f"{module}@v{self.number}"

    def namespace(self, module: str) -> Namespace:
        """A module's namespace; while the version is being built, executes the module on first use
        (so a module importing another managed module gets that module's *new* version)."""
        found = self.namespaces.get(module)
        if found is None:
            found = self._execute(module)
        return found

    def function(self, module: str, name: str) -> Callable[..., object]:
        value = self.namespace(module).get(name)
        if not callable(value):
            raise AttributeError(f"version {self.number} of {module!r} has no callable {name!r}")
        return value

    def build(self, enter: Callable[[Version], Callable[[], None]]) -> None:
        """Execute every pending module with lookups pinned to this version (`enter` pins and
        returns the unpin). VersionLoadError, with the partial modules removed, on failure."""
        leave = enter(self)
        try:
            for module in list(self._pending):
                self.namespace(module)
        except VersionLoadError:
            self.discard()
            raise
        except Exception as exc:
            self.discard()
            raise VersionLoadError(f"executing the new version failed: {type(exc).__name__}: {exc}") from exc
        finally:
            leave()

    def _execute(self, module: str) -> Namespace:
        source = self._pending.pop(module)  # KeyError: not a managed module
        filename = f"crucible:v{self.number}/{source.path}"
        loader = _ReleaseLoader(filename, source.text)
        spec = importlib.util.spec_from_loader(self.versioned_name(module), loader)
        assert spec is not None
        new = importlib.util.module_from_spec(spec)
        new.__package__ = module.rpartition(".")[0]  # relative imports reach the managed modules
        self.namespaces[module] = new.__dict__  # before executing: circular imports see it, as usual
        sys.modules[spec.name] = new  # dataclasses, typing and pickle look modules up by name
        try:
            loader.exec_module(new)
        except Exception as exc:
            raise VersionLoadError(f"executing {module} ({source.path}) failed: {type(exc).__name__}: {exc}") from exc
        return new.__dict__

    def discard(self) -> None:
        """Forget the versioned modules (a failed build, or a version pruned from the history)."""
        if self.number == 0:
            return
        for module in self.sources:
            sys.modules.pop(self.versioned_name(module), None)

    def migrate_from(self, previous: Version) -> list[str]:
        """Carry module state across from `previous`: names listed in a module's
        `__crucible_state__` are shared by reference, then its `__crucible_migrate__(old)` hook runs
        with a read-only view of the old namespace. Returns the problems (hooks that raised)."""
        problems: list[str] = []
        for module, namespace in self.namespaces.items():
            old = previous.namespaces.get(module)
            if old is None:
                continue
            names = namespace.get(STATE_NAMES, ())
            for name in names if isinstance(names, (tuple, list)) else ():
                if isinstance(name, str) and name in old:
                    namespace[name] = old[name]
            hook = namespace.get(MIGRATE_HOOK)
            if callable(hook):
                try:
                    hook(MappingProxyType(old))
                except Exception as exc:  # the caller decides: refuse a release, log on a rollback
                    problems.append(f"{module}.{MIGRATE_HOOK} raised {type(exc).__name__}: {exc}")
        return problems

