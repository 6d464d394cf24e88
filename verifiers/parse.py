"""Gate 1: every changed Python file parses (libcst) and compiles (CPython's own checks)."""

from __future__ import annotations

from typing import ClassVar

import libcst as cst

from verifiers.base import Evidence, GateContext, GateResult, Outcome

__all__ = ["ParseGate"]


class ParseGate:
    NAME: ClassVar[str] = "parse"
    DESCRIPTION: ClassVar[str] = "every changed Python file parses with libcst and compiles"

    def check(self, ctx: GateContext) -> GateResult:
        files = ctx.variant.changed_python
        problems = [p for path in files if (p := _problem(ctx, path)) is not None]
        if problems:
            return GateResult(self.NAME, Outcome.FAIL, f"{len(problems)} file(s) do not parse", tuple(problems))
        return GateResult(self.NAME, Outcome.PASS, f"{len(files)} changed Python file(s) parse")


def _problem(ctx: GateContext, path: str) -> Evidence | None:
    source = (ctx.variant.root / path).read_bytes()
    try:
        cst.parse_module(source)
    except cst.ParserSyntaxError as exc:
        return Evidence(f"libcst: {exc.message}", path, exc.raw_line, "syntax", str(exc))
    try:
        # Compiling (never executing) adds the checks libcst's grammar leaves to CPython:
        # `return` outside a function, bad `nonlocal`, invalid assignment targets.
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return Evidence(f"CPython: {exc.msg}", path, exc.lineno, "syntax", (exc.text or "").rstrip())
    except ValueError as exc:  # e.g. NUL bytes
        return Evidence(f"CPython: {exc}", path, None, "syntax")
    return None
