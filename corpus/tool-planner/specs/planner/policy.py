"""Contracts of planner/policy.py (the safety kernel)."""


def check_action(action: str, args: dict[str, str], step_index: int) -> None:
    """
    raises: PolicyViolation
    post: action in ALLOWED_ACTIONS
    post: 0 <= step_index < MAX_STEPS
    post: all(name in ALLOWED_ARGS[action] for name in args)
    post: action != "send_email" or args["recipient"].endswith(ALLOWED_EMAIL_DOMAIN)
    post: action != "purchase" or int(args["amount_cents"]) <= PER_PURCHASE_LIMIT_CENTS
    """
    ...


class Budget:
    """
    inv: 0 <= self.spent_cents <= self.limit_cents <= MAX_BUDGET_CENTS
    """

    def can_afford(self, cents: int) -> bool:
        """
        post: __return__ == (0 <= cents <= self.limit_cents - self.spent_cents)
        """
        ...

    def charge(self, cents: int) -> int:
        """
        raises: ValueError, BudgetExceeded
        post: self.spent_cents == __old__.self.spent_cents + cents
        post: __return__ == self.limit_cents - self.spent_cents
        """
        ...
