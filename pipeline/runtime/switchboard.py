"""How a process changes code without any call seeing half of a change.

- The live version is one reference (`Switchboard.live`). A switch is one assignment to it, made
  only after the new version is completely built; a call reads it once.
- A call is pinned: the first managed call of a thread or task (or `pin()`, for a whole request)
  reads `live` and stores it in a context variable; every managed call beneath it runs on that same
  version, whatever switches meanwhile. So no call mixes two versions.
- References held elsewhere follow the live version: each managed module object is kept (its
  identity never changes) but its class becomes `_Facade`, whose `__getattribute__` answers from
  the pinned or live version (the trick `importlib.util.LazyLoader` uses). Functions are handed
  out as stable trampolines, so `from quoter.pricing import quote`, a stored callback, or a
  module attribute all call whatever version the caller is pinned to.
"""

from __future__ import annotations

import contextvars
import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import FunctionType, ModuleType
from typing import Any, Protocol, TypeVar

from pipeline.runtime.versions import Version

__all__ = ["EntryHook", "Pin", "Served", "Switchboard"]

_BOARD = "__crucible_board__"
_T = TypeVar("_T")


class Pin:
    """A unit of work (a request) pinned to one version. `version` is the one whose results it
    got: the canary may move a fresh request back to the previous version (then `substituted`)."""

    __slots__ = ("substituted", "used", "version")

    def __init__(self, version: int) -> None:
        self.version = version
        self.used = False
        self.substituted = False


@dataclass(frozen=True, slots=True)
class _Frame:
    version: Version
    entered: bool  # inside a managed call: nested calls just run on `version`
    pin: Pin | None


@dataclass(frozen=True, slots=True)
class Served:
    """What an entry call gave its caller, and from which version."""

    version: Version
    value: object = None
    error: Exception | None = None


class EntryHook(Protocol):
    """The canary's view of an entry-point call (see canary.py)."""

    def __call__(self, version: Version, key: str, args: tuple[object, ...], kwargs: dict[str, object],
                 fresh: bool) -> Served: ...


class _Facade(ModuleType):
    """A managed module: attribute reads and writes go to the pinned (or live) version."""

    def __getattribute__(self, name: str) -> Any:
        if name[:2] == "__" and name[-2:] == "__":
            return super().__getattribute__(name)
        board: Switchboard = ModuleType.__getattribute__(self, _BOARD)
        return board.lookup(ModuleType.__getattribute__(self, "__name__"), name)

    def __setattr__(self, name: str, value: object) -> None:
        if name[:2] == "__" and name[-2:] == "__":
            super().__setattr__(name, value)
            return
        board: Switchboard = ModuleType.__getattribute__(self, _BOARD)
        board.assign(ModuleType.__getattribute__(self, "__name__"), name, value)

    def __dir__(self) -> list[str]:
        board: Switchboard = ModuleType.__getattribute__(self, _BOARD)
        return sorted(board.current().namespace(ModuleType.__getattribute__(self, "__name__")))


class Switchboard:
    def __init__(self, base: Version) -> None:
        self.live = base
        self.entries: frozenset[str] = frozenset()  # "module:function" keys the hook watches
        self.hook: EntryHook | None = None
        self._frame: ContextVar[_Frame | None] = ContextVar("crucible_frame", default=None)
        self._trampolines: dict[str, Callable[..., object]] = {}
        self._patched: dict[tuple[int, str], object] = {}  # functions replaced by `module.name = …`
        self._lock = threading.Lock()

    def current(self) -> Version:
        frame = self._frame.get()
        return frame.version if frame is not None else self.live

    def attach(self, module: ModuleType) -> None:
        """Turn an imported module into a facade, in place (every existing reference sees it)."""
        module.__dict__[_BOARD] = self
        module.__class__ = _Facade

    def detach(self, module: ModuleType) -> None:
        module.__class__ = ModuleType
        module.__dict__.pop(_BOARD, None)

    def lookup(self, module: str, name: str) -> object:
        namespace = self.current().namespace(module)
        try:
            value = namespace[name]
        except KeyError:
            raise AttributeError(f"module {module!r} has no attribute {name!r}") from None
        if isinstance(value, FunctionType) and value.__globals__ is namespace:
            return self._trampoline(module, name, value)
        return value

    def assign(self, module: str, name: str, value: object) -> None:
        """`module.name = value`, into the pinned or live version. Monkeypatching works: the
        function a patch replaces is kept, and putting back what the patch read (the trampoline)
        puts back that function, not the trampoline (which would call itself)."""
        namespace = self.current().namespace(module)
        key = (id(namespace), name)
        if value is self._trampolines.get(f"{module}:{name}"):
            if key in self._patched:
                namespace[name] = self._patched.pop(key)
            return
        old = namespace.get(name)
        if isinstance(old, FunctionType) and old.__globals__ is namespace and key not in self._patched:
            self._patched[key] = old
        namespace[name] = value

    def _trampoline(self, module: str, name: str, first: FunctionType) -> Callable[..., object]:
        key = f"{module}:{name}"
        found = self._trampolines.get(key)
        if found is None:
            with self._lock:
                found = self._trampolines.get(key)
                if found is None:
                    def trampoline(*args: object, **kwargs: object) -> object:
                        return self.call(module, name, args, kwargs)

                    found = self._trampolines[key] = functools.wraps(first)(trampoline)
        return found

    def call(self, module: str, name: str, args: tuple[object, ...], kwargs: dict[str, object]) -> object:
        frame = self._frame.get()
        if frame is not None and frame.entered:
            return frame.version.function(module, name)(*args, **kwargs)
        version, pin = (frame.version, frame.pin) if frame is not None else (self.live, None)
        hook, key = self.hook, f"{module}:{name}"
        token = self._frame.set(_Frame(version, True, pin))
        try:
            if hook is None or key not in self.entries:
                return version.function(module, name)(*args, **kwargs)
            served = hook(version, key, args, kwargs, pin is None or not pin.used)
        finally:
            self._frame.reset(token)
            if pin is not None:
                pin.used = True
        if served.version is not version and pin is not None:
            # The canary answered from the previous version: the rest of the request runs there too.
            pin.version, pin.substituted = served.version.number, True
            self._frame.set(_Frame(served.version, False, pin))
        if served.error is not None:
            raise served.error
        return served.value

    def run_on(self, version: Version, module: str, name: str, args: tuple[object, ...],
               kwargs: dict[str, object]) -> object:
        """Call a function of `version` with everything beneath it pinned there (a shadow call)."""
        token = self._frame.set(_Frame(version, True, None))
        try:
            return version.function(module, name)(*args, **kwargs)
        finally:
            self._frame.reset(token)

    def unobserved(self, check: Callable[[], _T]) -> _T:
        """Run `check` on the live version as it is, whoever calls: in a fresh context, with the
        canary bypassed (a health check must see the new version's own answers)."""
        def run() -> _T:
            self._frame.set(_Frame(self.live, True, None))
            return check()

        return contextvars.Context().run(run)

    @contextmanager
    def pin(self) -> Iterator[Pin]:
        """Pin a unit of work (a request) to the live version for all its managed calls."""
        frame = self._frame.get()
        if frame is not None:  # already pinned: the outer unit decides
            yield frame.pin or Pin(frame.version.number)
            return
        live = self.live  # read once: the unit and its pin agree on the version
        pin = Pin(live.number)
        token = self._frame.set(_Frame(live, False, pin))
        try:
            yield pin
        finally:
            self._frame.reset(token)

    def staging(self, version: Version) -> Callable[[], None]:
        """Pin this thread to a version being built; returns the unpin."""
        token = self._frame.set(_Frame(version, False, None))
        return lambda: self._frame.reset(token)
