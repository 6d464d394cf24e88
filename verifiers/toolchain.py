"""The versions that decide verdicts: Python and every tool a gate calls.

A verdict is a fact about a patch *and* the analysers that judged it: CrossHair 0.0.114 crashes
where 0.0.113 finds nothing, and the reverse. So every verdict record names these versions,
every cache of verdicts is keyed by them, and a verdict read back under other versions says so.
"""

from __future__ import annotations

import functools
import platform
from collections.abc import Sequence
from importlib import metadata
from typing import Final

__all__ = ["TOOLS", "Toolchain", "describe", "differences", "toolchain", "version_of"]

TOOLS: Final = ("crosshair-tool", "z3-solver", "mypy", "semgrep", "libcst", "pytest", "pytest-benchmark")
ABSENT: Final = "absent"

Toolchain = tuple[tuple[str, str], ...]
"""(name, version) pairs, Python first: JSON-friendly, hashable, ordered."""


@functools.cache
def toolchain() -> Toolchain:
    """This interpreter's versions of Python and of every verdict-deciding tool."""
    return (("python", platform.python_version()), *((name, version_of(name)) for name in TOOLS))


def version_of(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ABSENT


def differences(recorded: Sequence[tuple[str, str]], current: Sequence[tuple[str, str]]) -> list[str]:
    """What differs between two toolchains, one phrase per tool: "crosshair-tool 0.0.114 (now
    0.0.113)". A record written before versions were kept has none: that is a difference too."""
    if not recorded:
        return ["versions not recorded"]
    now = dict(current)
    then = dict(recorded)
    return [
        f"{name} {then.get(name, ABSENT)} (now {now.get(name, ABSENT)})"
        for name in dict.fromkeys([*_ORDER, *then, *now]) if then.get(name, ABSENT) != now.get(name, ABSENT)
    ]


def describe(versions: Sequence[tuple[str, str]]) -> str:
    """One line: "python 3.11.7, crosshair-tool 0.0.113, …", in the order of `toolchain()`."""
    ordered = sorted(versions, key=lambda item: _ORDER.index(item[0]) if item[0] in _ORDER else len(_ORDER))
    return ", ".join(f"{name} {version}" for name, version in ordered) or "versions not recorded"


_ORDER: Final = ("python", *TOOLS)
