"""A pytest plugin that runs INSIDE the sandbox during the benchmarks gate: it stops
pytest-benchmark from describing the machine (a `cpuinfo` subprocess) and the commit (`git`
calls) for every run. The gate reads only the timings, so each run saves that start-up.

Self-contained (stdlib only): copied into the benchmark copy as `_crucible_bench_plugin.py` and
loaded with `-p _crucible_bench_plugin`.
"""

from __future__ import annotations

import platform
from typing import Any


def pytest_benchmark_generate_machine_info(config: Any) -> dict[str, str]:
    return {"python_version": platform.python_version(), "machine": platform.machine()}


def pytest_benchmark_generate_commit_info(config: Any) -> dict[str, str]:
    return {}
