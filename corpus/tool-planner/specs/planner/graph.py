"""Contracts of planner/graph.py."""


def topo_order(deps: dict[str, list[str]]) -> list[str]:
    """
    raises: CycleError
    post: len(__return__) == len(set(__return__))
    post: set(__return__) == set(deps) | {d for reqs in deps.values() for d in reqs}
    post: all(__return__.index(d) < __return__.index(n) for n in deps for d in deps[n])
    """
    ...


def downstream(deps: dict[str, list[str]], failed: str) -> list[str]:
    """
    post: failed not in __return__
    post: len(__return__) == len(set(__return__))
    post: all(node in deps for node in __return__)
    post: all(any(r == failed or r in __return__ for r in deps[n]) for n in __return__)
    """
    ...


def count_paths(succ: dict[int, list[int]], src: int, dst: int) -> int:
    """
    pre: all(a < b for a, targets in succ.items() for b in targets)
    post: __return__ >= 0
    post: src != dst or __return__ == 1
    post: src <= dst or __return__ == 0
    post: __return__ >= succ.get(src, []).count(dst)
    """
    ...
