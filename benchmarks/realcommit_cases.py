"""Real commits of real libraries, gated as pull requests would be (issue 15's measure).

Each library under `benchmarks/realcommits/<library>/` holds `tree/` (the library at one upstream
commit: its package and its own test suite, no Crucible files) and `cases.toml`:

- `benign` cases: a maintainers' behaviour-preserving commit (a speed-up, a simplification),
  reversed onto the tree: Crucible must admit it.
- `regression` cases: a real bug fix reversed onto the tree, after `tests_before` has taken out
  the tests the fix added (the suite predates the fix, as for an agent reintroducing the bug):
  Crucible must reject it, and for the right reason — the equivalence gate's counterexample, not
  a test that fails in the sandbox for some other cause.

Each case is gated by the real command on a fresh copy set up as a newcomer would (`crucible init`,
`crucible kernel lock`; no contracts filled in, no benchmarks). The cases were checked without
Crucible by the helper script beside them (`check_cases.py`: the suite passes on both sides, the
regression's witness prints different values).

    .venv/bin/python -m benchmarks.realcommit_cases [LIBRARY ...]   # the table, one line per case
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from pipeline.cli import main as crucible_main
from pipeline.patch import apply_patch, read_patch
from verifiers.tree import copy_tree

__all__ = ["Case", "Outcome", "gate_case", "load_cases", "prepare_library"]

REALCOMMITS: Final = Path(__file__).resolve().parent / "realcommits"
RIGHT_REASON: Final = ("equivalence", "fail")  # a counterexample, confirmed by separated runs


@dataclass(frozen=True)
class Case:
    library: str
    id: str
    kind: Literal["benign", "regression"]
    commit: str
    function: str
    patch: Path
    tests_before: Path | None
    why: str

    @property
    def name(self) -> str:
        return f"{self.library}/{self.id}"


@dataclass(frozen=True)
class Outcome:
    case: Case
    admitted: bool
    gate: str | None  # the gate that rejected, None when admitted
    outcome: str | None  # its outcome: fail, unknown, error
    summary: str
    seconds: float  # wall clock of the whole `crucible gate` command

    @property
    def right(self) -> bool:
        """Benign admitted; regression rejected with a counterexample."""
        if self.case.kind == "benign":
            return self.admitted
        return not self.admitted and (self.gate, self.outcome) == RIGHT_REASON

    def line(self) -> str:
        verdict = "admitted" if self.admitted else f"rejected by {self.gate} ({self.outcome})"
        mark = "ok " if self.right else "BAD"
        return f"{mark} {self.case.kind:10} {self.case.name:42} {self.seconds:6.1f}s  {verdict}: {self.summary[:110]}"


def load_cases(libraries: Sequence[str] = ()) -> list[Case]:
    cases = []
    for folder in sorted(REALCOMMITS.iterdir()):
        if not (folder / "cases.toml").is_file() or (libraries and folder.name not in libraries):
            continue
        for entry in tomllib.loads((folder / "cases.toml").read_text(encoding="utf-8"))["case"]:
            before = entry.get("tests_before")
            cases.append(Case(library=folder.name, id=entry["id"], kind=entry["kind"], commit=entry["commit"],
                              function=entry["function"], patch=folder / entry["patch"],
                              tests_before=folder / before if before else None, why=entry["why"]))
    return cases


def _crucible(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = crucible_main(list(argv), out, err)
    return code, out.getvalue() + err.getvalue()


def prepare_library(library: str, work: Path) -> Path:
    """The library's tree set up as a newcomer would: `crucible init`, nothing filled in."""
    project = copy_tree(REALCOMMITS / library / "tree", work / f"{library}-initialised")
    code, output = _crucible("init", "--project", str(project))
    if code != 0:
        raise RuntimeError(f"crucible init on {library}: {output}")
    return project


def gate_case(case: Case, prepared: Path, work: Path) -> Outcome:
    """`crucible gate` on a fresh copy: the tests of `tests_before` taken out, the kernel locked."""
    scratch = Path(tempfile.mkdtemp(prefix=f"{case.id}-", dir=work))
    project = copy_tree(prepared, scratch / "project")
    if case.tests_before is not None:
        apply_patch(read_patch(case.tests_before), project)
    code, output = _crucible("kernel", "lock", "--project", str(project))
    if code != 0:
        raise RuntimeError(f"crucible kernel lock for {case.name}: {output}")
    report = scratch / "report"
    started = time.perf_counter()
    code, output = _crucible("gate", "--project", str(project), "--patch", str(case.patch), "--report-dir", str(report))
    seconds = time.perf_counter() - started
    if code not in (0, 1):
        raise RuntimeError(f"crucible gate on {case.name} exited {code}: {output[-2000:]}")
    record = json.loads((report / "verdicts.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    deciding = next((g for g in record["gates"] if g["outcome"] not in ("pass", "skipped")), None)
    return Outcome(case=case, admitted=bool(record["admitted"]), gate=deciding and deciding["gate"],
                   outcome=deciding and deciding["outcome"], summary=deciding["summary"] if deciding else record["summary"],
                   seconds=seconds)


def summarise(outcomes: Sequence[Outcome]) -> str:
    regressions = [o for o in outcomes if o.case.kind == "regression"]
    benign = [o for o in outcomes if o.case.kind == "benign"]
    times = sorted(o.seconds for o in outcomes)
    return (f"regressions rejected {sum(not o.admitted for o in regressions)} of {len(regressions)}, "
            f"for the right reason {sum(o.right for o in regressions)} of {len(regressions)}; "
            f"behaviour-preserving admitted {sum(o.admitted for o in benign)} of {len(benign)}; "
            f"verdict median {statistics.median(times):.1f}s, slowest {times[-1]:.1f}s" if times else "no cases")


def _main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.realcommit_cases")
    parser.add_argument("libraries", nargs="*")
    parser.add_argument("--only", action="append", default=[], help="case id (repeatable)")
    args = parser.parse_args(argv)
    cases = [c for c in load_cases(args.libraries) if not args.only or c.id in args.only]
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="realcommits-") as tmp:
        prepared: dict[str, Path] = {}
        for case in cases:
            if case.library not in prepared:
                prepared[case.library] = prepare_library(case.library, Path(tmp))
            outcomes.append(gate_case(case, prepared[case.library], Path(tmp)))
            print(outcomes[-1].line(), flush=True)
    print(summarise(outcomes))
    return 0 if all(o.right for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
