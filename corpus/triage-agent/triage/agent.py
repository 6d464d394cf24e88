"""The triage agent's run loop."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence

from triage import limits, safety
from triage.classify import classify
from triage.dedupe import find_near_duplicates, unique_in_order
from triage.evaluation import score_reply
from triage.history import CustomerHistory
from triage.models import RunReport, Ticket, TriageResult
from triage.responder import draft_replies
from triage.sla import EscalationScheduler, due_at

MIN_SEND_SCORE = 0.35


class TriageAgent:
    def __init__(
        self,
        history: CustomerHistory,
        clock: Callable[[], float] = time.monotonic,
        scheduler: EscalationScheduler | None = None,
    ) -> None:
        self.history = history
        self.scheduler = scheduler if scheduler is not None else EscalationScheduler()
        self._clock = clock

    def triage_one(self, ticket: Ticket, known_ids: Collection[str]) -> TriageResult:
        """Classify one ticket, set its deadline and pick the best safe reply."""
        customer = self.history.customer(ticket.customer_id)
        load = self.history.recent_load(ticket.customer_id, ticket.created_at)
        found = classify(ticket.text, customer.is_vip, load)
        deadline = due_at(ticket.created_at, found.priority)
        result = TriageResult(ticket.ticket_id, found.queue, found.priority, deadline)
        best_score = -1.0
        reasons: list[str] = []
        for draft in draft_replies(ticket, found, customer, deadline):
            verdict = safety.check_reply(draft.text)
            if not verdict.allowed:
                reasons.append(f"{draft.template}: {verdict.reason}")
                continue
            score = score_reply(draft.text, ticket, known_ids)
            if score > best_score:
                best_score = score
                result.reply, result.score = draft.text, score
        if result.reply is None:
            result.blocked_reason = "; ".join(reasons) or "no draft"
        elif result.score < MIN_SEND_SCORE:
            result.blocked_reason = f"low score {result.score:.2f}"
            result.reply = None
        return result

    def run(self, tickets: Sequence[Ticket]) -> RunReport:
        """Triage a batch, oldest first, until done or out of budget."""
        started = self._clock()
        report = RunReport()
        first_seen: dict[str, Ticket] = {}
        for ticket in tickets:
            first_seen.setdefault(ticket.ticket_id, ticket)
        known_ids = frozenset(unique_in_order([t.ticket_id for t in tickets]))
        ordered = sorted(first_seen.values(), key=lambda t: (t.created_at, t.ticket_id))
        duplicates = find_near_duplicates(ordered)

        for index, ticket in enumerate(ordered):
            if limits.budget_exhausted(report.steps, self._clock() - started):
                report.stopped_reason = "budget exhausted"
                report.skipped.extend(t.ticket_id for t in ordered[index:])
                break
            report.steps += 1
            original = report.by_id(duplicates.get(ticket.ticket_id, ""))
            if original is not None:
                report.results.append(
                    TriageResult(
                        ticket.ticket_id,
                        original.queue,
                        original.priority,
                        original.due_at,
                        duplicate_of=original.ticket_id,
                    )
                )
                continue
            result = self.triage_one(ticket, known_ids)
            report.results.append(result)
            self.scheduler.schedule(ticket.ticket_id, result.due_at)
        return report
