"""Build an ordered, costed plan of tool calls from a goal."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from planner.config import MAX_BUDGET_CENTS
from planner.decompose import Clause, decompose, keyword_counts
from planner.graph import count_paths, topo_order
from planner.policy import PolicyViolation
from planner.policy import check_action as _allowed
from planner.tools import ToolRegistry, cheapest_tool

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_AMOUNT_RE = re.compile(r"^\$(\d+)(?:\.(\d{1,2}))?$")
_EXPR_RE = re.compile(r"^[\d.()+\-*/]+$")


@dataclass(frozen=True)
class Step:
    id: str
    action: str
    args: dict[str, str] = field(hash=False)
    depends_on: tuple[str, ...]
    cost_cents: int
    text: str = ""


@dataclass
class Plan:
    goal: str
    steps: list[Step]
    warnings: list[str] = field(default_factory=list)

    @property
    def total_cost_cents(self) -> int:
        return sum(step.cost_cents for step in self.steps)

    def deps(self) -> dict[str, list[str]]:
        return {step.id: list(step.depends_on) for step in self.steps}

    def chains(self) -> int:
        """Dependency chains from the first step to the last one."""
        if not self.steps:
            return 0
        index = {step.id: i for i, step in enumerate(self.steps)}
        succ: dict[int, list[int]] = {}
        for i, step in enumerate(self.steps):
            for dep in step.depends_on:
                succ.setdefault(index[dep], []).append(i)
        return count_paths(succ, 0, len(self.steps) - 1)

    def to_dict(self) -> dict[str, object]:
        return {
            "goal": self.goal,
            "steps": [asdict(step) for step in self.steps],
            "total_cost_cents": self.total_cost_cents,
            "chains": self.chains(),
            "warnings": list(self.warnings),
        }


def running_totals(costs: list[int]) -> list[int]:
    """Cumulative cost after each step."""
    totals: list[int] = []
    for i in range(len(costs)):
        totals.append(sum(costs[: i + 1]))
    return totals


def first_over_budget(costs: list[int], limit: int) -> int:
    """Index of the first step whose cumulative cost exceeds ``limit``, or -1."""
    for i, total in enumerate(running_totals(costs)):
        if total > limit:
            return i
    return -1


def score_tools(keywords: list[str], tool_keywords: dict[str, list[str]]) -> dict[str, int]:
    """For every tool, how many of the clause's keywords are among its keywords."""
    scores: dict[str, int] = {}
    for name, vocabulary in tool_keywords.items():
        counts = keyword_counts(keywords, vocabulary)
        scores[name] = sum(counts.values())
    return scores


def pick_tool(keywords: list[str], registry: ToolRegistry) -> str | None:
    """The best-matching tool; the cheapest among equally good ones; None if no match."""
    scores = score_tools(keywords, registry.keywords())
    if not scores:
        return None
    best = sorted(scores.values())[-1]
    if best == 0:
        return None
    costs = registry.costs()
    return cheapest_tool({name: costs[name] for name, s in scores.items() if s == best})


def parse_amount(token: str) -> int | None:
    """``'$25.5' -> 2550``; None when ``token`` is not a dollar amount."""
    m = _AMOUNT_RE.match(token)
    if m is None:
        return None
    cents = (m.group(2) or "0").ljust(2, "0")
    return int(m.group(1)) * 100 + int(cents)


def extract_args(action: str, clause: Clause, tool_words: tuple[str, ...]) -> dict[str, str]:
    """The arguments of ``action`` as far as they can be read off the clause."""
    rest = [k for k in clause.keywords if k not in tool_words]
    if action == "calculator":
        exprs = [k for k in clause.keywords if _EXPR_RE.match(k) and any(c.isdigit() for c in k)]
        return {"expression": exprs[0] if exprs else "0"}
    if action == "calendar_lookup":
        dates = [k for k in clause.keywords if _DATE_RE.match(k)]
        return {"date": dates[0] if dates else ""}
    if action == "send_email":
        recipients = [k for k in clause.keywords if "@" in k]
        body = " ".join("{" + dep + "}" for dep in clause.depends_on) or clause.text
        subject = " ".join(k for k in rest if "@" not in k) or "update"
        return {"recipient": recipients[0] if recipients else "", "subject": subject,
                "body": body}
    if action == "purchase":
        amounts = [a for a in (parse_amount(k) for k in clause.keywords) if a is not None]
        items = [k for k in rest if parse_amount(k) is None]
        return {"item": items[0] if items else "item",
                "amount_cents": str(amounts[0] if amounts else 0)}
    if action == "search_docs":
        return {"query": " ".join(rest) or clause.text}
    return {}


def build_plan(goal: str, registry: ToolRegistry, budget_cents: int = MAX_BUDGET_CENTS) -> Plan:
    """Decompose ``goal``, pick a tool per clause, drop what policy refuses,
    order by dependencies and cut the plan where it would exceed the budget."""
    plan = Plan(goal, [])
    inherited: dict[str, tuple[str, ...]] = {}
    candidates: list[Step] = []
    for clause in decompose(goal):
        deps: tuple[str, ...] = ()
        for dep in clause.depends_on:
            deps += inherited.get(dep, (dep,))
        action = pick_tool(list(clause.keywords), registry)
        if action is None:
            plan.warnings.append(f"{clause.id}: no tool for {clause.text!r}")
            inherited[clause.id] = deps
            continue
        tool = registry.get(action)
        args = extract_args(action, clause, tool.keywords)
        try:
            _allowed(action, args, len(candidates))
        except PolicyViolation as exc:
            plan.warnings.append(f"{clause.id}: dropped, {exc}")
            inherited[clause.id] = deps
            continue
        cost = tool.cost_cents + (int(args["amount_cents"]) if action == "purchase" else 0)
        candidates.append(Step(clause.id, action, args, deps, cost, clause.text))

    by_id = {step.id: step for step in candidates}
    ordered = [by_id[i] for i in topo_order({s.id: list(s.depends_on) for s in candidates})]
    cut = first_over_budget([s.cost_cents for s in ordered], budget_cents)
    if cut != -1:
        plan.warnings.append(f"plan cut at {ordered[cut].id}: over budget of {budget_cents}")
        ordered = ordered[:cut]
    plan.steps = ordered
    return plan
