"""The admission decision. The only place in Crucible that decides whether a variant gets in,
by the rule in `verifiers/rule.py`: every gate of the registry, no fewer — a caller cannot name a
shorter list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from verifiers import rule
from verifiers.base import GateResult

__all__ = ["Decision", "accepts", "admit", "so_far"]


@dataclass(frozen=True)
class Decision:
    admitted: bool
    reason: str
    results: tuple[GateResult, ...]

    @property
    def speedup(self) -> float | None:
        return next((r.speedup for r in self.results if r.speedup is not None), None)


def admit(results: Sequence[GateResult]) -> Decision:
    """Admitted only if every gate of the rule ran and passed (or was waived as unconfigured)."""
    by_gate = {result.gate: result for result in results}
    why = rule.refusal({r.gate: (r.outcome.value, r.skip_reason.value if r.skip_reason else None) for r in by_gate.values()})
    if why is None:
        return Decision(True, "every gate passed", tuple(results))
    gate = why.split(":", 1)[0]
    found = by_gate.get(gate)
    return Decision(False, f"{why}: {found.summary}" if found is not None else why, tuple(results))


def accepts(result: GateResult) -> bool:
    """Whether this one result lets the variant go on."""
    return rule.accepts(result.gate, result.outcome.value, result.skip_reason.value if result.skip_reason else None)


def so_far(results: Sequence[GateResult]) -> bool:
    """Every gate that ran accepts: a candidate still in the running (not a decision)."""
    return all(accepts(result) for result in results)
