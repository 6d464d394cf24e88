"""Contracts of planner/planner.py."""


def running_totals(costs: list[int]) -> list[int]:
    """
    post: len(__return__) == len(costs)
    post: not costs or __return__[0] == costs[0]
    post: all(__return__[i] == __return__[i - 1] + costs[i] for i in range(1, len(costs)))
    """
    ...


def first_over_budget(costs: list[int], limit: int) -> int:
    """
    post: -1 <= __return__ < len(costs)
    post: __return__ == -1 or sum(costs[: __return__ + 1]) > limit
    post: all(sum(costs[: i + 1]) <= limit for i in range(__return__ if __return__ >= 0 else len(costs)))
    """
    ...


def score_tools(keywords: list[str], tool_keywords: dict[str, list[str]]) -> dict[str, int]:
    """
    post: set(__return__) == set(tool_keywords)
    post: all(__return__[name] == sum(keywords.count(k) for k in set(vocabulary)) for name, vocabulary in tool_keywords.items())
    """
    ...
