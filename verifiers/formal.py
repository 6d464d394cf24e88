"""What the formal gates share: the per-function verdict, the sandboxed worker that computes it,
parallel runs up to the number of cores, and a cache keyed by content."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from verifiers.base import Evidence, GateContext, Outcome, Strength
from verifiers.channel import ChannelBroken, Listener
from verifiers.sandbox import SandboxLimits, run_sandboxed
from verifiers.tamper import Fingerprints, fingerprints
from verifiers.toolchain import toolchain, version_of
from verifiers.toolrun import tool_home

__all__ = [
    "Counterexample",
    "FunctionVerdict",
    "Job",
    "WORKER",
    "WorkerRun",
    "combine",
    "parallel",
    "blame",
    "blamed_tool",
    "reproduce",
    "run_worker",
    "tampered",
    "tool_failure",
    "verdict_cache",
]

WORKER: Final = "_crucible_formal_worker.py"
# (file in verifiers/, name in the sandboxed tree): self-contained modules, stdlib and CrossHair only.
_WORKER_FILES: Final = (
    ("_formal_worker.py", WORKER), ("_harness.py", "_crucible_harness.py"), ("_inputs.py", "_crucible_inputs.py"),
    ("_encode.py", "_crucible_encode.py"), ("_symbolic.py", "_crucible_symbolic.py"), ("_edges.py", "_crucible_edges.py"),
    ("_observe.py", "_crucible_observe.py"),
)
_STRENGTH_ORDER: Final = (Strength.PROVED, Strength.EXHAUSTIVE, Strength.BOUNDED, Strength.SAMPLED)


@dataclass(frozen=True)
class Counterexample:
    input: str  # the call's arguments as Python source
    original: str  # what the original does on it ("returns 3", "raises KeyError: 'x'")
    variant: str
    condition: str = ""  # for a contract: the condition that fails
    test: str = ""  # a ready-to-run pytest test


@dataclass(frozen=True)
class FunctionVerdict:
    """One function's result in one formal gate."""

    module: str
    qualname: str
    outcome: Outcome
    summary: str
    strength: Strength | None = None
    paths: int = 0
    counterexample: Counterexample | None = None
    detail: str = ""
    cached: bool = field(default=False, compare=False)
    tool_failure: str | None = None  # "crosshair-tool 0.0.114": the analyser failed, not the variant
    callables: tuple[str, ...] = field(default=(), compare=False)  # a state check's names bound to functions
    # Set by the parent alone, from a run of the original alone: CrossHair's difference is its own
    # harness's (one generator handed to both versions). Never read from text a worker wrote.
    harness_artefact: str | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        return f"{self.module}.{self.qualname}" if self.qualname else self.module

    def evidence(self, path: str | None) -> Evidence:
        if self.tool_failure is not None:
            return Evidence(
                f"{self.name}: {self.outcome.value}: {self.tool_failure} failed while analysing it (a fault of the "
                f"tool, not a finding about the variant): {self.summary}", path, None, rule="tool-failure",
                excerpt=self.detail,
            )
        strength = f" ({self.strength.value})" if self.strength else ""
        excerpt = self.detail
        if self.counterexample is not None:
            c = self.counterexample
            excerpt = "\n".join(filter(None, [f"input: {c.input}", f"condition: {c.condition}" if c.condition else "",
                                              f"original: {c.original}", f"variant: {c.variant}"]))
        return Evidence(
            f"{self.name}: {self.outcome.value}{strength}: {self.summary}", path, None,
            rule=self.qualname or "module-state", excerpt=excerpt,
            reproduction=self.counterexample.test if self.counterexample and self.counterexample.test else None,
        )


def tool_failure(verdicts: Sequence[FunctionVerdict], outcome: Outcome) -> str | None:
    """The tool(s) to blame when every verdict that decided `outcome` is a tool's failure."""
    deciding = [v for v in verdicts if v.outcome is outcome]
    if outcome is Outcome.PASS or outcome is Outcome.FAIL or not deciding or any(v.tool_failure is None for v in deciding):
        return None
    return ", ".join(sorted({v.tool_failure for v in deciding if v.tool_failure}))


def combine(verdicts: Sequence[FunctionVerdict]) -> tuple[Outcome, Strength | None]:
    """fail beats error beats unknown beats pass; a pass is as strong as its weakest function."""
    for outcome in (Outcome.FAIL, Outcome.ERROR, Outcome.UNKNOWN):
        if any(v.outcome is outcome for v in verdicts):
            return outcome, None
    strengths = [v.strength for v in verdicts if v.strength is not None]
    weakest = max(strengths, key=_STRENGTH_ORDER.index) if strengths else None
    return Outcome.PASS, weakest


Job = tuple[str, str, Callable[[], FunctionVerdict]]
"""(module, qualname, the check) — the names say what a job that never ran was for."""


def parallel(jobs: Sequence[Job], gate_seconds: float) -> list[FunctionVerdict]:
    """Run jobs up to the number of cores at once, results in job order. Jobs not started
    within the gate's time limit are `unknown`, never silently dropped."""
    deadline = time.monotonic() + gate_seconds

    def run(job: Job) -> FunctionVerdict:
        module, qualname, check = job
        if time.monotonic() > deadline:
            return FunctionVerdict(module, qualname, Outcome.UNKNOWN, f"not checked: the gate's time limit of {gate_seconds:.0f}s ran out")
        return check()

    with ThreadPoolExecutor(max_workers=max(1, min(len(jobs), os.cpu_count() or 1))) as pool:
        return list(pool.map(run, jobs))


def blamed_tool(result: dict[str, Any]) -> str | None:
    """The worker's verdict on a crash: which tool (with its version) failed, if not the variant."""
    culprit = result.get("culprit")
    if not isinstance(culprit, str):
        return None
    return f"crucible {_LOGIC[:12]} (its formal worker)" if culprit == "crucible" else f"{culprit} {version_of(culprit)}"


def reproduce(ctx: GateContext, tree: Path, command: Sequence[str], result: dict[str, Any], where: str) -> str:
    """Run the tool's own command line on the same tree, outside Crucible's worker, and say whether
    it shows the same failure: the evidence an auditor (or the tool's maintainers) can act on."""
    shown = "python " + shlex.join(command)
    workdir = ctx.scratch / f"reproduce-{len(list(ctx.scratch.iterdir()))}"
    shutil.copytree(tree, workdir, symlinks=True)
    b = ctx.budgets
    limits = SandboxLimits(b.function_seconds, int(b.function_seconds * 2) + 5, b.memory_bytes, b.file_bytes, b.processes)
    run = run_sandboxed([sys.executable, *command], workdir=workdir, limits=limits, isolation=ctx.isolation)
    shutil.rmtree(workdir, ignore_errors=True)
    output = run.tool.excerpt(6000)
    exception = str(result.get("exception") or "")
    if exception and exception in output:
        return f"reproduced outside Crucible by the tool's own command ({where}):\n  {shown}"
    why = "timed out" if run.tool.timed_out else f"exit {run.tool.returncode}"
    return (f"the tool's own command did not show it ({why}; it needs the checks Crucible wraps around the call), "
            f"tried {where}:\n  {shown}")


def blame(verdict: FunctionVerdict, ctx: GateContext, tree: Path, result: dict[str, Any],
          command: Sequence[str], where: str) -> FunctionVerdict:
    """`verdict`, marked as a tool's failure (with a reproduction) when the worker blamed a tool."""
    tool = blamed_tool(result)
    if tool is None:
        return verdict
    reproduction = reproduce(ctx, tree, command, result, where)
    return replace(verdict, tool_failure=tool, detail=f"{reproduction}\n\n{verdict.detail}".strip())


def tampered(module: str, qualname: str, changed: Sequence[str]) -> FunctionVerdict:
    """The verdict of a check whose process changed what the judge relies on: error, with what."""
    return FunctionVerdict(module, qualname, Outcome.ERROR, f"the code under judgement tampered with the judge: {changed[0]}",
                           detail="\n".join(f"changed: {line}" for line in changed[:20]))


def install_worker(tree: Path) -> None:
    """The worker and its siblings, copied into `tree` under names no project uses."""
    for source, name in _WORKER_FILES:
        shutil.copyfile(Path(__file__).with_name(source), tree / name)


@dataclass(frozen=True)
class WorkerRun:
    """What one sandboxed worker reported: its result, and the fingerprints taken before the code
    under judgement ran and before its last report (None when it sent none)."""

    result: dict[str, Any]
    fingerprints: Fingerprints | None = None
    tampered: str | None = None  # why its channel cannot be trusted (its result is then an error)


def run_worker(ctx: GateContext, tree: Path, job: dict[str, Any], label: str, *,
               definitions: Sequence[str] = ()) -> WorkerRun:
    """Run the worker on a private copy of `tree` in the sandbox, under the per-function wall
    limit; its reports come over the channel. A time-out, a crash or a missing result comes back
    as `unknown`/`error`, never a pass. `definitions` (paths relative to the tree) are project code
    loaded before the code under judgement, fingerprinted by their functions and classes."""
    workdir = ctx.scratch / f"worker-{label}"
    shutil.copytree(tree, workdir, symlinks=True)
    job = {**job, "definitions": [str(workdir / d) for d in definitions]}
    (workdir / "job.json").write_text(json.dumps(job), encoding="utf-8")
    budgets = ctx.budgets
    limits = SandboxLimits(budgets.function_seconds, int(budgets.function_seconds * 2) + 5,
                           budgets.memory_bytes, budgets.file_bytes, budgets.processes)
    listener = Listener()
    run = run_sandboxed([sys.executable, WORKER, "job.json"], workdir=workdir, limits=limits, isolation=ctx.isolation,
                        channel=listener)
    shutil.rmtree(workdir, ignore_errors=True)
    try:
        messages = listener.messages()
    except ChannelBroken as exc:
        why = f"its report channel was tampered with: {exc}"
        return WorkerRun({"outcome": "error", "summary": why}, None, why)
    prints = fingerprints(messages)
    tool = run.tool
    if tool.timed_out:
        return WorkerRun({"outcome": "unknown", "summary": f"hit the wall-clock limit of {budgets.function_seconds:.0f}s "
                          "(a hang on some path?)"}, prints)
    results = [m.data for m in messages if m.kind == "result" and isinstance(m.data, dict)]
    if not results:
        killed = f"killed by signal {run.killed_by}" if run.killed_by else f"exit {tool.returncode}"
        return WorkerRun({"outcome": "unknown", "summary": f"the analysis ended without a result ({killed})",
                          "detail": tool.excerpt()}, prints)
    return WorkerRun(results[-1], prints)


def _verifiers_digest() -> str:
    """The gates' own code: a cached verdict is only as good as the logic that reached it."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\x00" + path.read_bytes())
    return digest.hexdigest()


_LOGIC: Final = _verifiers_digest()
LOGIC: Final = _LOGIC  # the gates' own code, for other caches of verdicts


def verdict_cache(key_parts: Sequence[str]) -> _Cache:
    """A settled verdict holds for this logic, these tool versions and these inputs only."""
    digest = hashlib.sha256("\x00".join([_LOGIC, repr(toolchain()), *key_parts]).encode()).hexdigest()
    return _Cache(tool_home().parent / "verdicts" / digest[:2] / f"{digest}.json")


@dataclass(frozen=True)
class _Cache:
    """Settled verdicts (pass or fail, never unknown or error) survive between runs."""

    path: Path

    def load(self) -> FunctionVerdict | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        counterexample = Counterexample(**data["counterexample"]) if data.get("counterexample") else None
        return FunctionVerdict(
            data["module"], data["qualname"], Outcome(data["outcome"]), data["summary"],
            Strength(data["strength"]) if data.get("strength") else None, data.get("paths", 0),
            counterexample, data.get("detail", ""), cached=True,
        )

    def store(self, verdict: FunctionVerdict) -> None:
        if verdict.outcome not in (Outcome.PASS, Outcome.FAIL):
            return
        payload = asdict(verdict)
        payload["outcome"] = verdict.outcome.value
        payload["strength"] = verdict.strength.value if verdict.strength else None
        payload.pop("cached")
        payload.pop("callables")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        from verifiers.atomic import write_text_atomic

        write_text_atomic(self.path, json.dumps(payload))
