"""What the runtime refuses, and that it says why: each case leaves the live version alone and
writes a `release-refused` line with the reason to the change log."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

import pytest

from pipeline.runtime import Runtime
from tests.runtime.agents import (
    KERNEL, PASSED, Agent, Lab, events, forged_release, record_for, release_for, skipped_benchmarks,
)
from verifiers.base import GateResult, Outcome

A = "def f() -> int:\n    return 1\n"
A2 = "def f() -> int:\n    return 2\n"
GUARD = "def allowed(x: int) -> bool:\n    return x < 5\n"


def _failing_gate() -> tuple[GateResult, ...]:
    return tuple(replace(g, outcome=Outcome.FAIL) if g.gate == "tests" else g for g in PASSED)


def _shipped_other_code(agent: Agent) -> bytes:
    return forged_release(agent, record_for(agent, {"a": A2}), {agent.path("a"): "def f() -> int:\n    return 666\n"})


def _tampered(agent: Agent) -> bytes:
    payload = json.loads(release_for(agent, {"a": A2}))
    payload["files"][agent.path("a")] = "def f() -> int:\n    return 666\n"
    return json.dumps(payload).encode()


def _other_base(agent: Agent) -> bytes:
    (agent.root / agent.path("a")).write_text("def f() -> int:\n    return 0\n")  # the tree moved on since start-up
    return release_for(agent, {"a": A2})


Build = Callable[[Agent], bytes]
CASES: list[tuple[str, Build, str]] = [
    ("not admitted", lambda a: release_for(a, {"a": A2}, admitted=False), "not admitted: candidate"),
    ("admitted, but a gate failed", lambda a: forged_release(a, record_for(a, {"a": A2}, gates=_failing_gate()),
                                                             {a.path("a"): A2}), "gate 'tests' is fail"),
    ("admitted, but a gate missing", lambda a: forged_release(a, record_for(a, {"a": A2}, gates=PASSED[:-2]),
                                                              {a.path("a"): A2}), "gate 'equivalence' is missing"),
    ("another kernel digest", lambda a: forged_release(a, record_for(a, {"a": A2}, kernel_digest="sha256:" + "0" * 64),
                                                       {a.path("a"): A2}), "kernel digest differs"),
    ("a kernel.toml file", lambda a: release_for(a, {"kern": KERNEL.replace("10", "99")}), "touches the kernel: "),
    ("an agent-declared kernel module", lambda a: release_for(a, {"guard": GUARD.replace("5", "50")}),
     "touches the kernel: "),
    ("an always-protected file", lambda a: release_for(a, {"a": A2, "tests/test_nothing.py": "x = 1\n"}),
     "touches the kernel: tests/test_nothing.py"),
    ("an unmanaged module", lambda a: release_for(a, {"b": "X = 2\n"}), "which this agent does not manage"),
    ("a new module", lambda a: forged_release(a, record_for(a, {"c": "X = 2\n"}), {a.path("c"): "X = 2\n"}),
     "which this agent does not manage"),
    ("sources that are not the gated diff", _shipped_other_code, "not the gated diff applied"),
    ("an altered bundle", _tampered, "content hash does not match"),
    ("not JSON", lambda a: b"\x00garbage", "not JSON"),
    ("gated against other sources", _other_base, "never run"),
    ("a version that fails to import", lambda a: release_for(a, {"a": A2 + "raise RuntimeError('boom')\n"}),
     "RuntimeError: boom"),
]


@pytest.mark.parametrize(("case", "build", "reason"), CASES, ids=[c[0] for c in CASES])
def test_refused_with_its_reason(lab: Lab, case: str, build: Build, reason: str) -> None:
    agent = lab.agent({"a": A, "b": "X = 1\n", "guard": GUARD})
    runtime = lab.start(agent, ("a",), kernel_modules=(agent.module("guard"),))
    data = build(agent)
    outcome = runtime.submit(data, origin="test")
    assert not outcome.accepted and reason in outcome.reason, outcome.reason
    assert runtime.live == 0 and len(runtime.status().versions) == 1
    refused = events(runtime, "release-refused")
    assert len(refused) == 1 and reason in str(refused[0]["reason"])


def test_benchmarks_skipped_as_unconfigured_still_admits(lab: Lab) -> None:
    agent = lab.agent({"a": A})
    runtime = lab.start(agent, ("a",))
    assert runtime.submit(release_for(agent, {"a": A2}, gates=skipped_benchmarks()), origin="test").accepted


def test_a_tree_off_its_lock_takes_no_release(lab: Lab) -> None:
    agent = lab.agent({"a": A})
    (agent.root / agent.path("kern")).write_text(KERNEL.replace("10", "11"))
    runtime: Runtime = lab.start(agent, ("a",))
    assert runtime.status().refusing is not None
    outcome = runtime.submit(forged_release(agent, record_for(agent, {"a": A2}), {agent.path("a"): A2}), origin="t")
    assert not outcome.accepted and "cannot vouch for its kernel" in outcome.reason
    assert "differs from the lock" in outcome.reason
    start = events(runtime, "start")[0]
    assert "differs from the lock" in str(start["reason"])
