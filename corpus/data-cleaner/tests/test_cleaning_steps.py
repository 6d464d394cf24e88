import pytest

from cleaner.dedupe import closest_label, count_duplicates, dedupe_records, edit_distance, unique_in_order
from cleaner.impute import impute_column, median_of, most_common
from cleaner.model import Row
from cleaner.outliers import iqr_bounds, iqr_outliers, quantile, value_range, zscore_outliers


def test_impute_mean_and_median() -> None:
    assert impute_column([1.0, None, 3.0], "mean") == [1.0, 2.0, 3.0]
    assert impute_column([1, None, 2, 10], "median") == [1, 2, 2, 10]
    assert impute_column([None, None], "mean") == [0.0, 0.0]


def test_impute_mode_keeps_value_type() -> None:
    assert impute_column(["a", None, "b", "a"], "mode") == ["a", "a", "b", "a"]
    assert impute_column([None], "mode") == [None]


def test_impute_unknown_strategy() -> None:
    with pytest.raises(ValueError):
        impute_column([1.0, None], "interpolate")


def test_median_and_most_common() -> None:
    assert median_of([5.0, 1.0, 3.0]) == 3.0
    assert median_of([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert most_common(["x", "y", "y", "z"]) == "y"
    assert most_common([]) == ""


def test_quantiles_and_fences() -> None:
    assert quantile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    low, high = iqr_bounds([1.0, 2.0, 3.0, 4.0, 5.0])
    assert (low, high) == (-1.0, 7.0)
    assert iqr_outliers([10.0, 11.0, 12.0, 11.5, 10.5, 95.0]) == [5]
    assert iqr_outliers([1.0, 2.0, 300.0]) == []  # too few values to judge


def test_value_range() -> None:
    assert value_range([3.5, -1.0, 7.25, 0.0]) == (-1.0, 7.25)
    assert value_range([float("nan"), 2.0]) == (2.0, 2.0)
    with pytest.raises(ValueError):
        value_range([])


def test_zscore_outliers() -> None:
    values = [10.0] * 20 + [10.5, 9.5, 60.0]
    assert zscore_outliers(values, threshold=3.0) == [22]
    assert zscore_outliers([4.0, 4.0, 4.0]) == []


def test_unique_in_order() -> None:
    assert unique_in_order(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]
    assert count_duplicates(["b", "a", "b", "c", "a"]) == 2


def test_dedupe_records_is_case_and_space_insensitive() -> None:
    rows: list[Row] = [
        {"name": "Ann", "city": "Oslo"},
        {"name": " ann", "city": "OSLO"},
        {"name": "Bob", "city": "Oslo"},
    ]
    kept, dropped = dedupe_records(rows, ["name", "city"])
    assert kept == [rows[0], rows[2]]
    assert dropped == 1


def test_edit_distance() -> None:
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3
    assert edit_distance("north", "north") == 0
    assert edit_distance("nrth", "north") == 1


def test_closest_label() -> None:
    vocabulary = ["North", "South", "East", "West"]
    assert closest_label("nort", vocabulary, 2) == "North"
    assert closest_label(" SOUTH ", vocabulary, 2) == "South"
    assert closest_label("Mars", vocabulary, 1) == "Mars"
