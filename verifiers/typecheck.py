"""Gate 4: mypy on the variant adds no type error relative to the original.

Errors are compared as (file, code, message) multisets, without line numbers, so an error that
only moved is the same error and a project with existing errors can still be gated. mypy is told
to write JSON lines whatever the project configures (`pretty`, column numbers, error ends change
its text output), and output that cannot be read is an error, never "no new error".
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

from verifiers import novelty
from verifiers.base import Evidence, GateContext, GateResult, Outcome
from verifiers.toolchain import version_of
from verifiers.toolrun import clean_environment, run_tool, tool_home

__all__ = ["MypyError", "TypeGate", "UnreadableOutput", "parse_mypy_output"]



class MypyError(NamedTuple):
    path: str
    line: int
    code: str
    message: str

    @property
    def identity(self) -> tuple[str, str, str]:
        """What makes two errors the same error, wherever the line moved."""
        return (self.path, self.code, self.message)


class UnreadableOutput(ValueError):
    """mypy wrote something that is not the JSON lines it was told to write."""


def parse_mypy_output(text: str) -> list[MypyError]:
    """mypy's `--output json` lines, errors only (notes dropped). Anything else in the output
    raises UnreadableOutput: "could not read the tool" must never pass as "it found nothing"."""
    errors = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
            path, line, severity, message = item["file"], item["line"], item["severity"], item["message"]
        except (ValueError, KeyError, TypeError):
            raise UnreadableOutput(f"not a mypy JSON line: {raw[:200]}") from None
        if severity == "error":
            path = str(path).replace("\\", "/").removeprefix("./")
            errors.append(MypyError(path, int(line), str(item.get("code") or ""), str(message)))
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
            return GateResult(self.NAME, Outcome.ERROR, "mypy crashed", (Evidence("mypy crashed", excerpt=result.excerpt()),),
                              tool_failure=_mypy_version())
        original, variant = (report[str(root)] for root in roots)
        for label, run in (("original", original), ("variant", variant)):
            if run["exit"] not in (0, 1):
                text = (run["stdout"] + run["stderr"]).strip()
                crashed = "INTERNAL ERROR" in text or "Traceback (most recent call last)" in text
                return GateResult(self.NAME, Outcome.ERROR, f"mypy could not check the {label}: {text[:200]}",
                                  (Evidence(f"mypy exit {run['exit']} on the {label}", excerpt=text[-2000:]),),
                                  tool_failure=_mypy_version() if crashed else None)
        try:
            before, after = (_errors(run, root) for run, root in ((original, roots[0]), (variant, roots[1])))
        except UnreadableOutput as exc:
            return GateResult(self.NAME, Outcome.ERROR, f"cannot read mypy's output: {exc}",
                              (Evidence(str(exc), rule="tool-output"),), tool_failure=_mypy_version())
        added = novelty.added(before, after, lambda e: e.identity)
        if added:
            evidence = tuple(Evidence(f"mypy: {msg}", path, line, code or None, "") for path, line, code, msg in added)
            return GateResult(self.NAME, Outcome.FAIL, f"{len(added)} new type error(s): {evidence[0].message}", evidence)
        return GateResult(self.NAME, Outcome.PASS, f"no new type error (original has {len(before)})")


def _errors(run: dict[str, Any], root: Path) -> list[MypyError]:
    """The errors of one mypy run, paths relative to its root (`show_absolute_path` would make every
    error of the variant look new); exit 1 ("errors found") with none readable is unreadable."""
    errors = [e._replace(path=_relative(e.path, root)) for e in parse_mypy_output(str(run["stdout"]))]
    if run["exit"] == 1 and not errors:
        raise UnreadableOutput(f"mypy reported errors (exit 1) but wrote none that could be read: {str(run['stdout'])[:200]}")
    return errors


def _relative(path: str, root: Path) -> str:
    resolved = Path(path)
    if resolved.is_absolute() and resolved.is_relative_to(root):
        return resolved.relative_to(root).as_posix()
    return path


def _mypy_version() -> str:
    return f"mypy {version_of('mypy')}"


def _cache_dir(ctx: GateContext) -> Path:
    """One cache per project, shared by every gate call: typeshed stays warm."""
    key = hashlib.sha256(str(ctx.config.root.resolve()).encode()).hexdigest()[:16]
    path = tool_home().parent / "mypy" / key
    path.mkdir(parents=True, exist_ok=True)
    return path


def _environment() -> dict[str, str]:
    crucible_root = str(Path(__file__).resolve().parent.parent)
    return clean_environment({"PYTHONPATH": crucible_root, "MYPY_FORCE_COLOR": "0"})
