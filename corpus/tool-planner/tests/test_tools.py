import pytest

from planner.tools import (
    Tool,
    ToolError,
    ToolRegistry,
    calculator,
    cheapest_tool,
    default_registry,
    evaluate,
    search_docs,
)


@pytest.mark.parametrize(
    "expr, value", [("1+2*3", 7.0), ("(1+2)*3", 9.0), ("-4/2", -2.0), ("2.5*2", 5.0)]
)
def test_evaluate(expr: str, value: float) -> None:
    assert evaluate(expr) == value


@pytest.mark.parametrize("expr", ["1/0", "2**10", "__import__('os')", "1+", "x+1", "9" * 300])
def test_evaluate_rejects(expr: str) -> None:
    with pytest.raises(ValueError):
        evaluate(expr)


def test_calculator_formats_integers() -> None:
    assert calculator({"expression": "(3+4)*2"}) == "14"
    assert calculator({"expression": "10/4"}) == "2.5"


def test_search_docs_ranks_by_overlap() -> None:
    assert search_docs({"query": "refunds purchase"}).startswith("Refund policy")
    assert search_docs({"query": "zebra"}) == "no matching documents"


def test_calendar_is_flaky_once_per_date() -> None:
    calendar = default_registry().get("calendar_lookup")
    with pytest.raises(ToolError):
        calendar({"date": "2024-05-01"})
    assert calendar({"date": "2024-05-01"}) == "09:30 standup, 14:00 design review"
    with pytest.raises(ToolError):
        calendar({"date": "2024-05-03"})
    assert calendar({"date": "2024-05-03"}) == "no events"


def test_registry() -> None:
    registry = default_registry()
    assert registry.get("purchase").cost_cents == 25
    with pytest.raises(KeyError):
        registry.get("teleport")
    with pytest.raises(ValueError):
        registry.register(Tool("calculator", 1, (), calculator))
    assert ToolRegistry().costs() == {}


def test_cheapest_tool() -> None:
    assert cheapest_tool({"purchase": 25, "calculator": 1, "search_docs": 2}) == "calculator"
    assert cheapest_tool({"only": 7}) == "only"
