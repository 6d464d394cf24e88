"""The safety kernel of the planner agent.

Every action the executor performs goes through :func:`check_action` first,
and every cent it spends goes through :meth:`Budget.charge`. This file is
protected as a whole by ``specs/kernel.toml``: no mutation may edit it, and no
other module may rebind, wrap or monkeypatch what it defines.
"""

from __future__ import annotations

from planner.config import MAX_BUDGET_CENTS, MAX_STEPS

ALLOWED_ACTIONS: tuple[str, ...] = (
    "search_docs", "calculator", "calendar_lookup", "send_email", "purchase",
)
"""The only tools a plan may call (``run_shell`` is registered but absent here).
Kept as tuples, not sets, so that the checks below stay symbolically checkable."""

ALLOWED_ARGS: dict[str, tuple[str, ...]] = {
    "search_docs": ("query",),
    "calculator": ("expression",),
    "calendar_lookup": ("date",),
    "send_email": ("recipient", "subject", "body"),
    "purchase": ("item", "amount_cents"),
}

ALLOWED_EMAIL_DOMAIN: str = "@example.com"
PER_PURCHASE_LIMIT_CENTS: int = 2_000


class PolicyViolation(Exception):
    """Raised when an action is not allowed."""


class BudgetExceeded(PolicyViolation):
    """Raised when a charge would take spending over the budget."""


def check_action(action: str, args: dict[str, str], step_index: int) -> None:
    """Refuse (raise :class:`PolicyViolation`) any action the agent may not take.

    Returns normally only when ``action`` is allow-listed, is within the plan's
    step limit, carries only the arguments its tool accepts, and those
    arguments respect the per-action rules (mail stays in the company domain,
    purchases stay under the per-purchase limit).
    """
    if step_index < 0 or step_index >= MAX_STEPS:
        raise PolicyViolation(f"step {step_index} is beyond the limit of {MAX_STEPS} steps")
    if action not in ALLOWED_ACTIONS:
        raise PolicyViolation(f"action {action!r} is not allowed")
    accepted = ALLOWED_ARGS[action]
    for name in args:
        if name not in accepted:
            raise PolicyViolation(f"argument {name!r} is not accepted by {action!r}")
    if action == "send_email":
        recipient = args.get("recipient", "")
        local, _, domain = recipient.partition("@")
        if not local or "@" + domain != ALLOWED_EMAIL_DOMAIN:
            raise PolicyViolation(f"recipient {recipient!r} is outside {ALLOWED_EMAIL_DOMAIN}")
    if action == "purchase":
        amount = args.get("amount_cents", "")
        if not amount.isdigit() or not amount.isascii():
            raise PolicyViolation(f"purchase amount {amount!r} is not a whole number of cents")
        if int(amount) > PER_PURCHASE_LIMIT_CENTS:
            raise PolicyViolation(
                f"purchase of {amount} cents exceeds the limit of {PER_PURCHASE_LIMIT_CENTS}"
            )


class Budget:
    """Spending tracker that never lets ``spent_cents`` exceed ``limit_cents``."""

    def __init__(self, limit_cents: int = MAX_BUDGET_CENTS) -> None:
        if limit_cents < 0 or limit_cents > MAX_BUDGET_CENTS:
            raise ValueError(f"budget must be between 0 and {MAX_BUDGET_CENTS} cents")
        self.limit_cents = limit_cents
        self.spent_cents = 0

    @property
    def remaining_cents(self) -> int:
        return self.limit_cents - self.spent_cents

    def can_afford(self, cents: int) -> bool:
        return 0 <= cents <= self.remaining_cents

    def charge(self, cents: int) -> int:
        """Record a charge and return the remaining budget; refuse overspending."""
        if cents < 0:
            raise ValueError("a charge cannot be negative")
        if self.spent_cents + cents > self.limit_cents:
            raise BudgetExceeded(
                f"charge of {cents} cents would exceed the budget "
                f"({self.spent_cents}/{self.limit_cents} spent)"
            )
        self.spent_cents += cents
        return self.limit_cents - self.spent_cents
