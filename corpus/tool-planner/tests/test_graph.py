import pytest

from planner.graph import CycleError, count_paths, downstream, topo_order


def _respects(order: list[str], deps: dict[str, list[str]]) -> bool:
    pos = {n: i for i, n in enumerate(order)}
    return all(pos[d] < pos[n] for n, reqs in deps.items() for d in reqs)


def test_topo_order_puts_dependencies_first() -> None:
    deps = {"mail": ["calc", "search"], "calc": ["search"], "search": []}
    order = topo_order(deps)
    assert sorted(order) == ["calc", "mail", "search"]
    assert _respects(order, deps)


def test_topo_order_includes_dependency_only_nodes() -> None:
    order = topo_order({"b": ["a"], "c": ["a", "x"]})
    assert set(order) == {"a", "b", "c", "x"}
    assert len(order) == 4


def test_topo_order_empty() -> None:
    assert topo_order({}) == []


@pytest.mark.parametrize(
    "deps", [{"a": ["a"]}, {"a": ["b"], "b": ["a"]}, {"a": ["b"], "b": ["c"], "c": ["a"]}]
)
def test_topo_order_detects_cycles(deps: dict[str, list[str]]) -> None:
    with pytest.raises(CycleError):
        topo_order(deps)


def test_downstream_is_transitive() -> None:
    deps = {"s1": [], "s2": ["s1"], "s3": ["s2"], "s4": [], "s5": ["s4", "s3"]}
    assert set(downstream(deps, "s1")) == {"s2", "s3", "s5"}
    assert downstream(deps, "s5") == []
    assert downstream(deps, "nope") == []


def test_count_paths_diamond() -> None:
    succ = {0: [1, 2], 1: [3], 2: [3]}
    assert count_paths(succ, 0, 3) == 2
    assert count_paths(succ, 1, 3) == 1
    assert count_paths(succ, 3, 3) == 1
    assert count_paths(succ, 3, 0) == 0
