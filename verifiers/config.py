"""Load and validate a target project's `[tool.crucible]` (or `crucible.toml`) settings."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final

from verifiers.errors import BadInput

__all__ = ["CONFIG_FILES", "CrucibleConfig", "load_config", "relative_project_path"]

PYPROJECT: Final = "pyproject.toml"
CRUCIBLE_TOML: Final = "crucible.toml"
CONFIG_FILES: Final = (PYPROJECT, CRUCIBLE_TOML)
KNOWN_KEYS: Final = frozenset({"source", "tests", "specs", "kernel", "benchmarks"})


@dataclass(frozen=True)
class CrucibleConfig:
    """Where a target project keeps each thing Crucible needs; all paths relative, POSIX style."""

    root: Path
    config_file: str
    source: tuple[str, ...]
    tests: str
    specs: str
    kernel: str
    benchmarks: str | None


def load_config(root: Path) -> CrucibleConfig:
    """Read the project's Crucible settings, naming file and key in every error (exit 2)."""
    if not root.is_dir():
        raise BadInput(f"{root}: project directory does not exist")
    table, config_file = _find_table(root)
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        known = ", ".join(sorted(KNOWN_KEYS))
        raise BadInput(f"{config_file}: unknown key {unknown[0]!r} (known keys: {known})")
    where = _Where(root, config_file)
    source = where.path_list(table, "source")
    return CrucibleConfig(
        root=root,
        config_file=config_file,
        source=source,
        tests=where.path(table, "tests", default="tests", kind="dir_or_file"),
        specs=where.path(table, "specs", default="specs", kind="dir"),
        kernel=where.path(table, "kernel", default="specs/kernel.toml", kind="file"),
        benchmarks=where.optional_path(table, "benchmarks"),
    )


def relative_project_path(text: str) -> str | None:
    """Normalise a project-relative path; None when it is absolute or leaves the project."""
    if not text or text.startswith(("/", "\\")) or "\\" in text or "\x00" in text:
        return None
    parts = [p for p in PurePosixPath(text).parts if p != "."]
    if not parts or any(p == ".." for p in parts):
        return None
    return "/".join(parts)


def _find_table(root: Path) -> tuple[dict[str, object], str]:
    pyproject = _read_toml(root, PYPROJECT)
    crucible = _read_toml(root, CRUCIBLE_TOML)
    tool = pyproject.get("tool") if pyproject is not None else None
    in_pyproject = isinstance(tool, dict) and "crucible" in tool
    if crucible is not None and in_pyproject:
        raise BadInput(
            f"{CRUCIBLE_TOML}: settings are also in {PYPROJECT} [tool.crucible]; keep one of them"
        )
    if crucible is not None:
        return crucible, CRUCIBLE_TOML
    if in_pyproject:
        assert isinstance(tool, dict)
        table = tool["crucible"]
        if not isinstance(table, dict):
            raise BadInput(f"{PYPROJECT}: [tool.crucible] must be a table")
        return table, PYPROJECT
    raise BadInput(f"{root}: no Crucible settings ({PYPROJECT} [tool.crucible] or {CRUCIBLE_TOML})")


def _read_toml(root: Path, name: str) -> dict[str, object] | None:
    path = root / name
    if not path.is_file():
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{name}: not valid TOML: {exc}") from None


@dataclass(frozen=True)
class _Where:
    root: Path
    config_file: str

    def fail(self, key: str, expected: str, got: object) -> BadInput:
        return BadInput(f"{self.config_file}: key {key!r} must be {expected}, got {got!r}")

    def relative(self, key: str, value: object) -> str:
        if not isinstance(value, str):
            raise self.fail(key, "a string path relative to the project", value)
        path = relative_project_path(value)
        if path is None:
            raise self.fail(key, "a path inside the project (relative, no '..')", value)
        return path

    def existing(self, key: str, value: object, kind: str) -> str:
        path = self.relative(key, value)
        target = self.root / path
        ok = {
            "dir": target.is_dir(),
            "file": target.is_file(),
            "dir_or_file": target.exists(),
        }[kind]
        if not ok:
            noun = {"dir": "directory", "file": "file", "dir_or_file": "path"}[kind]
            raise BadInput(f"{self.config_file}: key {key!r}: {noun} {path!r} does not exist")
        return path

    def path(self, table: dict[str, object], key: str, *, default: str, kind: str) -> str:
        return self.existing(key, table.get(key, default), kind)

    def optional_path(self, table: dict[str, object], key: str) -> str | None:
        if key not in table:
            return None
        return self.existing(key, table[key], "dir_or_file")

    def path_list(self, table: dict[str, object], key: str) -> tuple[str, ...]:
        if key not in table:
            raise BadInput(f"{self.config_file}: missing required key {key!r} (a list of paths)")
        value = table[key]
        if not isinstance(value, list) or not value:
            raise self.fail(key, "a non-empty list of paths", value)
        return tuple(self.existing(key, item, "dir_or_file") for item in value)
