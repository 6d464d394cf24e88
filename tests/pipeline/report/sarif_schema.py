"""The official SARIF 2.1.0 schema (see test_sarif.py for where the file comes from), and
validation against it, shared by the SARIF and CI-recipe tests."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs in the dev extra

__all__ = ["sarif_schema", "schema_errors"]

SCHEMA = Path(__file__).parent / "sarif-schema-2.1.0.json"


@cache
def sarif_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8-sig"))
    return schema


def schema_errors(log: dict[str, Any]) -> list[str]:
    """Violations under the schema's own draft and under draft 4 (the OASIS original's)."""
    schema = sarif_schema()
    found = []
    for validator in (jsonschema.validators.validator_for(schema), jsonschema.Draft4Validator):
        checker = validator(schema, format_checker=validator.FORMAT_CHECKER)
        found += [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in checker.iter_errors(log)]
    return found
