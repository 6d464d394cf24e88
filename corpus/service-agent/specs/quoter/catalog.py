"""Contracts of quoter/catalog.py."""


def unit_price(sku: str) -> int | None:
    """
    post: __return__ is None or __return__ > 0
    post: (__return__ is None) == (sku not in dict(_PRICES))
    """
    ...


def known_skus() -> list[str]:
    """
    post: len(__return__) == len(_PRICES)
    post: len(set(__return__)) == len(__return__)
    """
    ...
