"""Before/after tables for the rules, read the way LibCST's codemod tests read: a function's
source, and the exact source the rule must turn it into (or None: the rule must leave it alone).

A refused row is either a look-alike (not reported at all) or, with `diagnosed`, the pattern
itself where the rewrite would not be exact: `matches` reports it (the target is ranked for
other proposers) and `rewrite` refuses with a reason.

Every rewrite row also runs: both versions are executed on the row's inputs (fresh copies each
time) and must return equal values (compared by `repr`, so `1` and `True`, `0.0` and `-0.0`
differ), raise the same exception type, and leave their arguments in the same state.
"""

from __future__ import annotations

import copy
import textwrap
from dataclasses import dataclass
from typing import Any

import libcst as cst

from pipeline.proposers.rules.base import Rule, RuleSkip

__all__ = ["Args", "Case", "check", "function_of", "rendered", "run"]

Args = tuple[Any, ...]


@dataclass(frozen=True)
class Case:
    id: str
    before: str
    after: str | None = None  # None: a look-alike the rule must not touch
    inputs: tuple[Args, ...] = ()
    prelude: str = ""  # module-level code the function needs (constants, helpers, imports)
    diagnosed: bool = False  # a refused row where the pattern itself occurs: reported, not rewritten

    def module(self, source: str) -> str:
        """A module of the prelude and `source`, as mypy and `exec` see it."""
        return textwrap.dedent(self.prelude).strip("\n") + "\n\n\n" + textwrap.dedent(source).strip("\n") + "\n"


def function_of(source: str) -> cst.FunctionDef:
    statement = cst.parse_module(textwrap.dedent(source).strip("\n") + "\n").body[0]
    assert isinstance(statement, cst.FunctionDef)
    return statement


def rendered(function: cst.FunctionDef) -> str:
    return cst.Module(body=[function]).code


def run(module_source: str, name: str, args: Args) -> tuple[str, str]:
    """(outcome, arguments afterwards) of calling `name` from a fresh copy of the module."""
    namespace: dict[str, Any] = {"__name__": "rule_case"}
    exec(compile(module_source, "<case>", "exec"), namespace)
    arguments = copy.deepcopy(args)
    try:
        outcome = "returned " + repr(namespace[name](*arguments))
    except Exception as exc:  # the type is what must match; messages may differ
        outcome = "raised " + type(exc).__name__
    return outcome, repr(arguments)


def check(rule: Rule, case: Case) -> None:
    before = function_of(case.before)
    result = rule.rewrite(before)
    if case.after is None:
        assert isinstance(result, RuleSkip), f"{rule.NAME} rewrote a look-alike:\n{rendered(result)}"
        assert "internal error" not in result.reason, result.reason
        if case.diagnosed:
            assert rule.matches(before), f"refused but not reported: {result.reason}"
        else:
            assert rule.matches(before) == [], f"a look-alike reported as the pattern ({result.reason})"
        return
    assert not isinstance(result, RuleSkip), result.reason
    assert rule.matches(before), "rewritten but not reported by matches()"
    output = rendered(result)
    assert output == textwrap.dedent(case.after).strip("\n") + "\n", output
    compile(output, "<rewrite>", "exec")
    again = rule.rewrite(function_of(output))
    assert isinstance(again, RuleSkip), f"the rewrite matches its own rule again:\n{rendered(again)}"
    assert case.inputs, "every rewrite row runs both versions"
    name = before.name.value
    for args in case.inputs:
        original, variant = run(case.module(case.before), name, args), run(case.module(output), name, args)
        assert original == variant, f"{name}{args!r}: {original} != {variant}"
