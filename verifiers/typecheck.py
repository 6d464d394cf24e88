"""Gate 4: mypy on the variant adds no type error relative to the original.

Errors are compared as (file, code, message) multisets, without line numbers, so an error that
only moved is the same error and a project with existing errors can still be gated.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import ClassVar, Final, NamedTuple

from verifiers import novelty
from verifiers.base import Evidence, GateContext, GateResult, Outcome
from verifiers.toolrun import clean_environment, run_tool, tool_home

__all__ = ["MypyError", "TypeGate", "parse_mypy_output"]

_LINE: Final = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+): error: (?P<message>.*?)(?:  \[(?P<code>[a-z0-9-]+)\])?$")


class MypyError(NamedTuple):
    path: str
    line: int
    code: str
    message: str

    @property
    def identity(self) -> tuple[str, str, str]:
        """What makes two errors the same error, wherever the line moved."""
        return (self.path, self.code, self.message)


def parse_mypy_output(text: str) -> list[MypyError]:
    errors = []
    for raw in text.splitlines():
        match = _LINE.match(raw.strip())
        if match:
            path = match["path"].replace("\\", "/").removeprefix("./")
            errors.append(MypyError(path, int(match["line"]), match["code"] or "", match["message"]))
    return errors


class TypeGate:
    NAME: ClassVar[str] = "types"
    DESCRIPTION: ClassVar[str] = "mypy: the variant adds no type error relative to the original"

    def check(self, ctx: GateContext) -> GateResult:
        if not ctx.variant.changed_python:
            return GateResult(self.NAME, Outcome.PASS, "no Python file changed")
        roots = [ctx.variant.original_root, ctx.variant.root]
        argv = [
            sys.executable, "-m", "verifiers._mypy_worker", str(_cache_dir(ctx)),
            json.dumps(list(ctx.config.source)), *map(str, roots),
        ]
        result = run_tool(argv, cwd=ctx.scratch, timeout=ctx.budgets.tool_seconds, env=_environment())
        if result.timed_out:
            return GateResult(self.NAME, Outcome.ERROR, f"mypy timed out after {result.seconds:.0f}s")
        try:
            report = json.loads(result.stdout)
        except json.JSONDecodeError:
            return GateResult(self.NAME, Outcome.ERROR, "mypy crashed", (Evidence("mypy crashed", excerpt=result.excerpt()),))
        original, variant = (report[str(root)] for root in roots)
        for label, run in (("original", original), ("variant", variant)):
            if run["exit"] not in (0, 1):
                text = (run["stdout"] + run["stderr"]).strip()
                return GateResult(self.NAME, Outcome.ERROR, f"mypy could not check the {label}: {text[:200]}",
                                  (Evidence(f"mypy exit {run['exit']} on the {label}", excerpt=text[-2000:]),))
        added = novelty.added(parse_mypy_output(original["stdout"]), parse_mypy_output(variant["stdout"]), lambda e: e.identity)
        if added:
            evidence = tuple(Evidence(f"mypy: {msg}", path, line, code or None, "") for path, line, code, msg in added)
            return GateResult(self.NAME, Outcome.FAIL, f"{len(added)} new type error(s): {evidence[0].message}", evidence)
        before = len(parse_mypy_output(original["stdout"]))
        return GateResult(self.NAME, Outcome.PASS, f"no new type error (original has {before})")


def _cache_dir(ctx: GateContext) -> Path:
    """One cache per project, shared by every gate call: typeshed stays warm."""
    key = hashlib.sha256(str(ctx.config.root.resolve()).encode()).hexdigest()[:16]
    path = tool_home().parent / "mypy" / key
    path.mkdir(parents=True, exist_ok=True)
    return path


def _environment() -> dict[str, str]:
    crucible_root = str(Path(__file__).resolve().parent.parent)
    return clean_environment({"PYTHONPATH": crucible_root, "MYPY_FORCE_COLOR": "0"})
