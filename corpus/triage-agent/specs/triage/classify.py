"""Contracts of triage/classify.py."""


def keyword_hits(tokens: list[str], keywords: tuple[str, ...]) -> int:
    """
    post: 0 <= __return__ <= len(tokens) * len(keywords)
    post: __return__ >= sum(1 for t in tokens if t in [k.lower() for k in keywords])
    """
    ...


def priority_for(urgency: int, is_vip: bool, recent_load: int) -> int:
    """
    pre: urgency >= 0
    pre: recent_load >= 0
    post: 1 <= __return__ <= 5
    post: urgency < 3 or __return__ == 1
    post: not is_vip or __return__ <= 3
    """
    ...
