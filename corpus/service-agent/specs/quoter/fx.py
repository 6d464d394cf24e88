"""Contracts of quoter/fx.py."""


def convert(cents_eur: int, currency: str) -> int:
    """
    pre: 0 <= cents_eur <= 10**9
    pre: currency in CURRENCIES
    post: __return__ >= 0
    post: currency != "EUR" or __return__ == cents_eur
    """
    ...
