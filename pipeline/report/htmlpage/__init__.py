"""`index.html`: the report as one self-contained page (page, candidate blocks, evidence, charts)."""

from pipeline.report.htmlpage.page import render_page

__all__ = ["render_page"]
