"""Judging one candidate: load and lock-check the target, build private copies, run the gates,
let the admission rule decide, and record the verdict."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipeline.config import CrucibleConfig, load_config
from pipeline.patch import Patch, apply_patch
from pipeline.report.records import CandidateRecord
from pipeline.workspace import workspace
from verifiers.admit import Decision, admit
from verifiers.base import Budgets, Gate, GateContext, Isolation, Variant
from verifiers.kernel import KernelDigest, KernelSpec, load_kernel, verify_lock
from verifiers.registry import GATES
from verifiers.specs import load_specs
from verifiers.runner import GateObserver, run_gates
from verifiers.tree import copy_tree

__all__ = ["GateOptions", "Target", "candidate_id", "gate_patch", "load_target", "refusal_record"]


@dataclass(frozen=True)
class GateOptions:
    all_gates: bool = False
    isolation: Isolation = Isolation.STRICT
    budgets: Budgets = field(default_factory=Budgets)
    many_verdicts: bool = True  # more patches against the same original are coming (trace its tests)


@dataclass(frozen=True)
class Target:
    """A project whose config and kernel parse and whose tree matches its lock."""

    config: CrucibleConfig
    kernel: KernelSpec
    digest: KernelDigest


def load_target(project: Path) -> Target:
    """BadInput (exit 2) for a bad config, kernel spec or contract; IntegrityError (exit 3) off the lock."""
    config = load_config(project.resolve())
    kernel = load_kernel(config)
    digest = verify_lock(config, kernel)
    load_specs(config.root, config)  # a contract naming what the code lacks is bad input, not a skip
    return Target(config, kernel, digest)


def candidate_id(diff: str) -> str:
    return "c-" + hashlib.sha256(diff.encode()).hexdigest()[:12]


def refusal_record(project: Path, patch: Path, proposer: str, summary: str) -> CandidateRecord:
    """The record of a patch Crucible could not gate at all (bad input, integrity): kept like any
    verdict, with as much of the patch as could be read."""
    try:
        with patch.open("rb") as handle:
            diff = handle.read(1_000_000).decode("utf-8", errors="replace")
    except OSError:
        diff = ""
    return CandidateRecord(
        id=candidate_id(diff), parent=None, proposer=proposer, edits=(), diff=diff, gates=(),
        admitted=False, summary=summary, speedup=None, project=str(project.resolve()), kernel_digest="",
        created=datetime.now(UTC).isoformat(timespec="seconds"), seconds=0.0,
    )


def gate_patch(
    target: Target,
    patch: Patch,
    options: GateOptions,
    *,
    proposer: str = "patch",
    parent: str | None = None,
    observer: GateObserver | None = None,
    gates: Sequence[Gate] = GATES,
    original_tree: Path | None = None,
) -> CandidateRecord:
    """Apply `patch` to a private copy of `original_tree` (default: the project) and judge it.
    BadInput if it does not apply."""
    started = time.perf_counter()
    with workspace() as scratch:
        original = copy_tree(original_tree or target.config.root, scratch / "original")
        variant_root = copy_tree(original, scratch / "variant")
        changes = apply_patch(patch, variant_root)
        (scratch / "gates").mkdir()
        ctx = GateContext(
            config=target.config, kernel=target.kernel,
            variant=Variant(original, variant_root, changes, patch.text),
            scratch=scratch / "gates", budgets=options.budgets, isolation=options.isolation,
            trace_tests=options.many_verdicts,
        )
        results = run_gates(ctx, gates, all_gates=options.all_gates, observer=observer, ahead=_ahead(options))
    decision = admit(results)
    return _record(target, patch, decision, proposer, parent, time.perf_counter() - started)


def _ahead(options: GateOptions) -> frozenset[str]:
    """One verdict waits for every gate: the two slow ones that run the code (the test suite and
    the behavioural comparison) start beside the static gates when there is a core for them. Many
    verdicts (`run`, `redteam`) already keep the cores busy with other candidates, and work for a
    candidate an earlier gate rejects would be waste."""
    slow = frozenset({"tests", "equivalence"})
    return slow if not options.many_verdicts and (os.cpu_count() or 1) >= 2 else frozenset()


def _record(
    target: Target, patch: Patch, decision: Decision, proposer: str, parent: str | None, seconds: float
) -> CandidateRecord:
    return CandidateRecord(
        id=candidate_id(patch.text), parent=parent, proposer=proposer, edits=(), diff=patch.text,
        gates=decision.results, admitted=decision.admitted, summary=decision.reason,
        speedup=decision.speedup, project=str(target.config.root), kernel_digest=target.digest.value,
        created=datetime.now(UTC).isoformat(timespec="seconds"), seconds=round(seconds, 3),
    )
