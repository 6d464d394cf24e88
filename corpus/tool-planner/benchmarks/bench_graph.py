"""Benchmarks of the plan-graph helpers (planner.graph)."""

import random

from pytest_benchmark.fixture import BenchmarkFixture

from planner.graph import count_paths, downstream, topo_order


def _random_dag(n: int, fan_in: int, seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    return {f"n{i}": [f"n{j}" for j in rng.sample(range(i), min(i, fan_in))] for i in range(n)}


def _layered_dag(width: int, depth: int) -> tuple[dict[int, list[int]], int, int]:
    """One source (0), ``depth`` fully connected layers of ``width``, one sink."""
    succ: dict[int, list[int]] = {0: list(range(1, width + 1))}
    for layer in range(depth - 1):
        for k in range(width):
            node = 1 + layer * width + k
            succ[node] = [1 + (layer + 1) * width + j for j in range(width)]
    sink = 1 + depth * width
    for k in range(width):
        succ[1 + (depth - 1) * width + k] = [sink]
    return succ, 0, sink


def test_topo_order(benchmark: BenchmarkFixture) -> None:
    deps = _random_dag(1200, 3, seed=11)
    order = benchmark(topo_order, deps)
    assert len(order) == 1200


def test_downstream(benchmark: BenchmarkFixture) -> None:
    deps = {
        f"s{i}": ([f"s{i - 1}"] if i else []) + ([f"s{i - 7}"] if i >= 7 else [])
        for i in range(400)
    }
    reached = benchmark(downstream, deps, "s0")
    assert len(reached) == 399


def test_count_paths(benchmark: BenchmarkFixture) -> None:
    succ, src, dst = _layered_dag(3, 10)
    assert benchmark(count_paths, succ, src, dst) == 3**10
