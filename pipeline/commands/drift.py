"""`crucible drift`: what would the newest releases change? Builds a scratch environment with the
newest versions pyproject.toml's ranges allow, gates the red-team suite there and under the locked
toolchain, and prints every case whose outcome differs, with the versions and the reason — so
upgrading `.ci/toolchain.lock` is a decision with evidence, never a surprise in CI.

Exit 0 when no case changed outcome, 1 when some did, 2 for bad input, 3 when the scratch
environment could not be built or a side of the suite did not finish.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TextIO

from pipeline.errors import BadInput, CrucibleError
from pipeline.report.jsonl import VERDICTS, read_records
from pipeline.report.records import CandidateRecord
from pipeline.report.summary import stopped_by
from verifiers.toolchain import Toolchain, describe, differences

__all__ = ["CaseDrift", "Outcome", "compare_reports", "outcomes", "run_drift_command"]

REDTEAM_PREFIX: Final = "redteam:"
INSTALL_SECONDS: Final = 1800
SUITE_SECONDS: Final = 3 * 3600


class DriftFailed(CrucibleError):
    """A side of the comparison could not be produced (exit 3: the machine, not a case)."""


@dataclass(frozen=True)
class Outcome:
    """How one case ended on one side: `admitted`, `rejected at GATE`, `bad-input: …`."""

    verdict: str
    summary: str

    @staticmethod
    def of(record: CandidateRecord) -> Outcome:
        if record.admitted:
            return Outcome("admitted", record.summary)
        gate = stopped_by(record)
        if not record.gates:  # refused before any gate: bad input, integrity, internal error
            return Outcome(record.summary.split(":", 1)[0], record.summary)
        return Outcome(f"rejected at {gate}", record.summary)


@dataclass(frozen=True)
class CaseDrift:
    case: str
    locked: Outcome | None  # None: the case ran on one side only
    newest: Outcome | None


def outcomes(records: Sequence[CandidateRecord]) -> tuple[dict[str, Outcome], tuple[Toolchain, ...]]:
    """Each red-team case's outcome (its latest record) and the versions that decided them."""
    found = {r.proposer.removeprefix(REDTEAM_PREFIX): Outcome.of(r) for r in records if r.proposer.startswith(REDTEAM_PREFIX)}
    return found, tuple(dict.fromkeys(r.toolchain for r in records))


def compare_reports(locked: Sequence[CandidateRecord], newest: Sequence[CandidateRecord],
                    only: Sequence[str] = ()) -> list[CaseDrift]:
    """Cases whose verdict or stopping gate differs between the two reports, in case order.
    `only`: the cases whose id contains one of these texts (what `--only` selected: a reused
    baseline of the whole suite is compared on those alone)."""
    before, _ = outcomes(locked)
    after, _ = outcomes(newest)
    changed = []
    for case in dict.fromkeys([*before, *after]):
        if only and not any(text in case for text in only):
            continue
        old, new = before.get(case), after.get(case)
        if old is None or new is None or old.verdict != new.verdict:
            changed.append(CaseDrift(case, old, new))
    return changed


def run_drift_command(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.cli import default_report_dir

    source = _checkout()
    report_dir = (args.report_dir or default_report_dir(source, "drift")).resolve()
    scratch = (args.scratch or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "crucible" / "drift-venv").resolve()
    selection = [arg for text in args.only for arg in ("--only", text)] + ["--jobs", str(args.jobs)]
    if args.baseline is not None:
        if not (args.baseline / VERDICTS).is_file():
            raise BadInput(f"--baseline {args.baseline}: no {VERDICTS} there (give the report directory of a red-team run)")
        locked_dir = args.baseline.resolve()
        print(f"drift: locked toolchain: reusing the red-team report {locked_dir}", file=out, flush=True)
    else:
        locked_dir = report_dir / "locked"
        print(f"drift: gating the red-team suite under the locked toolchain ({sys.executable})", file=out, flush=True)
        _suite(Path(sys.executable), source, locked_dir, selection, out)
    print(f"drift: building {scratch} with the newest releases pyproject.toml allows", file=out, flush=True)
    python = _newest_environment(scratch, source, out)
    newest_dir = report_dir / "newest"
    print("drift: gating the red-team suite under the newest releases", file=out, flush=True)
    _suite(python, source, newest_dir, selection, out)
    return _print_drift(read_records(locked_dir), read_records(newest_dir), out, tuple(args.only))


def _checkout() -> Path:
    """The Crucible source tree this command runs from (the scratch environment installs it)."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "pyproject.toml").is_file() or not (root / "corpus" / "redteam" / "manifest.toml").is_file():
        raise DriftFailed(f"drift needs a Crucible checkout (pyproject.toml and corpus/redteam); {root} is not one")
    return root


def _newest_environment(scratch: Path, source: Path, out: TextIO) -> Path:
    """A virtual environment at `scratch` holding the newest versions the ranges allow (no lock)."""
    python = scratch / "bin" / "python"
    if not python.is_file():
        _step([sys.executable, "-m", "venv", str(scratch)], source, out, "create the scratch environment")
    _step([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "--upgrade-strategy", "eager", "-e", f"{source}[dev]"],
          source, out, "install the newest releases")
    return python


def _suite(python: Path, source: Path, report_dir: Path, selection: list[str], out: TextIO) -> None:
    """The red-team suite under `python`; its per-case lines are passed through as progress."""
    if (report_dir / VERDICTS).exists():
        (report_dir / VERDICTS).unlink()  # a re-run replaces, never mixes with, an earlier side
    argv = [str(python), "-m", "pipeline", "redteam", str(source / "corpus/redteam/manifest.toml"),
            "--report-dir", str(report_dir), *selection]
    code = _step(argv, source, out, "gate the red-team suite", accept=(0, 1), echo=lambda line: "] " in line)
    if not (report_dir / VERDICTS).is_file():
        raise DriftFailed(f"the red-team suite under {python} wrote no verdicts (exit {code})")


def _step(argv: list[str], cwd: Path, out: TextIO, what: str, accept: Sequence[int] = (0,),
          echo: Callable[[str], bool] | None = None) -> int:
    """Run one step to completion, passing selected output lines through; DriftFailed otherwise."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    tail: list[str] = []
    with subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            tail = [*tail[-30:], line.rstrip()]
            if echo is not None and echo(line):
                print(f"  {line.strip()}", file=out, flush=True)
        code = process.wait()
    if code not in accept:
        raise DriftFailed(f"could not {what} (exit {code}): {' | '.join(tail[-5:])}")
    return code


def _print_drift(locked: list[CandidateRecord], newest: list[CandidateRecord], out: TextIO, only: tuple[str, ...]) -> int:
    _, locked_versions = outcomes(locked)
    _, newest_versions = outcomes(newest)
    for label, versions in (("locked", locked_versions), ("newest", newest_versions)):
        print(f"{label}: {'; '.join(describe(v) for v in versions) or 'no verdicts'}", file=out)
    changed_tools = sorted({d for n in newest_versions for o in locked_versions for d in differences(o, n)})
    print(f"versions that differ: {', '.join(changed_tools) or 'none'}", file=out)
    drift = compare_reports(locked, newest, only)
    cases = len(outcomes(newest)[0])
    if not drift:
        print(f"no case changed outcome ({cases} case(s) compared)", file=out)
        return 0
    print(f"{len(drift)} of {cases} case(s) changed outcome:", file=out)
    for item in drift:
        before = item.locked.verdict if item.locked else "not run"
        after = item.newest.verdict if item.newest else "not run"
        print(f"  {item.case}: {before} -> {after}", file=out)
        for label, side in (("locked", item.locked), ("newest", item.newest)):
            if side is not None:
                print(f"      {label}: {side.summary[:400]}", file=out)
    return 1
