import pytest

from cleaner.aggregate import aggregate, group_counts, moving_average, moving_sum, running_max, summarize
from cleaner.model import Row


def test_group_counts() -> None:
    assert group_counts(["a", "b", "a", "c", "a"]) == {"a": 3, "b": 1, "c": 1}


def test_summarize() -> None:
    assert summarize([1.0, 2.0, 6.0], "mean") == 3.0
    assert summarize([1.0, 2.0, 6.0], "max") == 6.0
    assert summarize([], "sum") == 0.0
    assert summarize([], "count") == 0.0
    with pytest.raises(ValueError):
        summarize([1.0], "mode")


def test_aggregate_by_group_skips_non_numbers() -> None:
    rows: list[Row] = [
        {"region": "north", "amount": 10},
        {"region": "south", "amount": 4.5},
        {"region": "north", "amount": None},
        {"region": "north", "amount": 20},
    ]
    assert aggregate(rows, "region", "amount", "sum") == {"north": 30.0, "south": 4.5}
    assert aggregate(rows, "region", "amount", "count") == {"north": 2.0, "south": 1.0}


def test_moving_sum_and_average() -> None:
    assert moving_sum([1, 2, 3, 4, 5], 2) == [3, 5, 7, 9]
    assert moving_sum([1, 2], 5) == []
    assert moving_average([2.0, 4.0, 6.0, 8.0], 3) == [4.0, 6.0]


def test_running_max() -> None:
    assert running_max([3, 1, 4, 1, 5, 2]) == [3, 3, 4, 4, 5, 5]
    assert running_max([]) == []
