"""Contracts of cleaner/plan.py."""


def imputation_strategy(kind: str, missing: int, total: int) -> str:
    """
    pre: 0 <= missing <= total
    post: __return__ in ("none", "drop", "median", "mean", "mode")
    post: (__return__ == "none") == (missing == 0)
    post: __return__ not in ("median", "mean") or kind in ("int", "float")
    """
    ...
