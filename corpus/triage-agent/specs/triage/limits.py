"""Contracts of triage/limits.py (the mutable helpers; the budget itself is
kernel-protected)."""


def steps_remaining(steps: int) -> int:
    """
    pre: steps >= 0
    post: 0 <= __return__ <= MAX_STEPS
    post: steps >= MAX_STEPS or __return__ + steps == MAX_STEPS
    """
    ...
