"""Contracts of planner/memory.py."""


def rank_entries(entries: list[tuple[str, str]], query: str, limit: int) -> list[str]:
    """
    post: len(__return__) <= max(limit, 0)
    post: all(any(key == entry[0] for entry in entries) for key in __return__)
    post: query.strip() != "" or __return__ == []
    """
    ...


def resolve_placeholders(template: str, values: dict[str, str]) -> str:
    """
    post: "{" in template or __return__ == template
    post: len(values) > 0 or __return__ == template
    post: not (template[:1] == "{" and template.find("}") == len(template) - 1 and template[1:-1] in values) or __return__ == values[template[1:-1]]
    """
    ...
