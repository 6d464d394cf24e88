"""What proposers receive and return. A proposer never raises: what went wrong is counted."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from pipeline.edits import Edit

__all__ = ["Diagnostic", "Proposal", "Proposer", "ProposerStats", "Target"]


@dataclass(frozen=True)
class Diagnostic:
    """A static hint of wasted work: `kind` is its class (an arm dimension of the bandit)."""

    kind: str  # e.g. "quadratic-membership", "string-concat-in-loop"
    line: int  # 1-based, in the module
    message: str


@dataclass(frozen=True)
class Target:
    """A function worth improving, with everything a proposer may use."""

    module: str
    qualname: str
    path: str  # project-relative file
    source: str  # the function's current source
    seconds: float = 0.0  # time spent in it while the benchmarks ran (profile), 0 if unknown
    diagnostics: tuple[Diagnostic, ...] = ()
    contract: str = ""  # its spec stub's docstring, if any
    rejections: tuple[str, ...] = ()  # evidence from earlier rejected edits to it

    @property
    def address(self) -> str:
        return f"{self.module}:{self.qualname}"


@dataclass(frozen=True)
class Proposal:
    edits: tuple[Edit, ...]
    arm: str  # "edit kind x diagnostic class": what the bandit learns about
    note: str = ""


@dataclass
class ProposerStats:
    """Outcomes a proposer met on the way (malformed output, timeouts, server errors…)."""

    counts: Counter[str] = field(default_factory=Counter)

    def count(self, what: str) -> None:
        self.counts[what] += 1


class Proposer(Protocol):
    NAME: ClassVar[str]
    stats: ProposerStats

    def propose(self, target: Target, limit: int) -> list[Proposal]: ...
