"""A pytest plugin that runs INSIDE the sandbox for the tests and benchmarks gates: it reports
every test outcome and every benchmark's timings over the authenticated channel, and fingerprints
what the judge relies on before the project's code is imported and again at the end (without the standard
streams, which pytest's capturing swaps as it goes).

Self-contained (stdlib + the harness beside it): copied into the sandboxed tree as
`_crucible_suite_plugin.py` and loaded early with `-p _crucible_suite_plugin`, before conftest
files, so its channel and first fingerprint exist before any project code runs. Nothing is read
back from files in the writable copy (no JUnit XML, no benchmark JSON).
"""

from __future__ import annotations

import json
import os
import sys
import threading
from typing import Any

import _crucible_harness as harness  # type: ignore[import-not-found]  # copied beside this file
import pytest

_CHANNEL = harness.open_channel()
_OWNED: list[str] = json.loads(os.environ.pop("CRUCIBLE_OWNED", "[]"))
_TRACE: tuple[str, ...] = tuple(json.loads(os.environ.pop("CRUCIBLE_TRACE", "[]")))  # source dirs, or none
_BEFORE: list[Any] = []
_EXCERPT = 1500
_TOUCHED: set[str] = set()


def _profile(frame: Any, event: str, arg: object) -> None:
    """Which source files a test's calls reach (transitively, threads included)."""
    if event == "call":
        filename = frame.f_code.co_filename
        if filename.startswith(_TRACE):
            _TOUCHED.add(filename)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: Any, nextitem: Any) -> Any:
    """With CRUCIBLE_TRACE: the source files each test reaches, reported when it ends (so that
    later gates can run only the tests a change can affect)."""
    if not _TRACE:
        yield
        return
    _TOUCHED.clear()
    sys.setprofile(_profile)
    threading.setprofile(_profile)
    try:
        yield
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
        _CHANNEL.send("touched", {"nodeid": item.nodeid, "files": sorted(_TOUCHED)})


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: Any, parser: Any, args: Any) -> None:
    """Before conftest files (and through them the project) are imported."""
    snapshot = harness.take(_OWNED, streams=False)
    _BEFORE.append(snapshot)
    _CHANNEL.send("fingerprint-before", harness.digests(snapshot))


def pytest_collectreport(report: Any) -> None:
    if report.failed:
        _CHANNEL.send("collect-error", {"nodeid": report.nodeid, "message": str(report.longrepr)[-_EXCERPT:]})


def pytest_collection_finish(session: Any) -> None:
    _CHANNEL.send("collected", [item.nodeid for item in session.items])


def pytest_runtest_logreport(report: Any) -> None:
    message = "" if report.passed else str(report.longrepr)[-_EXCERPT:]
    _CHANNEL.send("test", {"nodeid": report.nodeid, "when": report.when, "outcome": report.outcome,
                           "message": message})


def pytest_benchmark_update_json(config: Any, benchmarks: Any, output_json: dict[str, Any]) -> None:
    """pytest-benchmark's own results, as it is about to write them (the file is not read)."""
    timings = {str(b["fullname"]): [float(t) for t in b["stats"]["data"]] for b in output_json.get("benchmarks", [])}
    _CHANNEL.send("benchmarks", timings)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    after = harness.take(_OWNED, streams=False)
    before = _BEFORE[0] if _BEFORE else {}
    _CHANNEL.send("fingerprint-after", {"digests": harness.digests(after), "changes": harness.changes(before, after)})
    _CHANNEL.send("end", {"exitstatus": int(exitstatus)})
