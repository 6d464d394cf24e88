from triage import limits


def test_budget_exhausted() -> None:
    assert not limits.budget_exhausted(0, 0.0)
    assert limits.budget_exhausted(limits.MAX_STEPS, 0.0)
    assert limits.budget_exhausted(0, limits.MAX_SECONDS)


def test_steps_remaining() -> None:
    assert limits.steps_remaining(0) == limits.MAX_STEPS
    assert limits.steps_remaining(limits.MAX_STEPS + 5) == 0


def test_describe_budget() -> None:
    line = limits.describe_budget(limits.MAX_STEPS // 2, 0.0)
    assert "50%" in line
