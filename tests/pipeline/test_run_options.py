"""`crucible run` inputs: budgets and replay files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.edits import Edit, EditKind
from pipeline.errors import BadInput
from pipeline.loop import RunBudget
from pipeline.proposers.base import Target
from pipeline.proposers.replay import ReplayProposer

BUDGETS = [
    ("", RunBudget(30, 15.0)),
    ("candidates=40,minutes=10", RunBudget(40, 10.0)),
    ("12", RunBudget(12, 15.0)),
    ("5m", RunBudget(30, 5.0)),
    ("minutes=2.5, candidates=3", RunBudget(3, 2.5)),
]


@pytest.mark.parametrize(("text", "expected"), BUDGETS)
def test_budget_parsing(text: str, expected: RunBudget) -> None:
    assert RunBudget.parse(text) == expected


@pytest.mark.parametrize("text", ["seconds=3", "candidates=x", "minutes=-1", "candidates=0"])
def test_bad_budgets_are_bad_input(text: str) -> None:
    with pytest.raises(BadInput, match="--budget"):
        RunBudget.parse(text)


def _target(address: str) -> Target:
    module, qualname = address.split(":")
    return Target(module, qualname, module.replace(".", "/") + ".py", "def f() -> None: ...\n")


def test_replay_proposes_each_line_once_for_its_target(tmp_path: Path) -> None:
    edit = Edit(EditKind.REPLACE_FUNCTION, "agent.core:dedupe", "def dedupe(items: list[str]) -> list[str]:\n    return items\n", rule="manual")
    replay = tmp_path / "edits.jsonl"
    replay.write_text(edit.to_json() + "\n" + json.dumps({"edits": [json.loads(edit.to_json())]}) + "\n")
    proposer = ReplayProposer(replay)
    assert proposer.remaining_targets() == {"agent.core:dedupe"}
    assert proposer.propose(_target("agent.core:run"), 5) == []
    first = proposer.propose(_target("agent.core:dedupe"), 5)
    assert [p.edits for p in first] == [(edit,), (edit,)]
    assert proposer.propose(_target("agent.core:dedupe"), 5) == []


@pytest.mark.parametrize("line", ["not json", '{"kind": "x"}', '{"edits": [{"kind": "replace_function"}]}'])
def test_replay_file_with_a_bad_line_is_bad_input(tmp_path: Path, line: str) -> None:
    replay = tmp_path / "edits.jsonl"
    replay.write_text(line + "\n")
    with pytest.raises(BadInput, match=r"edits.jsonl:1: not an edit"):
        ReplayProposer(replay)
