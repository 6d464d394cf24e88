"""Run-loop limits of the agent.

``MAX_STEPS``, ``MAX_SECONDS`` and ``budget_exhausted`` are KERNEL-PROTECTED
(see specs/kernel.toml): they bound how long one agent run may go on.  The
tuning knobs and helpers further down are ordinary code.
"""

from __future__ import annotations

MAX_STEPS: int = 200
MAX_SECONDS: float = 20.0


def budget_exhausted(steps: int, elapsed: float) -> bool:
    """True once the run has used its step or wall-clock budget."""
    return steps >= MAX_STEPS or elapsed >= MAX_SECONDS


CANDIDATES_PER_TICKET = 3
MAX_REPLY_WORDS = 180


def steps_remaining(steps: int) -> int:
    """Steps the run may still take after ``steps`` have been used."""
    return max(0, MAX_STEPS - steps)


def describe_budget(steps: int, elapsed: float) -> str:
    """One-line progress note for the run log."""
    used = min(100, round(100 * max(steps / MAX_STEPS, elapsed / MAX_SECONDS)))
    return f"{steps}/{MAX_STEPS} steps, {elapsed:.1f}/{MAX_SECONDS:.0f}s ({used}% of budget)"
