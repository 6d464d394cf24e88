"""Runs gates in order: times each, turns escapes into `error`, and checks nothing was touched."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from verifiers.admit import accepts
from verifiers.base import ChangeKind, Evidence, FileChange, Gate, GateContext, GateResult, Outcome, SkipReason, Variant
from verifiers.kernel import compute_digest
from verifiers.tree import hash_tree

__all__ = ["GateObserver", "changed_files", "run_gates"]

GateObserver = Callable[[str, GateResult | None], None]
"""Told `(gate, None)` when a gate starts and `(gate, result)` when it ends."""


@dataclass(frozen=True)
class _Snapshot:
    original: dict[str, str]
    variant: dict[str, str]
    kernel: str

    @staticmethod
    def take(ctx: GateContext) -> _Snapshot:
        kernel = compute_digest(ctx.variant.root, ctx.config, ctx.kernel).value
        return _Snapshot(hash_tree(ctx.variant.original_root), hash_tree(ctx.variant.root), kernel)

    def drift(self, after: _Snapshot) -> list[str]:
        found: list[str] = []
        for label, before_tree, after_tree in (
            ("original copy", self.original, after.original),
            ("variant copy", self.variant, after.variant),
        ):
            changed = sorted(k for k in before_tree.keys() | after_tree.keys() if before_tree.get(k) != after_tree.get(k))
            found.extend(f"{label}: {path}" for path in changed)
        if self.kernel != after.kernel:
            found.append("kernel digest of the variant")
        return found


def run_gates(
    ctx: GateContext,
    gates: Sequence[Gate],
    *,
    all_gates: bool = False,
    observer: GateObserver | None = None,
    ahead: frozenset[str] = frozenset(),
) -> tuple[GateResult, ...]:
    """Every gate's result, in order. After the first rejection the rest are `skipped`
    (not run), unless `all_gates` asks for a full audit. What changed is computed here, from the
    two trees, whatever list the caller brought (see `changed_files`).

    The gates named in `ahead` start at once, beside the others (one verdict waits on them all:
    the test suite then overlaps the static gates). Their results are read in their turn and
    decide nothing before it; after an earlier rejection one is `skipped`, saying it ran ahead."""
    ctx = replace(ctx, variant=replace(ctx.variant, changes=changed_files(ctx.variant)))
    results: list[GateResult] = []
    rejected_by: str | None = None
    early = [gate for gate in gates if gate.NAME in ahead]
    with ThreadPoolExecutor(max_workers=max(1, len(early))) as pool:
        started = {gate.NAME: pool.submit(_run_one, gate, ctx) for gate in early}
        for gate in gates:
            if rejected_by is not None and not all_gates:
                if gate.NAME in started:
                    started[gate.NAME].result()  # the workspace is left as it was before it goes
                results.append(_not_run(gate, rejected_by, ran_ahead=gate.NAME in started))
                continue
            if observer is not None:
                observer(gate.NAME, None)
            result = started[gate.NAME].result() if gate.NAME in started else _run_one(gate, ctx)
            results.append(result)
            if observer is not None:
                observer(gate.NAME, result)
            if not accepts(result):
                rejected_by = rejected_by or gate.NAME
    return tuple(results)


def changed_files(variant: Variant) -> tuple[FileChange, ...]:
    """Every counted file that differs between the original and the variant copy, by content.
    A file that vanished and one that appeared with the same bytes are a rename; otherwise the
    caller's rename hints (a patch's `rename from`) are kept only where the trees confirm both
    sides, so a hint can say which original a new file is compared with, never hide a change."""
    before, after = hash_tree(variant.original_root), hash_tree(variant.root)
    deleted = sorted(set(before) - set(after))
    hints = {c.path: c.renamed_from for c in variant.changes if c.renamed_from in deleted}
    by_content = {before[path]: path for path in deleted}
    changes = []
    for path in sorted(after):
        if path not in before:
            origin = hints.get(path) or by_content.get(after[path])
            changes.append(FileChange(path, ChangeKind.ADDED, origin))
        elif before[path] != after[path]:
            changes.append(FileChange(path, ChangeKind.MODIFIED))
    renamed = {c.renamed_from for c in changes if c.renamed_from}
    changes += [FileChange(path, ChangeKind.DELETED) for path in deleted if path not in renamed]
    return tuple(changes)


def _not_run(gate: Gate, rejected_by: str, *, ran_ahead: bool = False) -> GateResult:
    summary = (f"not counted: rejected earlier by {rejected_by} (it ran ahead, beside the earlier gates)" if ran_ahead
               else f"not run: rejected earlier by {rejected_by}")
    return GateResult(gate.NAME, Outcome.SKIPPED, summary, skip_reason=SkipReason.NOT_RUN)


def _run_one(gate: Gate, ctx: GateContext) -> GateResult:
    started = time.perf_counter()
    before = _Snapshot.take(ctx)
    try:
        result = gate.check(ctx)
    except Exception as exc:  # a gate must not bring the pipeline down: its escape is `error`
        trace = "".join(traceback.format_exception(exc))[-4000:]
        result = GateResult(
            gate.NAME, Outcome.ERROR, f"gate crashed: {type(exc).__name__}: {exc}",
            (Evidence(f"{type(exc).__name__}: {exc}", excerpt=trace),),
        )
    drift = before.drift(_Snapshot.take(ctx))
    if drift:
        result = GateResult(
            gate.NAME, Outcome.ERROR, "the workspace changed while the gate ran",
            tuple(Evidence(f"changed: {item}") for item in drift[:20]),
        )
    return result.timed(time.perf_counter() - started)
