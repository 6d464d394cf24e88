"""Tiny agent projects for runtime tests: a uniquely named package in tmp_path, locked, importable,
and release bundles for it built the way `crucible release` builds them."""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.commands.runtime import build_bundle
from pipeline.config import load_config
from pipeline.gating import candidate_id
from pipeline.report.records import CandidateRecord, record_to_json
from pipeline.runtime import Runtime, RuntimeConfig, encode_release
from pipeline.runtime.bundle import source_hash
from tests.conftest import diff_for
from verifiers.base import GateResult, Outcome, SkipReason
from verifiers.kernel import load_kernel, write_lock
from verifiers.registry import GATE_NAMES

PASSED = tuple(GateResult(name, Outcome.PASS, "ok") for name in GATE_NAMES)

KERNEL = '''"""Protected by specs/kernel.toml."""
LIMIT = 10


def clamp(value: int) -> int:
    return min(value, LIMIT)
'''


@dataclass(frozen=True)
class Agent:
    root: Path
    package: str
    digest: str

    def module(self, name: str) -> str:
        return f"{self.package}.{name}"

    def path(self, name: str) -> str:
        return f"{self.package}/{name}.py"

    def source(self, name: str) -> str:
        return (self.root / self.path(name)).read_text(encoding="utf-8")


def make_agent(tmp_path: Path, modules: Mapping[str, str]) -> Agent:
    """`modules`: name -> source, with `PKG` standing for the package's (unique) name."""
    package = f"rtagent_{uuid.uuid4().hex[:10]}"
    root = tmp_path / "agent"
    (root / package).mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "specs").mkdir()
    (root / "pyproject.toml").write_text(f'[tool.crucible]\nsource = ["{package}"]\n')
    (root / "tests" / "test_nothing.py").write_text("def test_nothing() -> None:\n    pass\n")
    (root / "specs" / "kernel.toml").write_text(f'protected = ["{package}/kern.py"]\nforbidden_imports = []\n')
    (root / package / "__init__.py").write_text("")
    (root / package / "kern.py").write_text(KERNEL)
    for name, text in modules.items():
        (root / package / f"{name}.py").write_text(text.replace("PKG", package))
    config = load_config(root)
    digest = write_lock(config, load_kernel(config)).value
    return Agent(root, package, digest)


class Lab:
    """Agents and runtimes made by one test, undone afterwards (modules restored and forgotten)."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.agents: list[Agent] = []
        self.runtimes: list[Runtime] = []

    def agent(self, modules: Mapping[str, str]) -> Agent:
        agent = make_agent(self.tmp_path / f"agent{len(self.agents)}", modules)
        sys.path.insert(0, str(agent.root))
        self.agents.append(agent)
        return agent

    def start(self, agent: Agent, modules: tuple[str, ...], **options: Any) -> Runtime:
        options.setdefault("changelog", agent.root / ".crucible" / "changelog.jsonl")
        runtime = Runtime.start(RuntimeConfig(root=agent.root, modules=tuple(agent.module(m) for m in modules), **options))
        self.runtimes.append(runtime)
        return runtime

    def close(self) -> None:
        for runtime in self.runtimes:
            runtime.close(restore=True)
        for agent in self.agents:
            sys.path.remove(str(agent.root))
            for name in [n for n in sys.modules if n == agent.package or n.startswith(agent.package + ".")]:
                del sys.modules[name]


def record_for(agent: Agent, edits: Mapping[str, str], **changes: Any) -> CandidateRecord:
    """An admitted verdict record for `edits` (module name or project path -> new source)."""
    paths = {(name if "/" in name else agent.path(name)): text.replace("PKG", agent.package)
             for name, text in edits.items()}
    diff = diff_for(agent.root, paths)
    record = CandidateRecord(
        id=candidate_id(diff), parent=None, proposer="test", edits=(), diff=diff, gates=PASSED, admitted=True,
        summary="every gate passed", speedup=None, project=str(agent.root), kernel_digest=agent.digest,
        created=datetime.now(UTC).isoformat(timespec="seconds"), seconds=0.0,
    )
    return replace(record, **changes)


def release_for(agent: Agent, edits: Mapping[str, str], **changes: Any) -> bytes:
    """The bundle `crucible release` would make of an admitted record for `edits`."""
    return build_bundle(record_for(agent, edits, **changes), agent.root, agent.root / "report", "tester")[1]


def forged_release(agent: Agent, record: CandidateRecord, files: Mapping[str, str]) -> bytes:
    """A bundle with any verdict and any sources, correctly self-hashed (what an attacker with
    write access to the watched directory could drop)."""
    base = {p: source_hash((agent.root / p).read_text()) for p in _python_files(agent)}
    return encode_release(verdict_json=record_to_json(record), created=datetime.now(UTC).isoformat(),
                          publisher="forger", report="", base=base, files=files)[1]


def _python_files(agent: Agent) -> list[str]:
    return [p.relative_to(agent.root).as_posix() for p in sorted((agent.root / agent.package).glob("*.py"))]


def skipped_benchmarks() -> tuple[GateResult, ...]:
    return PASSED[:-1] + (GateResult("benchmarks", Outcome.SKIPPED, "none", skip_reason=SkipReason.NOT_CONFIGURED),)


def events(runtime: Runtime, kind: str | None = None) -> list[dict[str, object]]:
    lines = [json.loads(line) for line in runtime.changelog.path.read_text().splitlines()]
    return [line for line in lines if kind is None or line["event"] == kind]
