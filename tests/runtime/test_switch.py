"""Switching versions in-process: held references follow, modules load side by side, state is carried,
history allows rollback to any version, and a pinned unit of work stays on one version."""

from __future__ import annotations

import importlib
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any, cast

import pytest

from pipeline.runtime import Runtime, RuntimeConfig
from tests.runtime.agents import Lab, events, release_for

A = '''
def step(x: int) -> int:
    return x + 1


def twice(x: int) -> int:
    return step(step(x))
'''
B = '''
from PKG.a import step
from PKG import kern


def scaled(x: int) -> int:
    return kern.clamp(step(x) * 10)
'''
A2 = A.replace("x + 1", "x + 2")
A3 = A.replace("x + 1", "x + 3")


def _call(module: str, name: str) -> Callable[..., Any]:
    return cast(Callable[..., Any], getattr(importlib.import_module(module), name))


def test_references_held_anywhere_follow_the_live_version(lab: Lab) -> None:
    agent = lab.agent({"a": A, "b": B})
    runtime = lab.start(agent, ("a", "b"))
    held = _call(agent.module("a"), "step")  # `from PKG.a import step`, after start-up
    callbacks = [_call(agent.module("a"), "twice")]
    scaled = _call(agent.module("b"), "scaled")
    assert (held(1), callbacks[0](1), scaled(0)) == (2, 3, 10)

    outcome = runtime.submit(release_for(agent, {"a": A2}), origin="test")
    assert outcome.accepted and outcome.version == 1 and runtime.live == 1
    assert (held(1), callbacks[0](1), scaled(0)) == (3, 5, 10)  # scaled: the kernel clamps 20 to 10
    assert held is _call(agent.module("a"), "step")  # one stable trampoline per function
    assert held.__name__ == "step"

    assert runtime.rollback(reason="test", who="tester").accepted
    assert (runtime.live, held(1), callbacks[0](1)) == (0, 2, 3)


def test_versions_load_side_by_side_under_versioned_names(lab: Lab) -> None:
    agent = lab.agent({"a": A, "b": B})
    runtime = lab.start(agent, ("a", "b"))
    broken = A.replace("return x + 1", "raise ValueError(f'no {x}')")
    assert runtime.submit(release_for(agent, {"a": broken}), origin="test").accepted
    assert {agent.module("a") + "@v1", agent.module("b") + "@v1"} <= set(sys.modules)
    assert sys.modules[agent.module("a")].__class__.__name__ == "_Facade"
    with pytest.raises(ValueError) as raised:
        _call(agent.module("a"), "step")(4)
    shown = "".join(traceback.format_exception(raised.value))
    assert "crucible:v1/" in shown and "raise ValueError(f'no {x}')" in shown  # the new source, not the file's


def test_kernel_modules_are_never_reloaded(lab: Lab) -> None:
    agent = lab.agent({"a": A, "b": B})
    runtime = lab.start(agent, ("a", "b"))
    kern = sys.modules[agent.module("kern")]
    assert runtime.submit(release_for(agent, {"b": B.replace("* 10", "* 100")}), origin="test").accepted
    assert sys.modules[agent.module("kern")] is kern and type(kern).__name__ == "module"
    with pytest.raises(ValueError, match="kernel module"):
        lab.start(agent, ("kern",))


STATEFUL = '''
import threading
from collections.abc import Mapping

COUNTS: dict[str, int] = {}
SEEN: list[str] = []
__crucible_state__ = ("COUNTS",)


def bump(key: str) -> int:
    COUNTS[key] = COUNTS.get(key, 0) + 1
    SEEN.append(key)
    return COUNTS[key]


def __crucible_migrate__(previous: Mapping[str, object]) -> None:
    old = previous["SEEN"]
    assert isinstance(old, list)
    SEEN.extend(old)
'''


def test_state_is_carried_across_by_reference_and_by_hook(lab: Lab) -> None:
    agent = lab.agent({"c": STATEFUL})
    runtime = lab.start(agent, ("c",))
    bump = _call(agent.module("c"), "bump")
    module = sys.modules[agent.module("c")]
    assert [bump("x"), bump("x"), bump("y")] == [1, 2, 1]
    v0_counts = module.COUNTS
    assert runtime.submit(release_for(agent, {"c": STATEFUL.replace("+ 1", "+ 1  # v1")}), origin="test").accepted
    assert bump("x") == 3
    assert module.COUNTS is v0_counts  # __crucible_state__: the same object
    assert module.SEEN == ["x", "x", "y", "x"]  # the hook copied the old list into the new one


def test_a_failing_migration_hook_refuses_the_release(lab: Lab) -> None:
    agent = lab.agent({"c": STATEFUL})
    runtime = lab.start(agent, ("c",))
    failing = STATEFUL.replace('old = previous["SEEN"]', 'old = previous["MISSING"]')
    outcome = runtime.submit(release_for(agent, {"c": failing}), origin="test")
    assert not outcome.accepted and "state migration failed" in outcome.reason and "KeyError" in outcome.reason
    assert runtime.live == 0 and agent.module("c") + "@v1" not in sys.modules


def test_history_allows_rollback_to_any_version(lab: Lab) -> None:
    agent = lab.agent({"a": A})
    runtime = lab.start(agent, ("a",))
    step = _call(agent.module("a"), "step")
    for text in (A2, A3):
        assert runtime.submit(release_for(agent, {"a": text}), origin="test").accepted
    assert [v.number for v in runtime.status().versions] == [0, 1, 2]
    assert runtime.rollback(1, reason="r", who="t").accepted and step(0) == 2
    assert runtime.rollback(0, reason="r", who="t").accepted and step(0) == 1
    assert runtime.rollback(2, reason="forward again", who="t").accepted and step(0) == 3
    assert runtime.rollback(reason="default: what 2 replaced", who="t").version == 1
    refused = runtime.rollback(7, reason="r", who="t")
    assert not refused.accepted and "no version 7" in refused.reason
    assert [e["version"] for e in events(runtime, "rollback")] == [1, 0, 2, 1]
    assert events(runtime, "rollback-refused")[0]["who"] == "t"
    same = runtime.submit(release_for(agent, {"a": A2}), origin="test")
    assert not same.accepted and "version 1 has exactly these sources" in same.reason


def test_a_pinned_unit_of_work_stays_on_its_version(lab: Lab) -> None:
    agent = lab.agent({"a": A, "b": B})
    runtime = lab.start(agent, ("a", "b"))
    step, scaled = _call(agent.module("a"), "step"), _call(agent.module("b"), "scaled")
    data = release_for(agent, {"a": A2})
    with runtime.pin() as pin:
        assert step(0) == 1
        switcher = threading.Thread(target=runtime.submit, args=(data,), kwargs={"origin": "test"})
        switcher.start()
        switcher.join()
        assert runtime.live == 1
        assert (step(0), scaled(-1), pin.version) == (1, 0, 0)  # still version 0 throughout
    assert step(0) == 2


def test_start_refuses_what_it_cannot_manage(lab: Lab) -> None:
    agent = lab.agent({"a": A})
    with pytest.raises(ValueError, match="package"):
        Runtime.start(RuntimeConfig(root=agent.root, modules=(agent.package,)))
    with pytest.raises(ValueError, match="entry point"):
        lab.start(agent, ("a",), entry_points=(agent.module("a") + ":missing",))
    lab.start(agent, ("a",))
    with pytest.raises(ValueError, match="already managed"):
        lab.start(agent, ("a",))


def test_monkeypatching_a_managed_module_and_undoing_it(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    agent = lab.agent({"a": A})
    lab.start(agent, ("a",))
    module = importlib.import_module(agent.module("a"))
    step = _call(agent.module("a"), "step")
    with monkeypatch.context() as patch:
        patch.setattr(module, "step", lambda x: -x)
        assert (module.step(4), module.twice(4)) == (-4, 4)  # twice calls the patched step
    assert (step(4), module.step(4), module.twice(4)) == (5, 5, 6)  # undone: the real function, not a loop


def test_names_imported_before_start_up_are_reported(lab: Lab, caplog: pytest.LogCaptureFixture) -> None:
    agent = lab.agent({"a": A, "early": "from PKG.a import step\n"})
    importlib.import_module(agent.module("early"))  # binds step before the runtime takes the module over
    runtime = lab.start(agent, ("a",))
    assert f"{agent.module('early')}.step holds a managed function" in caplog.text
    assert cast(dict[str, object], events(runtime, "start")[0]["evidence"])["stale_references"] == 1
