"""What a running agent knows about its safety kernel, read with the standard library alone: the
digest in `crucible.lock` and the paths and modules `kernel.toml` protects.

The full digest needs libcst (protected symbols are hashed by their syntax tree), so the runtime
does not recompute it: it takes the lock's digest as the one the process started with, checks the
lock against itself, and re-hashes the protected *files* the lock lists (plain bytes)."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final

__all__ = ["ALWAYS_PROTECTED", "KernelFacts", "module_for_path", "read_kernel_facts"]

LOCK_FILE: Final = "crucible.lock"
# The always-protected part of every project (see verifiers.kernel.protected_paths).
ALWAYS_PROTECTED: Final = (
    "crucible.lock", "pyproject.toml", "crucible.toml", "setup.cfg", "tox.ini", "pytest.ini", "mypy.ini",
    ".mypy.ini", "conftest.py", ".semgrepignore",
)


@dataclass(frozen=True)
class KernelFacts:
    digest: str  # "sha256:…", or "" when there is no usable lock
    problem: str | None  # why releases must be refused whatever they carry (no lock, tree off its lock)
    protected_paths: tuple[str, ...]  # files and directories, project-relative
    protected_modules: tuple[str, ...]  # dotted names: protected files and modules of protected symbols

    def protects(self, path: str) -> bool:
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.protected_paths)


def module_for_path(path: str) -> str | None:
    """`pkg/mod.py` -> `pkg.mod`, `pkg/__init__.py` -> `pkg`; None for anything else."""
    parts = PurePosixPath(path).parts
    if not parts or not parts[-1].endswith(".py"):
        return None
    names = [*parts[:-1], parts[-1][:-3]]
    if names[-1] == "__init__":
        names.pop()
    return ".".join(names) if names and all(n.isidentifier() for n in names) else None


def read_kernel_facts(root: Path) -> KernelFacts:
    kernel_spec, settings = _settings(root)
    protected = [*ALWAYS_PROTECTED, kernel_spec, *settings]
    modules: list[str] = []
    problem: str | None = None
    try:
        spec = tomllib.loads((root / kernel_spec).read_text(encoding="utf-8"))
        entries = spec.get("protected", [])
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, str) and ":" in entry:
                modules.append(entry.split(":", 1)[0])
            elif isinstance(entry, str):
                protected.append(entry.rstrip("/"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        problem = f"{kernel_spec}: unreadable kernel spec ({exc})"
    modules += [m for m in map(module_for_path, protected) if m is not None]
    digest, lock_problem = _lock_digest(root)
    return KernelFacts(digest, problem or lock_problem, tuple(sorted(set(protected))), tuple(sorted(set(modules))))


def _settings(root: Path) -> tuple[str, list[str]]:
    """The kernel spec's path and the other always-protected folders (specs, tests, benchmarks)."""
    table: dict[str, object] = {}
    for name, inner in (("crucible.toml", False), ("pyproject.toml", True)):
        try:
            data = tomllib.loads((root / name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        tool = data.get("tool")
        found = (tool.get("crucible") if isinstance(tool, dict) else None) if inner else data
        if isinstance(found, dict):
            table = found
            break
    value = table.get("kernel")
    folders = [table.get("specs", "specs"), table.get("tests", "tests"), table.get("benchmarks")]
    return (value if isinstance(value, str) else "specs/kernel.toml"), [f for f in folders if isinstance(f, str)]


def _lock_digest(root: Path) -> tuple[str, str | None]:
    try:
        payload = json.loads((root / LOCK_FILE).read_text(encoding="utf-8"))
        entries = {str(k): str(v) for k, v in payload["entries"].items()}
        stated = str(payload["digest"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return "", f"{LOCK_FILE}: missing or unreadable at start-up ({exc})"
    lines = "".join(f"{key}={value}\n" for key, value in sorted(entries.items()))
    if "sha256:" + hashlib.sha256(lines.encode()).hexdigest() != stated:
        return stated, f"{LOCK_FILE}: its digest does not match its own entries"
    for key, expected in sorted(entries.items()):
        if key.startswith("file:"):
            target = root / key[5:]
            try:
                content = str(target.readlink()).encode() if target.is_symlink() else target.read_bytes()
            except OSError:
                return stated, f"{LOCK_FILE}: protected file {key[5:]} is missing from the running tree"
            if hashlib.sha256(content).hexdigest() != expected:
                return stated, f"{LOCK_FILE}: protected file {key[5:]} differs from the lock in the running tree"
    return stated, None
