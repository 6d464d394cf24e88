"""Contracts of a mutable component score of triage/evaluation.py."""


def relevance(reply_tokens: list[str], ticket_terms: list[str]) -> float:
    """
    post: 0.0 <= __return__ <= 1.0
    post: not set(ticket_terms) <= set(reply_tokens) or __return__ == 1.0
    """
    ...
