"""Breadth of the rules, measured on an agent written for the purpose by someone who had not read
them (tests/fixtures/heldout-agent: fourteen slow functions, one common anti-pattern each, listed
in its ANTIPATTERNS.md for this test only). Each must be diagnosed (so a run ranks it), and a
proposal made for all but the ones whose refusal is written down here."""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.config import load_config
from pipeline.proposers.rule_proposer import RuleProposer
from pipeline.proposers.rules.registry import RULES
from pipeline.targeting import Profile, find_targets
from verifiers.kernel import load_kernel
from verifiers.specs import load_specs

HELDOUT = Path(__file__).resolve().parents[2] / "fixtures" / "heldout-agent"
# Refused on purpose: `m.sender in contacts` compares an attribute whose type the function does
# not show, so the set rewrite cannot know the values are hashable with == semantics.
REFUSED = {"inbox.triage:from_known_contacts"}


def _slow_functions() -> dict[str, str]:
    rows = re.findall(r"^\| `([\w.:]+)` \| (\d+) \|", (HELDOUT / "ANTIPATTERNS.md").read_text(encoding="utf-8"), re.M)
    return dict(rows)


def test_every_anti_pattern_of_the_heldout_agent_is_diagnosed_and_proposed_for() -> None:
    slow = _slow_functions()
    assert len(slow) == 14
    config = load_config(HELDOUT)
    targets = find_targets(config, load_kernel(config), HELDOUT, Profile(dict.fromkeys(slow, 0.0), True), RULES,
                           load_specs(HELDOUT, config), {}, None)
    by_address = {t.address: t for t in targets}
    undiagnosed = [a for a in slow if not by_address[a].diagnostics]
    assert undiagnosed == []
    proposer = RuleProposer(RULES)
    unproposed = {a for a in slow if not proposer.propose(by_address[a], 4)}
    assert unproposed == REFUSED
