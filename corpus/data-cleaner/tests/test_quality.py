from cleaner.model import Row
from cleaner.quality import QualityCounts, collect_counts, count_missing, grade, quality_score


def test_perfect_table_scores_one() -> None:
    assert quality_score(QualityCounts(10, 10, 0, 0, 40)) == 1.0


def test_empty_table_scores_zero() -> None:
    assert quality_score(QualityCounts(0, 0, 0, 0, 0)) == 0.0


def test_penalties() -> None:
    # 8/10 valid, 2/10 duplicates (x0.5), 4/40 cells missing (x0.25)
    score = quality_score(QualityCounts(10, 8, 2, 4, 40))
    assert abs(score - (0.8 - 0.1 - 0.025)) < 1e-9


def test_score_is_clamped_at_zero() -> None:
    assert quality_score(QualityCounts(4, 0, 4, 8, 8)) == 0.0


def test_collect_counts() -> None:
    rows: list[Row] = [{"a": 1, "b": None}, {"a": "", "b": 2}, {"a": 3, "b": 4}]
    assert count_missing(rows, ["a", "b"]) == 2
    counts = collect_counts(rows, ["a", "b"], invalid_rows=1, duplicate_rows=2)
    assert counts == QualityCounts(total_rows=5, valid_rows=2, duplicate_rows=2, missing_cells=2, total_cells=6)


def test_grades() -> None:
    assert [grade(s) for s in (0.95, 0.8, 0.65, 0.1)] == ["A", "B", "C", "D"]
