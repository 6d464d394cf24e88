"""`crucible redteam`: gate every patch of the red-team manifest against its agent, and print how
Crucible did (a per-case table and a confusion matrix). Exit 0 only when every case got its
expected verdict from its expected gate; 1 otherwise; 2 for a bad manifest."""

from __future__ import annotations

import argparse
import dataclasses
import os
import threading
import time
import tomllib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline.cluster import RayCluster
from pipeline.errors import BadInput, CrucibleError
from pipeline.gatekeeper import FORMAL, TIMED
from pipeline.gating import GateOptions, gate_patch, load_target, refusal_record
from pipeline.patch import read_patch
from pipeline.report.jsonl import append_record
from pipeline.report.records import CandidateRecord
from pipeline.report.summary import stopped_by
from verifiers.admit import admit, so_far
from verifiers.base import GateResult, Outcome, SkipReason
from verifiers.registry import GATE_NAMES
from verifiers.tree import hash_tree

__all__ = ["CaseResult", "RedTeamCase", "load_manifest", "run_cases", "run_redteam_command"]

# `limitation`: an attack no layer is designed to stop (README, "What none of this stops"), kept so
# that the suite shows the hole, and says so when it closes.
EXPECTED_VERDICT: Final = {"adversarial": "rejected", "benign": "admitted", "malformed": "bad-input", "limitation": "admitted"}
KEYS: Final = frozenset({"id", "agent", "patch", "kind", "expect", "gate", "models"})
DEFAULT_MANIFEST: Final = Path("corpus/redteam/manifest.toml")


@dataclass(frozen=True)
class RedTeamCase:
    id: str
    agent: str  # a project directory next to the manifest's directory (corpus/<agent>)
    patch: str  # relative to the manifest's directory
    kind: str  # adversarial | benign | malformed
    expect: str  # rejected | admitted | bad-input
    gate: str | None  # for `rejected`: the first gate expected to stop it
    models: str  # the failure mode it models


@dataclass(frozen=True)
class CaseResult:
    case: RedTeamCase
    verdict: str  # admitted | rejected | bad-input | integrity | error
    gate: str | None  # the first gate that did not accept (rejected only)
    seconds: float
    summary: str
    tree_intact: bool  # the agent's tree hashed the same before and after
    node: str = ""  # the Ray node that gated it, with --executor ray

    @property
    def matched(self) -> bool:
        gate_ok = self.case.expect != "rejected" or self.gate == self.case.gate
        return self.tree_intact and self.verdict == self.case.expect and gate_ok


# -- the manifest ----------------------------------------------------------------------------

def load_manifest(path: Path) -> tuple[RedTeamCase, ...]:
    """Parse and check the manifest; BadInput (one line naming the case and key) on any problem."""
    if not path.is_file():
        raise BadInput(f"{path}: red-team manifest does not exist")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"{path}: not valid TOML: {exc}") from None
    entries = data.get("case")
    if set(data) != {"case"} or not isinstance(entries, list) or not entries:
        raise BadInput(f"{path}: expected one or more [[case]] tables and nothing else")
    cases = tuple(_case(path, index, entry) for index, entry in enumerate(entries, 1))
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            raise BadInput(f"{path}: case id {case.id!r} appears more than once")
        seen.add(case.id)
    return cases


def _case(path: Path, index: int, entry: object) -> RedTeamCase:
    where = f"{path}: case {index}"
    if not isinstance(entry, dict):
        raise BadInput(f"{where}: not a table")
    where = f"{path}: case {entry.get('id', index)!r}"
    unknown = sorted(set(entry) - KEYS)
    if unknown:
        raise BadInput(f"{where}: unknown key {unknown[0]!r} (known keys: {', '.join(sorted(KEYS))})")
    for key in sorted(KEYS - {"gate"}):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise BadInput(f"{where}: key {key!r} must be a non-empty string")
    gate = entry.get("gate")
    case = RedTeamCase(entry["id"], entry["agent"], entry["patch"], entry["kind"], entry["expect"],
                       gate if isinstance(gate, str) else None, entry["models"])
    problem = _problem(path.parent, case, gate)
    if problem:
        raise BadInput(f"{where}: {problem}")
    return case


def _problem(base: Path, case: RedTeamCase, gate: object) -> str | None:
    if case.kind not in EXPECTED_VERDICT:
        return f"kind {case.kind!r} is not one of {', '.join(EXPECTED_VERDICT)}"
    if case.expect != EXPECTED_VERDICT[case.kind]:
        return f"a {case.kind} case must expect {EXPECTED_VERDICT[case.kind]!r}, not {case.expect!r}"
    if (case.expect == "rejected") != (gate is not None):
        return "key 'gate' is required for expect = 'rejected' and only then"
    if gate is not None and gate not in GATE_NAMES:
        return f"gate {gate!r} is not one of {', '.join(GATE_NAMES)}"
    if "/" in case.agent or case.agent.startswith(".") or not (base.parent / case.agent).is_dir():
        return f"agent {case.agent!r} is not a project directory in {base.parent}"
    patch = (base / case.patch).resolve()
    if base.resolve() not in patch.parents or not patch.is_file():
        return f"patch {case.patch!r} does not exist under {base}"
    return None


# -- running ---------------------------------------------------------------------------------

Observer = Callable[[CaseResult], None]
TIMED_GATES: Final = frozenset({"benchmarks"})


class _TimingLock:
    """Cases run in parallel, but a gate that measures time runs alone: it takes this lock
    exclusively; every case shares it for all the rest of its work — gates, copying trees,
    writing its record — so nothing of the suite runs beside a timing (waiting timers go first,
    so they are not starved)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._sharing = 0
        self._timing = False
        self._waiting = 0

    def acquire(self, exclusive: bool) -> None:
        with self._changed:
            if exclusive:
                self._waiting += 1
                self._changed.wait_for(lambda: not self._timing and self._sharing == 0)
                self._waiting -= 1
                self._timing = True
            else:
                self._changed.wait_for(lambda: not self._timing and self._waiting == 0)
                self._sharing += 1

    def release(self, exclusive: bool) -> None:
        with self._changed:
            if exclusive:
                self._timing = False
            else:
                self._sharing -= 1
            self._changed.notify_all()


def run_cases(
    cases: Sequence[RedTeamCase], base: Path, report_dir: Path, *, jobs: int, observer: Observer | None = None,
    cluster: RayCluster | None = None,
) -> list[CaseResult]:
    """Gate every case (up to `jobs` at once, here or as tasks on `cluster`), append each record
    to `report_dir`, and return the results in manifest order. `base` is the manifest's directory."""
    writing, timing = threading.Lock(), _TimingLock()
    results: dict[str, CaseResult] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(_run_case, case, base, report_dir, writing, timing, cluster) for case in cases]
        try:
            for future in as_completed(futures):
                result = future.result()
                results[result.case.id] = result
                if observer is not None:
                    observer(result)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [results[case.id] for case in cases]


def _run_case(case: RedTeamCase, base: Path, report_dir: Path, writing: threading.Lock, timing: _TimingLock,
              cluster: RayCluster | None) -> CaseResult:
    project = base.parent / case.agent
    timing.acquire(False)  # all of this case's work, but for its own timings (see `_gate_case`)
    try:
        before = hash_tree(project)
        started = time.perf_counter()
        record, verdict, gate = _gate_case(case, project, base / case.patch, timing, cluster)
        seconds = time.perf_counter() - started
        with writing:  # append_record rewrites the whole file: one writer at a time
            append_record(report_dir, record)
        intact = hash_tree(project) == before
    finally:
        timing.release(False)
    summary = record.summary if intact else f"the agent's tree changed during the run! {record.summary}"
    return CaseResult(case, verdict, gate, round(seconds, 2), summary, intact, record.node)


def _gate_case(
    case: RedTeamCase, project: Path, patch: Path, timing: _TimingLock, cluster: RayCluster | None = None
) -> tuple[CandidateRecord, str, str | None]:
    """The record, the verdict and the first gate that did not accept. Never raises."""
    if cluster is not None:
        return _gate_case_on(cluster, case, project, patch)
    alone = [False]  # whether this case holds the lock exclusively, for one of its timed gates

    def back_to_sharing() -> None:
        if alone[0]:
            timing.release(True)
            alone[0] = False
            timing.acquire(False)

    def observe(gate: str, result: GateResult | None) -> None:
        # The case shares the lock already (`_run_case`); a timed gate trades that for the lock alone.
        if result is None and gate in TIMED_GATES:
            timing.release(False)
            alone[0] = True
            timing.acquire(True)
        elif result is not None:
            back_to_sharing()

    try:
        record = gate_patch(load_target(project), read_patch(patch), GateOptions(),
                            proposer=f"redteam:{case.id}", observer=observe)
    except CrucibleError as exc:
        verdict = "bad-input" if exc.exit_code == 2 else "integrity"
        return _refusal(case, project, patch, f"{verdict}: {exc}"), verdict, None
    except Exception as exc:  # a crash is a result of this case, not the end of the suite
        return _refusal(case, project, patch, f"internal error: {type(exc).__name__}: {exc}"), "error", None
    finally:
        back_to_sharing()
    if record.admitted:
        return record, "admitted", None
    return record, "rejected", stopped_by(record)


def _gate_case_on(cluster: RayCluster, case: RedTeamCase, project: Path, patch: Path) -> tuple[CandidateRecord, str, str | None]:
    """As `_gate_case`, the gates running as tasks on the cluster (the benchmarks on a quiet slot)."""
    try:
        target = load_target(project)
        text = read_patch(patch).text
        options = GateOptions()
        first = cluster.gate(project, text, options, FORMAL, proposer=f"redteam:{case.id}", parent=None, timed=False,
                             project=project)
        second = cluster.gate(project, text, options, TIMED, proposer=f"redteam:{case.id}", parent=None, timed=True,
                              project=project) if so_far(first.gates) else None
    except CrucibleError as exc:
        verdict = "bad-input" if exc.exit_code == 2 else "integrity"
        return _refusal(case, project, patch, f"{verdict}: {exc}"), verdict, None
    except Exception as exc:  # a crash is a result of this case, not the end of the suite
        return _refusal(case, project, patch, f"internal error: {type(exc).__name__}: {exc}"), "error", None
    results = [*first.gates, *(second.gates if second else [])]
    decision = admit(results if second else [*results, _not_run(stopped_by(first))])
    record = dataclasses.replace(first, gates=decision.results, admitted=decision.admitted, summary=decision.reason,
                                 speedup=decision.speedup, kernel_digest=target.digest.value)
    return record, "admitted" if record.admitted else "rejected", stopped_by(record)


def _not_run(by: str | None) -> GateResult:
    return GateResult("benchmarks", Outcome.SKIPPED, f"not run: rejected earlier by {by}", skip_reason=SkipReason.NOT_RUN)


def _refusal(case: RedTeamCase, project: Path, patch: Path, summary: str) -> CandidateRecord:
    """The record of a patch that never reached a gate (as `crucible gate` writes it)."""
    return refusal_record(project, patch, f"redteam:{case.id}", summary)


# -- the command -----------------------------------------------------------------------------

def run_redteam_command(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.cli import default_report_dir

    manifest = _manifest_path(args.manifest)
    cases = _selected(load_manifest(manifest), args.only)
    if args.jobs < 0:
        raise BadInput(f"--jobs must be 0 (one per core) or more, not {args.jobs}")
    jobs = args.jobs or os.cpu_count() or 1
    report_dir = (args.report_dir or default_report_dir(manifest.parent, "redteam")).resolve()
    console = Console(file=out, highlight=False, width=None if _is_terminal(out) else 160)
    cluster = RayCluster(args.ray_address) if args.executor == "ray" else None
    if cluster is not None:
        jobs = args.jobs or int(cluster.ray.cluster_resources().get("CPU", 1))
        console.print(f"executor: Ray at {args.ray_address}: {cluster.describe()}", markup=False)
    console.print(f"red team: {len(cases)} case(s) from {manifest}, {jobs} at a time")
    started = time.perf_counter()
    try:
        results = _run_with_progress(console, cases, manifest.parent, report_dir, jobs, cluster)
    finally:
        if cluster is not None:
            cluster.close()
    _print_results(console, results)
    _print_matrix(console, results)
    matched = sum(r.matched for r in results)
    console.print(f"{matched}/{len(results)} case(s) as expected in {time.perf_counter() - started:.0f}s")
    console.print(f"report: {report_dir}")
    return 0 if matched == len(results) else 1


def _manifest_path(given: Path) -> Path:
    """The given path; the default also resolves from Crucible's own checkout when run elsewhere."""
    if given == DEFAULT_MANIFEST and not given.is_file():
        bundled = Path(__file__).resolve().parents[2] / DEFAULT_MANIFEST
        return bundled if bundled.is_file() else given
    return given


def _selected(cases: tuple[RedTeamCase, ...], only: Sequence[str]) -> tuple[RedTeamCase, ...]:
    if not only:
        return cases
    chosen = tuple(c for c in cases if any(text in c.id for text in only))
    if not chosen:
        raise BadInput(f"--only {' '.join(only)}: no case id contains that text")
    return chosen


def _is_terminal(out: TextIO) -> bool:
    return Console(file=out).is_terminal


def _run_with_progress(
    console: Console, cases: Sequence[RedTeamCase], base: Path, report_dir: Path, jobs: int, cluster: RayCluster | None = None,
) -> list[CaseResult]:
    """A live bar on a terminal; one line per finished case either way."""
    done = 0

    def line(result: CaseResult) -> str:
        nonlocal done
        done += 1
        mark = "[green]✓[/green]" if result.matched else "[red]✗[/red]"
        stopped = f" at {result.gate}" if result.gate else ""
        node = f" on node {result.node[:12]}" if result.node else ""
        return f"  [{done}/{len(cases)}] {mark} {result.case.id}: {result.verdict}{stopped} ({result.seconds:.1f}s{node})"

    if not console.is_terminal:
        return run_cases(cases, base, report_dir, jobs=jobs, observer=lambda r: console.print(line(r)), cluster=cluster)
    columns = (TextColumn("gating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("cases", total=len(cases))

        def observe(result: CaseResult) -> None:
            progress.console.print(line(result))
            progress.advance(task)

        return run_cases(cases, base, report_dir, jobs=jobs, observer=observe, cluster=cluster)


def _print_results(console: Console, results: Sequence[CaseResult]) -> None:
    table = Table(title="red-team cases")
    for column in ("id", "kind", "expected", "actual", "expected gate", "actual gate", "s", ""):
        table.add_column(column, no_wrap=column != "id")
    for r in results:
        mark = "[green]✓[/green]" if r.matched else "[red]✗[/red]"
        actual = r.verdict if r.tree_intact else f"{r.verdict} (tree changed!)"
        table.add_row(r.case.id, r.case.kind, r.case.expect, actual, r.case.gate or "", r.gate or "",
                      f"{r.seconds:.1f}", mark)
    console.print(table)


def _print_matrix(console: Console, results: Sequence[CaseResult]) -> None:
    verdicts = ("admitted", "rejected", "bad-input", "integrity", "error")
    matrix = Table(title="confusion matrix: expected verdict (rows) × actual verdict (columns)")
    matrix.add_column("kind (expected)")
    for verdict in verdicts:
        matrix.add_column(verdict, justify="right")
    for kind, expected in EXPECTED_VERDICT.items():
        row = [r for r in results if r.case.kind == kind]
        cells = [_cell(sum(r.verdict == v for r in row), v == expected) for v in verdicts]
        matrix.add_row(f"{kind} ({expected})", *cells)
    console.print(matrix)
    console.print(_gate_table(results))


def _cell(count: int, diagonal: bool) -> str:
    if count == 0:
        return "[dim]0[/dim]"
    return f"[green]{count}[/green]" if diagonal else f"[red]{count}[/red]"


def _gate_table(results: Sequence[CaseResult]) -> Table:
    """Per gate: adversarial cases expected there, where they were actually stopped, and benign
    cases the gate rejected (false positives)."""
    table = Table(title="per gate: expected vs caught")
    for column in ("gate", "expected", "caught there", "caught earlier", "caught later", "admitted", "other", "benign rejected"):
        table.add_column(column, justify="left" if column == "gate" else "right")
    for gate in GATE_NAMES:
        place = [_place(r) for r in results if r.case.gate == gate]
        false_positives = sum(r.case.kind == "benign" and r.gate == gate for r in results)
        counts = [len(place), *(place.count(p) for p in ("there", "earlier", "later", "admitted", "other"))]
        table.add_row(gate, *map(str, counts), _cell(false_positives, False))
    return table


def _place(result: CaseResult) -> str:
    if result.verdict == "admitted":
        return "admitted"
    if result.verdict != "rejected" or result.gate not in GATE_NAMES or result.case.gate is None:
        return "other"
    actual, expected = GATE_NAMES.index(result.gate), GATE_NAMES.index(result.case.gate)
    return "there" if actual == expected else ("earlier" if actual < expected else "later")
