"""Runs INSIDE every sandboxed process that loads code under judgement: the channel its reports
travel on, and the fingerprint of what the judge relies on.

Self-contained (standard library only): copied into the sandboxed tree as `_crucible_harness.py`
and imported before any project code, so both are set up before the code under judgement runs.

- The channel is a pipe the trusted parent opened before starting the process (inherited file
  descriptors named in CRUCIBLE_CHANNEL). Its key arrives on a second pipe that is read and closed
  at once: every report is authenticated with it (HMAC-SHA256, numbered), so bytes written to the
  pipe by anything that does not hold the key are told apart, and a missing closing report shows.
  Nothing is written to files in the writable copy or to stdout.
- The fingerprint names every module namespace, class dictionary and function body of the modules
  loaded outside the code under judgement, plus the interpreter's hooks and standard streams. It
  is taken before that code runs and again before the last report; the parent compares the two.

Everything here is bound when the module loads (captured C functions, default arguments), so
rebinding a standard-library name later does not change what this code runs.
"""

from __future__ import annotations

import os
import signal
import sys
import types
from collections.abc import Callable, Iterable
from typing import Any

_HMAC: Callable[[bytes, bytes, str], bytes]
try:
    from _hashlib import hmac_digest as _HMAC
except ImportError:  # an interpreter without OpenSSL: the pure-Python fallback
    import hmac as _hmac_module

    _HMAC = _hmac_module.digest

import json as _json

ENV = "CRUCIBLE_CHANNEL"
KEY_BYTES = 32
MAC_BYTES = 32
_DUMPS = _json.JSONEncoder(ensure_ascii=True, allow_nan=False, sort_keys=True, separators=(",", ":")).encode
_WATCHED_SIGNALS = tuple(s for s in (getattr(signal, n, None) for n in ("SIGALRM", "SIGTERM", "SIGINT", "SIGXCPU")) if s)


class Channel:
    """The authenticated, numbered report stream to the parent."""

    def __init__(self, key: bytes, fd: int) -> None:
        self._key = key
        self._fd = fd
        self._seq = 0

    def send(self, kind: str, data: Any, *, _write: Callable[[int, bytes], int] = os.write,
             _mac: Any = _HMAC, _dumps: Callable[[Any], str] = _DUMPS, _len: Callable[[Any], int] = len) -> None:
        payload = _dumps({"seq": self._seq, "kind": kind, "data": data}).encode("ascii")
        self._seq += 1
        frame = _len(payload).to_bytes(4, "big") + _mac(self._key, payload, "sha256") + payload
        written = 0
        while written < _len(frame):
            written += _write(self._fd, frame[written:])


def open_channel(*, _read: Callable[[int, int], bytes] = os.read, _close: Callable[[int], None] = os.close) -> Channel:
    """The channel named in the environment; its key is read and its key pipe closed now, before
    any code under judgement runs, and the variable is removed from the environment."""
    spec = os.environ.pop(ENV, "")
    key_fd, out_fd = (int(part) for part in spec.split(","))
    key = b""
    while len(key) < KEY_BYTES:
        chunk = _read(key_fd, KEY_BYTES - len(key))
        if not chunk:
            raise RuntimeError("the channel's key pipe closed early")
        key += chunk
    _close(key_fd)
    return Channel(key, out_fd)


# -- the fingerprint -------------------------------------------------------------------------

Snapshot = dict[str, tuple[int, dict[str, Any]]]
"""entry -> (digest, the namespace it was computed from, kept so that its objects stay alive and
their ids are not reused)."""


def take(owned: Iterable[str] = (), *, only_definitions: Iterable[str] = (), streams: bool = True,
         _modules: dict[str, Any] = sys.modules) -> Snapshot:
    """Fingerprint every loaded module whose file is not under an `owned` path (the code under
    judgement owns its own modules). Modules under `only_definitions` paths (a project's original
    code, whose functions may legitimately rebind their module's data) count by their functions
    and classes only. `streams=False` leaves out the standard streams (under pytest, whose
    capturing swaps them as tests start, end and fail)."""
    owned = tuple(owned)
    definitions_only = tuple(only_definitions)
    snapshot: Snapshot = {}
    for name, module in list(_modules.items()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        where = namespace.get("__file__")
        where = where if isinstance(where, str) else ""
        if owned and where.startswith(owned):
            continue
        copy = dict(namespace)
        if not streams and name == "sys":
            copy = {k: v for k, v in copy.items() if k not in _STREAMS}
        if definitions_only and where.startswith(definitions_only):
            copy = {k: v for k, v in copy.items() if isinstance(v, (type, types.FunctionType, types.ModuleType))}
        snapshot[f"module {name}"] = (hash(frozenset((k, id(v)) for k, v in copy.items())), copy)
        for key, value in copy.items():
            if getattr(value, "__module__", None) != name:
                continue
            if isinstance(value, type):
                members = dict(value.__dict__)
                code = tuple(_code(v) for v in members.values())
                snapshot[f"class {name}.{key}"] = (hash((frozenset((k, id(v)) for k, v in members.items()), code)), members)
            elif isinstance(value, types.FunctionType):
                snapshot[f"function {name}.{key}"] = (_code(value), {"": value})
    hooks = {k: v for k, v in _hooks().items() if streams or k.removeprefix("sys.") not in _STREAMS}
    snapshot["interpreter hooks"] = (hash(tuple(id(v) for v in hooks.values())), hooks)
    return snapshot


_STREAMS = ("stdin", "stdout", "stderr", "__stdin__", "__stdout__", "__stderr__")


def _code(value: object) -> int:
    """What a function runs: its code, defaults and closure (all replaceable in place)."""
    function = getattr(value, "__func__", value)  # classmethod, staticmethod, bound method
    if not isinstance(function, types.FunctionType):
        return 0
    cells = tuple(id(c.cell_contents) if _filled(c) else 0 for c in function.__closure__ or ())
    return hash((id(function.__code__), id(function.__defaults__), id(function.__kwdefaults__), cells))


def _filled(cell: types.CellType) -> bool:
    try:
        cell.cell_contents
    except ValueError:
        return False
    return True


def _hooks() -> dict[str, Any]:
    hooks: dict[str, Any] = {
        "sys.stdin": sys.stdin, "sys.stdout": sys.stdout, "sys.stderr": sys.stderr,
        "sys.__stdout__": sys.__stdout__, "sys.__stderr__": sys.__stderr__,
        "sys.gettrace()": sys.gettrace(), "sys.getprofile()": sys.getprofile(),
        "sys.excepthook": sys.excepthook, "sys.displayhook": sys.displayhook, "sys.unraisablehook": sys.unraisablehook,
        "sys.breakpointhook": sys.breakpointhook,
    }
    hooks.update({f"sys.meta_path[{i}]": finder for i, finder in enumerate(sys.meta_path)})
    hooks.update({f"sys.path_hooks[{i}]": hook for i, hook in enumerate(sys.path_hooks)})
    for number in _WATCHED_SIGNALS:
        hooks[f"signal {signal.Signals(number).name}"] = signal.getsignal(number)
    return hooks


def digests(snapshot: Snapshot) -> dict[str, str]:
    """What goes to the parent: entry -> digest (hex, so the JSON stays exact)."""
    return {entry: format(digest & 0xFFFFFFFFFFFFFFFF, "x") for entry, (digest, _) in snapshot.items()}


def changes(before: Snapshot, after: Snapshot) -> dict[str, list[str]]:
    """Entries whose digest changed, each with what differs inside it: `~name` replaced, `-name`
    removed, `+name` added (`+name (module)` when the new value is a module: a submodule that
    was imported meanwhile), `(code replaced)` when only a function's body or defaults changed."""
    found: dict[str, list[str]] = {}
    for entry, (digest, namespace) in before.items():
        later = after.get(entry)
        if later is None:
            found[entry] = ["(gone)"]
        elif later[0] != digest:
            found[entry] = _differences(namespace, later[1])[:20] or ["(code replaced)"]
    return found


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    names = []
    for key in sorted(old.keys() | new.keys()):
        if key not in new:
            names.append(f"-{key}")
        elif key not in old:
            names.append(f"+{key} (module)" if isinstance(new[key], types.ModuleType) else f"+{key}")
        elif old[key] is not new[key]:
            names.append(f"~{key}")
    return names
