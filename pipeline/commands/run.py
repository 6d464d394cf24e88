"""`crucible run`: profile, propose, gate, merge every admitted improvement into one re-verified
variant (`final.diff`), and measure it against the original on the whole benchmark suite (exit 0
when the run completes, whatever it found; 2 bad input; 3 integrity, e.g. --apply on a tree that
changed since the run started)."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from rich.console import Console

from pipeline.bandit import Bandit, default_state_file
from pipeline.errors import BadInput
from pipeline.gating import GateOptions, Target, load_target
from pipeline.loop import RunBudget, RunState, evolve
from pipeline.proposers.base import Proposer
from pipeline.proposers.replay import ReplayProposer
from pipeline.proposers.rule_proposer import RuleProposer
from pipeline.proposers.rules.registry import RULES
from pipeline.cli_output import RunProgress
from pipeline.cluster import RayCluster
from pipeline.gatekeeper import Gatekeeper, LocalGatekeeper, RayGatekeeper
from pipeline.deliver import apply_final, commit_final, commit_message, tree_digest
from pipeline.headline import describe, measure_headline
from pipeline.report.files import write_report_files
from pipeline.report.jsonl import read_records
from pipeline.report.records import CandidateRecord
from pipeline.report.reproductions import write_reproductions
from verifiers.atomic import write_text_atomic
from verifiers.base import Isolation
from verifiers.toolchain import differences, toolchain

__all__ = ["run_command"]


def run_command(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.cli import budgets_from, default_report_dir

    if args.apply and args.commit:
        raise BadInput("--apply and --commit: choose one (apply to the tree, or commit on a new branch)")
    budget = RunBudget.parse(args.budget)
    target = load_target(args.project)
    proposer = _proposer(args)
    if args.resume and args.report_dir is None:
        raise BadInput("--resume needs the --report-dir of the run to continue")
    report_dir = (args.report_dir or default_report_dir(args.project, "run")).resolve()
    state = _state(args, target, proposer, report_dir)
    options = GateOptions(isolation=Isolation.WEAK if args.allow_weak_isolation else Isolation.STRICT,
                          budgets=budgets_from(args))
    console = Console(file=out, highlight=False, soft_wrap=True)
    console.print(f"crucible run: {target.config.root} with the {proposer.NAME} proposer; report: {report_dir}")
    if args.resume:
        _warn_other_versions(report_dir, console)

    def on_record(record: CandidateRecord) -> None:
        write_reproductions(report_dir, record)
        write_report_files(report_dir)

    keeper, jobs, cluster = _executor(args, target, options, console)
    try:
        with RunProgress(console) as progress, _reporting(cluster, progress):
            state = evolve(target, proposer, RULES, options, budget, report_dir, Bandit(default_state_file()),
                           progress, state, jobs, on_record=on_record, gatekeeper=keeper)
    finally:
        if cluster is not None:
            cluster.close()
    _finish(target, report_dir, state, proposer, console, options, args)
    return 0


def _executor(args: argparse.Namespace, target: Target, options: GateOptions,
              console: Console) -> tuple[Gatekeeper, int, RayCluster | None]:
    """Local sandboxes, or a Ray cluster (checked: every node has this toolchain)."""
    if args.executor != "ray":
        return LocalGatekeeper(target, options), args.jobs or os.cpu_count() or 1, None
    cluster = RayCluster(args.ray_address)
    slots = int(cluster.ray.cluster_resources().get("CPU", 1))
    console.print(f"executor: Ray at {args.ray_address}, {len(cluster.nodes())} node(s), {slots} slot(s); "
                  f"every node has this toolchain", markup=False)
    return RayGatekeeper(target, options, cluster), args.jobs or slots, cluster


@contextlib.contextmanager
def _reporting(cluster: RayCluster | None, progress: RunProgress) -> Iterator[None]:
    """While the run lasts, the cluster's state on the progress display every few seconds."""
    if cluster is None:
        yield
        return
    stop = threading.Event()

    def report() -> None:
        while not stop.wait(5.0):
            try:
                progress.status(cluster.describe())
            except Exception:  # a node going away must not end the display, let alone the run
                continue

    thread = threading.Thread(target=report, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def _warn_other_versions(report_dir: Path, console: Console) -> None:
    """Verdicts kept from before are not re-gated: say when they were reached by other tools."""
    replayed = sorted({d for r in read_records(report_dir) for d in differences(r.toolchain, toolchain())})
    if replayed:
        console.print(f"note: verdicts already in this report were reached under other versions: {', '.join(replayed)}",
                      markup=False)


def _proposer(args: argparse.Namespace) -> Proposer:
    name: str = args.proposer
    if name == "rules":
        return RuleProposer(RULES)
    if name.startswith("replay:"):
        return ReplayProposer(Path(name.removeprefix("replay:")))
    if name == "vllm":
        from pipeline.proposers.openai_client import ServerUnavailable, wait_until_ready
        from pipeline.proposers.vllm import VllmProposer

        api_key = str(args.vllm_api_key) or os.environ.get("CRUCIBLE_VLLM_API_KEY", "")
        try:  # a wrong URL is bad input, found now; a server failing mid-run is only counted
            wait_until_ready(str(args.vllm_url), min(60.0, float(args.vllm_timeout)), api_key=api_key)
        except ServerUnavailable as exc:
            raise BadInput(f"--vllm-url {args.vllm_url}: no vLLM server answering ({exc})") from None
        return VllmProposer(str(args.vllm_url), str(args.vllm_model), api_key, float(args.vllm_timeout))
    raise BadInput(f"--proposer: unknown proposer {name!r} (rules, vllm, replay:FILE)")


def _state(args: argparse.Namespace, target: Target, proposer: Proposer, report_dir: Path) -> RunState:
    if args.resume:
        state = RunState.load(report_dir)
        if state.project != str(target.config.root):
            raise BadInput(f"{report_dir}: that run was of {state.project}, not {target.config.root}")
        state.finished = False
        return state
    if (report_dir / "verdicts.jsonl").exists():
        raise BadInput(f"{report_dir}: already holds a report (use --resume to continue it, or another --report-dir)")
    report_dir.mkdir(parents=True, exist_ok=True)
    return RunState(project=str(target.config.root), proposer=proposer.NAME,
                    started=datetime.now(UTC).isoformat(timespec="seconds"), start_tree=tree_digest(target.config.root))


def _finish(target: Target, report_dir: Path, state: RunState, proposer: Proposer, console: Console,
            options: GateOptions, args: argparse.Namespace) -> None:
    records = read_records(report_dir)
    final = state.base_diff
    if final:
        write_text_atomic(report_dir / "final.diff", final)
    console.print(f"measuring the whole benchmark suite, original against the final variant ({state.ended or 'run ended'})")
    headline = measure_headline(target, final, options)
    summary = {
        "project": state.project, "proposer": state.proposer, "started": state.started,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"), "seconds": round(state.elapsed_seconds, 1),
        "ended": state.ended, "candidates": len([r for r in records if r.proposer != "merge"]),
        "admitted": sum(r.admitted for r in records if r.proposer != "merge"),
        "merges": sum(r.proposer == "merge" for r in records),
        "candidates_per_minute": round(state.gated / max(state.elapsed_seconds / 60, 1e-9), 2),
        "first_admitted_seconds": state.first_admitted_seconds, "headline": headline,
        "final": {"diff": "final.diff" if final else None, "base": state.base_id, "members": state.members},
        "left_out": state.left_out, "archive": state.archive, "proposer_stats": dict(proposer.stats.counts),
        "kernel_digest": target.digest.value,
    }
    write_text_atomic(report_dir / "run.json", json.dumps(summary, indent=2))
    write_report_files(report_dir)
    sentence = describe(headline)
    console.print(f"{summary['candidates']} candidate(s), {summary['admitted']} admitted, {summary['merges']} merge(s) "
                  f"verified; {state.ended}", markup=False)
    console.print(f"final variant: {len(state.members)} improvement(s); {sentence}", markup=False)
    for row in headline.get("benchmarks", []):
        console.print(f"  {row['benchmark']}: ×{row['speedup']:.2f} (95% CI ×{row['low']:.2f}–×{row['high']:.2f}, "
                      f"{row['verdict']})", markup=False)
    for member in state.members:
        console.print(f"  holds {member['id']}: {', '.join(member['functions'])} ×{member['speedup']}", markup=False)
    for item in state.left_out:
        console.print(f"  left out {item['id']}: {item['reason']}", markup=False)
    if final:
        console.print(f"final variant: {report_dir / 'final.diff'}", markup=False)
        if args.apply:
            changed = apply_final(target, final, state.start_tree)
            console.print(f"applied final.diff to {target.config.root} ({len(changed)} file(s))", markup=False)
        elif args.commit:
            commit = commit_final(target, final, state.start_tree, args.commit, commit_message(state.members, sentence))
            console.print(f"committed the final variant on branch {args.commit} ({commit[:12]})", markup=False)
    elif args.apply or args.commit:
        console.print("nothing to apply: no improvement was merged", markup=False)
    console.print(f"report: {report_dir}", markup=False)
