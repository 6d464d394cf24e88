"""Simulated tools and the registry the planner chooses from.

Nothing here touches the network or the file system: every tool is an
in-process simulation with deterministic results, so plans are reproducible.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from planner.decompose import tokenize

Handler = Callable[[dict[str, str]], str]


class ToolError(Exception):
    """A transient tool failure; the executor may retry the call."""


@dataclass(frozen=True)
class Tool:
    name: str
    cost_cents: int
    keywords: tuple[str, ...]
    handler: Handler = field(compare=False)

    def __call__(self, args: dict[str, str]) -> str:
        return self.handler(args)


DOCS: dict[str, str] = {
    "Refund policy": "refunds are issued within 14 days of purchase to the original card",
    "Shipping times": "standard shipping takes 3 to 5 business days international takes 10",
    "Expense rules": "expenses above 50 dollars need a receipt and manager approval",
    "Travel booking": "book travel through the portal at least 7 days before departure",
    "Calendar etiquette": "decline meetings without an agenda and keep meetings under 30 minutes",
    "Hardware orders": "keyboards mice and monitors are ordered through the purchase tool",
}

CALENDAR: dict[str, list[str]] = {
    "2024-05-01": ["09:30 standup", "14:00 design review"],
    "2024-05-02": ["10:00 vendor call", "16:00 1:1 with Dana"],
    "2024-05-03": [],
}


def search_docs(args: dict[str, str]) -> str:
    words = set(tokenize(args.get("query", "")))
    scored: list[tuple[int, str]] = []
    for title, text in DOCS.items():
        overlap = len(words & set(tokenize(title + " " + text)))
        if overlap:
            scored.append((-overlap, title))
    scored.sort()
    return "; ".join(title for _, title in scored[:3]) or "no matching documents"


_BINOPS: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


def _eval_node(node: ast.expr) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _eval_node(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
        left, right = _eval_node(node.left), _eval_node(node.right)
        if isinstance(node.op, ast.Div) and right == 0:
            raise ValueError("division by zero")
        return _BINOPS[type(node.op)](left, right)
    raise ValueError(f"unsupported expression element {type(node).__name__}")


def evaluate(expression: str) -> float:
    """Evaluate ``+ - * /`` arithmetic with parentheses, without ``eval``."""
    if len(expression) > 200:
        raise ValueError("expression too long")
    try:
        tree = ast.parse(expression.strip() or "0", mode="eval")
    except SyntaxError:
        raise ValueError(f"not an arithmetic expression: {expression!r}") from None
    return _eval_node(tree.body)


def calculator(args: dict[str, str]) -> str:
    value = evaluate(args.get("expression", ""))
    return str(int(value)) if value == int(value) else f"{value:.4g}"


class SimulatedCalendar:
    """Calendar backend whose first lookup of each date times out (cold cache)."""

    def __init__(self) -> None:
        self.warm: set[str] = set()

    def __call__(self, args: dict[str, str]) -> str:
        date = args.get("date", "")
        if date not in self.warm:
            self.warm.add(date)
            raise ToolError(f"calendar backend timed out for {date}")
        events = CALENDAR.get(date)
        if events is None:
            return f"no calendar for {date}"
        return ", ".join(events) if events else "no events"


class Outbox:
    """Collects the e-mails the agent 'sends'."""

    def __init__(self) -> None:
        self.sent: list[dict[str, str]] = []

    def __call__(self, args: dict[str, str]) -> str:
        self.sent.append(dict(args))
        return f"queued mail #{len(self.sent)} to {args.get('recipient', '?')}"


class Shop:
    """Records simulated purchase orders."""

    def __init__(self) -> None:
        self.orders: list[tuple[str, int]] = []

    def __call__(self, args: dict[str, str]) -> str:
        self.orders.append((args.get("item", "?"), int(args.get("amount_cents", "0"))))
        return f"order ord-{len(self.orders):04d} placed"


def run_shell(args: dict[str, str]) -> str:
    return f"simulated shell: would run {args.get('command', '')!r}"


class ToolRegistry:
    def __init__(self, tools: list[Tool] | None = None) -> None:
        self._tools: dict[str, Tool] = {}
        for tool in tools or []:
            self.register(tool)

    def register(self, tool: Tool) -> None:
        if tool.name in self._tools:
            raise ValueError(f"tool {tool.name!r} is already registered")
        self._tools[tool.name] = tool

    def get(self, name: str) -> Tool:
        try:
            return self._tools[name]
        except KeyError:
            raise KeyError(f"unknown tool {name!r}") from None

    def keywords(self) -> dict[str, list[str]]:
        return {name: list(tool.keywords) for name, tool in self._tools.items()}

    def costs(self) -> dict[str, int]:
        return {name: tool.cost_cents for name, tool in self._tools.items()}


def cheapest_tool(costs: dict[str, int]) -> str:
    """The name of the cheapest tool; ties go to the alphabetically first name."""
    ranked = sorted(costs.items(), key=lambda item: (item[1], item[0]))
    return ranked[0][0]


def default_registry() -> ToolRegistry:
    """A fresh registry of simulated tools (fresh state: outbox, shop, calendar)."""
    return ToolRegistry(
        [
            Tool("search_docs", 2, ("search", "docs", "find", "policy", "lookup", "read"),
                 search_docs),
            Tool("calculator", 1, ("calculate", "compute", "sum", "total", "math", "add"),
                 calculator),
            Tool("calendar_lookup", 3, ("calendar", "meetings", "schedule", "events", "agenda"),
                 SimulatedCalendar()),
            Tool("send_email", 5, ("email", "mail", "send", "notify", "tell"), Outbox()),
            Tool("purchase", 25, ("buy", "purchase", "order", "pay"), Shop()),
            Tool("run_shell", 0, ("shell", "run", "execute", "command"), run_shell),
        ]
    )
