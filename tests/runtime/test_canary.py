"""The canary after a switch: shadow comparison, error rate, latency against the release's own
benchmark evidence, the health check, and what each rollback leaves in the change log."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, cast

import pytest

from pipeline.runtime import CanaryPolicy, Runtime
from tests.runtime.agents import PASSED, Agent, Lab, events, release_for
from verifiers.base import Evidence, GateResult, Outcome

CALC = '''
import time

CALLS = [0]


def price(x: int) -> int:
    CALLS[0] += 1
    return x * 10


def slow_price(x: int) -> int:
    time.sleep(0.001)
    return x


def healthy() -> bool:
    return True
'''


def _setup(lab: Lab, policy: CanaryPolicy, **options: Any) -> tuple[Agent, Runtime, Callable[..., Any]]:
    agent = lab.agent({"calc": CALC})
    entries = (agent.module("calc") + ":price", agent.module("calc") + ":slow_price")
    runtime = lab.start(agent, ("calc",), entry_points=entries, canary=policy, **options)
    module = importlib.import_module(agent.module("calc"))
    return agent, runtime, cast(Callable[..., Any], module.price)


def test_a_mismatch_rolls_back_and_the_caller_gets_the_previous_answer(lab: Lab) -> None:
    agent, runtime, price = _setup(lab, CanaryPolicy(share=1.0, min_calls=1000))
    changed = CALC.replace("return x * 10", "return x * 10 if x < 50 else x * 11")
    assert runtime.submit(release_for(agent, {"calc": changed}), origin="test").accepted
    assert [price(x) for x in range(0, 50, 7)] == [x * 10 for x in range(0, 50, 7)]
    assert runtime.live == 1
    with runtime.pin() as pin:
        assert price(60) == 600  # the new version said 660: the caller got the previous version's answer
        assert (pin.version, pin.substituted) == (0, True)
    assert runtime.live == 0 and runtime.status().canary is None
    failed = events(runtime, "canary-failed")[0]
    assert failed["who"] == "runtime:canary" and "1 shadow mismatch" in str(failed["reason"])
    evidence = cast(dict[str, object], failed["evidence"])
    assert (evidence["arguments"], evidence["live"], evidence["previous"]) == ("((60,), {})", "660", "600")
    rollback = events(runtime, "rollback")[0]
    assert (rollback["version"], rollback["previous"], rollback["who"]) == (0, 1, "runtime:canary")
    assert str(rollback["reason"]).startswith("canary failed: 1 shadow mismatch")


def test_an_error_rate_rise_rolls_back(lab: Lab) -> None:
    agent, runtime, price = _setup(lab, CanaryPolicy(share=0.0, min_calls=1000, min_rate_calls=10))
    failing = CALC.replace("return x * 10", "if x % 3 == 0:\n        raise ValueError(x)\n    return x * 10")
    assert runtime.submit(release_for(agent, {"calc": failing}), origin="test").accepted
    errors = 0
    for x in range(1, 31):
        try:
            price(x)
        except ValueError:
            errors += 1
    assert errors == 3 and runtime.live == 0  # unshadowed calls fail until the rate is judged (10 calls)
    assert "error rate rose by 30.0%" in str(events(runtime, "canary-failed")[0]["reason"])


def _bench(low: float) -> tuple[GateResult, ...]:
    data = (("speedup", 0.5), ("low", low), ("high", 1.2), ("original_median", 0.001), ("variant_median", 0.002))
    evidence = Evidence("bench", "benchmarks/b.py", rule="benchmarks/b.py::test_b", data=data)
    return PASSED[:-1] + (GateResult("benchmarks", Outcome.PASS, "no difference", (evidence,)),)


@pytest.mark.parametrize(("low", "rolled_back"), [(0.97, True), (0.1, False)])
def test_latency_is_held_to_the_release_benchmark_evidence(lab: Lab, low: float, rolled_back: bool) -> None:
    policy = CanaryPolicy(share=1.0, min_calls=15, min_seconds=0.0, min_latency_pairs=10)
    agent, runtime, _ = _setup(lab, policy)
    slow = importlib.import_module(agent.module("calc")).slow_price
    slower = CALC.replace("time.sleep(0.001)", "time.sleep(0.006)")
    assert runtime.submit(release_for(agent, {"calc": slower}, gates=_bench(low)), origin="test").accepted
    assert all(slow(x) == x for x in range(15))
    if rolled_back:  # the benchmarks ruled out more than ×1.03 slower: ×6 is a regression
        failed = events(runtime, "canary-failed")[0]
        assert "latency regression" in str(failed["reason"])
        assert cast(dict[str, float], failed["evidence"])["latency_ratio"] > 3
        assert runtime.live == 0
    else:  # the benchmarks could not rule out ×10 slower: the canary lets it through
        assert events(runtime, "canary-passed") and runtime.live == 1


def test_a_quiet_canary_passes(lab: Lab) -> None:
    agent, runtime, price = _setup(lab, CanaryPolicy(share=0.5, min_calls=20, min_seconds=0.0))
    same = CALC.replace("return x * 10", "return 10 * x")
    assert runtime.submit(release_for(agent, {"calc": same}), origin="test").accepted
    assert [price(x) for x in range(25)] == [10 * x for x in range(25)]
    # Enough calls, but only 12 shadow pairs: latency is not judged yet, so no pass.
    assert not events(runtime, "canary-passed") and runtime.status().canary is not None
    assert [price(x) for x in range(25, 45)] == [10 * x for x in range(25, 45)]
    passed = events(runtime, "canary-passed")
    assert len(passed) == 1 and runtime.live == 1 and runtime.status().canary is None
    evidence = cast(dict[str, object], passed[0]["evidence"])
    assert (evidence["calls"], evidence["shadow_calls"], evidence["mismatches"], evidence["latency_pairs"]) == (40, 20, 0, 20)
    again = runtime.submit(release_for(agent, {"calc": CALC.replace("x * 10", "x * 10 + 0")}), origin="test")
    assert again.accepted  # no longer in a canary: the next release is taken


def test_a_release_waits_while_a_canary_runs(lab: Lab) -> None:
    agent, runtime, _ = _setup(lab, CanaryPolicy(min_calls=1000))
    assert runtime.submit(release_for(agent, {"calc": CALC.replace("* 10", "* 1_0")}), origin="test").accepted
    outcome = runtime.submit(release_for(agent, {"calc": CALC.replace("* 10", "* 10 * 1")}), origin="test")
    assert not outcome.accepted and outcome.retry and "canary" in outcome.reason


def _health(agent: Agent) -> Callable[[], str | None]:
    def check() -> str | None:
        module = importlib.import_module(agent.module("calc"))
        return None if module.healthy() else "calc says it is unhealthy"

    return check


def test_a_health_check_failing_right_after_the_switch_rolls_back(lab: Lab) -> None:
    agent = lab.agent({"calc": CALC})
    runtime = lab.start(agent, ("calc",), health_check=_health(agent))
    sick = CALC.replace("return True", "return False")
    outcome = runtime.submit(release_for(agent, {"calc": sick}), origin="test")
    assert not outcome.accepted and "health check failed" in outcome.reason and runtime.live == 0
    assert events(runtime, "rollback")[0]["who"] == "runtime:health"


def test_a_health_check_failing_later_rolls_back(lab: Lab) -> None:
    agent = lab.agent({"calc": CALC})
    module = importlib.import_module(agent.module("calc"))
    runtime = lab.start(agent, ("calc",), health_check=_health(agent), entry_points=(agent.module("calc") + ":price",),
                        canary=CanaryPolicy(share=1.0, min_calls=1000))
    sickening = CALC.replace("return True", "return CALLS[0] < 3")  # fails only after some traffic
    assert runtime.submit(release_for(agent, {"calc": sickening}), origin="test").accepted
    for x in range(3):
        module.price(x)
    runtime.tick()
    assert runtime.live == 0
    assert "health check failed: calc says it is unhealthy" in str(events(runtime, "canary-failed")[0]["reason"])
    runtime.tick()  # healthy again on version 0: nothing more happens
    assert len(events(runtime, "rollback")) == 1


def test_without_a_canary_the_health_window_still_rolls_back(lab: Lab) -> None:
    agent = lab.agent({"calc": CALC})
    module = importlib.import_module(agent.module("calc"))
    runtime = lab.start(agent, ("calc",), health_check=_health(agent))
    sickening = CALC.replace("return True", "return CALLS[0] < 2")
    assert runtime.submit(release_for(agent, {"calc": sickening}), origin="test").accepted
    module.price(1)
    module.price(2)
    assert runtime.check_health() == "calc says it is unhealthy"
    assert runtime.live == 0 and events(runtime, "health-failed")[0]["version"] == 1
