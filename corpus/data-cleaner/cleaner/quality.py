"""Self-assessment: how clean is the data the agent produced?

``quality_score`` is part of the safety kernel (the agent must not be able to grade its own
work more generously); the counting helpers around it are ordinary, mutable code.
"""

from dataclasses import dataclass

from cleaner.model import Row

@dataclass(frozen=True)
class QualityCounts:
    total_rows: int
    valid_rows: int
    duplicate_rows: int
    missing_cells: int
    total_cells: int


def quality_score(counts: QualityCounts) -> float:
    """Share of valid rows, minus penalties for duplicates and missing cells, clamped to [0, 1].

    An empty table scores 0: there is nothing to vouch for.
    """
    duplicate_penalty = 0.5
    missing_penalty = 0.25
    if counts.total_rows <= 0:
        return 0.0
    valid_share = min(max(counts.valid_rows, 0), counts.total_rows) / counts.total_rows
    dup_share = min(max(counts.duplicate_rows, 0), counts.total_rows) / counts.total_rows
    missing_share = 0.0
    if counts.total_cells > 0:
        missing_share = min(max(counts.missing_cells, 0), counts.total_cells) / counts.total_cells
    score = valid_share - duplicate_penalty * dup_share - missing_penalty * missing_share
    return min(1.0, max(0.0, score))


def count_missing(rows: list[Row], columns: list[str]) -> int:
    missing = 0
    for row in rows:
        for column in columns:
            value = row.get(column)
            if value is None or value == "":
                missing += 1
    return missing


def collect_counts(
    rows: list[Row], columns: list[str], invalid_rows: int, duplicate_rows: int
) -> QualityCounts:
    """Tally the inputs of ``quality_score`` for a cleaned table.

    ``duplicate_rows`` counts rows already removed, so it is measured against the rows read.
    """
    total = len(rows) + duplicate_rows
    return QualityCounts(
        total_rows=total,
        valid_rows=total - duplicate_rows - invalid_rows,
        duplicate_rows=duplicate_rows,
        missing_cells=count_missing(rows, columns),
        total_cells=len(rows) * len(columns),
    )


def grade(score: float) -> str:
    """Letter grade: A from 0.9, B from 0.75, C from 0.6, else D."""
    if score >= 0.9:
        return "A"
    if score >= 0.75:
        return "B"
    if score >= 0.6:
        return "C"
    return "D"
