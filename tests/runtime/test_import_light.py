"""The runtime is embedded in agents: it must import and work with Crucible's heavy dependencies
(and the verifiers, which pull them) unavailable. Checked in a fresh interpreter where importing
any of them fails."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.runtime.agents import Lab, release_for

BLOCKED = ("libcst", "crosshair", "semgrep", "mypy", "rich", "z3", "verifiers", "pytest", "_pytest")

CHILD = '''
import importlib, json, sys
from pathlib import Path

BLOCKED = {blocked!r}


ALLOWED = {{"verifiers", "verifiers.rule"}}  # the admission rule itself: standard library only


def blocked(name):
    return name.split(".")[0] in BLOCKED and name not in ALLOWED


class Block:
    def find_spec(self, name, path=None, target=None):
        if blocked(name):
            raise ImportError(f"blocked in this test: {{name}}")
        return None


sys.meta_path.insert(0, Block())
for name in [n for n in sys.modules if blocked(n)]:
    del sys.modules[name]

import pipeline.runtime as rt

root, module, bundle, releases = sys.argv[1:5]
sys.path.insert(0, root)
runtime = rt.Runtime.start(rt.RuntimeConfig(root=Path(root), modules=(module,), entry_points=(module + ":f",),
                                            canary=rt.CanaryPolicy(share=1.0, min_calls=3, min_seconds=0.0, min_latency_pairs=3)))
rt.watch(runtime, Path(releases))
outcome = runtime.submit(Path(bundle).read_bytes(), origin="test")
f = importlib.import_module(module).f
answers = [f() for _ in range(3)]
runtime.close()
print(json.dumps({{
    "accepted": outcome.accepted, "answers": answers, "live": runtime.live,
    "events": [e["event"] for e in rt.read_changelog(runtime.changelog.path)],
    "loaded": sorted(n for n in sys.modules if blocked(n)),
    "rule": sorted(n for n in sys.modules if n in ALLOWED),
}}))
'''


def test_the_runtime_works_without_the_gate_dependencies(lab: Lab, tmp_path: Path) -> None:
    agent = lab.agent({"a": "def f() -> int:\n    return 1\n"})
    bundle = tmp_path / "bundle.json"
    bundle.write_bytes(release_for(agent, {"a": "def f() -> int:\n    return 2 - 1\n"}))
    child = subprocess.run(
        [sys.executable, "-c", CHILD.format(blocked=BLOCKED), str(agent.root), agent.module("a"), str(bundle),
         str(tmp_path / "releases")],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert child.returncode == 0, child.stderr
    result = json.loads(child.stdout)
    assert result["loaded"] == []
    assert result["rule"] == ["verifiers", "verifiers.rule"]  # the one admission rule, and nothing else of the gates
    assert (result["accepted"], result["answers"], result["live"]) == (True, [1, 1, 1], 1)
    assert result["events"] == ["start", "release-received", "switch", "canary-passed"]
