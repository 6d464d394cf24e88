"""index.html in a real browser: headless Debian Chromium driven by Selenium, from file://.

A reviewer's path through a report: keep the rejected candidates, narrow to one gate, expand a
candidate, read its counterexample, follow the finding to its diff line. The page's script must
run under its own content security policy, and no hostile text may run at all.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.report.files import write_report_files
from pipeline.report.jsonl import append_record
from tests.pipeline.report.conftest import CONTRACTS_REJECTED, hostile, lineage, recorded

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1400,1800")

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")
if CHROMIUM is None or DRIVER is None:
    pytest.skip("Chromium and its driver are not installed (apt-get install chromium chromium-driver)", allow_module_level=True)

from selenium.webdriver.chrome.service import Service  # noqa: E402  (after the skips above)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(str(DRIVER)))
    try:
        yield driver
    finally:
        driver.quit()


def _visible(driver: WebDriver) -> list[str]:
    return [str(c.get_attribute("id")) for c in driver.find_elements(By.CSS_SELECTOR, "details.cand") if c.is_displayed()]


def test_audit_a_rejected_candidate(browser: WebDriver, tmp_path: Path) -> None:
    report = tmp_path / "report"
    records = [*recorded(), hostile(), *lineage()]
    for item in records:
        append_record(report, item)
    write_report_files(report)
    browser.get((report / "index.html").as_uri())
    assert "Crucible report" in browser.title
    assert len(_visible(browser)) == len(records)
    # The page's own script and style ran under its content security policy (hash-allowed).
    assert browser.find_element(By.ID, "shown").text == f"{len(records)} of {len(records)} shown"
    badge = browser.find_element(By.CSS_SELECTOR, ".badge.v-rejected")
    assert badge.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"

    browser.find_element(By.CSS_SELECTOR, "input[name=outcome][value=rejected]").click()
    rejected = [r.id for r in records if not r.admitted]
    assert _visible(browser) == rejected
    Select(browser.find_element(By.NAME, "gate")).select_by_value("contracts")
    assert _visible(browser) == [CONTRACTS_REJECTED]

    candidate = browser.find_element(By.ID, CONTRACTS_REJECTED)
    candidate.find_element(By.TAG_NAME, "summary").click()
    counterexample = candidate.find_element(By.CSS_SELECTOR, "details.gate[data-gate=contracts] dl.cex")
    assert counterexample.is_displayed()
    assert "first_over_budget([-1, -17869, 17870, 17870, 17870], 0)" in counterexample.text
    assert "returns 2" in counterexample.text
    test = candidate.find_element(By.CSS_SELECTOR, "details.gate[data-gate=contracts] .repro pre")
    assert "def test_first_over_budget_contract() -> None:" in test.text

    candidate.find_element(By.CSS_SELECTOR, "details.gate[data-gate=contracts] a.loc").click()
    target = browser.execute_script("return location.hash.slice(1)")
    row = browser.find_element(By.ID, str(target))
    assert row.is_displayed() and "def first_over_budget" in row.text and "flag" in str(row.get_attribute("class"))

    path = tmp_path / "report.png"
    assert browser.save_screenshot(str(path))
    print(f"screenshot: {path}")

    assert browser.execute_script("return window.pwned === undefined") is True
    assert browser.find_elements(By.TAG_NAME, "img") == []
