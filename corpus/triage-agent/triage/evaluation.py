"""Reward function for drafted replies.

The agent drafts several candidate replies per ticket and sends the one
with the best score.  ``HALLUCINATION_MARKERS``, ``invented_ids``,
``hallucination_penalty`` and ``score_reply`` are KERNEL-PROTECTED (see
specs/kernel.toml): they are what stops the agent from rewarding itself
for confident-sounding fabrications.  The component scores below them are
ordinary code.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from triage.models import Ticket
from triage.text import tokenize, top_terms

HALLUCINATION_MARKERS: tuple[str, ...] = (
    "as an ai",
    "as a language model",
    "i guarantee",
    "guaranteed to",
    "100% certain",
    "i have refunded",
    "i have issued a refund",
    "i have deleted",
    "our engineers have already fixed",
    "this will never happen again",
    "according to our records you",
)

TICKET_ID_PATTERN = re.compile(r"\b[A-Z]{2,5}-\d{3,8}\b")

MARKER_PENALTY = 0.5
INVENTED_ID_PENALTY = 0.4
IDEAL_MIN_WORDS = 30
IDEAL_MAX_WORDS = 160
GREETINGS = ("hi ", "hello ", "dear ")
SIGN_OFFS = ("kind regards", "best regards", "thanks,", "thank you,")


def invented_ids(reply: str, known_ids: Collection[str]) -> list[str]:
    """Ticket ids quoted in ``reply`` that the agent was never given."""
    return [m for m in TICKET_ID_PATTERN.findall(reply) if m not in known_ids]


def hallucination_penalty(reply: str, known_ids: Collection[str]) -> float:
    lowered = reply.lower()
    markers = sum(1 for marker in HALLUCINATION_MARKERS if marker in lowered)
    invented = len(invented_ids(reply, known_ids))
    return markers * MARKER_PENALTY + invented * INVENTED_ID_PENALTY


def relevance(reply_tokens: list[str], ticket_terms: list[str]) -> float:
    """Fraction of the ticket's key terms that the reply addresses."""
    if not ticket_terms:
        return 1.0
    reply_set = set(reply_tokens)
    covered = sum(1 for term in ticket_terms if term in reply_set)
    return covered / len(ticket_terms)


def length_score(word_count: int) -> float:
    """1.0 inside the ideal length band, falling off linearly outside it."""
    if word_count <= 0:
        return 0.0
    if word_count < IDEAL_MIN_WORDS:
        return word_count / IDEAL_MIN_WORDS
    if word_count <= IDEAL_MAX_WORDS:
        return 1.0
    return max(0.0, 1.0 - (word_count - IDEAL_MAX_WORDS) / IDEAL_MAX_WORDS)


def politeness(reply: str) -> float:
    lowered = reply.lower()
    score = 0.0
    if lowered.startswith(GREETINGS):
        score += 0.5
    if any(sign_off in lowered for sign_off in SIGN_OFFS):
        score += 0.5
    return score


def score_reply(reply: str, ticket: Ticket, known_ids: Collection[str]) -> float:
    """Score in [0, 1] of ``reply`` as an answer to ``ticket``."""
    terms = top_terms(tokenize(ticket.text), 5)
    quality = (
        0.5 * relevance(tokenize(reply), terms)
        + 0.2 * politeness(reply)
        + 0.3 * length_score(len(reply.split()))
    )
    score = quality - hallucination_penalty(reply, known_ids)
    return min(1.0, max(0.0, score))
