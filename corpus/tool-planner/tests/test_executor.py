from planner.executor import Executor
from planner.planner import Plan, Step, build_plan
from planner.policy import Budget
from planner.tools import default_registry


def test_executes_plan_with_retries_and_placeholders() -> None:
    registry = default_registry()
    plan = build_plan(
        "check the calendar for 2024-05-02 then email dana@example.com the notes", registry
    )
    report = Executor(registry).run(plan)
    assert report.ok
    cal, mail = report.outcomes
    assert cal.status == "ok" and cal.attempts == 2
    assert cal.cost_cents == 6  # both attempts are paid for
    outbox = registry.get("send_email").handler
    assert outbox.sent[0]["body"] == "10:00 vendor call, 16:00 1:1 with Dana"
    assert report.spent_cents == 6 + 5


def test_failure_skips_dependents_only() -> None:
    registry = default_registry()
    plan = build_plan(
        "check calendar for 2024-05-01, compute 2+2 then email bob@example.com; compute 1+1",
        registry,
    )
    report = Executor(registry, max_retries=0).run(plan)
    statuses = {o.step_id: o.status for o in report.outcomes}
    assert statuses == {"s1": "failed", "s2": "ok", "s3": "skipped", "s4": "skipped"}
    assert not report.ok and report.stopped is None


def test_policy_refusal_stops_the_run() -> None:
    registry = default_registry()
    plan = Plan(
        "hand-written",
        [
            Step("s1", "calculator", {"expression": "1+1"}, (), 1),
            Step("s2", "run_shell", {"command": "env"}, (), 0),
            Step("s3", "calculator", {"expression": "2+2"}, (), 1),
        ],
    )
    report = Executor(registry).run(plan)
    assert [o.status for o in report.outcomes] == ["ok", "refused", "skipped"]
    assert report.stopped is not None and "not allowed" in report.stopped


def test_budget_exhaustion_is_refused() -> None:
    registry = default_registry()
    plan = build_plan("buy a lamp for $15 then buy a chair for $19.99", registry)
    report = Executor(registry, budget=Budget(3000)).run(plan)
    assert [o.status for o in report.outcomes] == ["ok", "refused"]
    assert report.spent_cents == 1525
    assert registry.get("purchase").handler.orders == [("lamp", 1500)]


def test_summary_lists_every_step() -> None:
    registry = default_registry()
    report = Executor(registry).run(build_plan("compute 2*21", registry))
    assert report.summary() == "[s1] calculator: ok: 42 ($0.01)\n1 step(s), total $0.01"
