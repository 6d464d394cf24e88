"""What the agent has quoted: counts by currency and the latest totals (module state).

Hot reload: `__crucible_migrate__` hands the counters of the version being replaced to the new one
by reference, so both versions count into the same objects and no quote goes uncounted while
calls on the old version finish.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping

from quoter.kernel import Quote

_LOCK = threading.Lock()
_COUNTS: dict[str, int] = {}
_RECENT: deque[int] = deque(maxlen=100)


def record(quote: Quote) -> None:
    """Count one quote served."""
    with _LOCK:
        _COUNTS[quote.currency] = _COUNTS.get(quote.currency, 0) + 1
        _RECENT.append(quote.total_cents)


def snapshot() -> dict[str, object]:
    """Counts by currency, how many in all, and the mean of the latest totals."""
    with _LOCK:
        counts = dict(sorted(_COUNTS.items()))
        recent = list(_RECENT)
    mean = sum(recent) // len(recent) if recent else 0
    return {"counts": counts, "served": sum(counts.values()), "recent_mean_cents": mean}


def __crucible_migrate__(previous: Mapping[str, object]) -> None:
    """Take over the previous version's state (see the module docstring)."""
    global _LOCK, _COUNTS, _RECENT
    lock, counts, recent = previous.get("_LOCK"), previous.get("_COUNTS"), previous.get("_RECENT")
    if isinstance(lock, type(_LOCK)) and isinstance(counts, dict) and isinstance(recent, deque):
        _LOCK, _COUNTS, _RECENT = lock, counts, recent
