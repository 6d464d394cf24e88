"""Comments and markers that switch a checker off. A mutation may not add any."""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from typing import Final

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider, QualifiedNameProvider

__all__ = ["Suppression", "find_suppressions"]

COMMENT_PATTERNS: Final = (
    ("nosemgrep", re.compile(r"\bnosemgrep\b", re.I)),
    ("type-ignore", re.compile(r"\btype:\s*ignore\b", re.I)),
    ("mypy-directive", re.compile(r"\bmypy:\s*(ignore-errors|disable-error-code|allow-)", re.I)),
    ("noqa", re.compile(r"\bnoqa\b", re.I)),
    ("no-cover", re.compile(r"\bpragma:\s*no\s*(cover|branch)\b", re.I)),
    ("nosec", re.compile(r"\bnosec\b", re.I)),
    ("pylint-disable", re.compile(r"\bpylint:\s*disable\b", re.I)),
    ("crosshair-directive", re.compile(r"\bcrosshair:\s*\w+", re.I)),
)
SKIP_MARKERS: Final = frozenset(
    {
        "pytest.mark.skip", "pytest.mark.skipif", "pytest.mark.xfail", "pytest.skip", "pytest.xfail",
        "pytest.importorskip", "unittest.skip", "unittest.skipIf", "unittest.skipUnless",
        "unittest.expectedFailure", "unittest.SkipTest", "unittest.case.SkipTest", "pytest.skip.Exception",
    }
)


@dataclass(frozen=True)
class Suppression:
    kind: str
    line: int
    text: str  # the comment or marker, the identity used to compare versions


def find_suppressions(source: str) -> list[Suppression]:
    return [*_comments(source), *_markers(source)]


def _comments(source: str) -> list[Suppression]:
    found = []
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    try:
        for token in tokens:
            if token.type != tokenize.COMMENT:
                continue
            for kind, pattern in COMMENT_PATTERNS:
                if pattern.search(token.string):
                    found.append(Suppression(kind, token.start[0], token.string.strip()))
    except (tokenize.TokenError, SyntaxError):
        found.append(Suppression("untokenizable", 0, "file cannot be tokenized"))
    return found


def _markers(source: str) -> list[Suppression]:
    try:
        wrapper = MetadataWrapper(cst.parse_module(source))
    except cst.ParserSyntaxError:
        return []
    finder = _MarkerFinder()
    wrapper.visit(finder)
    return finder.found


class _MarkerFinder(cst.CSTVisitor):
    """Skip/xfail markers, resolved through import aliases (`import pytest as p; @p.mark.skip`)."""

    METADATA_DEPENDENCIES = (QualifiedNameProvider, PositionProvider)

    def __init__(self) -> None:
        super().__init__()
        self.found: list[Suppression] = []

    def _check(self, node: cst.Name | cst.Attribute) -> bool:
        hit = sorted(q.name for q in self.get_metadata(QualifiedNameProvider, node, set()) if q.name in SKIP_MARKERS)
        if hit:
            line = self.get_metadata(PositionProvider, node).start.line
            self.found.append(Suppression("skip-marker", line, hit[0]))
            return False
        return True

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        return self._check(node)

    def visit_Name(self, node: cst.Name) -> bool:
        return self._check(node)
