"""Customer history lookups: who is this, and how often have they written?"""

from __future__ import annotations

from collections.abc import Iterable

from triage.models import MINUTES_PER_DAY, Customer, Ticket

FREQUENT_CONTACT_WINDOW_DAYS = 7
FREQUENT_CONTACT_THRESHOLD = 5
UNKNOWN_CUSTOMER_NAME = "there"


def earliest(times: list[int]) -> int:
    """The earliest of a non-empty list of timestamps."""
    return sorted(times)[0]


def latest(times: list[int]) -> int:
    """The latest of a non-empty list of timestamps."""
    return sorted(times)[-1]


def daily_counts(times: list[int], start_day: int, days: int) -> list[int]:
    """Number of timestamps falling on each of ``days`` days from ``start_day``."""
    counts = [0] * days
    for minute in times:
        day = minute // MINUTES_PER_DAY - start_day
        if 0 <= day < days:
            counts[day] += 1
    return counts


def peak_window_load(counts: list[int], window: int) -> int:
    """Largest total of ``window`` consecutive entries of ``counts`` (0 when
    there are fewer than ``window`` entries)."""
    best = 0
    for start in range(len(counts) - window + 1):
        total = sum(counts[start:start + window])
        if total > best:
            best = total
    return best


class CustomerHistory:
    """Read-only index over the customer directory and past tickets."""

    def __init__(self, customers: Iterable[Customer], tickets: Iterable[Ticket]) -> None:
        self._customers = {c.customer_id: c for c in customers}
        self._tickets: dict[str, list[Ticket]] = {}
        for ticket in tickets:
            self._tickets.setdefault(ticket.customer_id, []).append(ticket)

    def customer(self, customer_id: str) -> Customer:
        found = self._customers.get(customer_id)
        if found is None:
            return Customer(customer_id, UNKNOWN_CUSTOMER_NAME)
        return found

    def tickets_for(self, customer_id: str) -> list[Ticket]:
        return list(self._tickets.get(customer_id, []))

    def first_contact(self, customer_id: str) -> int | None:
        times = [t.created_at for t in self._tickets.get(customer_id, [])]
        return earliest(times) if times else None

    def last_contact(self, customer_id: str) -> int | None:
        times = [t.created_at for t in self._tickets.get(customer_id, [])]
        return latest(times) if times else None

    def recent_load(self, customer_id: str, now: int) -> int:
        """Busiest stretch of FREQUENT_CONTACT_WINDOW_DAYS days in the last
        four weeks before ``now``."""
        days = 4 * FREQUENT_CONTACT_WINDOW_DAYS
        start_day = now // MINUTES_PER_DAY - days + 1
        times = [t.created_at for t in self._tickets.get(customer_id, [])]
        return peak_window_load(
            daily_counts(times, start_day, days), FREQUENT_CONTACT_WINDOW_DAYS
        )

    def is_frequent(self, customer_id: str, now: int) -> bool:
        return self.recent_load(customer_id, now) >= FREQUENT_CONTACT_THRESHOLD
