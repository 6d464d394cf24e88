"""The safety kernel: what no mutation may touch, its digest, and the lock that pins it."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import libcst as cst

from verifiers.config import CONFIG_FILES, CrucibleConfig, relative_project_path
from verifiers.errors import BadInput, IntegrityError
from verifiers.atomic import write_text_atomic
from verifiers.symbols import module_file, module_name_for, symbol_source
from verifiers.tree import hash_bytes, iter_files

__all__ = [
    "LOCK_FILE",
    "KernelDigest",
    "KernelSpec",
    "ProtectedSymbol",
    "compute_digest",
    "load_kernel",
    "protected_paths",
    "read_lock",
    "verify_lock",
    "write_lock",
]

LOCK_FILE: Final = "crucible.lock"
LOCK_FORMAT: Final = 1
# Tool configuration that changes how a gate judges: protected whenever present.
TOOL_CONFIG_FILES: Final = (
    "setup.cfg", "tox.ini", "pytest.ini", "mypy.ini", ".mypy.ini", "conftest.py", ".semgrepignore",
)
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


@dataclass(frozen=True)
class ProtectedSymbol:
    module: str
    qualname: str

    @property
    def key(self) -> str:
        return f"{self.module}:{self.qualname}"

    @property
    def dotted(self) -> str:
        return f"{self.module}.{self.qualname}"


@dataclass(frozen=True)
class KernelSpec:
    """`kernel.toml`: protected files and symbols, and imports no mutation may add."""

    path: str
    protected_files: tuple[str, ...]
    protected_symbols: tuple[ProtectedSymbol, ...]
    forbidden_imports: tuple[str, ...]

    @property
    def protected_modules(self) -> tuple[str, ...]:
        """Dotted names of modules whose whole file is protected."""
        names = (module_name_for(path) for path in self.protected_files)
        return tuple(sorted({name for name in names if name is not None}))


@dataclass(frozen=True)
class KernelDigest:
    """One hash per protected item, and one over all of them."""

    entries: tuple[tuple[str, str], ...]

    @property
    def value(self) -> str:
        lines = "".join(f"{key}={digest}\n" for key, digest in self.entries)
        return "sha256:" + hash_bytes(lines.encode())

    def differences(self, other: KernelDigest) -> list[str]:
        """What changed from `other` (the lock) to `self` (the tree), most telling first."""
        mine, theirs = dict(self.entries), dict(other.entries)
        changed = [f"changed {k}" for k in sorted(mine.keys() & theirs.keys()) if mine[k] != theirs[k]]
        missing = [f"missing {k}" for k in sorted(theirs.keys() - mine.keys())]
        added = [f"new {k}" for k in sorted(mine.keys() - theirs.keys())]
        return changed + missing + added


def load_kernel(config: CrucibleConfig) -> KernelSpec:
    """Parse and check the kernel spec named by the config (exit 2 on any problem)."""
    name = config.kernel
    try:
        data = tomllib.loads((config.root / name).read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        raise BadInput(f"{name}: not a readable TOML kernel spec: {exc}") from None
    unknown = sorted(set(data) - {"protected", "forbidden_imports"})
    if unknown:
        raise BadInput(f"{name}: unknown key {unknown[0]!r} (known: protected, forbidden_imports)")
    files: list[str] = []
    symbols: list[ProtectedSymbol] = []
    for entry in _string_list(data, "protected", name):
        if ":" in entry:
            symbols.append(_symbol(entry, name, config.root))
        else:
            files.append(_protected_file(entry, name, config.root))
    forbidden = _string_list(data, "forbidden_imports", name)
    for module in forbidden:
        if not _DOTTED.match(module):
            raise BadInput(f"{name}: key 'forbidden_imports': {module!r} is not a dotted module name")
    return KernelSpec(name, tuple(files), tuple(symbols), tuple(forbidden))


def _string_list(data: dict[str, object], key: str, name: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadInput(f"{name}: key {key!r} must be a list of strings, got {value!r}")
    return [str(v) for v in value]


def _protected_file(entry: str, name: str, root: Path) -> str:
    path = relative_project_path(entry)
    if path is None or not (root / path).exists():
        raise BadInput(f"{name}: key 'protected': {entry!r} is not a file or directory in the project")
    return path


def _symbol(entry: str, name: str, root: Path) -> ProtectedSymbol:
    module, _, qualname = entry.partition(":")
    if not _DOTTED.match(module) or not _DOTTED.match(qualname):
        raise BadInput(f"{name}: key 'protected': {entry!r} is not 'module:qualname'")
    if module_file(root, module) is None:
        raise BadInput(f"{name}: key 'protected': module {module!r} of {entry!r} is not in the project")
    return ProtectedSymbol(module, qualname)


def protected_paths(config: CrucibleConfig, kernel: KernelSpec) -> tuple[str, ...]:
    """Files and directories no mutation may change: the kernel's, plus the always-protected."""
    always = [config.kernel, config.specs, config.tests, LOCK_FILE, *CONFIG_FILES, *TOOL_CONFIG_FILES]
    if config.benchmarks is not None:
        always.append(config.benchmarks)
    return tuple(sorted(set(always) | set(kernel.protected_files)))


def compute_digest(root: Path, config: CrucibleConfig, kernel: KernelSpec) -> KernelDigest:
    """Hash everything protected in the tree at `root` (which may be a copy of the project)."""
    entries: dict[str, str] = {}
    for protected in protected_paths(config, kernel):
        if protected == LOCK_FILE:
            continue
        for relative in iter_files(root, protected):
            target = root / relative
            content = str(target.readlink()).encode() if target.is_symlink() else target.read_bytes()
            entries[f"file:{relative}"] = hash_bytes(content)
    for symbol in kernel.protected_symbols:
        entries[f"symbol:{symbol.key}"] = _symbol_hash(root, symbol)
    return KernelDigest(tuple(sorted(entries.items())))


def _symbol_hash(root: Path, symbol: ProtectedSymbol) -> str:
    relative = module_file(root, symbol.module)
    if relative is None:
        return "absent"
    try:
        module = cst.parse_module((root / relative).read_bytes())
    except cst.ParserSyntaxError:
        return "unparsable"
    source = symbol_source(module, symbol.qualname)
    return "absent" if source is None else hash_bytes(source.encode())


def write_lock(config: CrucibleConfig, kernel: KernelSpec) -> KernelDigest:
    """Pin the current protected content in `crucible.lock` (atomic write)."""
    digest = compute_digest(config.root, config, kernel)
    missing = [key for key, value in digest.entries if value in {"absent", "unparsable"}]
    if missing:
        raise BadInput(f"{kernel.path}: protected symbol {missing[0].removeprefix('symbol:')} is not defined")
    payload = {"format": LOCK_FORMAT, "digest": digest.value, "entries": dict(digest.entries)}
    write_text_atomic(config.root / LOCK_FILE, json.dumps(payload, indent=2, sort_keys=True) + "\n")
    return digest


def read_lock(root: Path) -> KernelDigest:
    path = root / LOCK_FILE
    if not path.is_file():
        raise IntegrityError(f"{LOCK_FILE}: missing; run `crucible kernel lock --project {root}` first")
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        entries = payload["entries"]
        if payload.get("format") != LOCK_FORMAT or not isinstance(entries, dict):
            raise ValueError("unknown lock format")
        pairs = tuple(sorted((str(k), str(v)) for k, v in entries.items()))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise IntegrityError(f"{LOCK_FILE}: unreadable ({exc}); re-create it with `crucible kernel lock`") from None
    digest = KernelDigest(pairs)
    if payload.get("digest") != digest.value:
        raise IntegrityError(f"{LOCK_FILE}: its digest does not match its own entries (edited by hand?)")
    return digest


def verify_lock(config: CrucibleConfig, kernel: KernelSpec) -> KernelDigest:
    """The tree's digest, or IntegrityError naming what differs from the lock."""
    locked = read_lock(config.root)
    current = compute_digest(config.root, config, kernel)
    differences = current.differences(locked)
    if differences:
        shown = "; ".join(differences[:5])
        more = f" (and {len(differences) - 5} more)" if len(differences) > 5 else ""
        raise IntegrityError(f"{LOCK_FILE}: tree does not match the lock: {shown}{more}")
    return current
