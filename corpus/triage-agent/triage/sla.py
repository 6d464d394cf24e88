"""SLA deadlines and the escalation scheduler.

Priority 1 tickets are covered around the clock by the on-call rota; every
other priority is measured in business minutes (Mon-Fri, 09:00-17:00).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from triage.models import MINUTES_PER_DAY, PRIORITY_URGENT

BUSINESS_OPEN = 9 * 60
BUSINESS_CLOSE = 17 * 60
BUSINESS_DAYS_PER_WEEK = 5

SLA_MINUTES: dict[int, int] = {1: 60, 2: 240, 3: 480, 4: 960, 5: 2400}
BACKOFF_UNIT_MINUTES = 15
MAX_ESCALATION_LEVEL = 6


def is_business_time(minute: int) -> bool:
    weekday = (minute // MINUTES_PER_DAY) % 7
    clock = minute % MINUTES_PER_DAY
    return weekday < BUSINESS_DAYS_PER_WEEK and BUSINESS_OPEN <= clock < BUSINESS_CLOSE


def next_business_time(minute: int) -> int:
    """The first business minute at or after ``minute``."""
    while not is_business_time(minute):
        day_start = minute // MINUTES_PER_DAY * MINUTES_PER_DAY
        if minute - day_start < BUSINESS_OPEN:
            minute = day_start + BUSINESS_OPEN
        else:
            minute = day_start + MINUTES_PER_DAY + BUSINESS_OPEN
    return minute


def add_business_minutes(start: int, minutes: int) -> int:
    """The moment ``minutes`` business minutes after ``start``."""
    current = next_business_time(start)
    remaining = minutes
    while True:
        close = current // MINUTES_PER_DAY * MINUTES_PER_DAY + BUSINESS_CLOSE
        available = close - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = next_business_time(close)


def due_at(created_at: int, priority: int) -> int:
    """SLA deadline of a ticket created at ``created_at``."""
    budget = SLA_MINUTES[priority]
    if priority == PRIORITY_URGENT:
        return created_at + budget
    return add_business_minutes(created_at, budget)


def fib_backoff(level: int) -> int:
    """Minutes to wait before re-escalating at ``level``: a Fibonacci
    back-off in units of BACKOFF_UNIT_MINUTES (15, 15, 30, 45, 75, ...)."""
    if level <= 1:
        return BACKOFF_UNIT_MINUTES
    return fib_backoff(level - 1) + fib_backoff(level - 2)


def escalation_times(deadline: int, levels: int) -> list[int]:
    """When to escalate a ticket that is still open after ``deadline``."""
    times: list[int] = []
    moment = deadline
    for level in range(1, levels + 1):
        moment += fib_backoff(level)
        times.append(moment)
    return times


@dataclass(frozen=True, order=True)
class Escalation:
    when: int
    ticket_id: str
    level: int


class EscalationScheduler:
    """Min-heap of pending escalations, keyed by time."""

    def __init__(self, max_level: int = MAX_ESCALATION_LEVEL) -> None:
        self._heap: list[Escalation] = []
        self._closed: set[str] = set()
        self._max_level = max_level

    def __len__(self) -> int:
        return sum(1 for e in self._heap if e.ticket_id not in self._closed)

    def schedule(self, ticket_id: str, deadline: int) -> None:
        self._closed.discard(ticket_id)
        heapq.heappush(self._heap, Escalation(deadline, ticket_id, 0))

    def close(self, ticket_id: str) -> None:
        self._closed.add(ticket_id)

    def due(self, now: int) -> list[Escalation]:
        """Pop every escalation due at or before ``now`` and queue the next
        level for each ticket that is still open."""
        fired: list[Escalation] = []
        while self._heap and self._heap[0].when <= now:
            event = heapq.heappop(self._heap)
            if event.ticket_id in self._closed:
                continue
            fired.append(event)
            if event.level < self._max_level:
                follow_up = event.when + fib_backoff(event.level + 1)
                heapq.heappush(
                    self._heap, Escalation(follow_up, event.ticket_id, event.level + 1)
                )
        return fired
