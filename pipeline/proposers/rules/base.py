"""A rule is a libcst codemod over one function: it diagnoses where a known kind of wasted work
sits, and rewrites the function to remove it. Like LibCST's codemods, `rewrite` never raises: it
returns the new function or a skip with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

import libcst as cst

__all__ = ["Rule", "RuleSkip"]


@dataclass(frozen=True)
class RuleSkip:
    reason: str


class Rule(Protocol):
    NAME: ClassVar[str]  # the edit kind, e.g. "dedupe-dict-fromkeys"
    DESCRIPTION: ClassVar[str]
    DIAGNOSTIC: ClassVar[str]  # the diagnostic class it addresses, e.g. "quadratic-membership"

    def matches(self, function: cst.FunctionDef) -> list[cst.CSTNode]:
        """The nodes where the pattern occurs (empty: the rule does not apply)."""
        ...

    def rewrite(self, function: cst.FunctionDef) -> cst.FunctionDef | RuleSkip:
        """The function without the waste, or why not."""
        ...
