"""`--executor ray` on a real Ray cluster the test starts itself: a head and a second node, each
`ray start` as its own processes, inside a network namespace the test makes (`unshare --net`,
then `ip link set lo up`), so that every byte stays on loopback. Needs root (CI has it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from verifiers.tree import copy_tree

pytestmark = [pytest.mark.cluster, pytest.mark.slow,
              pytest.mark.skipif(os.geteuid() != 0 or shutil.which("unshare") is None, reason="needs root for unshare --net")]

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BIN = Path(sys.executable).parent
QUIET = '{"quiet": 1}'


def _script(tmp: Path, body: str, node_env: str = "") -> str:
    """A head and a second node on 127.0.0.1 in this namespace, then `body`, then both stopped.
    Ray's own files go to a short path: its socket paths must fit in 107 bytes."""
    sessions = tempfile.mkdtemp(prefix="ray-", dir="/tmp")
    return f"""set -u
ip link set lo up
export RAY_USAGE_STATS_ENABLED=0
RAY={BIN}/ray
$RAY start --head --node-ip-address 127.0.0.1 --port 6390 --num-cpus 1 --resources '{QUIET}' \\
  --include-dashboard false --temp-dir {sessions} --disable-usage-stats > {tmp}/head.log 2>&1 || exit 90
{node_env} setsid $RAY start --block --address 127.0.0.1:6390 --node-ip-address 127.0.0.1 --num-cpus 1 \\
  --resources '{QUIET}' --disable-usage-stats > {tmp}/node.log 2>&1 &
NODE=$!
for i in $(seq 60); do
  [ "$({BIN}/python -c 'import ray; ray.init(address="127.0.0.1:6390", log_to_driver=False); print(len([n for n in ray.nodes() if n["Alive"]]))' 2>/dev/null)" = 2 ] && break
  sleep 1
done
{body}
STATUS=$?
kill -TERM -$NODE 2>/dev/null
$RAY stop --force > /dev/null 2>&1
rm -rf {sessions}
exit $STATUS
"""


def _run_in_namespace(tmp: Path, body: str, node_env: str = "", timeout: float = 1500) -> subprocess.CompletedProcess[str]:
    script = tmp / "cluster.sh"
    script.write_text(_script(tmp, body, node_env))
    return subprocess.run(["unshare", "--net", "bash", str(script)], capture_output=True, text=True, timeout=timeout,
                          check=False, cwd=tmp)


def _project(tmp: Path) -> Path:
    return copy_tree(FIXTURES / "mergepair", tmp / "mergepair")


def _records(report: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (report / "verdicts.jsonl").read_text().splitlines() if line.strip()]


def _crucible_run(project: Path, report: Path) -> str:
    edits = FIXTURES / "mergepair-edits" / "interacting.jsonl"
    return (f"{BIN}/crucible run --project {project} --proposer replay:{edits} --budget candidates=3,minutes=20 "
            f"--executor ray --ray-address 127.0.0.1:6390 --report-dir {report}")


def test_candidates_are_spread_over_both_nodes(tmp_path: Path) -> None:
    project, report = _project(tmp_path), tmp_path / "report"
    done = _run_in_namespace(tmp_path, _crucible_run(project, report) + f" > {tmp_path}/run.log 2>&1")
    log = (tmp_path / "run.log").read_text() if (tmp_path / "run.log").exists() else ""
    assert done.returncode == 0, log[-3000:] + done.stderr[-2000:]
    assert "2 node(s)" in log
    records = _records(report)
    candidates = [r for r in records if r["proposer"] != "merge"]
    assert len(candidates) == 3 and len({r["id"] for r in candidates}) == 3
    assert len({r["node"] for r in records}) == 2, [r["node"] for r in records]  # both nodes gated something
    assert json.loads((report / "run.json").read_text())["final"]["members"]


def test_a_node_lost_mid_run_loses_no_candidate_and_records_each_once(tmp_path: Path) -> None:
    project, report = _project(tmp_path), tmp_path / "report"
    body = (f"{_crucible_run(project, report)} > {tmp_path}/run.log 2>&1 &\nRUN=$!\n"
            f"for i in $(seq 120); do grep -q 'executor: Ray' {tmp_path}/run.log 2>/dev/null && break; sleep 1; done\n"
            "sleep 8\nkill -KILL -$NODE\nwait $RUN")
    done = _run_in_namespace(tmp_path, body)
    log = (tmp_path / "run.log").read_text() if (tmp_path / "run.log").exists() else ""
    assert done.returncode == 0, log[-3000:] + done.stderr[-2000:]
    candidates = [r for r in _records(report) if r["proposer"] != "merge"]
    assert len(candidates) == 3 and len({r["id"] for r in candidates}) == 3
    assert json.loads((report / "run-state.json").read_text())["gated"] == 3


def test_a_node_with_another_tool_version_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "fake-site" / "crosshair_tool-0.0.999.dist-info"
    fake.mkdir(parents=True)
    (fake / "METADATA").write_text("Metadata-Version: 2.1\nName: crosshair-tool\nVersion: 0.0.999\n")
    project, report = _project(tmp_path), tmp_path / "report"
    done = _run_in_namespace(tmp_path, _crucible_run(project, report), node_env=f"PYTHONPATH={tmp_path / 'fake-site'}")
    assert done.returncode == 3, done.stdout[-2000:] + done.stderr[-2000:]
    assert "has another toolchain than this driver: crosshair-tool 0.0.999" in done.stderr
    assert "127.0.0.1" in done.stderr
