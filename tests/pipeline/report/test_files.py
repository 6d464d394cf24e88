"""write_report_files: the three files, from verdicts.jsonl and run.json, replaced whole."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from pipeline.report.files import INDEX, JUNIT, SARIF, write_report_files
from pipeline.report.jsonl import append_record
from pipeline.report.summary import read_run_info
from tests.pipeline.report.conftest import lineage


def test_writes_the_three_files_and_nothing_else(report_dir: Path) -> None:
    written = write_report_files(report_dir)
    assert sorted(p.name for p in written) == sorted([INDEX, SARIF, JUNIT])
    assert sorted(p.name for p in report_dir.iterdir()) == sorted([INDEX, SARIF, JUNIT, "verdicts.jsonl"])
    assert len(ET.parse(report_dir / JUNIT).getroot().findall("testsuite")) == 6
    assert json.loads((report_dir / SARIF).read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_rewritten_as_records_are_added(tmp_path: Path) -> None:
    for count, item in enumerate(lineage(), start=1):
        append_record(tmp_path, item)
        write_report_files(tmp_path)
        assert len(ET.parse(tmp_path / JUNIT).getroot().findall("testsuite")) == count
    assert 'id="c-refused"' in (tmp_path / INDEX).read_text(encoding="utf-8")


def test_run_json_is_optional_and_may_be_broken(tmp_path: Path) -> None:
    assert read_run_info(tmp_path) == ()
    (tmp_path / "run.json").write_text("{not json")
    assert read_run_info(tmp_path) == ()
    (tmp_path / "run.json").write_text("[1, 2]")
    assert read_run_info(tmp_path) == ()
    (tmp_path / "run.json").write_text(json.dumps({"started": "2026-01-01T00:00:00Z", "budget": {"candidates": 40, "minutes": 10}, "jobs": None}))
    assert read_run_info(tmp_path) == (("started", "2026-01-01T00:00:00Z"), ("budget", "candidates=40, minutes=10"), ("jobs", ""))


def test_an_empty_directory_gives_an_empty_report(tmp_path: Path) -> None:
    write_report_files(tmp_path)
    assert ET.parse(tmp_path / JUNIT).getroot().get("tests") == "0"
