"""Contracts of cleaner/records.py."""


def split_line(line: str, delimiter: str = ",") -> list[str]:
    """
    pre: len(delimiter) == 1 and delimiter != '"'
    post: len(__return__) >= 1
    post: '"' in line or delimiter.join(__return__) == line
    post: '"' in line or len(__return__) == line.count(delimiter) + 1
    """
    ...
