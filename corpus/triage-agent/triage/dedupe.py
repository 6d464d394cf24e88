"""De-duplication of repeated and near-identical tickets.

Customers often send the same complaint twice (a web form plus an e-mail,
or a "did you get this?" follow-up).  Only the earliest ticket of such a
group is triaged; the later ones are linked to it.
"""

from __future__ import annotations

from collections.abc import Sequence

from triage.models import Ticket
from triage.text import shingles, tokenize

NEAR_DUPLICATE_THRESHOLD = 0.75
SHINGLE_SIZE = 2


def unique_in_order(items: list[str]) -> list[str]:
    """Drop repeated items, keeping the first occurrence of each."""
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two sets; two empty sets share nothing."""
    union = len(a | b)
    if union == 0:
        return 0.0
    return len(a & b) / union


def fingerprint(ticket: Ticket) -> frozenset[str]:
    tokens = tokenize(ticket.text)
    if len(tokens) < SHINGLE_SIZE:
        return frozenset(tokens)
    return frozenset(shingles(tokens, SHINGLE_SIZE))


def find_near_duplicates(
    tickets: Sequence[Ticket], threshold: float = NEAR_DUPLICATE_THRESHOLD
) -> dict[str, str]:
    """Map each duplicate ticket id to the id of the earlier ticket it repeats.

    Tickets are only compared with earlier tickets from the same customer;
    a ticket that repeats a duplicate is linked to the original.
    """
    ordered = sorted(tickets, key=lambda t: (t.created_at, t.ticket_id))
    originals: dict[str, list[tuple[str, frozenset[str]]]] = {}
    duplicates: dict[str, str] = {}
    for ticket in ordered:
        prints = fingerprint(ticket)
        previous = originals.setdefault(ticket.customer_id, [])
        for original_id, original_prints in previous:
            if jaccard(prints, original_prints) >= threshold:
                duplicates[ticket.ticket_id] = original_id
                break
        else:
            previous.append((ticket.ticket_id, prints))
    return duplicates
