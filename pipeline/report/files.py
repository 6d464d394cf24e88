"""The files a report directory holds besides `verdicts.jsonl`, rewritten from it whole.

Call `write_report_files` after every `append_record`: each file is replaced atomically, so a
browser or a CI step reading the directory mid-run sees a complete, slightly older report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from pipeline.report.htmlpage.page import render_page
from pipeline.report.jsonl import read_records
from pipeline.report.junit import junit_xml
from pipeline.report.sarif import sarif_log
from pipeline.report.summary import read_run_info
from verifiers.atomic import write_text_atomic

__all__ = ["INDEX", "JUNIT", "SARIF", "write_report_files"]

INDEX: Final = "index.html"
SARIF: Final = "crucible.sarif"
JUNIT: Final = "junit.xml"


def write_report_files(report_dir: Path) -> list[Path]:
    """(Re)write index.html, crucible.sarif and junit.xml from the directory's verdicts.jsonl
    (and run.json, when `crucible run` wrote one)."""
    records = read_records(report_dir)
    outputs = {
        INDEX: render_page(records, read_run_info(report_dir), report_dir),
        SARIF: sarif_log(records),
        JUNIT: junit_xml(records),
    }
    written = []
    for name, text in outputs.items():
        write_text_atomic(report_dir / name, text)
        written.append(report_dir / name)
    return written
