"""Every rewrite in the tables type-checks under mypy --strict, as its original does: new locals
carry the annotations mypy needs (`set[str]`, `list[int]`, `dict[tuple[str, str], int]`…)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from tests.pipeline.proposers.rules import (
    test_bind_method,
    test_counting,
    test_dedupe_fromkeys,
    test_dict_scan,
    test_hoist_invariant,
    test_hoist_literal,
    test_hoist_regex,
    test_index_loop,
    test_inner_map,
    test_list_as_set,
    test_list_concat,
    test_membership_set,
    test_memoize,
    test_pair_index,
    test_position_index,
    test_prefix_aggregate,
    test_queue_index,
    test_shadow_set,
    test_sorted_index,
    test_string_builder,
    test_string_join,
    test_window_sum,
)
from tests.pipeline.proposers.rules.cases import Case
from verifiers.toolrun import run_tool

TABLES = (test_bind_method, test_counting, test_dedupe_fromkeys, test_dict_scan, test_hoist_invariant,
          test_hoist_literal, test_hoist_regex, test_index_loop, test_inner_map, test_list_as_set,
          test_list_concat, test_membership_set, test_memoize, test_pair_index, test_position_index,
          test_prefix_aggregate, test_queue_index, test_shadow_set, test_sorted_index, test_string_builder,
          test_string_join, test_window_sum)
_ERROR = re.compile(r"^(?P<file>[\w.]+\.py):\d+: error: (?P<message>.*)$", re.M)


def test_rewrites_type_check_like_their_originals(tmp_path: Path) -> None:
    rows: list[tuple[str, Case]] = [(t.__name__.rsplit(".", 1)[-1], c) for t in TABLES for c in t.CASES if c.after]
    assert len(rows) >= 30
    for index, (table, case) in enumerate(rows):
        (tmp_path / f"before_{index}.py").write_text(case.module(case.before), encoding="utf-8")
        (tmp_path / f"after_{index}.py").write_text(case.module(case.after or ""), encoding="utf-8")
    result = run_tool([sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / ".mypy"),
                       "--no-error-summary", "."], cwd=tmp_path, timeout=180)
    errors: dict[str, list[str]] = {}
    for match in _ERROR.finditer(result.stdout):
        errors.setdefault(match["file"], []).append(match["message"])
    problems = []
    for index, (table, case) in enumerate(rows):
        before, after = errors.get(f"before_{index}.py", []), errors.get(f"after_{index}.py", [])
        if before or after:
            problems.append(f"{table}[{case.id}]: before {before}, after {after}")
    assert not problems, "\n".join(problems) + "\n" + result.excerpt()
