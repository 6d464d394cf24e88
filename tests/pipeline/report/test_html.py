"""index.html: self-contained, escaped, and every piece of evidence where a reviewer needs it."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from pipeline.report.files import write_report_files
from pipeline.report.htmlpage.assets import CSP
from pipeline.report.htmlpage.page import render_page
from pipeline.report.reproductions import write_reproductions
from tests.pipeline.report.conftest import CONTRACTS_REJECTED, PAYLOAD, hostile, lineage, record, recorded


class _Page(HTMLParser):
    """The tags, ids, links and text of a page, as a browser's parser sees them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    def links(self) -> list[str]:
        return [str(a["href"]) for a in self.named("a") if a.get("href")]


def _candidate(page: str, id: str) -> str:
    """One candidate's <details> block."""
    start = page.index(f'<details class="cand" id="{id}"')
    ends = [i for i in (page.find('<details class="cand"', start + 1), page.find("</section>", start)) if i > 0]
    return page[start:min(ends)]


def test_hostile_text_is_shown_never_run() -> None:
    page = render_page([hostile()])
    parsed = _Page(page)
    assert len(parsed.named("script")) == 1  # the page's own
    assert not parsed.named("img")
    assert all(not key.startswith("on") for _, attrs in parsed.tags for key in attrs)
    assert "window.pwned" not in page.split("<script>")[-1]  # not in the page's script either
    text = "".join(parsed.text)
    assert text.count(PAYLOAD) >= 10  # diff, evidence, excerpt, test, summary, proposer, parent, project…


def test_the_page_needs_nothing_from_the_network() -> None:
    page = render_page(recorded())
    parsed = _Page(page)
    assert not parsed.named("link") and not parsed.named("iframe") and not parsed.named("img")
    assert all(not attrs.get("src") for _, attrs in parsed.tags)
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", page)
    csp = [m for m in parsed.named("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    assert csp and csp[0]["content"] == CSP and "default-src 'none'" in CSP


def test_every_in_page_link_has_a_target() -> None:
    records = recorded() + lineage()
    parsed = _Page(render_page(records))
    targets = [link[1:] for link in parsed.links() if link.startswith("#")]
    assert targets and set(targets) <= parsed.ids
    assert {r.id for r in records} <= parsed.ids


def test_a_counterexample_shows_input_both_behaviours_and_its_test(report_dir: Path) -> None:
    written = [p.relative_to(report_dir).as_posix() for r in recorded() for p in write_reproductions(report_dir, r)]
    write_report_files(report_dir)
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    parsed = _Page(page)
    block = _candidate(page, CONTRACTS_REJECTED)
    text = "".join(_Page(block).text)
    for expected in ("input", "first_over_budget([-1, -17869, 17870, 17870, 17870], 0)", "condition", "variant",
                     "returns 2", "def test_first_over_budget_contract() -> None:", "python -m pytest"):
        assert expected in text
    assert 'data-gates="contracts equivalence"' in block[:300]
    tests = [link for link in _Page(block).links() if link.startswith("counterexamples/")]
    assert tests and set(tests) <= set(written)  # the links name the files `gate` writes
    # The finding points at the `def` line of the diff, which is marked.
    anchors = [link for link in _Page(block).links() if link.startswith(f"#{CONTRACTS_REJECTED}-d")]
    assert anchors and anchors[0][1:] in parsed.ids
    row = re.search(rf'<tr id="{anchors[0][1:]}" class="([^"]+)">(.*?)</tr>', page, re.S)
    assert row is not None and "flag" in row[1] and "first_over_budget" in row[2]


def test_semgrep_and_mypy_findings_link_to_their_lines() -> None:
    page = render_page(recorded())
    for candidate, line in (("c-8ce9f76fabce", "planner/tools.py:123"), ("c-b7b45e911cbb", "planner/memory.py:8")):
        block = _candidate(page, candidate)
        link = re.search(rf'<a class="loc" href="#({candidate}-d\d+)">{re.escape(line)}</a>', block)
        assert link is not None, line
        assert f'<tr id="{link[1]}" class="l-added flag">' in block


def test_benchmarks_are_charted_with_their_interval() -> None:
    page = render_page(recorded())
    block = _candidate(page, "c-3d5e4668569f")
    chart = re.search(r'<svg class="bench".*?</svg>', block)
    assert chart is not None
    assert chart[0].count('<line class="ci"') == 6  # two benchmarks: whisker and two caps each
    assert "×0.26 [0.25–0.26]" in chart[0] and "slower" in chart[0]
    assert '<svg class="timeline"' in block


def test_summary_admitted_and_filters() -> None:
    page = render_page(recorded())
    text = "".join(_Page(page).text)
    for expected in ("sha256:65180a33b7fb", "patch (6)", "×476.91", "contracts: 1", "benchmarks: 1"):
        assert expected in text
    options = re.findall(r'<option value="(\w*)">', page)
    assert options == ["", "policy", "types", "contracts", "equivalence", "benchmarks"]
    assert page.index('id="admitted"') < page.index('id="candidates"')


def test_lineage_nests_children_under_parents() -> None:
    page = render_page(lineage())
    tree = re.search(r'<ul class="tree">(.*)</ul></section>', page)
    assert tree is not None
    nesting = "".join(re.findall(r"</?ul>", tree[1]))
    assert nesting == "<ul><ul></ul></ul>"
    assert tree[1].index("c-root") < tree[1].index("c-child") < tree[1].index("c-grandchild")
    assert "intake" in page  # the refused patch is rejected by intake
    assert 'id="lineage"' not in render_page(recorded())  # no lineage for single patches


def test_run_information_and_repeated_candidates(tmp_path: Path) -> None:
    twice = [record("c-same", False), record("c-same", False)]
    (tmp_path / "run.json").write_text(json.dumps({"proposer": "rules", "budget": {"candidates": 40}}))
    from pipeline.report.jsonl import append_record

    for item in twice:
        append_record(tmp_path, item)
    write_report_files(tmp_path)
    parsed = _Page((tmp_path / "index.html").read_text(encoding="utf-8"))
    assert {"c-same", "c-same-1"} <= parsed.ids
    assert "candidates=40" in "".join(parsed.text)


def test_an_empty_report_renders() -> None:
    assert "no candidate yet" in render_page([])


def test_a_run_shows_its_headline_the_final_variant_and_what_was_left_out(tmp_path: Path) -> None:
    records = lineage()
    run = {
        "ended": "budget spent: 4 candidate(s) gated",
        "headline": {"geomean": 1.91, "note": "original vs final", "benchmarks": [
            {"benchmark": "benchmarks/b.py::test_a", "speedup": 3.6, "low": 3.4, "high": 3.9, "verdict": "faster",
             "counted": 3.6, "original_median": 0.02, "final_median": 0.0055},
            {"benchmark": "benchmarks/b.py::test_b", "speedup": 1.01, "low": 0.98, "high": 1.03, "verdict": "no difference",
             "counted": 1.0, "original_median": 0.01, "final_median": 0.0099}]},
        "final": {"diff": "final.diff", "base": "c-child", "members": [
            {"id": "c-root", "generation": 0, "functions": ["m:f"], "rule": ["r"], "speedup": 1.5, "equivalence": "bounded"},
            {"id": "c-child", "generation": 1, "functions": ["m:g"], "rule": ["s"], "speedup": 2.0, "equivalence": "proved"}]},
        "left_out": [{"id": "c-grandchild", "functions": ["m:h"], "speedup": 1.2, "reason": "rejected when merged with c-root"}],
    }
    (tmp_path / "run.json").write_text(json.dumps(run))
    page = render_page(records, (), tmp_path)
    text = " ".join(" ".join(_Page(page).text).split())
    assert "×1.91 geometric mean over 2 benchmark(s)" in text
    assert "generation 2" in text and "m:g" in text and "equivalence proved" in text
    assert "rejected when merged with c-root" in text
    assert 'class="bench"' in page  # the per-benchmark chart with intervals
