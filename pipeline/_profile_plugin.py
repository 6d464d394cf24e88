"""A pytest plugin that runs INSIDE the sandbox: cProfile around every test (benchmarks run once),
written as JSON — self time per function, with the time of builtins charged to their callers.

Self-contained (stdlib only); copied into the sandboxed tree as `_crucible_profile_plugin.py` and
loaded with `-p _crucible_profile_plugin`. Writes CRUCIBLE_PROFILE_OUT.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
from collections.abc import Generator
from typing import Any

import pytest

_profile = cProfile.Profile()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: Any) -> Generator[None, None, None]:
    _profile.enable()
    try:
        yield
    finally:
        _profile.disable()


def pytest_unconfigure(config: Any) -> None:
    out = os.environ.get("CRUCIBLE_PROFILE_OUT")
    if not out:
        return
    stats = pstats.Stats(_profile)
    rows: dict[tuple[str, int, str], float] = {}
    for (filename, line, name), (_cc, _nc, tottime, _ct, callers) in stats.stats.items():  # type: ignore[attr-defined]
        if filename == "~" or filename.startswith("<"):
            # A builtin: its time belongs to whoever called it.
            for (caller_file, caller_line, caller_name), detail in callers.items():
                key = (caller_file, caller_line, caller_name)
                rows[key] = rows.get(key, 0.0) + float(detail[2])
            continue
        rows[(filename, line, name)] = rows.get((filename, line, name), 0.0) + float(tottime)
    with open(out, "w", encoding="utf-8") as handle:
        json.dump([{"file": f, "line": l, "name": n, "seconds": s} for (f, l, n), s in rows.items()], handle)
