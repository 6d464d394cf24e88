"""Where a candidate's gates run: in this process's sandboxes (local, the default) or as Ray tasks
(`pipeline/cluster.py`). Either way in two steps — gates 1–7, then, for survivors, the benchmarks
on a quiet machine or slot — and either way the records come back here, where only the driver
writes them."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pipeline.cluster import RayCluster
from pipeline.gating import GateOptions, Target, gate_patch
from pipeline.patch import parse_patch
from pipeline.report.records import CandidateRecord
from verifiers.registry import GATES
from verifiers.runner import GateObserver

__all__ = ["FORMAL", "Gatekeeper", "LocalGatekeeper", "RayGatekeeper", "TIMED"]

FORMAL = tuple(g.NAME for g in GATES[:-1])  # gates 1-7: any slot
TIMED = (GATES[-1].NAME,)  # the benchmarks: a quiet one


class Gatekeeper(Protocol):
    def gate(self, base: Path, diff: str, gates: tuple[str, ...], *, proposer: str, parent: str | None,
             observer: GateObserver | None) -> CandidateRecord: ...

    def describe(self) -> str: ...


class LocalGatekeeper:
    def __init__(self, target: Target, options: GateOptions) -> None:
        self.target, self.options = target, options

    def gate(self, base: Path, diff: str, gates: tuple[str, ...], *, proposer: str, parent: str | None,
             observer: GateObserver | None) -> CandidateRecord:
        return gate_patch(self.target, parse_patch(diff), self.options, proposer=proposer, parent=parent, observer=observer,
                          gates=[g for g in GATES if g.NAME in gates], original_tree=base)

    def describe(self) -> str:
        return ""


class RayGatekeeper:
    def __init__(self, target: Target, options: GateOptions, cluster: RayCluster) -> None:
        self.target, self.options, self.cluster = target, options, cluster

    def gate(self, base: Path, diff: str, gates: tuple[str, ...], *, proposer: str, parent: str | None,
             observer: GateObserver | None) -> CandidateRecord:
        return self.cluster.gate(base, diff, self.options, gates, proposer=proposer, parent=parent,
                                 timed=gates == TIMED, project=self.target.config.root)

    def describe(self) -> str:
        return self.cluster.describe()
