"""The embedded default proposer: every rule whose pattern occurs in the target function
rewrites it. No model, no GPU; deterministic, so a resumed run proposes the same candidates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import libcst as cst

from pipeline.edits import Edit, EditKind
from pipeline.proposers.base import Proposal, ProposerStats, Target
from pipeline.proposers.rules.base import Rule, RuleSkip

__all__ = ["RuleProposer"]


class RuleProposer:
    NAME: ClassVar[str] = "rules"

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = tuple(rules)
        self.stats = ProposerStats()

    def propose(self, target: Target, limit: int) -> list[Proposal]:
        try:
            module = cst.parse_module(target.source)
        except cst.ParserSyntaxError:
            self.stats.count("unparsable-target")
            return []
        function = next((s for s in module.body if isinstance(s, cst.FunctionDef)), None)
        if function is None:
            return []
        proposals: list[Proposal] = []
        for rule in self.rules:
            if len(proposals) >= limit or not rule.matches(function):
                continue
            try:
                rewritten = rule.rewrite(function)
            except Exception:  # a rule must not sink the run; counted, like a model's garbage
                self.stats.count(f"rule-crashed:{rule.NAME}")
                continue
            if isinstance(rewritten, RuleSkip):
                self.stats.count("skipped")
                continue
            code = module.with_changes(body=[rewritten]).code
            edit = Edit(EditKind.REPLACE_FUNCTION, target.address, code, rule=rule.NAME)
            proposals.append(Proposal((edit,), f"{rule.NAME}×{rule.DIAGNOSTIC}", rule.DESCRIPTION))
            self.stats.count("ok")
        return proposals
