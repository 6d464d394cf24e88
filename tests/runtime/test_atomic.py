"""No call ever sees half of a release: threads hammer a two-module agent while releases and
rollbacks switch it back and forth; every answer must come from one version only."""

from __future__ import annotations

import importlib
import sys
import threading
import time
from collections.abc import Callable
from typing import cast

from tests.runtime.agents import Lab, release_for

TAGS = '''
TAG = "v0"


def tag() -> str:
    return TAG
'''
PAIR = '''
from PKG import tags
from PKG.tags import tag as imported_tag

OWN = "v0"


def pair() -> tuple[str, str, str]:
    left = tags.tag()
    total = 0
    for i in range(200):  # long enough for a switch to land mid-call
        total += i
    return left, OWN, imported_tag()
'''


def test_every_call_sees_exactly_one_version_while_switching(lab: Lab) -> None:
    agent = lab.agent({"tags": TAGS, "pair": PAIR})
    runtime = lab.start(agent, ("tags", "pair"))
    bundles = [release_for(agent, {"tags": TAGS.replace('"v0"', f'"v{n}"'), "pair": PAIR.replace('"v0"', f'"v{n}"')})
               for n in range(1, 5)]
    pair = cast(Callable[[], tuple[str, str, str]], importlib.import_module(agent.module("pair")).pair)
    stop = threading.Event()
    seen: list[tuple[str, str, str]] = []
    mixed: list[tuple[str, str, str]] = []

    def caller() -> None:
        while not stop.is_set():
            answer = pair()
            seen.append(answer)
            if len(set(answer)) != 1:
                mixed.append(answer)

    threads = [threading.Thread(target=caller) for _ in range(4)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # hand the GIL around often: more interleavings, and the switcher is not starved
    for thread in threads:
        thread.start()
    try:
        for data in bundles:
            assert runtime.submit(data, origin="test").accepted
        started, switches = time.monotonic(), 0
        while time.monotonic() - started < 0.5 or switches < 40:  # rollbacks are instant: switch as fast as possible
            assert time.monotonic() - started < 10
            assert runtime.rollback(switches % 5, reason="stress", who="test").accepted or switches % 5 == runtime.live
            switches += 1
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        sys.setswitchinterval(interval)
    assert not mixed, f"{len(mixed)} of {len(seen)} calls mixed versions, e.g. {mixed[:3]}"
    assert {answer[0] for answer in seen} == {f"v{n}" for n in range(5)}
    assert len(seen) > 1000
