"""The admission rule, stated once: which gates must have judged a variant, and what each of them
may have said. Standard library only and importing nothing else of Crucible, so that an agent's
runtime — which must not load the gates' heavy dependencies — checks a release by this very rule
(`pipeline/runtime/bundle.py`), and `verifiers/admit.py` applies it to gate results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

__all__ = ["REQUIRED_GATES", "WAIVABLE_WHEN_NOT_CONFIGURED", "accepts", "refusal"]

# Every gate, in the order they run; a verdict without any one of them admits nothing.
REQUIRED_GATES: Final = ("parse", "scope", "policy", "types", "tests", "contracts", "equivalence", "benchmarks")
# Gates whose `skipped` is not a rejection when the project has nothing for them to check.
WAIVABLE_WHEN_NOT_CONFIGURED: Final = frozenset({"benchmarks"})


def accepts(gate: str, outcome: str, skip_reason: str | None) -> bool:
    """Whether one gate's verdict lets the variant go on: `pass`, or the one documented waiver."""
    if outcome == "pass":
        return True
    return outcome == "skipped" and skip_reason == "not-configured" and gate in WAIVABLE_WHEN_NOT_CONFIGURED


def refusal(verdicts: Mapping[str, tuple[str, str | None]]) -> str | None:
    """Why these verdicts (gate -> (outcome, skip reason)) do not admit; None when they do."""
    for gate in REQUIRED_GATES:
        if gate not in verdicts:
            return f"{gate}: no verdict (gate missing)"
        outcome, skip_reason = verdicts[gate]
        if not accepts(gate, outcome, skip_reason):
            return f"{gate}: {outcome}"
    return None
