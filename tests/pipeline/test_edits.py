"""The edit model: addressed edits applied with libcst, every other byte preserved."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.edits import EDIT_SCHEMA, Edit, EditKind, EditRefused, apply_edits, edit_from_json, unified_diff
from pipeline.patch import apply_patch, parse_patch
from verifiers.tree import copy_tree

CORE = "agent/core.py"

APPLIED = [
    ("replace a function",
     Edit(EditKind.REPLACE_FUNCTION, "agent.core:dedupe", "def dedupe(items: list[str]) -> list[str]:\n    return list(dict.fromkeys(items))\n"),
     "def dedupe(items: list[str]) -> list[str]:\n    return list(dict.fromkeys(items))\n\n\ndef run("),
    ("replace an expression by path",  # body[2] is `return seen`; child 0 of the line is the Return, its child the value
     Edit(EditKind.REPLACE_EXPRESSION, "agent.core:dedupe", "list(seen)", (2, 0, 0)),
     "            seen.append(item)\n    return list(seen)\n"),
    ("insert a statement",
     Edit(EditKind.INSERT_STATEMENT, "agent.core:run", "assert used >= 0\n", (0,)),
     "def run(actions: list[str], used: int = 0) -> list[str]:\n    assert used >= 0\n    done: list[str] = []"),
    ("delete a statement",
     Edit(EditKind.INSERT_STATEMENT, "agent.core:run", "pass\n", (0,)),
     "    pass\n    done: list[str] = []"),
]


@pytest.mark.parametrize(("label", "edit", "expected"), APPLIED, ids=[a[0] for a in APPLIED])
def test_edits_apply_and_preserve_the_rest(tiny: Path, label: str, edit: Edit, expected: str) -> None:
    before = (tiny / CORE).read_text()
    after = apply_edits(tiny, [edit])[CORE]
    assert expected in after
    untouched = before.split("def dedupe")[0]
    assert after.startswith(untouched)  # module docstring and imports byte for byte


def test_delete_statement(tiny: Path) -> None:
    after = apply_edits(tiny, [Edit(EditKind.DELETE_STATEMENT, "agent.core:run", "", (1,))])[CORE]
    assert "for action in dedupe(actions)" not in after and "return done" in after


def test_edits_compose_and_produce_an_applicable_diff(tiny: Path, tmp_path: Path) -> None:
    edits = [
        Edit(EditKind.REPLACE_FUNCTION, "agent.core:dedupe", "def dedupe(items: list[str]) -> list[str]:\n    return list(dict.fromkeys(items))\n"),
        Edit(EditKind.INSERT_STATEMENT, "agent.core:run", "assert used >= 0\n", (0,)),
    ]
    changed = apply_edits(tiny, edits)
    diff = unified_diff(tiny, changed)
    copy = copy_tree(tiny, tmp_path / "copy")
    apply_patch(parse_patch(diff), copy)
    assert (copy / CORE).read_text() == changed[CORE]
    assert (tiny / CORE).read_text() != changed[CORE]  # nothing written to the tree itself


REFUSED = [
    ("missing module", Edit(EditKind.REPLACE_FUNCTION, "agent.nothing:f", "def f() -> None: ..."), "not in the project"),
    ("missing function", Edit(EditKind.REPLACE_FUNCTION, "agent.core:nope", "def nope() -> None: ..."), "no such function"),
    ("code does not parse", Edit(EditKind.REPLACE_FUNCTION, "agent.core:dedupe", "def dedupe(:\n"), "does not parse"),
    ("renames the function", Edit(EditKind.REPLACE_FUNCTION, "agent.core:dedupe", "def other() -> None: ...\n"), "not 'dedupe'"),
    ("two statements", Edit(EditKind.REPLACE_FUNCTION, "agent.core:dedupe", "X = 1\ndef dedupe() -> None: ...\n"), "exactly one def"),
    ("path out of range", Edit(EditKind.DELETE_STATEMENT, "agent.core:dedupe", "", (9,)), "path"),
    ("expression edit on a statement", Edit(EditKind.REPLACE_EXPRESSION, "agent.core:dedupe", "1", (0,)), "path"),
    ("no path", Edit(EditKind.DELETE_STATEMENT, "agent.core:dedupe", ""), "needs a path"),
]


@pytest.mark.parametrize(("label", "edit", "reason"), REFUSED, ids=[r[0] for r in REFUSED])
def test_bad_edits_are_refused_with_a_reason(tiny: Path, label: str, edit: Edit, reason: str) -> None:
    with pytest.raises(EditRefused, match=reason):
        apply_edits(tiny, [edit])


OFF_SCHEMA = [
    ("not an object", ["replace_function"]),
    ("unknown key", {"kind": "replace_function", "target": "a:b", "code": "", "extra": 1}),
    ("missing code", {"kind": "replace_function", "target": "a:b"}),
    ("bad kind", {"kind": "rewrite", "target": "a:b", "code": ""}),
    ("unhashable kind", {"kind": ["replace_function"], "target": "a:b", "code": ""}),
    ("bad path", {"kind": "delete_statement", "target": "a:b", "code": "", "path": [-1]}),
    ("target without qualname", {"kind": "replace_function", "target": "agent.core", "code": ""}),
]


@pytest.mark.parametrize(("label", "data"), OFF_SCHEMA, ids=[o[0] for o in OFF_SCHEMA])
def test_off_schema_json_is_refused(label: str, data: object) -> None:
    with pytest.raises(EditRefused):
        edit_from_json(data)


def test_json_round_trip_and_schema_agree() -> None:
    edit = Edit(EditKind.REPLACE_EXPRESSION, "agent.core:dedupe", "list(seen)", (3, 0, 0), rule="x")
    assert edit_from_json(json.loads(edit.to_json())) == edit
    assert set(json.loads(edit.to_json())) <= set(EDIT_SCHEMA["properties"])
