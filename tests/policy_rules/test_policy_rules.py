"""The built-in Semgrep policy rules (`specs/policy/*.yml`), checked on the real Semgrep.

`semgrep --test --config specs/policy tests/policy_rules/fixtures` pairs each rules file with
the fixture of the same stem (`processes.yml` -> `fixtures/processes.py.txt`; the extension is
free, so fixtures are `.py.txt` and no test runner, type checker or linter picks them up) and
checks the `# ruleid:` / `# ok:` annotations. Semgrep prefixes rule ids with the config's
directory (`specs.policy.crucible-eval`, or the full dotted path), so ids never contain a dot and
consumers keep only what follows the last one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pytest
from ruamel.yaml import YAML

HERE: Final = Path(__file__).resolve().parent
REPO: Final = HERE.parent.parent
RULES: Final = REPO / "specs" / "policy"
FIXTURES: Final = HERE / "fixtures"
BENIGN: Final = HERE / "benign_sample.py.txt"
TIMEOUT_SECONDS: Final = 300.0
FIXTURE_SUFFIX: Final = ".py.txt"

CATEGORIES: Final = {
    "dynamic_code": "dynamic-code",
    "processes": "processes",
    "network": "network",
    "filesystem": "filesystem",
    "environment": "environment",
    "deserialisation": "deserialisation",
    "native_code": "native-code",
    "interpreter": "interpreter",
}
ENGINES: Final = {"experimental": ["--experimental"], "pysemgrep": []}


@dataclass(frozen=True, order=True)
class Finding:
    """One Semgrep result, with the rule id stripped of Semgrep's config-path prefix."""

    path: str
    line: int
    rule: str
    start: int
    end: int


def _semgrep() -> str:
    beside = Path(sys.executable).parent / "semgrep"
    return str(beside) if beside.exists() else (shutil.which("semgrep") or "semgrep")


def _environment() -> dict[str, str]:
    """The caller's environment without Semgrep settings, plus offline switches."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SEMGREP_")}
    env.update(SEMGREP_ENABLE_VERSION_CHECK="0", SEMGREP_SEND_METRICS="off")
    return env


def _run_semgrep(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_semgrep(), *args], cwd=cwd, env=_environment(), capture_output=True,
        text=True, timeout=TIMEOUT_SECONDS, check=False,
    )


def _report(proc: subprocess.CompletedProcess[str]) -> dict[str, object]:
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"semgrep exit {proc.returncode}, no JSON report:\n{proc.stdout}\n{proc.stderr}")
    assert isinstance(report, dict), proc.stdout
    return report


def rule_id(check_id: str) -> str:
    """`specs.policy.crucible-eval` -> `crucible-eval` (our ids contain no dot)."""
    return check_id.rsplit(".", 1)[-1]


def _load_rules(path: Path) -> list[dict[str, object]]:
    document = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict) and isinstance(document.get("rules"), list), path
    rules = document["rules"]
    assert all(isinstance(rule, dict) for rule in rules), path
    return [dict(rule) for rule in rules]


def _rule_files() -> list[Path]:
    return sorted(RULES.glob("*.yml"))


def _all_rule_ids() -> set[str]:
    return {str(rule["id"]) for path in _rule_files() for rule in _load_rules(path)}


def _scan(targets: list[Path], cwd: Path, engine: list[str]) -> list[Finding]:
    args = ["scan", *engine, "--json", "--metrics=off", "--disable-nosem", "--no-git-ignore",
            "--config", str(RULES), *map(str, targets)]
    proc = _run_semgrep(args, cwd)
    report = _report(proc)
    assert proc.returncode in (0, 1) and not report.get("errors"), f"{proc.stdout}\n{proc.stderr}"
    paths = report.get("paths")
    scanned = paths.get("scanned", []) if isinstance(paths, dict) else []
    assert len(scanned) == len(targets), f"semgrep skipped targets: scanned {scanned}"
    results = report.get("results")
    assert isinstance(results, list)
    return sorted(
        Finding(Path(str(r["path"])).name, int(r["start"]["line"]), rule_id(str(r["check_id"])),
                int(r["start"]["offset"]), int(r["end"]["offset"]))
        for r in results
    )


def test_every_rules_file_has_a_fixture() -> None:
    stems = {path.stem for path in _rule_files()}
    assert stems == set(CATEGORIES), "one rules file per category, named as in CATEGORIES"
    fixtures = {path.name.removesuffix(FIXTURE_SUFFIX) for path in FIXTURES.glob(f"*{FIXTURE_SUFFIX}")}
    assert fixtures == stems


def test_rules_are_well_formed() -> None:
    seen: set[str] = set()
    for path in _rule_files():
        for rule in _load_rules(path):
            ident = str(rule.get("id"))
            assert re.fullmatch(r"crucible-[a-z0-9-]+", ident), f"{path.name}: bad id {ident!r}"
            assert ident not in seen, f"duplicate id {ident}"
            seen.add(ident)
            assert rule.get("severity") == "ERROR", ident
            assert rule.get("languages") == ["python"], ident
            assert len(str(rule.get("message", "")).strip()) > 40, f"{ident}: message too thin"
            metadata = rule.get("metadata")
            assert isinstance(metadata, dict), ident
            assert metadata.get("category") == CATEGORIES[path.stem], ident
            assert str(metadata.get("cwe", "")).startswith("CWE-"), ident


def test_every_rule_has_a_positive_example() -> None:
    for path in _rule_files():
        fixture = (FIXTURES / (path.stem + FIXTURE_SUFFIX)).read_text(encoding="utf-8")
        annotated = {ident.strip() for ids in re.findall(r"#\s*ruleid:\s*(.+)", fixture) for ident in ids.split(",")}
        missing = {str(rule["id"]) for rule in _load_rules(path)} - annotated
        assert not missing, f"{path.name}: no `# ruleid:` example for {sorted(missing)}"


def test_fixture_annotations_hold() -> None:
    proc = _run_semgrep(["--test", "--metrics=off", "--json", "--config", str(RULES), str(FIXTURES)], REPO)
    report = _report(proc)
    failures: list[str] = []
    for key in ("config_missing_tests", "config_with_errors"):
        if report.get(key):
            failures.append(f"{key}: {report[key]}")
    results = report.get("results")
    assert isinstance(results, dict)
    if {Path(config).stem for config in results} != set(CATEGORIES):
        failures.append(f"rules files tested: {sorted(results)}")
    for config, outcome in results.items():
        for ident, check in outcome["checks"].items():
            if not check["passed"]:
                for target, lines in check["matches"].items():
                    missed = sorted(set(lines["expected_lines"]) - set(lines["reported_lines"]))
                    extra = sorted(set(lines["reported_lines"]) - set(lines["expected_lines"]))
                    failures.append(f"{ident} ({Path(config).name} on {Path(target).name}): "
                                    f"missed lines {missed}, unexpected lines {extra} {check['errors']}")
    detail = "\n".join(failures)
    assert proc.returncode == 0 and not failures, f"{detail}\n--- semgrep output ---\n{proc.stdout}\n{proc.stderr}"


@pytest.mark.parametrize(
    "engine", [pytest.param("experimental"), pytest.param("pysemgrep", marks=pytest.mark.slow)],
)
def test_benign_code_has_no_findings(tmp_path: Path, engine: str) -> None:
    target = tmp_path / "agent" / "benign_sample.py"
    target.parent.mkdir()
    shutil.copyfile(BENIGN, target)
    findings = _scan([target], tmp_path, ENGINES[engine])
    source = target.read_text(encoding="utf-8").splitlines()
    listed = "\n".join(f"line {f.line} {f.rule}: {source[f.line - 1].strip()}" for f in findings)
    assert not findings, f"false positives on ordinary code:\n{listed}"


@pytest.mark.slow
def test_engines_agree_on_fixtures(tmp_path: Path) -> None:
    targets = []
    for fixture in sorted(FIXTURES.glob(f"*{FIXTURE_SUFFIX}")):
        target = tmp_path / fixture.name.removesuffix(".txt")
        shutil.copyfile(fixture, target)
        targets.append(target)
    experimental = _scan(targets, tmp_path, ENGINES["experimental"])
    pysemgrep = _scan(targets, tmp_path, ENGINES["pysemgrep"])
    assert experimental, "the fixtures should produce findings"
    assert {f.rule for f in experimental} == _all_rule_ids()
    assert experimental == pysemgrep
