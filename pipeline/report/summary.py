"""What a report directory adds up to: the figures every format shows at the top.

`run.json` (written by `crucible run`) is optional: a report of `gate` calls has none, and a
report is still readable when it is missing or unreadable.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pipeline.report.records import CandidateRecord
from verifiers.admit import accepts
from verifiers.base import Evidence, GateResult, Outcome, SkipReason
from verifiers.stats import Verdict, classify
from verifiers.toolchain import Toolchain, differences

__all__ = ["INTAKE", "RUN_INFO", "ReportSummary", "blamed_tool", "findings", "gate_order", "read_run_info", "rejecting_gates", "stopped_by", "summarise"]

RUN_INFO: Final = "run.json"
INTAKE: Final = "intake"  # the pseudo-gate of a patch Crucible refused before any gate ran


def stopped_by(record: CandidateRecord) -> str | None:
    """The first gate that rejected the candidate (`intake` when none ran), None if admitted."""
    if record.admitted:
        return None
    return next((r.gate for r in record.gates if not accepts(r)), INTAKE if not record.gates else record.summary.split(":", 1)[0])


def blamed_tool(record: CandidateRecord) -> str | None:
    """The tool whose failure stopped the candidate ("crosshair-tool 0.0.114"), or None when the
    stopping gate judged the variant itself (or nothing stopped it)."""
    if record.admitted:
        return None
    return next((r.tool_failure for r in record.gates if not accepts(r)), None)


def rejecting_gates(record: CandidateRecord) -> list[str]:
    """Every gate whose verdict alone would reject (with --all-gates there can be several)."""
    gates = [r.gate for r in record.gates if not accepts(r) and r.skip_reason is not SkipReason.NOT_RUN]
    first = stopped_by(record)
    return gates if gates or first is None else [first]


def gate_order(records: list[CandidateRecord]) -> list[str]:
    """Gate names in the order gates run (as the records list them), intake first if any."""
    names: dict[str, None] = {}
    if any(not r.gates and not r.admitted for r in records):
        names[INTAKE] = None
    for record in records:
        for result in record.gates:
            names.setdefault(result.gate)
    return list(names)


_NOT_A_FINDING: Final = re.compile(r"^[\w.<>\[\]-]+: (?:pass|skipped)\b")
def _is_finding(item: Evidence) -> bool:
    """Formal gates list every function they checked, the tests gate its sandbox, the benchmarks
    gate every benchmark: only the items that say what is wrong are findings."""
    if item.rule == "isolation" or _NOT_A_FINDING.match(item.message):
        return False
    data = dict(item.data)
    if "high" not in data:
        return True
    return classify(float(data.get("low", 0.0)), float(data["high"])) is Verdict.SLOWER


def findings(result: GateResult) -> tuple[Evidence, ...]:
    """What a rejecting gate found (nothing for a gate that passed or did not run)."""
    if result.outcome not in (Outcome.FAIL, Outcome.UNKNOWN, Outcome.ERROR):
        return ()
    return tuple(item for item in result.evidence if _is_finding(item))


@dataclass(frozen=True)
class ReportSummary:
    projects: tuple[str, ...]
    kernel_digests: tuple[str, ...]
    proposers: tuple[tuple[str, int], ...]  # name, candidates proposed
    candidates: int
    admitted: int
    rejected_by: tuple[tuple[str, int], ...]  # first rejecting gate, candidates; in gate order (the variant's own failures)
    # Rejections because a tool failed, not the variant: (tool, gate), candidates.
    tool_failures: tuple[tuple[tuple[str, str], int], ...]
    seconds: float  # gating time, all candidates together
    best: CandidateRecord | None  # the admitted candidate with the highest speed-up
    run: tuple[tuple[str, str], ...]  # run.json, flattened for display
    toolchains: tuple[Toolchain, ...] = ()  # the distinct versions that decided the verdicts

    def replayed(self, current: Toolchain) -> list[str]:
        """How the versions behind these verdicts differ from `current` (nothing when they match)."""
        return sorted({d for versions in self.toolchains for d in differences(versions, current)})

    @property
    def rejected(self) -> int:
        return self.candidates - self.admitted


def summarise(records: list[CandidateRecord], run: tuple[tuple[str, str], ...] = ()) -> ReportSummary:
    stops = Counter(stop for r in records if (stop := stopped_by(r)) is not None and blamed_tool(r) is None)
    broken = Counter((tool, stopped_by(r) or "") for r in records if (tool := blamed_tool(r)) is not None)
    order = gate_order(records)
    admitted = [r for r in records if r.admitted]
    return ReportSummary(
        projects=tuple(dict.fromkeys(r.project for r in records if r.project)),
        kernel_digests=tuple(dict.fromkeys(r.kernel_digest for r in records if r.kernel_digest)),
        proposers=tuple(Counter(r.proposer for r in records).items()),
        candidates=len(records),
        admitted=len(admitted),
        rejected_by=tuple((gate, stops[gate]) for gate in order + sorted(set(stops) - set(order)) if stops[gate]),
        tool_failures=tuple(sorted(broken.items())),
        seconds=sum(r.seconds for r in records),
        best=max((r for r in admitted if r.speedup), key=lambda r: r.speedup or 0.0, default=None),
        run=run,
        toolchains=tuple(dict.fromkeys(r.toolchain for r in records)),
    )


def _display(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={_display(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_display(v) for v in value)
    return "" if value is None else str(value)


def read_run_info(report_dir: Path) -> tuple[tuple[str, str], ...]:
    """`run.json` as (key, text) pairs; nothing when there is none or it cannot be read."""
    try:
        data = json.loads((report_dir / RUN_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    if not isinstance(data, dict):
        return ()
    return tuple((str(key), _display(value)) for key, value in data.items() if key not in _OWN_SECTIONS)


# run.json's parts that the report shows in sections of their own, not as one-line facts.
_OWN_SECTIONS: Final = frozenset({"headline", "final", "left_out", "archive"})
