"""Candidates per minute, local against Ray on the same machine: what going through Ray costs.

Run as root inside a network namespace of its own (Ray binds the machine's interface address
otherwise), with a head and a second node the fixture starts on 127.0.0.1:

    unshare --net sh -c 'ip link set lo up; .venv/bin/python -m pytest benchmarks/bench_executor.py'

Each round is a whole `crucible run` of three replayed candidates on the mergepair fixture
(every gate, the merge and the headline); candidates per minute = 3 / the round's seconds.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from verifiers.tree import copy_tree

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
BIN = Path(sys.executable).parent
ADDRESS = "127.0.0.1:6391"


def _in_own_namespace() -> bool:
    """Alone on loopback: no interface but `lo` (so Ray cannot bind a shared address)."""
    return [name for _, name in socket.if_nameindex()] == ["lo"]


pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not _in_own_namespace(),
                                reason="run as root inside its own network namespace (see the module docstring)")


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    sessions = tempfile.mkdtemp(prefix="ray-", dir="/tmp")
    common = ["--num-cpus", "1", "--resources", '{"quiet": 1}', "--disable-usage-stats"]
    subprocess.run([str(BIN / "ray"), "start", "--head", "--node-ip-address", "127.0.0.1", "--port", ADDRESS.split(":")[1],
                    "--include-dashboard", "false", "--temp-dir", sessions, *common], check=True, capture_output=True)
    subprocess.run([str(BIN / "ray"), "start", "--address", ADDRESS, "--node-ip-address", "127.0.0.1", *common],
                   check=True, capture_output=True)
    yield ADDRESS
    subprocess.run([str(BIN / "ray"), "stop", "--force"], capture_output=True, check=False)
    shutil.rmtree(sessions, ignore_errors=True)


def _run(tmp: Path, *executor: str) -> Callable[[], None]:
    edits = FIXTURES / "mergepair-edits" / "interacting.jsonl"

    def once() -> None:
        work = Path(tempfile.mkdtemp(dir=tmp))
        project = copy_tree(FIXTURES / "mergepair", work / "project")
        done = subprocess.run([str(BIN / "crucible"), "run", "--project", str(project), "--proposer", f"replay:{edits}",
                               "--budget", "candidates=3,minutes=20", "--report-dir", str(work / "report"), *executor],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    return once


def test_candidates_per_minute_local(benchmark: BenchmarkFixture, tmp_path: Path) -> None:
    benchmark.pedantic(_run(tmp_path, "--executor", "local", "--jobs", "2"), rounds=2, iterations=1)


def test_candidates_per_minute_ray(benchmark: BenchmarkFixture, tmp_path: Path, cluster: str) -> None:
    benchmark.pedantic(_run(tmp_path, "--executor", "ray", "--ray-address", cluster), rounds=2, iterations=1)
