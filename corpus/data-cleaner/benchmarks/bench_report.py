"""Benchmarks of report rendering and the end-to-end cleaning run."""

import random
from typing import Any

from cleaner import CleaningConfig, DataCleaningAgent, Rule
from cleaner.report import render_table

REGIONS = ["North", "South", "East", "West"]


def _orders_csv(n: int) -> str:
    rng = random.Random(41)
    lines = ["Order ID,Customer,Email,Phone,Region,Amount,Qty,Notes"]
    for i in range(n):
        region = rng.choice(REGIONS + ["nrth", "Suoth", "est", "Wset"])
        amount = "NA" if rng.random() < 0.05 else f"{rng.uniform(5, 400):.2f}"
        qty = "" if rng.random() < 0.05 else str(rng.randrange(-1, 9))
        note = "gift" if rng.random() < 0.1 else ""
        order_id = i if rng.random() > 0.03 else max(0, i - 1)
        lines.append(
            f"{order_id},Customer {i},user{i}@example.com,555-010-{i % 10000:04d},{region},{amount},{qty},{note}"
        )
    return "\n".join(lines) + "\n"


def test_render_table(benchmark: Any) -> None:
    rng = random.Random(42)
    rows = [[f"row-{i}", str(rng.randrange(1000)), f"{rng.random():.3f}", "x" * rng.randrange(12)] for i in range(3000)]
    text = benchmark(render_table, ["name", "qty", "share", "note"], rows)
    assert text.count("\n") == len(rows) + 2


def test_agent_run(benchmark: Any) -> None:
    text = _orders_csv(150)
    agent = DataCleaningAgent(
        CleaningConfig(
            rules=[Rule("qty", "range", low=0)],
            key_columns=["order_id"],
            vocabularies={"region": REGIONS},
            summary_by=("region", "amount"),
        )
    )
    result = benchmark(agent.run, text)
    assert result.rows and set(result.columns) >= {"order_id", "region", "amount"}
