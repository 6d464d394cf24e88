"""`crucible` command line: argument parsing and exit codes; the work happens elsewhere."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from pipeline import __version__
from pipeline.errors import BadInput, CrucibleError
from verifiers.base import Budgets

__all__ = ["main"]

EXIT_OK, EXIT_REJECTED, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit 2 like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise BadInput(f"{self.prog}: {message} (see --help)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="crucible", description="Gate self-modifying agent code with formal checks.")
    parser.add_argument("--version", action="version", version=f"crucible {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    gate = commands.add_parser("gate", help="judge one unified diff against a project")
    gate.add_argument("--project", required=True, type=Path, help="the target project directory")
    gate.add_argument("--patch", required=True, type=Path, help="a unified diff, paths relative to the project")
    gate.add_argument("--report-dir", type=Path, help="where the verdict goes (default: a new directory under ~/.local/state/crucible/reports)")
    gate.add_argument("--all-gates", action="store_true", help="run every gate even after a rejection (auditing)")
    gate.add_argument("--allow-weak-isolation", action="store_true", help="run tests with resource limits alone when namespaces are unavailable")
    _budget_options(gate)
    gate.set_defaults(handler=_gate)

    init = commands.add_parser("init", help="write a starting config, kernel spec and contract stubs for a project")
    init.add_argument("--project", required=True, type=Path, help="the project directory")
    init.set_defaults(handler=_init)

    kernel = commands.add_parser("kernel", help="pin or check the safety kernel digest")
    kernel_commands = kernel.add_subparsers(dest="kernel_command", required=True, parser_class=_Parser)
    for name, handler, text in (("lock", _kernel_lock, "write crucible.lock"), ("verify", _kernel_verify, "check the tree against crucible.lock")):
        sub = kernel_commands.add_parser(name, help=text)
        sub.add_argument("--project", required=True, type=Path)
        sub.set_defaults(handler=handler)

    run = commands.add_parser("run", help="profile, propose, gate, and merge every admitted improvement into one verified variant")
    run.add_argument("--project", required=True, type=Path)
    run.add_argument("--proposer", default="rules", help="rules | vllm | replay:FILE (default: rules)")
    run.add_argument("--budget", default="", help="e.g. candidates=40,minutes=10 (default: candidates=30,minutes=15)")
    run.add_argument("--report-dir", type=Path, help="where the report goes (default: under ~/.local/state/crucible/reports)")
    run.add_argument("--resume", action="store_true", help="continue the interrupted run in --report-dir")
    run.add_argument("--apply", action="store_true", help="apply final.diff to the project, if it is still what the run started from")
    run.add_argument("--commit", metavar="BRANCH", help="commit final.diff on a new git branch (the checkout is not touched)")
    run.add_argument("--jobs", type=int, default=0, help="candidates gated at once (default: number of cores, or of the cluster's slots)")
    _executor_options(run)
    run.add_argument("--allow-weak-isolation", action="store_true")
    run.add_argument("--vllm-url", default="http://127.0.0.1:8000/v1", help="vLLM OpenAI-compatible base URL")
    run.add_argument("--vllm-model", default="", help="served model name (default: the server's first model)")
    run.add_argument("--vllm-api-key", default="", help="API key (default: $CRUCIBLE_VLLM_API_KEY or none)")
    run.add_argument("--vllm-timeout", type=float, default=120.0, help="seconds per request")
    _budget_options(run)
    run.set_defaults(handler=_run)

    for name, text in (("release", "publish an admitted variant to a running agent"),
                       ("rollback", "switch a running agent back to an earlier version")):
        runtime = commands.add_parser(name, help=text, add_help=False)
        runtime.add_argument("arguments", nargs=argparse.REMAINDER)
        runtime.set_defaults(handler=_runtime_command, runtime_command=name)

    redteam = commands.add_parser("redteam", help="gate the red-team suite and print its confusion matrix")
    redteam.add_argument("manifest", type=Path, nargs="?", default=Path("corpus/redteam/manifest.toml"))
    redteam.add_argument("--only", action="append", default=[], help="run only cases whose id contains this text")
    redteam.add_argument("--jobs", type=int, default=0, help="cases gated in parallel (default: number of cores)")
    redteam.add_argument("--report-dir", type=Path, help="where the verdicts go (default: under ~/.local/state/crucible/reports)")
    _executor_options(redteam)
    redteam.set_defaults(handler=_redteam)

    drift = commands.add_parser("drift", help="gate the red-team suite under the newest tool releases and show what changes")
    drift.add_argument("--only", action="append", default=[], help="run only cases whose id contains this text")
    drift.add_argument("--jobs", type=int, default=0, help="cases gated in parallel (default: number of cores)")
    drift.add_argument("--report-dir", type=Path, help="where both sides' verdicts go (default: under ~/.local/state/crucible/reports)")
    drift.add_argument("--baseline", type=Path, help="a red-team report of the locked toolchain to reuse instead of gating it again")
    drift.add_argument("--scratch", type=Path, help="the scratch environment (default: ~/.cache/crucible/drift-venv)")
    drift.set_defaults(handler=_drift)

    report = commands.add_parser("report", help="summarise a report directory")
    report.add_argument("report_dir", type=Path)
    report.set_defaults(handler=_report)
    show = commands.add_parser("show", help="one candidate's diff and evidence")
    show.add_argument("report_dir", type=Path)
    show.add_argument("candidate")
    show.set_defaults(handler=_show)
    return parser


def _executor_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("where the gates run")
    group.add_argument("--executor", choices=("local", "ray"), default="local",
                       help="local sandboxes (default), or tasks on a Ray cluster whose nodes have the same locked toolchain")
    group.add_argument("--ray-address", default="auto", help="the Ray cluster: auto, or HOST:PORT (default: auto)")


def _budget_options(parser: argparse.ArgumentParser) -> None:
    """Per-function and per-gate limits (defaults in verifiers.base.Budgets, listed in the README)."""
    group = parser.add_argument_group("budgets")
    group.add_argument("--per-function-timeout", type=float, metavar="S", help="wall limit of one function's formal check (default 30)")
    group.add_argument("--search-budget", type=float, metavar="S", help="CrossHair's search time per function (default 3)")
    group.add_argument("--per-gate-timeout", type=float, metavar="S", help="wall limit of one formal gate (default 600)")
    group.add_argument("--test-timeout", type=float, metavar="S", help="wall limit of the test suite (default 300)")
    group.add_argument("--benchmark-rounds", type=int, metavar="N", help="interleaved benchmark runs of each version (default 3)")


def budgets_from(args: argparse.Namespace) -> Budgets:
    options = {
        "function_seconds": ("--per-function-timeout", args.per_function_timeout),
        "search_seconds": ("--search-budget", args.search_budget),
        "gate_seconds": ("--per-gate-timeout", args.per_gate_timeout),
        "test_seconds": ("--test-timeout", args.test_timeout),
        "benchmark_rounds": ("--benchmark-rounds", args.benchmark_rounds),
    }
    for option, value in options.values():
        if value is not None and value <= 0:
            raise BadInput(f"{option}: must be positive, got {value}")
    return Budgets(**{field: value for field, (_, value) in options.items() if value is not None})


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out, err = stdout or sys.stdout, stderr or sys.stderr
    try:
        raw = list(sys.argv[1:] if argv is None else argv)
        if raw[:1] in (["release"], ["rollback"]):  # REMAINDER would drop leading options (bpo-17050)
            return _runtime_command(argparse.Namespace(runtime_command=raw[0], arguments=raw[1:]), out)
        args = _parser().parse_args(argv)
        handler: Callable[[argparse.Namespace, TextIO], int] = args.handler
        return handler(args, out)
    except CrucibleError as exc:
        print(f"crucible: {exc}", file=err)
        return exc.exit_code
    except KeyboardInterrupt:
        print("crucible: interrupted", file=err)
        return 130
    except Exception as exc:  # the last line of defence: one line, details in a log file
        log = _crash_log(exc)
        print(f"crucible: internal error: {type(exc).__name__}: {exc} (details: {log})", file=err)
        return EXIT_INTERNAL


def _crash_log(exc: BaseException) -> Path:
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "crucible"
    state.mkdir(parents=True, exist_ok=True)
    path = state / "crash.log"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"--- {datetime.now(UTC).isoformat()}\n{''.join(traceback.format_exception(exc))}\n")
    return path


def default_report_dir(project: Path, kind: str) -> Path:
    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return state / "crucible" / "reports" / f"{project.resolve().name}-{kind}-{stamp}"


def _gate(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.commands.gate import run_gate_command

    return run_gate_command(args, out)


def _init(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.commands.init import run_init_command

    return run_init_command(args, out)


def _kernel_lock(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.config import load_config
    from verifiers.kernel import load_kernel, write_lock

    config = load_config(args.project.resolve())
    digest = write_lock(config, load_kernel(config))
    print(f"locked {len(digest.entries)} protected item(s): {digest.value}", file=out)
    return EXIT_OK


def _kernel_verify(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.config import load_config
    from pipeline.errors import IntegrityError
    from verifiers.kernel import load_kernel, verify_lock

    config = load_config(args.project.resolve())
    try:
        digest = verify_lock(config, load_kernel(config))
    except IntegrityError as exc:
        print(f"crucible: {exc}", file=out)
        return EXIT_REJECTED
    print(f"ok: tree matches crucible.lock ({digest.value})", file=out)
    return EXIT_OK


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.commands.run import run_command

    return run_command(args, out)


def _runtime_command(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.commands.runtime import run_runtime_command

    return run_runtime_command(args.runtime_command, args.arguments, out)


def _redteam(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.commands.redteam import run_redteam_command

    return run_redteam_command(args, out)


def _drift(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.commands.drift import run_drift_command

    return run_drift_command(args, out)


def _report(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.commands.inspect import print_report

    return print_report(args.report_dir, out)


def _show(args: argparse.Namespace, out: TextIO) -> int:
    from pipeline.commands.inspect import print_candidate

    return print_candidate(args.report_dir, args.candidate, out)
