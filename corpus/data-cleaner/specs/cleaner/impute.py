"""Contracts of cleaner/impute.py."""


def most_common(values: list[str]) -> str:
    """
    post: __return__ in values if values else __return__ == ""
    post: all(values.count(v) <= values.count(__return__) for v in values)
    """
    ...
