"""The watched release directory: bundles and rollback requests dropped in it are handled in order,
archived, and recorded."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pipeline.runtime import CanaryPolicy, RollbackRequest, Runtime, encode_rollback_request, rollback_file_name, watch
from pipeline.runtime.bundle import decode_release, release_file_name
from tests.runtime.agents import Lab, events, release_for

A = "def f() -> int:\n    return 1\n"


def _until(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _drop(directory: Path, data: bytes) -> Path:
    path = directory / release_file_name(decode_release(data))
    path.write_bytes(data)
    return path


def _request(directory: Path, to: int | None, who: str = "ops") -> Path:
    request = RollbackRequest(to, "by hand", who, datetime.now(UTC).isoformat(timespec="microseconds"))
    path = directory / rollback_file_name(request)
    path.write_bytes(encode_rollback_request(request))
    return path


def _watched(lab: Lab, tmp_path: Path, **options: object) -> tuple[Runtime, Callable[[], int], Path, Callable[[str], bytes]]:
    agent = lab.agent({"a": A})
    runtime = lab.start(agent, ("a",), **options)
    releases = tmp_path / "releases"
    watch(runtime, releases, poll_seconds=0.02, health_seconds=0.05)
    f = importlib.import_module(agent.module("a")).f
    return runtime, f, releases, lambda body: release_for(agent, {"a": A.replace("return 1", body)})


def test_bundles_and_rollback_requests_are_taken_in_order(lab: Lab, tmp_path: Path) -> None:
    runtime, f, releases, bundle = _watched(lab, tmp_path)
    first = _drop(releases, bundle("return 2"))
    _until(lambda: f() == 2)
    _until(lambda: (releases / "processed" / first.name).is_file())
    assert not first.exists()
    _drop(releases, bundle("return 3"))
    _until(lambda: f() == 3)
    _request(releases, 0)
    _until(lambda: f() == 1)
    _request(releases, None)  # default: the version 0 replaced — none
    (releases / "rollback-99999999T000000Z.json").write_bytes(b"{not json")
    _until(lambda: len(list((releases / "processed").iterdir())) == 5)
    assert len(events(runtime, "rollback-refused")) == 2
    assert [e["who"] for e in events(runtime, "rollback")] == ["ops"]
    assert sorted(p.name[:8] for p in (releases / "processed").iterdir()) == ["release-"] * 2 + ["rollback"] * 3


def test_a_release_waits_in_the_directory_until_the_canary_ends(lab: Lab, tmp_path: Path) -> None:
    agent = lab.agent({"a": A})
    policy = CanaryPolicy(share=0.0, min_calls=5, min_seconds=0.0)
    runtime = lab.start(agent, ("a",), entry_points=(agent.module("a") + ":f",), canary=policy)
    releases = tmp_path / "releases"
    watch(runtime, releases, poll_seconds=0.02)
    f = importlib.import_module(agent.module("a")).f
    _drop(releases, release_for(agent, {"a": A.replace("return 1", "return 2")}))
    _until(lambda: runtime.live == 1)
    waiting = _drop(releases, release_for(agent, {"a": A.replace("return 1", "return 3")}))
    time.sleep(0.2)
    assert waiting.exists() and runtime.live == 1
    for _ in range(5):
        f()
    _until(lambda: runtime.live == 2)
    assert [e["event"] for e in events(runtime) if e["event"] in ("switch", "canary-passed")] == [
        "switch", "canary-passed", "switch"]
