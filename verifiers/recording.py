"""Watching the original at work: run its tests and benchmarks once in the sandbox, recording
what named functions receive and which test or benchmark reaches them."""

from __future__ import annotations

import ast
import json
import re
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from verifiers.base import GateContext
from verifiers.sandbox import SandboxLimits, run_sandboxed
from verifiers.tree import copy_tree, iter_files

__all__ = ["RECORDINGS", "Recording", "benchmark_files", "record_inputs"]

RECORDINGS: Final = "_crucible_recordings.pkl"
_PLUGIN: Final = "_crucible_record_plugin"
_WORD: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Recording:
    """Which test or benchmark node id reached which "module:qualname". The inputs themselves
    stay pickled for the sandboxed worker: Crucible never unpickles project objects."""

    coverage: dict[str, tuple[str, ...]]
    inputs_file: Path | None
    failure: str | None = None  # why the recorded run did not complete (then coverage is partial)


def benchmark_files(root: Path, benchmarks: str | None) -> list[str]:
    """pytest-benchmark files (`bench_*.py`, `test_*.py`), which must be named explicitly."""
    if benchmarks is None:
        return []
    return [p for p in iter_files(root, benchmarks) if p.rsplit("/", 1)[-1].startswith(("bench_", "test_")) and p.endswith(".py")]


def mentioning(root: Path, tests: str, targets: Sequence[tuple[str, str]]) -> list[str]:
    """The test files that name a target, or a function of its module that (directly or not)
    calls it, or its class: where its inputs come from. Recording only needs inputs, so a file
    this misses costs inputs, never a verdict's honesty; none found: the whole suite."""
    names: set[str] = set()
    for module, qualname in targets:
        names.add(qualname.split(".")[0])
        names.add(qualname.split(".")[-1])
        names |= _callers(root, module, qualname.split(".")[-1])
    if (root / tests).is_file():
        return []
    chosen = []
    for relative in iter_files(root, tests):
        name = relative.rsplit("/", 1)[-1]
        if not (name.startswith("test_") and name.endswith(".py") or name.endswith("_test.py")):
            continue
        try:
            words = set(_WORD.findall((root / relative).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            return []
        if words & names:
            chosen.append(relative)
    return chosen


def _callers(root: Path, module: str, name: str) -> set[str]:
    """Names of the functions and classes of `module` that reach `name` through others of it."""
    path = root / (module.replace(".", "/") + ".py")
    if not path.is_file():
        path = root / module.replace(".", "/") / "__init__.py"
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return set()
    uses = {node.name: {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} | {
                n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
            for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    reached, frontier = set(), {name}
    while frontier:
        frontier = {caller for caller, used in uses.items() if used & frontier and caller not in reached}
        reached |= frontier
    return reached


def record_inputs(ctx: GateContext, targets: Sequence[tuple[str, str]], destination: Path | None = None, *,
                  tests: bool = True) -> Recording:
    """Run the original's tests (unless `tests` is False) and benchmarks (each once) under the
    recorder."""
    workdir = copy_tree(ctx.variant.original_root, ctx.scratch / f"record-{len(list(ctx.scratch.iterdir()))}")
    shutil.copyfile(Path(__file__).with_name("_record_plugin.py"), workdir / f"{_PLUGIN}.py")
    out = workdir / "_crucible_recorded.pkl"
    b = ctx.budgets
    limits = SandboxLimits(b.test_seconds, b.test_cpu_seconds, b.memory_bytes, b.file_bytes, b.processes)
    suite = (mentioning(workdir, ctx.config.tests, targets) or [ctx.config.tests]) if tests else []
    argv = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "pytest_benchmark.plugin",
        "-p", _PLUGIN, "--benchmark-disable", "--rootdir", str(workdir), *suite,
        *benchmark_files(workdir, ctx.config.benchmarks),
    ]
    env = {
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        "CRUCIBLE_RECORD": json.dumps([f"{m}:{q}" for m, q in targets]), "CRUCIBLE_RECORD_OUT": str(out),
    }
    run = run_sandboxed(argv, workdir=workdir, limits=limits, isolation=ctx.isolation, env=env)
    coverage: dict[str, tuple[str, ...]] = {}
    coverage_file = out.with_name(out.name + ".json")
    failure = "timed out" if run.tool.timed_out else None if run.tool.returncode == 0 else f"exit {run.tool.returncode}"
    if coverage_file.is_file() and not coverage_file.is_symlink():
        raw = json.loads(coverage_file.read_text(encoding="utf-8"))
        coverage = {str(k): tuple(str(t) for t in v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    elif failure is None:
        failure = "the recorder wrote nothing"
    inputs_file = None
    if destination is not None and out.is_file() and not out.is_symlink():
        shutil.copyfile(out, destination)
        inputs_file = destination
    shutil.rmtree(workdir, ignore_errors=True)
    return Recording(coverage, inputs_file, failure)
