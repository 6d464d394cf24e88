"""The admission rule. The only place in Crucible that decides whether a variant gets in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from verifiers.base import GateResult, Outcome, SkipReason

__all__ = ["Decision", "accepts", "admit"]

# Gates whose `skipped` is not a rejection when the project has nothing for them to check.
WAIVABLE_WHEN_NOT_CONFIGURED: Final = frozenset({"benchmarks"})


@dataclass(frozen=True)
class Decision:
    admitted: bool
    reason: str
    results: tuple[GateResult, ...]

    @property
    def speedup(self) -> float | None:
        return next((r.speedup for r in self.results if r.speedup is not None), None)


def admit(results: Sequence[GateResult], required: Sequence[str]) -> Decision:
    """Admitted only if every required gate ran and passed (or was waived as unconfigured)."""
    by_gate = {result.gate: result for result in results}
    for name in required:
        result = by_gate.get(name)
        if result is None:
            return Decision(False, f"{name}: no verdict (gate missing)", tuple(results))
        if not accepts(result):
            return Decision(False, f"{name}: {result.outcome.value}: {result.summary}", tuple(results))
    return Decision(True, "every gate passed", tuple(results))


def accepts(result: GateResult) -> bool:
    """Whether this one result lets the variant go on."""
    if result.outcome is Outcome.PASS:
        return True
    return (
        result.outcome is Outcome.SKIPPED
        and result.skip_reason is SkipReason.NOT_CONFIGURED
        and result.gate in WAIVABLE_WHEN_NOT_CONFIGURED
    )
