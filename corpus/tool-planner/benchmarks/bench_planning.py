"""Benchmarks of tool choice, cost estimation and whole-plan construction."""

import random

from pytest_benchmark.fixture import BenchmarkFixture

from planner.planner import build_plan, first_over_budget, running_totals, score_tools
from planner.tools import cheapest_tool, default_registry


def test_cheapest_tool(benchmark: BenchmarkFixture) -> None:
    rng = random.Random(1)
    costs = {f"tool{i:05d}": rng.randrange(10_000) for i in range(40_000)}
    name = benchmark(cheapest_tool, costs)
    assert costs[name] == min(costs.values())


def test_running_totals(benchmark: BenchmarkFixture) -> None:
    costs = [(i * 37) % 50 for i in range(2500)]
    totals = benchmark(running_totals, costs)
    assert totals[-1] == sum(costs)


def test_first_over_budget(benchmark: BenchmarkFixture) -> None:
    costs = [(i * 37) % 50 for i in range(2500)]
    assert benchmark(first_over_budget, costs, sum(costs) - 1) == 2499


def test_score_tools(benchmark: BenchmarkFixture) -> None:
    rng = random.Random(2)
    keywords = [f"k{rng.randrange(300)}" for _ in range(300)]
    tool_keywords = {f"t{i}": [f"k{rng.randrange(300)}" for _ in range(8)] for i in range(200)}
    scores = benchmark(score_tools, keywords, tool_keywords)
    assert len(scores) == 200


def test_build_plan(benchmark: BenchmarkFixture) -> None:
    clauses = [
        "check the calendar for 2024-05-0{}".format(1 + i % 3) if i % 3 == 0
        else f"compute {i}*{i + 1}+7" if i % 3 == 1
        else f"search docs about refund policy and shipping times {i}"
        for i in range(150)
    ]
    goal = ", ".join(clauses[:75]) + " then " + " then ".join(clauses[75:])
    plan = benchmark(lambda: build_plan(goal, default_registry()))
    assert len(plan.steps) == 12
