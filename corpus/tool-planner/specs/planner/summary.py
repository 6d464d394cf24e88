"""Contracts of planner/summary.py."""


def format_cents(cents: int) -> str:
    """
    post: __return__.startswith("-$") == (cents < 0)
    post: __return__[-3] == "."
    post: int(__return__.replace("$", "").replace(".", "")) == cents
    """
    ...


def truncate(text: str, limit: int) -> str:
    """
    post: len(__return__) <= max(limit, 0)
    post: len(text) > limit or __return__ == text
    post: __return__ == text or len(__return__) == max(limit, 0)
    """
    ...
