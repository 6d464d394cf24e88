"""The real thing: corpus/service-agent as its own process on an ephemeral loopback port, under
continuous load from a loopback client (bounded in count and time), taking releases that went
through `crucible gate` and `crucible release` for real.

Every response is checked against the answer version 0 gave to the same request before the load
began: a benign release must not change one, and a release that changes behaviour on live traffic
must be rolled back without any caller getting its answer."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import cast

import pytest

from pipeline.cli import main
from pipeline.commands.runtime import build_bundle
from pipeline.report.jsonl import read_records
from pipeline.report.records import CandidateRecord
from pipeline.runtime import read_changelog
from pipeline.runtime.bundle import decode_release, encode_release, release_file_name
from tests.conftest import REPO, diff_for
from verifiers.tree import copy_tree

pytestmark = pytest.mark.slow

AGENT = REPO / "corpus" / "service-agent"
PATCHES = {"benign": AGENT / "examples" / "catalog-dict.diff", "bulk": AGENT / "examples" / "bulk-discount.diff"}
REQUESTS: tuple[dict[str, object], ...] = (
    {"items": [["A001", 3]], "currency": "EUR", "tier": "gold"},
    {"items": [["B010", 12], ["C005", 3]], "currency": "USD", "tier": "silver"},
    {"items": [["E059", 150]], "currency": "GBP", "tier": "standard"},
    {"items": [["D020", 600]], "currency": "EUR", "tier": "gold"},  # a big order: where bulk-discount differs
    {"items": [["A010", 40], ["B001", 70]], "currency": "USD", "tier": "standard"},
    {"items": [["Z999", 1]], "currency": "EUR"},  # refused (400) by every version alike
)
MAX_REQUESTS, MAX_SECONDS = 60_000, 90.0


@dataclass(frozen=True)
class Gated:
    root: Path
    verdicts: dict[str, tuple[Path, CandidateRecord]]


@pytest.fixture(scope="module")
def gated(tmp_path_factory: pytest.TempPathFactory) -> Gated:
    """A private copy of the agent, and both example patches judged by `crucible gate` for real."""
    base = tmp_path_factory.mktemp("service-agent")
    root = copy_tree(AGENT, base / "agent")
    verdicts = {}
    for name, patch in PATCHES.items():
        report = base / f"report-{name}"
        gate = subprocess.run([sys.executable, "-m", "pipeline", "gate", "--project", str(root), "--patch", str(patch),
                               "--report-dir", str(report)], capture_output=True, text=True, timeout=600, check=False)
        assert gate.returncode == 0, gate.stdout + gate.stderr  # admitted: the bulk discount because its spec allows it
        verdicts[name] = (report, read_records(report)[-1])
    return Gated(root, verdicts)


class Agent:
    """`python -m quoter.service` with a watched release directory and its own change log."""

    def __init__(self, root: Path, work: Path) -> None:
        self.releases, self.changelog = work / "releases", work / "changelog.jsonl"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "quoter.service", "--port", "0", "--releases", str(self.releases),
             "--changelog", str(self.changelog), "--canary-share", "1.0", "--canary-calls", "60",
             "--canary-seconds", "1.0"],
            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        assert match, line + self.process.stderr.read() if self.process.stderr else line
        self.port = int(match[1])
        self.url = f"http://127.0.0.1:{self.port}"

    def get(self, path: str) -> dict[str, object]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", path)
        payload: dict[str, object] = json.loads(conn.getresponse().read())
        conn.close()
        return payload

    def events(self, kind: str | None = None) -> list[dict[str, object]]:
        return [e for e in read_changelog(self.changelog) if kind is None or e["event"] == kind]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def agent(gated: Gated, tmp_path: Path) -> Iterator[Agent]:
    running = Agent(gated.root, tmp_path)
    yield running
    running.stop()


Answer = tuple[int, str]


@dataclass
class Load:
    """Four keep-alive clients sending REQUESTS round-robin, each answer checked as it arrives."""

    port: int
    expected: list[Answer]
    versions: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    sent: int = 0
    quotes: int = 0  # 200 answers to /quote
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> Load:
        self._deadline = time.monotonic() + MAX_SECONDS
        self._threads = [threading.Thread(target=self._client, args=(n,)) for n in range(4)]
        for thread in self._threads:
            thread.start()
        return self

    def _client(self, offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        n = offset
        while not self._stop.is_set() and time.monotonic() < self._deadline:
            with self._lock:
                if self.sent >= MAX_REQUESTS:
                    break
                self.sent += 1
            index = n % len(REQUESTS)
            n += 1
            try:
                answer, version = _ask(conn, REQUESTS[index])
            except (OSError, http.client.HTTPException) as exc:  # a lost request
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                answer, version = (0, f"{type(exc).__name__}: {exc}"), "lost"
            with self._lock:
                self.versions[version] += 1
                self.quotes += answer[0] == 200
                if answer != self.expected[index]:
                    self.failures.append(f"request {index} on version {version}: {answer}")
        conn.close()

    def until(self, condition: Callable[[], bool], seconds: float = 30.0) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            assert time.monotonic() < deadline, f"timed out; failures so far: {self.failures[:3]}"
            time.sleep(0.05)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()
        print(f"load: {self.sent} requests, answered by version {dict(self.versions)}, {len(self.failures)} wrong")


def _ask(conn: http.client.HTTPConnection, request: dict[str, object]) -> tuple[Answer, str]:
    conn.request("POST", "/quote", json.dumps(request), {"Content-Type": "application/json"})
    response = conn.getresponse()
    return (response.status, response.read().decode()), response.getheader("X-Quoter-Version") or "none"


def _loaded(agent: Agent) -> Load:
    conn = http.client.HTTPConnection("127.0.0.1", agent.port, timeout=10)
    expected = [_ask(conn, request)[0] for request in REQUESTS]  # version 0's answers
    conn.close()
    assert [status for status, _ in expected] == [200] * 5 + [400]
    load = Load(agent.port, expected)
    load.quotes = 5  # the baseline's quotes count too
    return load.start()


def _crucible(*argv: str) -> tuple[int, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue() + err.getvalue()


def _release(agent: Agent, gated: Gated, name: str, *target: str) -> tuple[int, str]:
    report, record = gated.verdicts[name]
    where = target or ("--to", str(agent.releases), "--changelog", str(agent.changelog), "--wait", "20")
    return _crucible("release", "--report", str(report), "--candidate", record.id, *where)


def test_a_gated_release_switches_in_mid_load_without_a_failed_or_wrong_answer(agent: Agent, gated: Gated) -> None:
    load = _loaded(agent)
    load.until(lambda: load.sent > 300)
    code, out = _release(agent, gated, "benign")
    assert code == 0, out
    load.until(lambda: bool(agent.events("canary-passed")))
    load.until(lambda: load.versions["1"] > 500)
    load.stop()
    assert load.failures == [] and load.versions["lost"] == 0
    assert load.versions["0"] > 100 and set(load.versions) == {"0", "1"}
    switch = agent.events("switch")[0]
    assert (switch["version"], switch["candidate"]) == (1, gated.verdicts["benign"][1].id)
    passed = agent.events("canary-passed")[0]
    assert passed["who"] == "runtime:canary" and passed["evidence"] == {**cast(dict[str, object], passed["evidence"]),
                                                                        "mismatches": 0}
    assert agent.get("/admin/status")["live"] == 1
    assert agent.get("/stats")["served"] == load.quotes  # state carried across: no quote counted twice or lost


def test_a_release_misbehaving_on_live_traffic_is_rolled_back_and_no_caller_sees_it(agent: Agent, gated: Gated) -> None:
    load = _loaded(agent)
    load.until(lambda: load.sent > 300)
    code, out = _release(agent, gated, "bulk")  # admitted: its spec lets the discount schedule change
    assert code == 0, out
    load.until(lambda: bool(agent.events("rollback")))
    settled = load.sent
    load.until(lambda: load.sent > settled + 500)
    load.stop()
    assert load.failures == [] and load.versions["lost"] == 0  # the big order got version 0's answer every time
    failed = agent.events("canary-failed")[0]
    evidence = failed["evidence"]
    assert isinstance(evidence, dict) and "D020" in evidence["arguments"]
    assert "discount_percent=26" in evidence["live"] and "discount_percent=16" in evidence["previous"]
    rollback = agent.events("rollback")[0]
    assert (rollback["who"], rollback["version"], rollback["previous"]) == ("runtime:canary", 0, 1)
    assert rollback["candidate"] == gated.verdicts["bulk"][1].id
    assert agent.get("/admin/status")["live"] == 0
    assert agent.get("/stats")["served"] == load.quotes


def _reencoded(data: bytes, **verdict: object) -> bytes:
    release = decode_release(data)
    record = {**json.loads(release.verdict_json), **verdict}
    return encode_release(verdict_json=json.dumps(record), created=release.created, publisher="someone",
                          report=release.report, base=dict(release.base), files=dict(release.files))[1]


def test_releases_for_another_kernel_or_touching_the_kernel_are_refused(agent: Agent, gated: Gated) -> None:
    load = _loaded(agent)
    report, record = gated.verdicts["benign"]
    good = build_bundle(record, gated.root, report, "tester")[1]
    other_kernel = _reencoded(good, kernel_digest="sha256:" + "ab" * 32)
    kernel_diff = diff_for(gated.root, {"quoter/kernel.py": (gated.root / "quoter/kernel.py").read_text().replace(
        "MAX_DISCOUNT_PERCENT: int = 30", "MAX_DISCOUNT_PERCENT: int = 90")})
    touching = build_bundle(replace(record, id="c-kernel", diff=kernel_diff), gated.root, report, "tester")[1]
    for data in (other_kernel, touching):
        (agent.releases / release_file_name(decode_release(data))).write_bytes(data)
    load.until(lambda: len(agent.events("release-refused")) == 2)
    code, out = _release(agent, gated, "benign", "--agent", agent.url)  # the admin endpoint, the real one: taken
    assert code == 0 and "accepted: live as version 1" in out
    load.until(lambda: load.versions["1"] > 200)
    load.stop()
    reasons = [str(e["reason"]) for e in agent.events("release-refused")]
    assert reasons[0].startswith("kernel digest differs: the release was gated with sha256:abab")
    assert reasons[1] == "touches the kernel: quoter/kernel.py (kernel modules are never reloaded)"
    assert load.failures == [] and set(load.versions) == {"0", "1"}


def test_rollback_by_hand_through_the_cli_and_the_admin_endpoint(agent: Agent, gated: Gated) -> None:
    load = _loaded(agent)
    assert _release(agent, gated, "benign")[0] == 0
    code, out = _crucible("rollback", "--agent", agent.url, "--reason", "by hand", "--who", "ops")
    assert code == 0 and "rolled back from version 1 to 0" in out
    code, out = _crucible("rollback", "--releases", str(agent.releases), "--to", "1", "--who", "ops",
                          "--wait", "20", "--changelog", str(agent.changelog))
    assert code == 0 and "(version 1)" in out
    load.until(lambda: load.versions["1"] > 200)
    load.stop()
    assert [(e["who"], e["version"]) for e in agent.events("rollback")] == [("ops", 0), ("ops", 1)]
    assert load.failures == []
