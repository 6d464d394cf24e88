"""Runtime configuration of the planner agent.

``MAX_BUDGET_CENTS`` and ``MAX_STEPS`` belong to the safety kernel (see
``specs/kernel.toml``); the other knobs are ordinary tuning parameters.
"""

from __future__ import annotations

MAX_BUDGET_CENTS: int = 5_000  # hard ceiling on what one plan may spend (kernel)
MAX_STEPS: int = 12  # hard ceiling on the actions one plan may execute (kernel)

MAX_RETRIES: int = 2  # retries of a step after a transient tool failure
DEFAULT_SEARCH_LIMIT: int = 3  # entries returned by a memory lookup
SUMMARY_WIDTH: int = 72  # width of one line of the execution summary
SERVICE_HOST: str = "127.0.0.1"  # the service only ever binds to loopback
SERVICE_PORT: int = 8765
