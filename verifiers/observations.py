"""Comparing what two separated processes observed: the original's process chose the inputs and
ran the original on them, the variant's process ran the variant on the same inputs. The
comparison happens here, in the trusted parent, on plain data (`_encode.py`): neither process
ever sees the other's results, and no verdict is reached inside either."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["Disagreement", "code_literals", "compare", "describe"]

_WORD: Final = re.compile(r"[\w.:-]{1,24}")


@dataclass(frozen=True)
class Disagreement:
    """The first input on which the two versions differ: `fail` (different behaviour) or
    `unknown` (the variant runs past the call limit where the original answers at once)."""

    outcome: str
    index: int
    call: str
    original: str
    variant: str
    original_return: str
    original_error: str | None
    sees_callers_change: bool | None = None  # the versions differ only there: what the original does


def describe(observation: dict[str, Any], other: dict[str, Any] | None = None) -> str:
    if observation.get("slow"):
        return "runs past the call limit"
    error = observation.get("error")
    if error:
        return f"raises {str(error[0]).rsplit('.', 1)[-1]}: {error[1]}"
    shown = f"returns {observation.get('shown', '?')}"
    if other is not None and observation.get("aliased") != other.get("aliased") and observation.get("result") == other.get("result"):
        seen = "sees" if "caller's own item" in str(observation.get("aliased")) else "does not see"
        return f"{shown}; called again after the caller changed that result, it {seen} the caller's change"
    return shown


def compare(original: Sequence[dict[str, Any]], variant: Sequence[dict[str, Any]],
            calls: Sequence[str]) -> tuple[Disagreement | None, int]:
    """The first disagreement and how many inputs were compared (inputs on which the original
    itself is slow decide nothing and are not counted)."""
    compared = 0
    for index, (left, right) in enumerate(zip(original, variant, strict=True)):
        if left.get("slow"):
            continue
        call = calls[index] if index < len(calls) else "?"
        if right.get("slow"):
            return Disagreement("unknown", index, call, describe(left), describe(right), "", None), compared
        if not _same(left, right):
            error = left.get("error")
            only_aliasing = _same({**left, "aliased": None}, {**right, "aliased": None})
            return Disagreement("fail", index, call, describe(left, right), describe(right, left), str(left.get("shown", "")),
                                str(error[1]) if error else None,
                                "caller's own item" in str(left.get("aliased")) if only_aliasing else None), compared
        compared += 1
    return None, compared


def _same(left: dict[str, Any], right: dict[str, Any]) -> bool:
    """Same raised exception type (or none), same result, same arguments afterwards, same module
    containers afterwards (those both versions have)."""
    errors = left.get("error"), right.get("error")
    if (errors[0] is None) != (errors[1] is None) or (errors[0] and errors[1] and errors[0][0] != errors[1][0]):
        return False
    if left.get("result") != right.get("result") or left.get("args") != right.get("args"):
        return False
    if left.get("aliased") != right.get("aliased"):  # a second call, after the caller changed the result
        return False
    states = left.get("state", {}), right.get("state", {})
    return all(states[0][name] == states[1][name] for name in states[0].keys() & states[1].keys())


def code_literals(functions: Iterable[ast.AST]) -> tuple[list[str], list[int | float]]:
    """String and number constants of the two versions' code, read from their syntax (the
    original's process must not load the variant to learn them): inputs that hit
    `if kind == "range"` need the word "range", boundaries need the numbers next to them."""
    strings: set[str] = set()
    numbers: set[int | float] = set()
    for function in functions:
        for node in ast.walk(function):
            if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
                continue
            if isinstance(node.value, str) and _WORD.fullmatch(node.value):
                strings.add(node.value)  # words the code compares against, not messages
            elif isinstance(node.value, (int, float)) and abs(node.value) < 10**12:
                numbers.update({node.value, node.value - 1, node.value + 1})
    return sorted(strings), sorted(numbers, key=repr)

