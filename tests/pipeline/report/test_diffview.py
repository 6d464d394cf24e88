"""Diff lines numbered as in the two files, and findings placed on them."""

from __future__ import annotations

import pytest

from pipeline.report.diffview import LineKind, changed_paths, locate, parse_diff
from verifiers.base import Evidence

DIFF = """\
diff --git a/pkg/a.py b/pkg/a.py
index 1..2 100644
--- a/pkg/a.py
+++ b/pkg/a.py
@@ -10,4 +10,4 @@ def top():
 def first_over_budget(costs, limit):
-    if total > limit:
--- a removed line that looks like a file header
+    if total >= limit:
+        return i
     return -1
\\ No newline at end of file
diff --git a/pkg/new.py b/pkg/new.py
new file mode 100644
--- /dev/null
+++ b/pkg/new.py
@@ -0,0 +1,2 @@
+class Budget:
+    async def charge(self): ...
"""


def test_lines_are_numbered_on_both_sides() -> None:
    lines = parse_diff(DIFF)
    body = [(line.kind, line.old, line.new) for line in lines if line.path == "pkg/a.py" and line.kind is not LineKind.HEADER]
    assert body == [
        (LineKind.HUNK, None, None), (LineKind.CONTEXT, 10, 10), (LineKind.REMOVED, 11, None),
        (LineKind.REMOVED, 12, None), (LineKind.ADDED, None, 11), (LineKind.ADDED, None, 12), (LineKind.CONTEXT, 13, 13),
    ]
    assert changed_paths(lines) == ["pkg/a.py", "pkg/new.py"]
    assert [line.new for line in lines if line.path == "pkg/new.py" and line.kind is LineKind.ADDED] == [1, 2]


@pytest.mark.parametrize(("evidence", "expected"), [
    (Evidence("mypy", "pkg/a.py", 11), ("pkg/a.py", 11, "+    if total >= limit:")),
    (Evidence("equivalence", "pkg/a.py", rule="first_over_budget"), ("pkg/a.py", 10, " def first_over_budget(costs, limit):")),
    (Evidence("contracts", "pkg/new.py", rule="Budget.charge"), ("pkg/new.py", 2, "+    async def charge(self): ...")),
    (Evidence("contracts", None, rule="Budget"), ("pkg/new.py", 1, "+class Budget:")),
])
def test_findings_land_on_their_diff_line(evidence: Evidence, expected: tuple[str, int, str]) -> None:
    lines = parse_diff(DIFF)
    located = locate(lines, evidence)
    assert located.index is not None
    assert (located.path, located.line, lines[located.index].text) == expected


@pytest.mark.parametrize("evidence", [
    Evidence("outside the hunks", "pkg/a.py", 99),
    Evidence("a test", None, rule="tests/test_a.py::test_x"),
    Evidence("no such function", "pkg/a.py", rule="missing"),
])
def test_findings_outside_the_diff_keep_their_place_without_a_line(evidence: Evidence) -> None:
    located = locate(parse_diff(DIFF), evidence)
    assert located.index is None
    assert (located.path, located.line) == (evidence.path, evidence.line)


def test_garbage_is_kept_as_header_lines() -> None:
    lines = parse_diff("not a diff\n@@ nonsense @@\n+x\n")
    assert [line.kind for line in lines] == [LineKind.HEADER] * 3
