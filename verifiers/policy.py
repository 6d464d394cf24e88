"""Gate 3: Semgrep policy (built-in rules plus the project's) and no added suppression comments.

One Semgrep call scans the original and the variant versions of every changed file; only findings
the change adds count, so a project whose code already does something a rule flags can still be
gated. Semgrep runs offline: local rules, no metrics, no version check, `# nosemgrep` ignored.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar, Final

from verifiers import novelty
from verifiers.base import Evidence, GateContext, GateResult, Outcome
from verifiers.suppressions import Suppression, find_suppressions
from verifiers.toolchain import version_of
from verifiers.toolrun import ToolResult, clean_environment, run_tool

__all__ = ["BUILTIN_RULES", "PolicyGate", "semgrep_executable"]

BUILTIN_RULES: Final = Path(__file__).resolve().parent.parent / "specs" / "policy"
PROJECT_RULES: Final = "policy"  # under the project's specs folder


def semgrep_executable() -> str:
    import shutil
    import sys

    beside = Path(sys.executable).parent / "semgrep"
    return str(beside) if beside.exists() else (shutil.which("semgrep") or "semgrep")


class PolicyGate:
    NAME: ClassVar[str] = "policy"
    DESCRIPTION: ClassVar[str] = "Semgrep rules (built-in and the project's); no added suppression comments"

    def check(self, ctx: GateContext) -> GateResult:
        files = ctx.variant.changed_python
        if not files:
            return GateResult(self.NAME, Outcome.PASS, "no Python file changed")
        configs = _rule_sources(ctx)
        if not configs:
            return GateResult(self.NAME, Outcome.ERROR, f"no policy rules found (expected {BUILTIN_RULES})")
        suppressions = _added_suppressions(ctx, files)
        scan = _scan(ctx, files, configs)
        if isinstance(scan, GateResult):
            return scan
        evidence = [*suppressions, *scan]
        if evidence:
            return GateResult(self.NAME, Outcome.FAIL, evidence[0].message, tuple(evidence))
        return GateResult(self.NAME, Outcome.PASS, f"{len(files)} file(s): no new policy finding, no suppression added")


def _rule_sources(ctx: GateContext) -> list[Path]:
    configs = sorted(BUILTIN_RULES.glob("*.y*ml")) if BUILTIN_RULES.is_dir() else []
    project = ctx.variant.original_root / ctx.config.specs / PROJECT_RULES
    if project.is_dir():
        configs += sorted(project.glob("*.y*ml"))
    return configs


def _added_suppressions(ctx: GateContext, files: tuple[str, ...]) -> list[Evidence]:
    found: list[Evidence] = []
    for path in files:
        after = find_suppressions((ctx.variant.root / path).read_text(encoding="utf-8", errors="replace"))
        before_file = ctx.variant.original_root / path
        before = (
            find_suppressions(before_file.read_text(encoding="utf-8", errors="replace"))
            if before_file.is_file() else []
        )
        new = novelty.added(before, after, lambda s: (s.kind, s.text))
        found.extend(_suppression_evidence(path, item) for item in new)
    return found


def _suppression_evidence(path: str, item: Suppression) -> Evidence:
    return Evidence(f"adds a suppression ({item.kind}): {item.text}", path, item.line, f"suppression-{item.kind}", item.text)


def _scan(ctx: GateContext, files: tuple[str, ...], configs: list[Path]) -> list[Evidence] | GateResult:
    roots = {"original": ctx.variant.original_root, "variant": ctx.variant.root}
    targets = [str(roots["variant"] / f) for f in files]
    targets += [str(roots["original"] / f) for f in files if (roots["original"] / f).is_file()]
    argv = [
        semgrep_executable(), "scan", "--experimental", "--json", "--quiet", "--metrics=off",
        "--disable-nosem", "--no-git-ignore", "--disable-version-check", "--timeout", "30",
        *[arg for config in configs for arg in ("--config", str(config))], *targets,
    ]
    try:
        result = run_tool(argv, cwd=ctx.scratch, timeout=ctx.budgets.tool_seconds, env=clean_environment())
    except FileNotFoundError:
        return GateResult(PolicyGate.NAME, Outcome.ERROR, "semgrep is not installed")
    report = _parse(result)
    if isinstance(report, str):
        # Semgrep crashing, or failing on files libcst parsed, is a fault of the tool; a time-out
        # may be the variant's doing (a huge file), so it is not blamed on Semgrep.
        blamed = None if result.timed_out else f"semgrep {version_of('semgrep')}"
        return GateResult(PolicyGate.NAME, Outcome.ERROR, report, (Evidence(report, excerpt=result.excerpt()),),
                          tool_failure=blamed)
    return _new_findings(report, roots)


def _parse(result: ToolResult) -> dict[str, object] | str:
    if result.timed_out:
        return f"semgrep timed out after {result.seconds:.0f}s"
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return f"semgrep failed (exit {result.returncode}) without a JSON report"
    if not isinstance(report, dict):
        return "semgrep wrote an unexpected report"
    errors = report.get("errors") or []
    if errors or result.returncode not in (0, 1):
        first = errors[0] if isinstance(errors, list) and errors else {}
        message = first.get("message", "") if isinstance(first, dict) else ""
        return f"semgrep could not analyse everything (exit {result.returncode}): {str(message)[:300]}"
    return report


def _new_findings(report: dict[str, object], roots: dict[str, Path]) -> list[Evidence]:
    """Variant findings minus original findings, matched by rule and matched code."""
    found: dict[str, list[tuple[str, str, int, str, str]]] = {"original": [], "variant": []}
    results = report.get("results")
    for item in results if isinstance(results, list) else []:
        path = Path(str(item["path"])).resolve()
        side = next((name for name, root in roots.items() if root.resolve() in path.parents), None)
        if side is None:
            continue
        relative = path.relative_to(roots[side].resolve()).as_posix()
        rule = str(item["check_id"]).rsplit(".", 1)[-1]
        code = _matched_code(path, item)
        found[side].append((rule, " ".join(code.split()), int(item["start"]["line"]), relative, str(item["extra"]["message"])))
    new = novelty.added(found["original"], found["variant"], lambda f: (f[0], f[1]))
    return [Evidence(f"{rule}: {message.strip()}", relative, line, rule, code) for rule, code, line, relative, message in new]


def _matched_code(path: Path, item: dict[str, object]) -> str:
    """Semgrep's JSON withholds `lines` when logged out; slice the source by offsets instead."""
    start, end = item.get("start"), item.get("end")
    if not isinstance(start, dict) or not isinstance(end, dict):
        return ""
    data = path.read_bytes()
    return data[int(start["offset"]):int(end["offset"])].decode("utf-8", errors="replace")
