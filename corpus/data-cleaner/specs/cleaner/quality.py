"""Contracts of cleaner/quality.py."""

from cleaner.quality import QualityCounts


def quality_score(counts: QualityCounts) -> float:
    """
    post: 0.0 <= __return__ <= 1.0
    post: counts.total_rows > 0 or __return__ == 0.0
    post: counts.total_rows <= 0 or __return__ <= max(counts.valid_rows, 0) / counts.total_rows
    post: counts.duplicate_rows <= 0 or not (0 < counts.total_rows <= 10**6) or __return__ < 1.0
    """
    ...
