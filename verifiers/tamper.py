"""Tamper evidence: did the code under judgement touch what the judge relies on?

A sandboxed process that loads such code sends, over its authenticated channel, a fingerprint
taken before that code ran (`fingerprint-before`) and one taken before its last report
(`fingerprint-after`, with the names that differ inside each changed entry). This module decides,
in the trusted parent, which differences count:

- an entry that changed the same way in the original's run of the same job is the project's or
  the tools' own doing (a lazily filled cache, a test that rebinds a global), not the change's;
- a name added to a module namespace (`+name`: a submodule imported meanwhile, `sys.last_value`
  after a failing test) is harmless, unless it is a look-up hook (`__getattr__`); added to a class
  it overrides what the class inherited, and counts;
- everything else that changed is tampering: the gate's verdict is `error`, with what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from verifiers.channel import Message

__all__ = ["AFTER", "BEFORE", "Fingerprints", "fingerprints", "tampering"]

BEFORE: Final = "fingerprint-before"
AFTER: Final = "fingerprint-after"


@dataclass(frozen=True)
class Fingerprints:
    before: Mapping[str, str]
    after: Mapping[str, str] | None  # None: the process never sent its closing fingerprint
    detail: Mapping[str, Sequence[str]]

    def changed(self) -> dict[str, list[str]]:
        """Entries that differ, with their changed names; benign submodule additions dropped."""
        if self.after is None:
            return {}
        found: dict[str, list[str]] = {}
        for entry, digest in self.before.items():
            if self.after.get(entry) == digest:
                continue
            names = [str(n) for n in self.detail.get(entry, ["(changed)"]) if not _harmless(entry, str(n))]
            if names:
                found[entry] = names
        return found


# A name added to a module changes nothing code already looks up there (an imported submodule,
# `sys.last_value` after a failing test), except the hooks that intercept look-ups of missing names.
_MODULE_LOOKUP_HOOKS: Final = ("+__getattr__", "+__dir__")
# Caches the standard library fills in on any class: `copyreg` notes a class's slots when its
# instances are first copied or pickled.
_CLASS_CACHES: Final = ("+__slotnames__",)


def _harmless(entry: str, name: str) -> bool:
    """Added to a module namespace (not a class: there it would override an inherited member),
    or a cache the standard library keeps on classes."""
    if entry.startswith("class "):
        return name in _CLASS_CACHES
    return entry.startswith("module ") and name.startswith("+") and name.split(" ")[0] not in _MODULE_LOOKUP_HOOKS


def fingerprints(messages: Iterable[Message]) -> Fingerprints | None:
    """The two fingerprints among a process's reports, or None when it sent no first one."""
    before: Mapping[str, str] | None = None
    after: Mapping[str, str] | None = None
    detail: Mapping[str, Sequence[str]] = {}
    for message in messages:
        data: Any = message.data
        if message.kind == BEFORE and isinstance(data, dict):
            before = {str(k): str(v) for k, v in data.items()}
        elif message.kind == AFTER and isinstance(data, dict):
            after = {str(k): str(v) for k, v in dict(data.get("digests", {})).items()}
            detail = {str(k): [str(n) for n in v] for k, v in dict(data.get("changes", {})).items()}
    return None if before is None else Fingerprints(before, after, detail)


def tampering(variant: Fingerprints | None, original: Fingerprints | None = None,
              judge: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """What the code under judgement changed that the judge relies on, one line per entry (empty
    when nothing). A process that sent no fingerprint, or no closing one, cannot vouch for itself.
    `judge`: what the judging code itself changes in that process (entry -> names)."""
    if variant is None:
        return ["the process sent no fingerprint before the code under judgement ran"]
    if variant.after is None:
        return ["the process ended without its closing fingerprint (exited or was stopped early)"]
    expected = {entry: list(names) for entry, names in (original.changed() if original is not None else {}).items()}
    for entry, names in (judge or {}).items():
        expected.setdefault(entry, []).extend(names)
    lines = []
    for entry, names in sorted(variant.changed().items()):
        unexplained = [n for n in names if n not in expected.get(entry, [])]
        if unexplained:
            lines.append(f"{entry}: {', '.join(unexplained)}")
    return lines
