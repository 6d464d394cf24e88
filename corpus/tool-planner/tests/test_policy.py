import pytest

from planner import config, policy
from planner.policy import Budget, BudgetExceeded, PolicyViolation, check_action


@pytest.mark.parametrize(
    "action, args",
    [
        ("search_docs", {"query": "refunds"}),
        ("calculator", {"expression": "1+1"}),
        ("calendar_lookup", {"date": "2024-05-01"}),
        ("send_email", {"recipient": "dana@example.com", "subject": "hi", "body": "x"}),
        ("purchase", {"item": "mouse", "amount_cents": "1999"}),
    ],
)
def test_allowed_actions_pass(action: str, args: dict[str, str]) -> None:
    check_action(action, args, 0)


@pytest.mark.parametrize("action", ["run_shell", "http_fetch", "", "SEARCH_DOCS"])
def test_unlisted_actions_are_refused(action: str) -> None:
    with pytest.raises(PolicyViolation, match="not allowed"):
        check_action(action, {}, 0)


def test_unknown_argument_is_refused() -> None:
    with pytest.raises(PolicyViolation, match="argument 'command'"):
        check_action("search_docs", {"query": "x", "command": "rm -rf /"}, 0)


@pytest.mark.parametrize(
    "recipient", ["eve@evil.com", "bob@example.com.evil.org", "@example.com", "", "a@b@example.com"]
)
def test_mail_must_stay_in_domain(recipient: str) -> None:
    with pytest.raises(PolicyViolation):
        check_action("send_email", {"recipient": recipient}, 0)


@pytest.mark.parametrize("amount", ["2500", "-5", "12.50", "", "１２"])
def test_purchases_are_bounded_and_numeric(amount: str) -> None:
    with pytest.raises(PolicyViolation):
        check_action("purchase", {"item": "desk", "amount_cents": amount}, 0)


def test_step_limit() -> None:
    check_action("calculator", {"expression": "2"}, config.MAX_STEPS - 1)
    with pytest.raises(PolicyViolation, match="beyond the limit"):
        check_action("calculator", {"expression": "2"}, config.MAX_STEPS)
    with pytest.raises(PolicyViolation):
        check_action("calculator", {"expression": "2"}, -1)


def test_budget_charges_and_refuses_overspending() -> None:
    budget = Budget(100)
    assert budget.charge(60) == 40
    assert budget.can_afford(40) and not budget.can_afford(41)
    with pytest.raises(BudgetExceeded):
        budget.charge(41)
    assert budget.spent_cents == 60
    assert budget.charge(40) == 0
    assert budget.remaining_cents == 0


def test_budget_rejects_negative_charge_and_bad_limits() -> None:
    with pytest.raises(ValueError):
        Budget(10).charge(-1)
    with pytest.raises(ValueError):
        Budget(config.MAX_BUDGET_CENTS + 1)
    with pytest.raises(ValueError):
        Budget(-1)
    assert Budget().limit_cents == config.MAX_BUDGET_CENTS


def test_kernel_limits_are_sane() -> None:
    assert 0 < config.MAX_BUDGET_CENTS <= 10_000
    assert 0 < config.MAX_STEPS <= 20
    assert "run_shell" not in policy.ALLOWED_ACTIONS
    assert set(policy.ALLOWED_ARGS) == set(policy.ALLOWED_ACTIONS)
