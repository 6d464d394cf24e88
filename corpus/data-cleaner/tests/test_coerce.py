import pytest

from cleaner.coerce import coerce_value, infer_kind, is_missing, parse_bool, parse_float, parse_int


@pytest.mark.parametrize("text", ["", "  ", "NA", "n/a", "null", "None", "-", "?"])
def test_missing_tokens(text: str) -> None:
    assert is_missing(text)


def test_parse_int() -> None:
    assert parse_int(" 42 ") == 42
    assert parse_int("-7") == -7
    assert parse_int("+3") == 3
    assert parse_int("3.0") is None
    assert parse_int("1_000") is None
    assert parse_int("-") is None
    assert parse_int("١٢") is None  # Arabic-Indic digits are not accepted


def test_parse_float_rejects_non_finite() -> None:
    assert parse_float("2.5") == 2.5
    assert parse_float("1e3") == 1000.0
    assert parse_float("inf") is None
    assert parse_float("nan") is None
    assert parse_float("abc") is None


def test_parse_bool() -> None:
    assert parse_bool("Yes") is True
    assert parse_bool(" f ") is False
    assert parse_bool("maybe") is None


def test_infer_kind_ignores_missing_values() -> None:
    assert infer_kind(["1", "", "3", "NA"]) == "int"
    assert infer_kind(["1", "2.5"]) == "float"
    assert infer_kind(["yes", "no", ""]) == "bool"
    assert infer_kind(["1", "x"]) == "str"
    assert infer_kind(["", ""]) == "str"


def test_coerce_value() -> None:
    assert coerce_value("12", "int") == 12
    assert coerce_value("n/a", "int") is None
    assert coerce_value("0.5", "float") == 0.5
    assert coerce_value(" hello ", "str") == "hello"
