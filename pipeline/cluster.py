"""Gating on a Ray cluster (`--executor ray`): each candidate's gates 1–7 run as a Ray task on any
node; the benchmarks gate only on a slot reserved for quiet timing (the custom resource `quiet`,
one per node), original and variant in the same task, so on the same node. The project tree and
the patch travel through Ray's object store (no shared filesystem is assumed); only the driver
writes the report. At start every node is asked for its Python and tool versions: a cluster whose
toolchains differ from the driver's is refused (exit 3), since its nodes could not reach the same
verdict. A node lost in the middle of a task: Ray runs the task again elsewhere, and the driver
records the candidate once, when a result comes back."""

from __future__ import annotations

import dataclasses
import io
import tarfile
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from pipeline.errors import BadInput, IntegrityError
from pipeline.gating import GateOptions
from pipeline.report.records import CandidateRecord, record_from_json, record_to_json
from verifiers.toolchain import Toolchain, differences, toolchain
from verifiers.tree import iter_files

__all__ = ["QUIET", "RayCluster", "pack_tree"]

QUIET: Final = "quiet"  # the custom resource of a node's quiet timing slot
RETRIES: Final = 3  # a task whose node died runs again elsewhere this many times


def pack_tree(root: Path) -> bytes:
    """The project's counted files as a gzipped tar, for the object store."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for relative in iter_files(root):
            archive.add(root / relative, arcname=relative, recursive=False)
    return buffer.getvalue()


def _unpack(data: bytes, destination: Path) -> Path:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        archive.extractall(destination, filter="data")
    return destination


def _gate_on_node(tree: bytes, patch: str, options: GateOptions, gates: Sequence[str], proposer: str,
                  parent: str | None) -> tuple[str, str]:
    """Runs ON A NODE: unpack the tree, check its lock, gate the patch; the record and the node."""
    import ray

    from pipeline.gating import gate_patch, load_target
    from pipeline.patch import parse_patch
    from verifiers.registry import GATES

    with tempfile.TemporaryDirectory(prefix="crucible-node-") as scratch:
        root = _unpack(tree, Path(scratch) / "project")
        record = gate_patch(load_target(root), parse_patch(patch), options, proposer=proposer, parent=parent,
                            gates=[g for g in GATES if g.NAME in gates])
    return record_to_json(record), ray.get_runtime_context().get_node_id()


def _toolchain_on_node() -> tuple[tuple[str, str], ...]:
    return toolchain()


class RayCluster:
    """The driver's view of the cluster: checked toolchains, and gating tasks submitted to it."""

    def __init__(self, address: str) -> None:
        try:
            import ray
        except ImportError:
            raise BadInput("--executor ray: Ray is not installed (pip install 'crucible[cluster]')") from None
        self.ray: Any = ray
        try:
            ray.init(address=address, log_to_driver=False, namespace="crucible", configure_logging=False)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise BadInput(f"--ray-address {address}: no Ray cluster answering ({exc})") from None
        self._gate = ray.remote(max_retries=RETRIES)(_gate_on_node)
        self._versions = ray.remote(max_retries=RETRIES)(_toolchain_on_node)
        self.in_flight = 0
        self._lock = threading.Lock()
        self._trees: dict[Path, Any] = {}
        self.check()

    def nodes(self) -> list[dict[str, Any]]:
        return [n for n in self.ray.nodes() if n.get("Alive")]

    def check(self) -> None:
        """Every node's toolchain is the driver's, and some node offers a quiet timing slot."""
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        mine = toolchain()
        nodes = self.nodes()
        asked = [self._versions.options(scheduling_strategy=NodeAffinitySchedulingStrategy(n["NodeID"], soft=False)).remote()
                 for n in nodes]
        for node, theirs in zip(nodes, self.ray.get(asked), strict=True):
            found = differences(tuple(tuple(p) for p in theirs), mine)
            if found:
                raise IntegrityError(f"Ray node {node['NodeManagerAddress']} ({node['NodeID'][:12]}) has another toolchain "
                                     f"than this driver: {', '.join(found)}; install .ci/toolchain.lock on every node")
        if not any(n.get("Resources", {}).get(QUIET) for n in nodes):
            raise IntegrityError(f"no Ray node offers a quiet timing slot: start each node with --resources '{{\"{QUIET}\": 1}}'")

    def tree(self, root: Path) -> Any:
        """The tree's object in the store, put once."""
        with self._lock:
            if root not in self._trees:
                self._trees[root] = self.ray.put(pack_tree(root))
            return self._trees[root]

    def gate(self, tree: Path, patch: str, options: GateOptions, gates: Sequence[str], *, proposer: str,
             parent: str | None, timed: bool, project: Path) -> CandidateRecord:
        """Gate `patch` against `tree` on some node (a quiet slot when `timed`); the record names it."""
        resources = {"num_cpus": 1, **({"resources": {QUIET: 1}} if timed else {})}
        with self._lock:
            self.in_flight += 1
        try:
            ref = self._gate.options(**resources).remote(self.tree(tree), patch, options, list(gates), proposer, parent)
            text, node = self.ray.get(ref)
        finally:
            with self._lock:
                self.in_flight -= 1
        return dataclasses.replace(record_from_json(text), project=str(project), node=node)

    def describe(self) -> str:
        """For the progress display: nodes, busy slots, candidates in flight."""
        total = self.ray.cluster_resources()
        free = self.ray.available_resources()
        slots = int(total.get("CPU", 0))
        busy = slots - int(free.get("CPU", 0))
        return f"cluster: {len(self.nodes())} node(s), {busy}/{slots} slot(s) busy, {self.in_flight} task(s) in flight"

    def versions(self) -> Toolchain:
        return toolchain()

    def close(self) -> None:
        self.ray.shutdown()
