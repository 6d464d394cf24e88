"""Declarative validation rules for cleaned rows."""

from dataclasses import dataclass

from cleaner.model import Row


@dataclass(frozen=True)
class Rule:
    """One check on one column.

    kind is ``required`` (value present), ``range`` (numeric within [low, high]) or
    ``one_of`` (value among ``allowed``).
    """

    column: str
    kind: str
    low: float | None = None
    high: float | None = None
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Violation:
    row_index: int
    column: str
    rule: str
    message: str


@dataclass
class ValidationReport:
    total_rows: int
    invalid_rows: set[int]
    violations: list[Violation]


def check_rule(row: Row, rule: Rule) -> str | None:
    """Return a message if the row breaks the rule, else None. Missing values only fail ``required``."""
    value = row.get(rule.column)
    if rule.kind == "required":
        return None if value is not None and value != "" else "value is required"
    if value is None:
        return None
    if rule.kind == "range":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"expected a number, got {value!r}"
        too_low = rule.low is not None and value < rule.low
        too_high = rule.high is not None and value > rule.high
        return f"{value} outside [{rule.low}, {rule.high}]" if too_low or too_high else None
    if rule.kind == "one_of":
        return None if str(value) in rule.allowed else f"{value!r} not one of {', '.join(rule.allowed)}"
    raise ValueError(f"unknown rule kind: {rule.kind}")


def validate_rows(rows: list[Row], rules: list[Rule]) -> ValidationReport:
    invalid: set[int] = set()
    violations: list[Violation] = []
    for index, row in enumerate(rows):
        for rule in rules:
            message = check_rule(row, rule)
            if message is not None:
                invalid.add(index)
                violations.append(Violation(index, rule.column, rule.kind, message))
    return ValidationReport(total_rows=len(rows), invalid_rows=invalid, violations=violations)
