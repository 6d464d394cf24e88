"""The analysis step: profile the columns and decide which cleaning operations to apply."""

from dataclasses import dataclass, replace

from cleaner import settings
from cleaner.coerce import infer_kind, is_missing, parse_float
from cleaner.dedupe import unique_in_order
from cleaner.outliers import iqr_outliers, value_range

ACTION_ORDER: tuple[str, ...] = ("drop_column", "dedupe", "canonicalize", "clip_outliers", "impute")


@dataclass(frozen=True)
class ColumnProfile:
    name: str
    kind: str
    total: int
    missing: int
    distinct: int
    outliers: int = 0
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class PlanStep:
    action: str
    column: str
    detail: str = ""

    def describe(self) -> str:
        target = "all rows" if self.column == "*" else f"column {self.column!r}"
        return f"{self.action} on {target}" + (f" ({self.detail})" if self.detail else "")


def profile_column(name: str, values: list[str]) -> ColumnProfile:
    kind = infer_kind(values)
    present = [v for v in values if not is_missing(v)]
    profile = ColumnProfile(name, kind, len(values), len(values) - len(present), len(unique_in_order(present)))
    numbers = [x for x in (parse_float(v) for v in present) if x is not None]
    if kind in ("int", "float") and numbers:
        low, high = value_range(numbers)
        profile = replace(profile, outliers=len(iqr_outliers(numbers, settings.OUTLIER_IQR_FACTOR)), low=low, high=high)
    return profile


def imputation_strategy(kind: str, missing: int, total: int) -> str:
    """How to fill a column's gaps: none, drop (mostly empty), median (ints), mean (floats) or mode."""
    if missing <= 0 or total <= 0:
        return "none"
    if missing * 100 > total * settings.DROP_COLUMN_MISSING_PERCENT:
        return "drop"
    if kind == "int":
        return "median"
    if kind == "float":
        return "mean"
    return "mode"


def choose_plan(
    profiles: list[ColumnProfile], duplicate_rows: int, vocabularies: dict[str, list[str]]
) -> list[PlanStep]:
    """Decide the cleaning steps, ordered so that each step sees the output of the ones before."""
    steps: list[PlanStep] = []
    if duplicate_rows > 0:
        steps.append(PlanStep("dedupe", "*", f"{duplicate_rows} repeated rows"))
    for p in profiles:
        strategy = imputation_strategy(p.kind, p.missing, p.total)
        if strategy == "drop":
            steps.append(PlanStep("drop_column", p.name, f"{p.missing}/{p.total} missing"))
            continue
        if strategy != "none":
            steps.append(PlanStep("impute", p.name, strategy))
        if p.kind in ("int", "float") and p.outliers > 0:
            steps.append(PlanStep("clip_outliers", p.name, f"{p.outliers} outside Tukey fences"))
        if p.kind == "str" and p.name in vocabularies:
            steps.append(PlanStep("canonicalize", p.name, f"{len(vocabularies[p.name])} labels"))
    return sorted(steps, key=lambda s: ACTION_ORDER.index(s.action))
