import pytest

from planner import config
from planner.planner import (
    build_plan,
    first_over_budget,
    parse_amount,
    pick_tool,
    running_totals,
    score_tools,
)
from planner.tools import default_registry


def test_running_totals() -> None:
    assert running_totals([3, 0, 5, 2]) == [3, 3, 8, 10]
    assert running_totals([]) == []


def test_first_over_budget() -> None:
    assert first_over_budget([10, 20, 30], 25) == 1
    assert first_over_budget([10, 20, 30], 1000) == -1
    assert first_over_budget([50], 10) == 0


def test_score_tools() -> None:
    scores = score_tools(["email", "calendar", "send"], {"mail": ["email", "send"], "cal": ["calendar"], "x": []})
    assert scores == {"mail": 2, "cal": 1, "x": 0}


def test_pick_tool() -> None:
    registry = default_registry()
    assert pick_tool(["compute", "total"], registry) == "calculator"
    assert pick_tool(["email", "bob@example.com"], registry) == "send_email"
    assert pick_tool(["dance"], registry) is None


@pytest.mark.parametrize(
    "token, cents", [("$25.50", 2550), ("$3", 300), ("$0.5", 50), ("25", None), ("$x", None)]
)
def test_parse_amount(token: str, cents: int | None) -> None:
    assert parse_amount(token) == cents


def test_build_plan_end_to_end() -> None:
    plan = build_plan(
        "check the calendar for 2024-05-02, search docs about refunds "
        "then email bob@example.com the summary",
        default_registry(),
    )
    assert [s.action for s in plan.steps] == ["calendar_lookup", "search_docs", "send_email"]
    mail = plan.steps[2]
    assert mail.depends_on == ("s1", "s2")
    assert mail.args["recipient"] == "bob@example.com"
    assert mail.args["body"] == "{s1} {s2}"
    assert plan.total_cost_cents == 3 + 2 + 5
    assert plan.warnings == []


def test_build_plan_drops_refused_steps_and_rewires_dependencies() -> None:
    plan = build_plan(
        "run shell command whoami then email eve@evil.com then compute 6*7",
        default_registry(),
    )
    assert [s.action for s in plan.steps] == ["calculator"]
    assert plan.steps[0].depends_on == ()
    assert len(plan.warnings) == 2
    assert all("dropped" in w for w in plan.warnings)


def test_build_plan_warns_when_no_tool_matches() -> None:
    plan = build_plan("juggle three oranges", default_registry())
    assert plan.steps == []
    assert plan.warnings and "no tool" in plan.warnings[0]


def test_build_plan_cuts_at_budget() -> None:
    goal = "buy a pen for $4 then buy a pad for $6 then compute 1+1"
    plan = build_plan(goal, default_registry(), budget_cents=500)
    assert [s.id for s in plan.steps] == ["s1"]
    assert any("over budget" in w for w in plan.warnings)


def test_build_plan_respects_step_limit() -> None:
    goal = " then ".join(f"compute {i}+1" for i in range(config.MAX_STEPS + 3))
    plan = build_plan(goal, default_registry())
    assert len(plan.steps) == config.MAX_STEPS


def test_plan_to_dict_and_chains() -> None:
    plan = build_plan("compute 1+1, compute 2+2 then compute 3+3", default_registry())
    data = plan.to_dict()
    assert data["total_cost_cents"] == 3
    assert data["chains"] == 1
    assert [s["id"] for s in data["steps"]] == ["s1", "s2", "s3"]
