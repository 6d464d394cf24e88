"""`crucible init` on an unconfigured project: the config, kernel spec and contract stubs it writes
load as Crucible reads them, the stubs promise nothing until filled in, and nothing is overwritten."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.config import load_config
from tests.support import crucible, snapshot
from verifiers.kernel import load_kernel
from verifiers.specs import load_specs

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    """The tool-planner agent without any of Crucible's files."""
    root = tmp_path / "agent"
    shutil.copytree(CORPUS / "tool-planner", root)
    shutil.rmtree(root / "specs")
    (root / "crucible.lock").unlink()
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    start = text.index("[tool.crucible]")
    end = text.index("\n[", start + 1)
    pyproject.write_text(text[:start] + text[end + 1:])
    return root


def test_init_writes_a_configuration_crucible_can_load_and_lock(bare: Path) -> None:
    run = crucible("init", "--project", str(bare))
    assert run.code == 0, run.stderr
    assert "crucible kernel lock --project" in run.stdout
    config = load_config(bare)
    assert (config.source, config.tests, config.specs, config.benchmarks) == (("planner",), "tests", "specs", "benchmarks")
    kernel = load_kernel(config)
    assert kernel.protected_symbols == () and "subprocess" in kernel.forbidden_imports
    stub = (bare / "specs" / "planner" / "graph.py").read_text()
    assert "def count_paths(succ: dict[int, list[int]], src: int, dst: int) -> int:" in stub and "pre:" in stub
    assert load_specs(bare, config) == {}  # empty conditions promise nothing: no function is held to them yet
    assert crucible("kernel", "lock", "--project", str(bare)).code == 0


def test_a_filled_in_stub_becomes_a_contract(bare: Path) -> None:
    assert crucible("init", "--project", str(bare)).code == 0
    stub = bare / "specs" / "planner" / "graph.py"
    stub.write_text(stub.read_text().replace(
        "def count_paths(succ: dict[int, list[int]], src: int, dst: int) -> int:\n    \"\"\"\n    pre:\n    post:",
        "def count_paths(succ: dict[int, list[int]], src: int, dst: int) -> int:\n    \"\"\"\n    pre:\n    post: __return__ >= 0"))
    specs = load_specs(bare, load_config(bare))
    assert [c.qualname for c in specs["planner.graph"].contracts] == ["count_paths"]


def test_init_refuses_a_configured_project_and_writes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "agent"
    shutil.copytree(CORPUS / "tool-planner", root)
    before = snapshot(root)
    run = crucible("init", "--project", str(root))
    assert run.code == 2 and "already has [tool.crucible]" in run.stderr
    assert snapshot(root) == before


def test_init_needs_tests(bare: Path) -> None:
    shutil.rmtree(bare / "tests")
    run = crucible("init", "--project", str(bare))
    assert run.code == 2 and "no tests/ or test/ directory" in run.stderr


def test_init_finds_tests_inside_the_package_and_writes_no_contracts_for_them(bare: Path) -> None:
    """A library layout (`toolz/tests`, `toolz/sandbox/tests`): the larger suite is taken, the other
    named as left out, and no contract stub is written for a test module."""
    shutil.move(bare / "tests", bare / "planner" / "tests")
    (bare / "planner" / "extra" / "tests").mkdir(parents=True)
    (bare / "planner" / "extra" / "__init__.py").write_text("")
    (bare / "planner" / "extra" / "tests" / "test_more.py").write_text("def test_nothing() -> None:\n    pass\n")
    run = crucible("init", "--project", str(bare))
    assert run.code == 0, run.stderr
    assert load_config(bare).tests == "planner/tests"
    assert "not in the suite Crucible runs (tests names one directory): planner/extra/tests" in run.stdout
    assert not list((bare / "specs").rglob("test_*.py"))
