"""Contracts of cleaner/coerce.py."""


def parse_int(text: str) -> int | None:
    """
    post: __return__ is None or __return__ == int(text.strip())
    post: __return__ is not None or not (text.strip().isascii() and text.strip().isdigit())
    """
    ...
