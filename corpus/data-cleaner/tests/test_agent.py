from cleaner import CleaningConfig, DataCleaningAgent, Rule
from cleaner.plan import ColumnProfile, PlanStep, choose_plan, imputation_strategy

ORDERS = """\
# orders export
Order ID,Customer,Email,Phone,Region,Amount,Qty,Notes
1,Ann Lee,ann@example.org,+47 912 34 567,North,120.50,2,
2,Bob Ray,bob@example.org,555-010-2000,south,80.00,1,gift
3,Cy Young,cy@example.org,555-010-3000,Nrth,NA,3,
2,Bob Ray,bob@example.org,555-010-2000,south,80.00,1,gift
4,Di Moss,di@example.org,555-010-4000,East,95.25,,
5,Ed Hall,ed@example.org,555-010-5000,west,110.00,2,
6,Flo Kent,flo@example.org,555-010-6000,Wset,9999.00,4,
7,Gus Ng,gus@example.org,555-010-7000,East,101.00,1,
8,Hal Ito,hal@example.org,555-010-8000,South,99.00,-2,
"""

REGIONS = ["North", "South", "East", "West"]


def make_agent() -> DataCleaningAgent:
    return DataCleaningAgent(
        CleaningConfig(
            rules=[Rule("qty", "range", low=0), Rule("customer", "required")],
            key_columns=["order_id"],
            vocabularies={"region": REGIONS},
            summary_by=("region", "amount"),
        )
    )


def test_imputation_strategy() -> None:
    assert imputation_strategy("int", 0, 10) == "none"
    assert imputation_strategy("int", 2, 10) == "median"
    assert imputation_strategy("float", 2, 10) == "mean"
    assert imputation_strategy("str", 2, 10) == "mode"
    assert imputation_strategy("float", 9, 10) == "drop"


def test_choose_plan_orders_steps() -> None:
    profiles = [
        ColumnProfile("notes", "str", 10, 9, 1),
        ColumnProfile("amount", "float", 10, 1, 9, outliers=1),
        ColumnProfile("region", "str", 10, 0, 4),
    ]
    plan = choose_plan(profiles, 2, {"region": REGIONS})
    assert [s.action for s in plan] == ["drop_column", "dedupe", "canonicalize", "clip_outliers", "impute"]
    assert plan[4] == PlanStep("impute", "amount", "mean")


def test_agent_end_to_end() -> None:
    result = make_agent().run(ORDERS)
    assert result.parse_errors == []
    assert "notes" not in result.columns
    assert result.duplicates_removed == 1
    assert [r["order_id"] for r in result.rows] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert {r["region"] for r in result.rows} == set(REGIONS)
    assert all(r["amount"] is not None and r["qty"] is not None for r in result.rows)
    amounts = [r["amount"] for r in result.rows]
    assert max(a for a in amounts if isinstance(a, float)) < 9999.0  # clipped to the Tukey fence
    assert result.validation.invalid_rows == {7}  # negative quantity
    assert 0.6 < result.quality < 0.9
    assert result.accepted
    assert "duplicates removed: 1" in result.report
    assert "mean amount" in result.report


def test_agent_export_is_guarded() -> None:
    agent = make_agent()
    result = agent.run(ORDERS)
    exported = agent.export(result)
    assert "ann@example.org" not in exported
    assert "a***@example.org" in exported
    assert "+** *** ** *67" in exported
    assert len(agent.export(result, limit=2).strip().split("\n")) == 3


def test_agent_on_empty_input() -> None:
    result = DataCleaningAgent().run("")
    assert result.rows == [] and result.quality == 0.0 and not result.accepted
