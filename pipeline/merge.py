"""One generation's admitted improvements, merged into the next base: every improvement of a
distinct function, the faster one where two touch the same function, and the combination
verified as a whole through all eight gates — two changes that pass alone can still interact
through callers, module state or benchmarks. When the combination is rejected, the member that
breaks it is found by bisection (the largest speed-ups are kept first), left out with the
reason, and the rest merged again."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.edits import Edit, EditRefused, apply_edits, edit_from_json, unified_diff
from pipeline.report.records import CandidateRecord

__all__ = ["Improvement", "LeftOut", "Merged", "improvements", "merge", "select"]


@dataclass(frozen=True)
class Improvement:
    """An admitted candidate with a measured speed-up, and the functions its edits touch."""

    record: CandidateRecord
    edits: tuple[Edit, ...]

    @property
    def functions(self) -> frozenset[str]:
        return frozenset(edit.target for edit in self.edits)

    @property
    def speedup(self) -> float:
        return self.record.speedup or 1.0


@dataclass(frozen=True)
class LeftOut:
    improvement: Improvement
    reason: str


@dataclass(frozen=True)
class Merged:
    members: tuple[Improvement, ...]  # what the new base holds from this generation
    diff: str  # from the generation's base to the new base ("" when nothing was merged)
    left_out: tuple[LeftOut, ...]


Verify = Callable[[Sequence[Improvement], str], CandidateRecord]
"""Gate a combination (its members, its diff against the base): the record, appended to the report."""


def improvements(records: Sequence[CandidateRecord]) -> list[Improvement]:
    """Admitted candidates that were measured faster, with the edits they carry."""
    found = []
    for record in records:
        if record.admitted and (record.speedup or 0.0) > 1.0 and record.edits:
            found.append(Improvement(record, tuple(edit_from_json(json.loads(e)) for e in record.edits)))
    return found


def select(candidates: Sequence[Improvement]) -> tuple[list[Improvement], list[LeftOut]]:
    """Fastest first; one that touches a function a faster one already changes is left out."""
    chosen: list[Improvement] = []
    left: list[LeftOut] = []
    for item in sorted(candidates, key=lambda i: (-i.speedup, i.record.id)):
        clash = next((c for c in chosen if c.functions & item.functions), None)
        if clash is None:
            chosen.append(item)
        else:
            shared = ", ".join(sorted(clash.functions & item.functions))
            left.append(LeftOut(item, f"conflicts with the faster {clash.record.id} (×{clash.speedup:.2f}) on {shared}"))
    return chosen, left


def combination(base: Path, members: Sequence[Improvement]) -> str:
    """The diff from `base` to all members' edits applied together (EditRefused if they cannot be)."""
    return unified_diff(base, apply_edits(base, [edit for member in members for edit in member.edits]))


def merge(base: Path, candidates: Sequence[Improvement], verify: Verify) -> Merged:
    """The verified combination of the non-overlapping improvements (see the module's docstring).
    A single improvement was already gated against `base`: it is taken as it is."""
    members, left = select(candidates)
    if len(members) <= 1:
        return Merged(tuple(members), members[0].record.diff if members else "", tuple(left))
    verify = _once(verify)
    while len(members) > 1:
        try:
            diff = combination(base, members)
        except EditRefused as exc:  # edits that cannot be applied together: keep the faster
            left.append(LeftOut(members[-1], f"its edits cannot be applied with the others: {exc}"))
            members = members[:-1]
            continue
        record = verify(members, diff)
        if record.admitted:
            return Merged(tuple(members), diff, tuple(left))
        culprit, why = _bisect(base, members, record, verify)
        left.append(LeftOut(members[culprit], why))
        members = members[:culprit] + members[culprit + 1:]
    return Merged(tuple(members), members[0].record.diff, tuple(left))


def _once(verify: Verify) -> Verify:
    """`verify`, gating each combination once: after bisection, the members that remain are often
    a prefix whose combination was already gated."""
    seen: dict[tuple[str, ...], CandidateRecord] = {}

    def gated(members: Sequence[Improvement], diff: str) -> CandidateRecord:
        key = tuple(m.record.id for m in members)
        if key not in seen:
            seen[key] = verify(members, diff)
        return seen[key]

    return gated


def _bisect(base: Path, members: list[Improvement], whole: CandidateRecord, verify: Verify) -> tuple[int, str]:
    """The index of the first member (in speed-up order) whose addition makes the combination
    fail: the largest prefix that passes is found in log2(n) gated combinations (a prefix of one
    passed alone already), and the member right after it is the culprit."""
    passes, fails = 1, len(members)  # members[:passes] is admitted, members[:fails] is not
    failing = whole
    while fails - passes > 1:
        middle = (passes + fails) // 2
        record = verify(members[:middle], combination(base, members[:middle]))
        if record.admitted:
            passes = middle
        else:
            fails, failing = middle, record
    together = ", ".join(m.record.id for m in members[:passes])
    return passes, f"rejected when merged with {together} (combination {failing.id}): {failing.summary}"
