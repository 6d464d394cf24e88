"""Run a plan step by step against the tools, with retries and a budget.

:meth:`Executor.run_step`, the one place a tool is called, is kernel-protected.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planner import policy
from planner.config import MAX_RETRIES
from planner.graph import downstream
from planner.memory import Scratchpad
from planner.planner import Plan, Step
from planner.summary import render_summary
from planner.tools import ToolError, ToolRegistry


@dataclass(frozen=True)
class StepOutcome:
    step_id: str
    action: str
    status: str  # "ok", "failed", "skipped" or "refused"
    output: str
    cost_cents: int
    attempts: int


@dataclass
class ExecutionReport:
    goal: str
    outcomes: list[StepOutcome] = field(default_factory=list)
    spent_cents: int = 0
    stopped: str | None = None

    @property
    def ok(self) -> bool:
        return self.stopped is None and all(o.status == "ok" for o in self.outcomes)

    def summary(self) -> str:
        rows = [(o.step_id, o.action, f"{o.status}: {o.output}", o.cost_cents)
                for o in self.outcomes]
        return render_summary(rows)


class Executor:
    def __init__(
        self,
        registry: ToolRegistry,
        budget: policy.Budget | None = None,
        memory: Scratchpad | None = None,
        max_retries: int = MAX_RETRIES,
    ) -> None:
        self.registry = registry
        self.budget = budget if budget is not None else policy.Budget()
        self.memory = memory if memory is not None else Scratchpad()
        self.max_retries = max_retries

    def run_step(self, step: Step, index: int) -> str:
        """Check, pay for and perform one step; return the tool's output."""
        args = {name: self.memory.fill(value) for name, value in step.args.items()}
        policy.check_action(step.action, args, index)
        tool = self.registry.get(step.action)
        cost = tool.cost_cents
        if step.action == "purchase":
            cost += int(args["amount_cents"])
        self.budget.charge(cost)
        return tool(args)

    def _attempt(self, step: Step, index: int) -> tuple[str, str, int]:
        attempts = 0
        while True:
            attempts += 1
            try:
                return "ok", self.run_step(step, index), attempts
            except policy.PolicyViolation as exc:
                return "refused", str(exc), attempts
            except ToolError as exc:
                if attempts > self.max_retries:
                    return "failed", str(exc), attempts
            except (ValueError, KeyError) as exc:
                return "failed", str(exc), attempts

    def run(self, plan: Plan) -> ExecutionReport:
        report = ExecutionReport(plan.goal)
        deps = plan.deps()
        skipped: set[str] = set()
        for index, step in enumerate(plan.steps):
            if report.stopped is not None or step.id in skipped:
                report.outcomes.append(StepOutcome(step.id, step.action, "skipped", "", 0, 0))
                continue
            before = self.budget.spent_cents
            status, output, attempts = self._attempt(step, index)
            cost = self.budget.spent_cents - before
            report.outcomes.append(
                StepOutcome(step.id, step.action, status, output, cost, attempts)
            )
            if status == "ok":
                self.memory.put(step.id, output)
            elif status == "failed":
                skipped.update(downstream(deps, step.id))
            else:
                report.stopped = f"{step.id}: {output}"
        report.spent_cents = self.budget.spent_cents
        return report
