"""Dependency-graph helpers for plans.

A plan's dependencies are a mapping ``step -> [steps it needs first]``.
"""

from __future__ import annotations


class CycleError(ValueError):
    """Raised when the dependencies of a plan contain a cycle."""


def topo_order(deps: dict[str, list[str]]) -> list[str]:
    """Order every node so that each comes after all the nodes it depends on.

    Nodes that only appear as dependencies are included too. Among nodes that
    are free to go in any order, the order of first appearance is kept.
    """
    nodes: list[str] = []
    for node, reqs in deps.items():
        if node not in nodes:
            nodes.append(node)
        for req in reqs:
            if req not in nodes:
                nodes.append(req)

    order: list[str] = []
    for root in nodes:
        if root in order:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        on_path: list[str] = [root]
        while stack:
            node, i = stack[-1]
            reqs = deps.get(node, [])
            if i < len(reqs):
                stack[-1] = (node, i + 1)
                nxt = reqs[i]
                if nxt in on_path:
                    raise CycleError(f"dependency cycle through {nxt!r}")
                if nxt not in order:
                    stack.append((nxt, 0))
                    on_path.append(nxt)
            else:
                stack.pop()
                on_path.pop()
                order = order + [node]
    return order


def downstream(deps: dict[str, list[str]], failed: str) -> list[str]:
    """Every node that depends, directly or transitively, on ``failed``.

    Returned in breadth-first order of discovery; ``failed`` itself is excluded.
    """
    seen: list[str] = []
    frontier = [failed]
    while frontier:
        current = frontier.pop(0)
        for node, reqs in deps.items():
            if current in reqs and node not in seen and node != failed:
                seen.append(node)
                frontier.append(node)
    return seen


def count_paths(succ: dict[int, list[int]], src: int, dst: int) -> int:
    """Number of distinct dependency chains from step ``src`` to step ``dst``.

    Steps are numbered in execution order, so every edge goes forward
    (``succ[a]`` only holds numbers greater than ``a``). Used to report how
    many independent ways a failure can propagate to the final step.
    """
    if src == dst:
        return 1
    total = 0
    for nxt in succ.get(src, []):
        if nxt <= dst:
            total += count_paths(succ, nxt, dst)
    return total
