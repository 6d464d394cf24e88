"""The data-cleaning agent: parse, analyse, plan, clean, judge itself, report and export."""

from dataclasses import dataclass, field

from cleaner import settings
from cleaner.aggregate import aggregate
from cleaner.coerce import coerce_value, infer_kind
from cleaner.dedupe import closest_label, count_duplicates, dedupe_records, record_key
from cleaner.export import export_csv
from cleaner.impute import impute_column
from cleaner.model import Row
from cleaner.outliers import iqr_bounds
from cleaner.plan import PlanStep, choose_plan, profile_column
from cleaner.quality import collect_counts, grade, quality_score
from cleaner.records import parse_records
from cleaner.report import CleaningSummary, build_report
from cleaner.validate import Rule, ValidationReport, validate_rows


@dataclass
class CleaningConfig:
    rules: list[Rule] = field(default_factory=list)
    key_columns: list[str] | None = None  # None: rows are duplicates when every column matches
    vocabularies: dict[str, list[str]] = field(default_factory=dict)
    min_quality: float = settings.MIN_ACCEPTABLE_QUALITY
    delimiter: str = settings.DEFAULT_DELIMITER
    summary_by: tuple[str, str] | None = None  # (key column, numeric column) for the group table


@dataclass
class CleaningResult:
    columns: list[str]
    rows: list[Row]
    plan: list[PlanStep]
    validation: ValidationReport
    duplicates_removed: int
    quality: float
    accepted: bool
    report: str
    parse_errors: list[str]


class DataCleaningAgent:
    def __init__(self, config: CleaningConfig | None = None) -> None:
        self.config = config or CleaningConfig()

    def apply(self, step: PlanStep, rows: list[Row], columns: list[str], kind: str) -> list[Row]:
        """Apply one plan step to the rows (in place where possible) and return them."""
        col = step.column
        if step.action == "drop_column":
            return [{k: v for k, v in row.items() if k != col} for row in rows]
        if step.action == "dedupe":
            return dedupe_records(rows, self.config.key_columns or columns)[0]
        if step.action == "canonicalize":
            vocabulary = self.config.vocabularies[col]
            for row in rows:
                if isinstance(row[col], str):
                    row[col] = closest_label(str(row[col]), vocabulary, settings.CATEGORY_MAX_EDIT_DISTANCE)
        elif step.action == "impute":
            for row, value in zip(rows, impute_column([r[col] for r in rows], step.detail)):
                row[col] = value
        elif step.action == "clip_outliers":
            present = [float(v) for r in rows if isinstance(v := r[col], (int, float))]
            if len(present) >= 4:
                low, high = iqr_bounds(present, settings.OUTLIER_IQR_FACTOR)
                for row in rows:
                    if isinstance(v := row[col], (int, float)) and not isinstance(v, bool):
                        clipped = min(max(float(v), low), high)
                        row[col] = int(round(clipped)) if kind == "int" else clipped
        else:
            raise ValueError(f"unknown plan step: {step.action}")
        return rows

    def run(self, text: str) -> CleaningResult:
        table = parse_records(text, self.config.delimiter)
        kinds = {c: infer_kind(table.column(c)) for c in table.columns}
        rows: list[Row] = [{c: coerce_value(raw[c], kinds[c]) for c in table.columns} for raw in table.rows]
        profiles = [profile_column(c, table.column(c)) for c in table.columns]
        keys = self.config.key_columns or table.columns
        duplicates = count_duplicates(["\x1f".join(record_key(dict(raw), keys)) for raw in table.rows])
        plan = choose_plan(profiles, duplicates, self.config.vocabularies)

        columns = list(table.columns)
        for step in plan:
            rows = self.apply(step, rows, columns, kinds.get(step.column, "str"))
            if step.action == "drop_column":
                columns.remove(step.column)
        removed = len(table.rows) - len(rows)
        validation = validate_rows(rows, self.config.rules)
        score = quality_score(collect_counts(rows, columns, len(validation.invalid_rows), removed))
        spans = ["" if p.low is None else f"{p.low:g} .. {p.high:g}" for p in profiles]
        summary = CleaningSummary(
            len(table.rows), len(rows), removed, len(validation.invalid_rows), score, grade(score),
            steps=[s.describe() for s in plan],
            columns=[(p.name, p.kind, p.missing, span) for p, span in zip(profiles, spans)],
        )
        if self.config.summary_by is not None:
            key, value = self.config.summary_by
            counts = aggregate(rows, key, value, "count")
            means = aggregate(rows, key, value, "mean")
            summary.groups = [[k, str(int(counts[k])), f"{means[k]:.2f}"] for k in sorted(counts)]
            summary.group_headers = [key, "rows", f"mean {value}"]
        return CleaningResult(
            columns=columns,
            rows=rows,
            plan=plan,
            validation=validation,
            duplicates_removed=removed,
            quality=score,
            accepted=score >= self.config.min_quality,
            report=build_report(summary),
            parse_errors=table.errors,
        )

    def export(self, result: CleaningResult, limit: int | None = None) -> str:
        """CSV of the cleaned rows, through the data-protection guard."""
        return export_csv(result.rows, result.columns, limit)
