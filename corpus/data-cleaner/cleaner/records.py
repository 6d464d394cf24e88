"""Parsing of CSV-like text (already in memory) into raw records."""

from dataclasses import dataclass, field

from cleaner.model import RawRow


@dataclass
class ParsedTable:
    columns: list[str]
    rows: list[RawRow]
    errors: list[str] = field(default_factory=list)

    def column(self, name: str) -> list[str]:
        return [row.get(name, "") for row in self.rows]


def split_line(line: str, delimiter: str = ",") -> list[str]:
    """Split one line into fields.

    Double quotes group a field (so it may contain the delimiter); inside quotes a doubled
    quote stands for one literal quote. An unterminated quote runs to the end of the line.
    """
    fields: list[str] = []
    current: list[str] = []
    in_quotes = False
    i = 0
    while i < len(line):
        ch = line[i]
        if in_quotes and ch == '"' and line[i + 1 : i + 2] == '"':
            current.append('"')
            i += 1
        elif ch == '"':
            in_quotes = not in_quotes
        elif ch == delimiter and not in_quotes:
            fields.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    fields.append("".join(current))
    return fields


def header_names(raw: list[str]) -> list[str]:
    """snake_case the header names and make them unique (repeats get _2, _3, ...; blanks col_N)."""
    names: list[str] = []
    for index, text in enumerate(raw):
        base = "_".join(text.strip().lower().replace("-", " ").split()) or f"col_{index + 1}"
        name, suffix = base, 2
        while name in names:
            name, suffix = f"{base}_{suffix}", suffix + 1
        names.append(name)
    return names


def parse_records(text: str, delimiter: str = ",") -> ParsedTable:
    """Parse text with a header line into raw records.

    Blank lines and lines starting with ``#`` are skipped. Short rows are padded with empty
    fields; rows with too many fields are rejected and reported in ``errors``.
    """
    body = [
        (no, line.rstrip("\r"))
        for no, line in enumerate(text.split("\n"), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not body:
        return ParsedTable(columns=[], rows=[])
    columns = header_names(split_line(body[0][1], delimiter))
    table = ParsedTable(columns=columns, rows=[])
    for line_no, line in body[1:]:
        fields = split_line(line, delimiter)
        if len(fields) > len(columns):
            table.errors.append(f"line {line_no}: expected {len(columns)} fields, got {len(fields)}")
            continue
        fields += [""] * (len(columns) - len(fields))
        table.rows.append({name: value.strip() for name, value in zip(columns, fields)})
    return table
