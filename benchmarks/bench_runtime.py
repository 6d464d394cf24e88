"""Hot reload: the pause callers see while a release is switched in, and how long a rollback takes
(pytest-benchmark). Callers never wait on a lock; what they can feel is the GIL while the new
version's modules execute and the change log is written.

Run: .venv/bin/python -m pytest benchmarks/bench_runtime.py -s
"""

from __future__ import annotations

import importlib
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from pipeline.runtime import Runtime
from tests.runtime.agents import Lab, events, release_for

WORK = '''
SCALE = 0


def compute(x: int) -> int:
    total = SCALE
    for i in range(50):
        total += (x * i) % 7
    return total
'''
PADDING = "".join(f"\ndef helper_{n}(x: int) -> int:\n    return x + {n}\n" for n in range(200))  # a realistic module size
CALLERS = 4


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    lab = Lab(tmp_path)
    yield lab
    lab.close()


class Callers:
    """Threads calling a managed function in a loop, recording when each call started and took.
    Each pauses 0.1 ms between calls, as a service thread waiting on its socket would (busy-looping
    threads would mostly measure the GIL's own unfairness, not the switch)."""

    def __init__(self, call: Callable[[int], int]) -> None:
        self.call = call
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._loop) for _ in range(CALLERS)]

    def __enter__(self) -> Callers:
        for thread in self._threads:
            thread.start()
        time.sleep(0.05)
        return self

    def _loop(self) -> None:
        mine: list[tuple[float, float]] = []
        while not self._stop.is_set():
            started = time.perf_counter()
            self.call(3)
            mine.append((started, time.perf_counter() - started))
            time.sleep(0.0001)
        self.samples.extend(mine)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def durations(self, windows: list[tuple[float, float]], inside: bool) -> list[float]:
        """Calls that overlapped a switch (inside), or did not."""
        return [d for s, d in self.samples if any(a <= s + d and s <= b for a, b in windows) == inside]


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) > 100 else max(values, default=0.0)


def _timed(action: Callable[[], object], windows: list[tuple[float, float]]) -> object:
    started = time.perf_counter()
    result = action()
    windows.append((started, time.perf_counter()))
    return result


def _agent(lab: Lab) -> tuple[Runtime, Callable[[int], int], list[bytes]]:
    agent = lab.agent({"work": WORK + PADDING})
    runtime = lab.start(agent, ("work",))
    bundles = [release_for(agent, {"work": (WORK + PADDING).replace("SCALE = 0", f"SCALE = {n}")}) for n in range(1, 41)]
    compute = cast(Callable[[int], int], importlib.import_module(agent.module("work")).compute)
    return runtime, compute, bundles


def test_release_switch_pause_seen_by_callers(benchmark: BenchmarkFixture, lab: Lab) -> None:
    runtime, compute, bundles = _agent(lab)
    pending = iter(bundles)
    windows: list[tuple[float, float]] = []
    with Callers(compute) as callers:
        benchmark.pedantic(lambda: _timed(lambda: runtime.submit(next(pending), origin="bench"), windows),
                           rounds=30, iterations=1, warmup_rounds=0)
    _report(benchmark, runtime, callers, windows, "release (load the new version + switch + log)")


def test_rollback_time(benchmark: BenchmarkFixture, lab: Lab) -> None:
    runtime, compute, bundles = _agent(lab)
    for data in bundles[:5]:
        assert runtime.submit(data, origin="bench").accepted
    targets = iter(n % 5 for n in range(10_000))
    windows: list[tuple[float, float]] = []
    with Callers(compute) as callers:
        benchmark.pedantic(lambda: _timed(lambda: runtime.rollback(next(targets), reason="bench", who="bench"), windows),
                           rounds=200, iterations=1, warmup_rounds=0)
    _report(benchmark, runtime, callers, windows, "rollback (switch to a loaded version + log)")


def test_rollback_time_idle(benchmark: BenchmarkFixture, lab: Lab) -> None:
    """The same rollback with no traffic: the change log's fsync is most of it."""
    runtime, _, bundles = _agent(lab)
    for data in bundles[:5]:
        assert runtime.submit(data, origin="bench").accepted
    targets = iter(n % 5 for n in range(10_000))
    benchmark.pedantic(lambda: runtime.rollback(next(targets), reason="bench", who="bench"), rounds=200, iterations=1)


def _report(benchmark: BenchmarkFixture, runtime: Runtime, callers: Callers, windows: list[tuple[float, float]],
            what: str) -> None:
    swaps = [float(cast(dict[str, Any], e["evidence"])["switch_seconds"])
             for e in events(runtime) if e["event"] in ("switch", "rollback")]
    during, otherwise = callers.durations(windows, True), callers.durations(windows, False)
    info = {
        "caller_p99_during_switch_us": _p99(during) * 1e6,
        "caller_max_during_switch_us": max(during, default=0.0) * 1e6,
        "caller_p99_otherwise_us": _p99(otherwise) * 1e6,
        "caller_max_otherwise_us": max(otherwise, default=0.0) * 1e6,
        "reference_swap_median_us": statistics.median(swaps) * 1e6,
        "calls_during_switch": len(during),
        "switches": len(windows),
    }
    benchmark.extra_info.update(info)
    print(f"\n{what}: " + ", ".join(f"{k}={v:.1f}" if isinstance(v, float) else f"{k}={v}" for k, v in info.items()))
    assert info["switches"] >= 30 and len(callers.samples) > 1000
