"""Contracts of planner/tools.py."""


def cheapest_tool(costs: dict[str, int]) -> str:
    """
    pre: len(costs) > 0
    post: __return__ in costs
    post: all(costs[__return__] <= cost for cost in costs.values())
    post: all(__return__ <= name for name, cost in costs.items() if cost == costs[__return__])
    """
    ...
