"""The evolution loop behind `crucible run`: generations of proposals on the current best
variant, gated in parallel, the best admitted speed-up becoming the base of the next generation.

Every gated candidate is appended to the report at once and the run's state is saved after each
one, so an interrupted run resumes without losing or re-gating any candidate.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pipeline.bandit import Bandit
from pipeline.edits import EditRefused, apply_edits, unified_diff
from pipeline.errors import BadInput
from pipeline.gatekeeper import FORMAL, TIMED, Gatekeeper, LocalGatekeeper
from pipeline.gating import GateOptions, Target as GateTarget, candidate_id
from pipeline.merge import Improvement, improvements, merge
from pipeline.patch import apply_patch, parse_patch
from pipeline.proposers.base import Proposal, Proposer, Target
from pipeline.proposers.rules.base import Rule
from pipeline.report.jsonl import append_record, read_records
from pipeline.report.records import CandidateRecord
from pipeline.report.summary import stopped_by
from pipeline.targeting import find_targets, profile_project
from pipeline.workspace import workspace
from verifiers.admit import admit, so_far
from verifiers.base import Evidence, GateResult, Outcome, SkipReason
from verifiers.registry import GATE_NAMES, GATES
from verifiers.runner import GateObserver
from verifiers.specs import load_specs
from verifiers.tree import copy_tree

__all__ = ["RunBudget", "RunObserver", "RunState", "evolve"]

STATE_FILE = "run-state.json"
TARGETS_PER_GENERATION = 8
PROPOSALS_PER_TARGET = 4


@dataclass(frozen=True)
class RunBudget:
    candidates: int = 30
    minutes: float = 15.0

    @staticmethod
    def parse(text: str) -> RunBudget:
        """`candidates=40,minutes=10`, or just `40` (candidates) or `10m` (minutes)."""
        values: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, _, value = part.partition("=")
            if not value:
                key, value = ("minutes", key[:-1]) if key.endswith("m") else ("candidates", key)
            if key not in ("candidates", "minutes"):
                raise BadInput(f"--budget: unknown limit {key!r} (use candidates=N,minutes=M)")
            try:
                values[key] = float(value)
            except ValueError:
                raise BadInput(f"--budget: {key} must be a number, got {value!r}") from None
            if values[key] <= 0:
                raise BadInput(f"--budget: {key} must be positive")
        return RunBudget(int(values.get("candidates", 30)), values.get("minutes", 15.0))


@dataclass
class RunState:
    """Everything a resumed run needs; saved after every gated candidate."""

    project: str
    proposer: str
    started: str
    generation: int = 0
    base_diff: str = ""  # diff from the project to the current base: every improvement merged so far
    base_id: str | None = None  # the candidate (or merge) the current base is
    seen: list[str] = field(default_factory=list)  # content hashes already proposed
    gated: int = 0
    archive: list[dict[str, object]] = field(default_factory=list)  # admitted variants
    members: list[dict[str, Any]] = field(default_factory=list)  # the improvements the base holds
    left_out: list[dict[str, Any]] = field(default_factory=list)  # admitted, not in the base, and why
    start_tree: str = ""  # digest of the project's files when the run started (for --apply)
    ended: str = ""  # why the run stopped: the budget, or every target tried
    elapsed_seconds: float = 0.0
    first_admitted_seconds: float | None = None
    finished: bool = False

    def save(self, report_dir: Path) -> None:
        from verifiers.atomic import write_text_atomic

        write_text_atomic(report_dir / STATE_FILE, json.dumps(dataclasses.asdict(self), indent=2))

    @staticmethod
    def load(report_dir: Path) -> RunState:
        path = report_dir / STATE_FILE
        if not path.is_file():
            raise BadInput(f"{report_dir}: no {STATE_FILE} to resume from")
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in dataclasses.fields(RunState)}
        return RunState(**{k: v for k, v in data.items() if k in known})


class RunObserver(Protocol):
    def start(self, total: int) -> None: ...
    def candidate(self, candidate: str, label: str) -> None: ...
    def observe(self, gate: str, result: GateResult | None) -> None: ...
    def finished(self, record: CandidateRecord) -> None: ...


@dataclass(frozen=True)
class _Candidate:
    proposer: str
    target: Target
    proposal: Proposal
    key: str  # content hash of the edits: a candidate is gated once per run
    diff: str
    refusal: str | None = None


def evolve(
    target: GateTarget, proposer: Proposer, rules: Sequence[Rule], options: GateOptions, budget: RunBudget,
    report_dir: Path, bandit: Bandit, observer: RunObserver, state: RunState, jobs: int,
    on_record: Callable[[CandidateRecord], None] = lambda record: None, gatekeeper: Gatekeeper | None = None,
) -> RunState:
    """Run generations until the budget is spent or every target has been tried with every
    proposal the proposer has for it; `state.ended` says which."""
    clock = time.monotonic() - state.elapsed_seconds
    keeper = gatekeeper or LocalGatekeeper(target, options)
    specs = load_specs(target.config.root, target.config)
    observer.start(budget.candidates)
    state.ended = ""
    while not state.ended:
        if state.gated >= budget.candidates:
            state.ended = f"budget spent: {state.gated} candidate(s) gated"
            break
        if time.monotonic() - clock >= budget.minutes * 60:
            state.ended = f"budget spent: {budget.minutes:g} minute(s)"
            break
        with workspace("crucible-run-") as scratch:
            base = _base_tree(target, state, scratch)
            profile = profile_project(target.config, base, scratch, options.budgets, options.isolation)
            rejections = _rejections(read_records(report_dir))
            wanted = frozenset(getattr(proposer, "remaining_targets", lambda: set())())
            targets = find_targets(target.config, target.kernel, base, profile, rules, specs, rejections, None, wanted)
            candidates = _candidates(base, targets, proposer, bandit, state, budget.candidates - state.gated)
            if not candidates:
                state.ended = f"every target tried: no new proposal for any of {len(targets)} function(s)"
                break
            lock = threading.Lock()

            def keep(candidate: _Candidate, record: CandidateRecord) -> None:
                """The moment a candidate's verdict is final: into the report, then the state."""
                with lock:
                    append_record(report_dir, record)
                    on_record(record)
                    bandit.record(candidate.proposal.arm, record.admitted and (record.speedup or 0) > 1.0)
                    state.seen.append(candidate.key)
                    state.gated += 1
                    state.elapsed_seconds = time.monotonic() - clock
                    if record.admitted and state.first_admitted_seconds is None and (record.speedup or 0) > 1.0:
                        state.first_admitted_seconds = round(state.elapsed_seconds, 2)
                    state.save(report_dir)

            records = _gate_all(target, base, candidates, keeper, state, observer, jobs, keep)
            _advance(target, state, records, base, keeper, observer, report_dir, on_record)
        state.generation += 1
        state.save(report_dir)
    state.elapsed_seconds = time.monotonic() - clock
    state.finished = True
    state.save(report_dir)
    return state


def _base_tree(target: GateTarget, state: RunState, scratch: Path) -> Path:
    base = copy_tree(target.config.root, scratch / "base")
    if state.base_diff:
        apply_patch(parse_patch(state.base_diff), base)
    return base


def _rejections(records: list[CandidateRecord]) -> dict[str, list[str]]:
    """Per function, why earlier edits to it were rejected (told to the proposer)."""
    found: dict[str, list[str]] = {}
    for record in records:
        if record.admitted:
            continue
        for edit in record.edits:
            address = json.loads(edit).get("target", "")
            found.setdefault(address, []).append(record.summary)
    return found


def _candidates(base: Path, targets: list[Target], proposer: Proposer, bandit: Bandit, state: RunState, room: int) -> list[_Candidate]:
    """New proposals for the best-ranked targets that still have any: a target whose proposals were
    all gated before gives way to the next one, down the whole ranking, so that the run goes on
    until every target has been tried with everything the proposer has for it."""
    keys: set[str] = set(state.seen)  # gated in earlier generations, or before an interruption
    proposals: list[tuple[Target, Proposal]] = []
    productive = 0
    for target in targets:
        if productive >= TARGETS_PER_GENERATION or len(proposals) >= room:
            break
        fresh = [p for p in proposer.propose(target, PROPOSALS_PER_TARGET) if _key(p) not in keys]
        productive += bool(fresh)
        proposals += [(target, p) for p in fresh]
    ordered = bandit.order(proposals, {i: p.arm for i, (_, p) in enumerate(proposals)})
    chosen: list[_Candidate] = []
    for target, proposal in ordered:
        if len(chosen) >= room:
            break
        key = _key(proposal)
        if key in keys:
            continue
        keys.add(key)
        try:
            diff = unified_diff(base, apply_edits(base, proposal.edits))
        except EditRefused as exc:
            chosen.append(_Candidate(proposer.NAME, target, proposal, key, "", refusal=str(exc)))
            continue
        if diff:
            chosen.append(_Candidate(proposer.NAME, target, proposal, key, diff))
    return chosen


def _gate_all(target: GateTarget, base: Path, candidates: list[_Candidate], keeper: Gatekeeper, state: RunState,
              observer: RunObserver, jobs: int, keep: Callable[[_Candidate, CandidateRecord], None]) -> list[tuple[_Candidate, CandidateRecord]]:
    """Gates 1-7 in parallel; then benchmarks one candidate at a time, on a quiet machine (or a
    cluster's quiet slots). Each verdict is kept (`keep`) as soon as it is final."""

    def first_phase(candidate: _Candidate) -> CandidateRecord:
        if candidate.refusal is not None:
            refused = _refused(target, candidate, state)
            observer.finished(refused)
            keep(candidate, refused)
            return refused
        observer.candidate(candidate_id(candidate.diff), candidate.proposal.arm)
        record = keeper.gate(base, candidate.diff, FORMAL, proposer=candidate.proposer, parent=state.base_id,
                             observer=_observer(observer))
        record = dataclasses.replace(record, edits=tuple(e.to_json() for e in candidate.proposal.edits))
        if not so_far(record.gates):  # final now: the benchmarks gate only sees survivors
            record = _merge(record, None)
            observer.finished(record)
            keep(candidate, record)
        return record

    first = _all(first_phase, candidates, jobs)
    timed = [(c, r) for c, r in zip(candidates, first) if c.refusal is None and so_far(r.gates)]

    def second_phase(item: tuple[_Candidate, CandidateRecord]) -> CandidateRecord:
        candidate, record = item
        second = keeper.gate(base, candidate.diff, TIMED, proposer=candidate.proposer, parent=state.base_id,
                             observer=_observer(observer))
        record = _merge(record, second)
        observer.finished(record)
        keep(candidate, record)
        return record

    # Locally one at a time (one quiet machine); on a cluster as many as it has quiet slots.
    width = 1 if isinstance(keeper, LocalGatekeeper) else max(1, jobs)
    done = dict(zip((c.key for c, _ in timed), _all(second_phase, timed, width)))
    return [(c, done.get(c.key, r)) for c, r in zip(candidates, first)]


_T = TypeVar("_T")
_R = TypeVar("_R")


def _all(work: Callable[[_T], _R], items: Sequence[_T], width: int) -> list[_R]:
    """`work` on every item, `width` at a time, results in order. Interrupted (Ctrl-C), the items
    not yet started are dropped: only the ones in flight finish, and each is kept as it ends."""
    pool = ThreadPoolExecutor(max_workers=max(1, width))
    try:
        results = list(pool.map(work, items))
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results


def _observer(observer: RunObserver) -> GateObserver:
    return observer.observe


def _merge(first: CandidateRecord, second: CandidateRecord | None) -> CandidateRecord:
    """One record over all eight gates; the admission rule decides on the whole."""
    results = list(first.gates)
    if second is not None:
        results += list(second.gates)
    else:
        results.append(GateResult(GATES[-1].NAME, Outcome.SKIPPED, f"not run: rejected earlier by {stopped_by(first)}",
                                  skip_reason=SkipReason.NOT_RUN))
    decision = admit(results)
    seconds = first.seconds + (second.seconds if second else 0.0)
    return dataclasses.replace(first, gates=tuple(results), admitted=decision.admitted, summary=decision.reason,
                               speedup=decision.speedup, seconds=round(seconds, 3))


def _refused(target: GateTarget, candidate: _Candidate, state: RunState) -> CandidateRecord:
    """An edit that could not be applied is a rejected proposal with its reason as evidence."""
    reason = candidate.refusal or "refused"
    result = GateResult("edit", Outcome.FAIL, reason, (Evidence(reason, rule="edit-refused"),))
    text = "\n".join(e.to_json() for e in candidate.proposal.edits)
    return CandidateRecord(
        id=candidate_id(text), parent=state.base_id, proposer=candidate.proposer,
        edits=tuple(e.to_json() for e in candidate.proposal.edits), diff="", gates=(result,), admitted=False,
        summary=f"edit: {reason}", speedup=None, project=str(target.config.root), kernel_digest=target.digest.value,
        created=datetime.now(UTC).isoformat(timespec="seconds"), seconds=0.0,
    )


def _key(proposal: Proposal) -> str:
    return hashlib.sha256("\n".join(e.to_json() for e in proposal.edits).encode()).hexdigest()


def _advance(target: GateTarget, state: RunState, records: list[tuple[_Candidate, CandidateRecord]], base: Path,
             keeper: Gatekeeper, observer: RunObserver, report_dir: Path,
             on_record: Callable[[CandidateRecord], None]) -> None:
    """The generation's improvements, merged and verified, become the next base."""
    for _candidate, record in records:
        if record.admitted and (record.speedup or 0) > 1.0:
            state.archive.append({"id": record.id, "parent": record.parent, "speedup": record.speedup,
                                  "benchmark": _benchmark_of(record), "arm": _candidate.proposal.arm})

    def verify(members: Sequence[Improvement], diff: str) -> CandidateRecord:
        observer.candidate(candidate_id(diff), f"merge of {len(members)}")
        first = keeper.gate(base, diff, FORMAL, proposer="merge", parent=state.base_id, observer=_observer(observer))
        second = keeper.gate(base, diff, TIMED, proposer="merge", parent=state.base_id,
                             observer=_observer(observer)) if so_far(first.gates) else None
        record = _merge(first, second)
        edits = tuple(e.to_json() for m in members for e in m.edits)
        record = dataclasses.replace(record, edits=edits, summary=f"{record.summary} (merge of "
                                     f"{', '.join(m.record.id for m in members)})")
        observer.finished(record)
        append_record(report_dir, record)
        on_record(record)
        return record

    merged = merge(base, improvements([r for _, r in records]), verify)
    state.left_out += [{"id": item.improvement.record.id, "functions": sorted(item.improvement.functions),
                        "speedup": item.improvement.speedup, "reason": item.reason} for item in merged.left_out]
    if not merged.members:
        return
    with workspace("crucible-merge-") as scratch:
        tree = _base_tree(target, state, scratch)
        apply_patch(parse_patch(merged.diff), tree)
        changed = {p: (tree / p).read_text(encoding="utf-8") for p in _touched(state.base_diff, merged.diff)}
        state.base_diff = unified_diff(target.config.root, changed)
    state.base_id = candidate_id(merged.diff) if len(merged.members) > 1 else merged.members[0].record.id
    state.members += [_member(m.record, state.generation) for m in merged.members]


def _member(record: CandidateRecord, generation: int) -> dict[str, Any]:
    """One improvement of the final variant, with the evidence line a reviewer reads."""
    equivalence = next((g for g in record.gates if g.gate == "equivalence"), None)
    return {"id": record.id, "generation": generation, "proposer": record.proposer,
            "functions": sorted({json.loads(e).get("target", "") for e in record.edits}),
            "rule": sorted({json.loads(e).get("rule", "") for e in record.edits} - {""}),
            "speedup": record.speedup, "benchmark": _benchmark_of(record),
            "equivalence": equivalence.strength.value if equivalence and equivalence.strength else
            (equivalence.summary if equivalence else "")}


def _touched(*diffs: str) -> set[str]:
    return {f.path for d in diffs if d for f in parse_patch(d).files}


def _benchmark_of(record: CandidateRecord) -> str:
    bench = next((g for g in record.gates if g.gate == "benchmarks"), None)
    return bench.summary if bench else ""
