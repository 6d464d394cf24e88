"""Contracts of triage/responder.py."""


def truncate_words(text: str, limit: int) -> str:
    """
    pre: limit >= 1
    post: len(__return__.split(" ")) <= limit or __return__.endswith(" [...]")
    post: len(__return__.split(" ")) <= limit + 1
    post: len(text.split(" ")) > limit or __return__ == text
    post: __return__.startswith(" ".join(text.split(" ")[:limit]))
    """
    ...
