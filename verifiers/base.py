"""The vocabulary every gate speaks: outcomes, evidence, results, and what a gate may look at."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import ClassVar, Protocol

from verifiers.config import CrucibleConfig
from verifiers.kernel import KernelSpec

__all__ = [
    "Budgets",
    "ChangeKind",
    "Evidence",
    "FileChange",
    "Gate",
    "GateContext",
    "GateResult",
    "Isolation",
    "Outcome",
    "SkipReason",
    "Strength",
    "Variant",
]


class Outcome(StrEnum):
    """A gate's verdict. Only PASS admits; nothing is ever guessed into PASS."""

    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    ERROR = "error"
    SKIPPED = "skipped"


class Strength(StrEnum):
    """How much a pass is worth: proved for all inputs, all paths explored, or a bounded search."""

    PROVED = "proved"  # Z3: equal for all inputs
    EXHAUSTIVE = "exhaustive"  # CrossHair explored every path
    BOUNDED = "bounded"  # CrossHair found no counterexample within its budget
    SAMPLED = "sampled"  # agreed on the inputs the original received in the project's own runs


class SkipReason(StrEnum):
    NOT_RUN = "not-run"  # an earlier gate already rejected the variant
    NOT_CONFIGURED = "not-configured"  # the project has nothing for this gate to check


class Isolation(StrEnum):
    """What the user allows the test sandbox to be."""

    STRICT = "strict"  # namespaces + read-only filesystem + limits, or refuse
    WEAK = "weak"  # resource limits and a scrubbed environment only, when namespaces are unavailable


class ChangeKind(StrEnum):
    ADDED = "added"
    MODIFIED = "modified"
    DELETED = "deleted"


@dataclass(frozen=True)
class Evidence:
    """One fact behind a verdict: where, what, and the tool's own words."""

    message: str
    path: str | None = None
    line: int | None = None
    rule: str | None = None
    excerpt: str = ""
    reproduction: str | None = None  # a ready-to-run pytest test, when the gate could write one
    data: tuple[tuple[str, float], ...] = ()  # named measurements (a benchmark's speed-up and CI)


@dataclass(frozen=True)
class GateResult:
    gate: str
    outcome: Outcome
    summary: str
    evidence: tuple[Evidence, ...] = ()
    seconds: float = 0.0
    strength: Strength | None = None
    skip_reason: SkipReason | None = None
    speedup: float | None = None
    # "crosshair-tool 0.0.114" when the gate could not judge because that tool failed (crashed,
    # or wrote what cannot be read): a finding about the tool, not about the variant.
    tool_failure: str | None = None

    def timed(self, seconds: float) -> GateResult:
        return replace(self, seconds=round(seconds, 4))


@dataclass(frozen=True)
class FileChange:
    path: str
    kind: ChangeKind
    renamed_from: str | None = None


@dataclass(frozen=True)
class Variant:
    """A candidate: private copies of the original and the patched project, and the change."""

    original_root: Path
    root: Path
    changes: tuple[FileChange, ...]
    diff: str

    @property
    def changed_python(self) -> tuple[str, ...]:
        """Added or modified Python files (the code a gate has to read)."""
        return tuple(
            c.path for c in self.changes
            if c.kind is not ChangeKind.DELETED and c.path.endswith((".py", ".pyi"))
        )


@dataclass(frozen=True)
class Budgets:
    """Explicit limits for every gate; the defaults are documented in the README."""

    tool_seconds: float = 120.0  # semgrep, mypy
    test_seconds: float = 300.0  # wall time of the test suite in the sandbox
    test_cpu_seconds: int = 600
    memory_bytes: int = 4 * 1024**3
    file_bytes: int = 256 * 1024**2
    processes: int = 512  # tasks of the sandbox user: threads count too (ordinary threaded tests)
    function_seconds: float = 30.0  # wall limit of one function's formal check (a hang is `unknown`)
    search_seconds: float = 3.0  # CrossHair's search budget per function (then: bounded)
    per_path_seconds: float = 2.0  # CrossHair's limit on one path
    max_iterations: int = 2000  # CrossHair's iteration cap per function
    gate_seconds: float = 600.0  # wall limit of one formal gate, all functions together
    benchmark_rounds: int = 3  # interleaved original/variant benchmark runs each


@dataclass(frozen=True)
class GateContext:
    """Everything a gate may read. Gates write only below `scratch`."""

    config: CrucibleConfig
    kernel: KernelSpec
    variant: Variant
    scratch: Path
    budgets: Budgets = field(default_factory=Budgets)
    isolation: Isolation = Isolation.STRICT
    # Trace which files each of the original's tests reaches, the first time its suite runs, so
    # that later verdicts on the same original run only the tests a change can affect. Tracing
    # makes that run several times slower: `crucible gate`, judging one patch, does without.
    trace_tests: bool = True


class Gate(Protocol):
    """One check. `check` reports a GateResult and never raises past its boundary."""

    NAME: ClassVar[str]
    DESCRIPTION: ClassVar[str]

    def check(self, ctx: GateContext) -> GateResult: ...
