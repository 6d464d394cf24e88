"""Core data model of the triage agent.

Times are integers: minutes since Monday 00:00 of the support calendar's
epoch week.  Keeping time discrete and explicit makes the SLA arithmetic
deterministic and easy to test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

PRIORITY_URGENT = 1
PRIORITY_LOWEST = 5

MINUTES_PER_HOUR = 60
MINUTES_PER_DAY = 24 * MINUTES_PER_HOUR


class Queue(str, Enum):
    """Work queues a ticket can be routed to."""

    SECURITY = "security"
    BILLING = "billing"
    ACCOUNT = "account"
    TECHNICAL = "technical"
    SHIPPING = "shipping"
    GENERAL = "general"


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    customer_id: str
    subject: str
    body: str
    created_at: int
    channel: str = "email"

    @property
    def text(self) -> str:
        return f"{self.subject}\n{self.body}"


@dataclass(frozen=True)
class Customer:
    customer_id: str
    name: str
    tier: str = "standard"

    @property
    def is_vip(self) -> bool:
        return self.tier in ("vip", "enterprise")

    @property
    def first_name(self) -> str:
        parts = self.name.split()
        return parts[0] if parts else "there"


@dataclass(frozen=True)
class Classification:
    queue: Queue
    priority: int
    score: int
    matched: tuple[str, ...] = ()


@dataclass(frozen=True)
class Draft:
    ticket_id: str
    template: str
    text: str


@dataclass
class TriageResult:
    ticket_id: str
    queue: Queue
    priority: int
    due_at: int
    reply: str | None = None
    score: float = 0.0
    blocked_reason: str | None = None
    duplicate_of: str | None = None


@dataclass
class RunReport:
    results: list[TriageResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    steps: int = 0
    stopped_reason: str | None = None

    def by_id(self, ticket_id: str) -> TriageResult | None:
        for result in self.results:
            if result.ticket_id == ticket_id:
                return result
        return None
